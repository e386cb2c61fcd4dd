"""`archiver serve`: Datasette on the archive, read-only, with the shipped configuration,
checked through its JSON API against a real server process on a free loopback port."""

from __future__ import annotations

import hashlib
import json
import socket
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.serve import datasette_metadata, datasette_settings
from archiver.store.bodies import decompress

from .sample_archive import COPY_TITLE, TITLES, build_archive, free_port, get, get_json, running_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    db = folder / "my-archive.db"  # not "archive.db": the server mounts it as "archive" whatever its name
    expected = build_archive(db)
    with running_server(db, folder / "serve.log") as base:
        yield base, expected, db


def rows(base: str, path: str, **params) -> list[dict]:
    query = urllib.parse.urlencode({**params, "_shape": "array"}, doseq=True)
    return get_json(f"{base}/archive/{path}.json?{query}")


def test_full_text_search_returns_the_sample_articles_newest_first(server):
    base, expected, _ = server
    found = rows(base, "article_list", _search="Raqqa")
    assert {r["title"] for r in found} == set(TITLES) | {COPY_TITLE}
    assert [r["published"] for r in found] == sorted((r["published"] for r in found), reverse=True)
    assert "text" not in found[0]  # the browse view keeps large columns out
    phrase = rows(base, "article_list", _search='"Tabqa Airbase"', _searchmode="raw")
    assert [r["title"] for r in phrase] == [TITLES[0]]
    # the articles table itself is searchable through the same index
    assert {r["id"] for r in rows(base, "articles", _search="Khanasser")} == {expected["ids"]["1797706"], expected["ids"]["1051069089"]}


def test_facets_by_site_year_month_and_duplicate_status(server):
    base, _, _ = server
    data = get_json(f"{base}/archive/article_list.json?_search=Raqqa")
    facets = {name: {r["value"]: r["count"] for r in f["results"]} for name, f in data["facet_results"].items()}
    assert facets["site"] == {"alalam": 3, "globalresearch": 2, "sputnik": 1}
    assert facets["published_year"] == {"2016": 4, "2017": 2}
    assert facets["published_month"] == {"2016-03": 2, "2016-06": 2, "2017-02": 1, "2017-06": 1}
    assert facets["duplicate_status"] == {"original": 5, "duplicate": 1}
    assert facets["section"]["Syria"] == 3
    everything = get_json(f"{base}/archive/article_list.json")
    assert {r["value"]: r["count"] for r in everything["facet_results"]["site"]["results"]} == {
        "alalam": 3, "globalresearch": 2, "sputnik": 1, "generic": 1}


def test_canned_queries(server):
    base, expected, _ = server
    stories = rows(base, "stories_on_several_sites")
    assert [(s["story"], s["copies"], s["sites"], s["first_site"], s["first_published"]) for s in stories] == [
        (expected["original"], 2, 2, "alalam", "2016-06-05T16:35:12+00:00")]

    listed = rows(base, "most_listed_related")
    assert (listed[0]["title"], listed[0]["listed_in"], listed[0]["archived_article"]) == (TITLES[0], 2, expected["ids"]["1797706"])
    assert [r["listed_in"] for r in listed[1:]] == [1, 1, 1]

    per_month = {(r["site"], r["month"]): (r["articles"], r["duplicates"]) for r in rows(base, "articles_per_site_per_month")}
    assert per_month == {("alalam", "2016-03"): (2, 0), ("alalam", "2016-06"): (1, 0), ("globalresearch", "2016-06"): (1, 1),
                         ("sputnik", "2017-02"): (1, 0), ("globalresearch", "2017-06"): (1, 0), ("generic", "2018-01"): (1, 0)}

    sputnik = expected["ids"]["1051069089"]
    parts = [(r["part"], r["position"], r["title"]) for r in rows(base, "article_with_related", id=sputnik)]
    assert parts == [("article", 0, TITLES[4]), ("related", 1, "Syrian Army Wins Back Strategic Region in Homs"),
                     ("tag", 1, "Aleppo-Raqqa border"), ("tag", 2, "Daesh"), ("tag", 3, "Syria")]

    edited = [(r["id"], r["versions"], r["last_changed"]) for r in rows(base, "recently_edited")]
    assert edited == [(expected["ids"]["hostile"], 2, "2024-01-11T00:00:00+00:00")]

    runs = {r["site"]: (r["status"], r["failed"]) for r in rows(base, "crawl_last_runs")}
    assert runs == {"alalam": ("ok", 0), "sputnik": ("partial", 3)}
    failures = [(r["site"], r["reason"], r["failures"], r["in_last_run"]) for r in rows(base, "crawl_failures")]
    assert failures == [("sputnik", "HTTP 404", 2, 2), ("sputnik", "timeout", 1, 1)]


def test_titles_descriptions_and_settings_are_applied(server):
    base, _, _ = server
    meta = get_json(f"{base}/-/metadata.json")
    tables = meta["databases"]["archive"]["tables"]
    assert tables["articles"]["columns"]["duplicate_of"]
    assert get_json(f"{base}/-/settings.json")["truncate_cells_html"] == datasette_settings()["truncate_cells_html"]
    queries = {q["name"] for q in get_json(f"{base}/archive.json")["queries"]}
    assert queries == set(datasette_metadata()["databases"]["archive"]["queries"])


def test_server_refuses_writes(server):
    base, _, db = server
    before = sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0]
    for sql in ("DELETE FROM articles", "UPDATE articles SET title = 'x'", "DROP TABLE articles",
                "INSERT INTO tags (name) VALUES ('x')"):
        status, _, body = get(f"{base}/archive.json?" + urllib.parse.urlencode({"sql": sql}))
        assert status == 400, (sql, body[:200])
    post = urllib.request.Request(f"{base}/archive/articles/-/insert", data=json.dumps({"row": {"title": "x"}}).encode(),
                                  headers={"content-type": "application/json"}, method="POST")
    try:
        status = urllib.request.urlopen(post, timeout=10).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    assert status >= 400
    status, _, _ = get(f"{base}/archive.db")  # no whole-database download either
    assert status == 403
    assert sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0] == before


def test_archived_markup_is_never_live(server):
    base, expected, _ = server
    status, _, page = get(f"{base}/archive/articles/{expected['ids']['hostile']}")
    assert status == 200
    assert b"<script>document.title" not in page and b"&lt;script&gt;document.title" in page
    sha = rows(base, "raw_pages", _sort="sha256")[0]["sha256"]
    status, headers, body = get(f"{base}/archive/raw_pages/{sha}.blob?_blob_column=content")
    assert status == 200 and "html" not in headers["content-type"]
    listing = get(f"{base}/archive/raw_pages")[2]
    assert b"<script>alert" not in listing


def test_serve_rejects_a_missing_database(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "nope.db"), "serve"])
    assert result.exit_code == 1
    assert "does not exist" in result.output and "Traceback" not in result.output


def test_crawler_writes_show_up_while_serving(server, tmp_path):
    base, _, db = server
    with sqlite3.connect(db) as conn:  # a crawl writing through WAL while we serve
        conn.execute("INSERT INTO crawl_runs (site, started, status, fetched, new, updated, unchanged, duplicate, failed, errors) "
                     "VALUES ('globalresearch', '2030-01-01T00:00:00+00:00', 'ok', 1, 1, 0, 0, 0, 0, '{}')")
    runs = {r["site"]: r["status"] for r in rows(base, "crawl_last_runs")}
    assert runs["globalresearch"] == "ok"
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM crawl_runs WHERE site = 'globalresearch'")


def test_only_the_archive_is_listed_and_article_list_shows_excerpt_and_copies(server):
    base, expected, _ = server
    assert [d["name"] for d in get_json(f"{base}/-/databases.json")] == ["archive"]  # no empty _memory
    listed = {r["id"]: r for r in rows(base, "article_list", _search="Raqqa")}
    original = listed[expected["ids"]["1825428"]]
    assert original["copies"] == 2 and listed[expected["ids"]["copy"]]["copies"] == 2
    assert listed[expected["ids"]["1797706"]]["copies"] == 1
    assert original["excerpt"] and "\n" not in original["excerpt"] and len(original["excerpt"]) <= 240


def test_an_article_page_reads_as_an_article(server):
    base, expected, _ = server
    original, copy = expected["ids"]["1825428"], expected["ids"]["copy"]
    status, _, page = get(f"{base}/archive/articles/{original}")
    html = page.decode("utf-8")
    assert status == 200 and f"<h1" in html and TITLES[2] in html
    assert "2016-06-05 16:35 UTC" in html  # the publication moment, not a raw ISO string
    assert html.count("<p>") >= 3  # the text as paragraphs
    assert f'/archive/articles/{copy}"' in html and COPY_TITLE in html  # its copy on another site
    assert f"captures?article_id={original}" in html
    hostile = get(f"{base}/archive/articles/{expected['ids']['hostile']}")[2]
    assert b"<script>document.title" not in hostile and b"&lt;script&gt;document.title" in hostile


def test_shown_dates_keep_their_precision():
    from archiver.datasette_plugin import shown_date

    assert shown_date("2016-06-05T16:35:12+00:00") == "2016-06-05 16:35 UTC"
    assert shown_date("2016-06-05T00:00:00+00:00") == "2016-06-05"
    assert shown_date("2016-06-05") == "2016-06-05" and shown_date(None) is None
    # the page's own zone beside UTC, where it differs: the day its readers saw
    assert shown_date("2020-04-28T22:30:00+00:00", "2020-04-29T00:30:00+02:00") == \
        "2020-04-28 22:30 UTC (2020-04-29 00:30 +02:00 on the page)"
    assert shown_date("2020-04-28T22:30:00+00:00", "2020-04-28T22:30:00+00:00") == "2020-04-28 22:30 UTC"
    assert shown_date("2020-04-28T22:30:00+00:00", "not a moment") == "2020-04-28 22:30 UTC"


def test_raw_bodies_download_as_the_original_bytes(server):
    base, _, db = server
    sha, content, compression = sqlite3.connect(db).execute(
        "SELECT sha256, content, compression FROM raw_pages ORDER BY sha256 LIMIT 1").fetchone()
    status, headers, body = get(f"{base}/-/archiver/archive/raw/{sha}")
    assert status == 200 and body == decompress(content, compression) and hashlib.sha256(body).hexdigest() == sha
    assert headers["content-type"] == "application/octet-stream" and "attachment" in headers["content-disposition"]
    assert get(f"{base}/-/archiver/archive/raw/{'0' * 64}")[0] == 404
    assert f"/-/archiver/archive/raw/{sha}".encode() in get(f"{base}/archive/raw_pages")[2]


def test_clusters_show_the_story_title_linked_to_its_article(server):
    base, expected, _ = server
    page = get(f"{base}/archive/clusters?copies__gt=1")[2].decode("utf-8")
    original = expected["ids"]["1825428"]
    assert f'/archive/articles/{original}">{TITLES[2]}</a>' in page


def test_the_start_page_leads_to_search(server):
    base, _, _ = server
    assert b'href="/archive/article_list"' in get(f"{base}/")[2]


def test_failures_tell_the_last_run_from_older_ones(server, tmp_path):
    _, _, db = server
    copy = tmp_path / "copy.db"
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
        # an older sputnik run that failed for a reason the last run no longer meets
        target.execute("INSERT INTO crawl_runs (id, site, started, status) VALUES (0, 'sputnik', '2000-01-01', 'failed')")
        target.execute("INSERT INTO captures (url, site, fetched_at, kind, error, run_id) "
                       "VALUES ('https://sputnik.example/old', 'sputnik', '2000-01-01', 'failed', 'HTTP 500', 0)")
        sql = datasette_metadata()["databases"]["archive"]["queries"]["crawl_failures"]["sql"]
        found = {(r[0], r[1]): (r[2], r[3]) for r in target.execute(sql)}
    assert found[("sputnik", "HTTP 500")] == (1, 0) and found[("sputnik", "HTTP 404")] == (2, 2)


def serve_log(db) -> str:
    return (db.parent / "serve.log").read_text(encoding="utf-8", errors="replace")


def test_client_errors_are_4xx_answers_and_one_log_line_each(server):
    base, _, db = server
    before = serve_log(db).count("\n")
    assert get(f"{base}/archive/article_list?_sort=nope")[0] == 400
    status, _, body = get(f"{base}/archive/articles.json?_sort=nope")
    assert status == 400 and json.loads(body)["error"] == "Cannot sort table by nope"
    assert get(f"{base}/archive/no_such_table")[0] == 404
    insert = urllib.request.Request(f"{base}/archive/articles/-/insert", data=json.dumps({"row": {"title": "x"}}).encode(),
                                    headers={"content-type": "application/json"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(insert, timeout=10)
    assert refused.value.code == 405 and refused.value.headers["allow"] == "GET, HEAD"
    logged = serve_log(db).splitlines()[before:]
    assert "Traceback" not in "\n".join(logged) and "locals" not in "\n".join(logged)
    assert len(logged) == 4, logged
    assert any("400 GET /archive/article_list" in line and "Cannot sort table by nope" in line for line in logged)
    assert any("405 POST /archive/articles/-/insert" in line for line in logged)


def run_serve(db, *args: str) -> subprocess.CompletedProcess:
    """`archiver serve` that is expected to stop by itself; a timeout means it served."""
    return subprocess.run([sys.executable, "-m", "archiver.cli", "--db", str(db), "serve", *args],
                          capture_output=True, text=True, timeout=60)


def test_an_address_that_cannot_be_served_is_one_error_line(server):
    _, _, db = server
    bad_host = run_serve(db, "--host", "256.1.1.1", "--port", str(free_port()))
    assert bad_host.returncode == 2 and "Serving" not in bad_host.stdout
    assert bad_host.stderr.strip().count("\n") == 0 and "256.1.1.1" in bad_host.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = run_serve(db, "--port", str(port))
    assert busy.returncode == 1 and "Serving" not in busy.stdout
    assert busy.stderr.strip().count("\n") == 0 and f"port {port}" in busy.stderr and "in use" in busy.stderr


SLOW_SQL = "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"


def test_arbitrary_sql_is_off_on_a_network_address_unless_asked(server, tmp_path):
    _, _, db = server
    with running_server(db, tmp_path / "open.log", "--host", "0.0.0.0") as base:
        status, _, _ = get(f"{base}/archive.json?" + urllib.parse.urlencode({"sql": SLOW_SQL}), timeout=3)
        assert status == 403
        assert get(f"{base}/archive/article_list.json?_search=Raqqa")[0] == 200
        assert get(f"{base}/archive/stories_on_several_sites.json")[0] == 200  # canned queries stay
    said = (tmp_path / "open.log").read_text()
    assert "Arbitrary SQL is off on 0.0.0.0" in said and "--allow-sql" in said
    with running_server(db, tmp_path / "asked.log", "--host", "0.0.0.0", "--allow-sql") as base:
        assert get(f"{base}/archive.json?sql=select+1")[0] == 200
    assert "Arbitrary SQL is off" not in (tmp_path / "asked.log").read_text()


def test_error_status_of_datasette_exceptions():
    from datasette.utils.asgi import NotFound
    from datasette.views.base import DatasetteError

    from archiver.serve import error_status

    assert error_status(NotFound("x")) == 404
    assert error_status(DatasetteError("Cannot sort table by nope")) == 400
    assert error_status(DatasetteError("bad", status=400)) == 400
    try:
        try:
            raise sqlite3.OperationalError("disk I/O error")
        except sqlite3.OperationalError as exc:
            raise DatasetteError(str(exc)) from exc
    except DatasetteError as wrapped:
        assert error_status(wrapped) == 500
    assert error_status(RuntimeError("bug")) == 500


def test_cluster_copies_link_to_the_list_of_members(server):
    base, expected, _ = server
    page = get(f"{base}/archive/clusters?copies__gt=1")[2].decode("utf-8")
    members = f"id__in={expected['original']}%2C{expected['copy']}"
    assert f'/archive/article_list?{members}&amp;_sort=published">2</a>' in page
    listed = rows(base, "article_list", id__in=f"{expected['original']},{expected['copy']}", _sort="published")
    assert [r["title"] for r in listed] == [TITLES[2], COPY_TITLE]


def test_day_only_dates_show_as_days_in_table_pages(server):
    base, _, _ = server
    page = get(f"{base}/archive/article_list?site=globalresearch")[2].decode("utf-8")
    assert '<span title="2017-06-10T00:00:00+00:00">2017-06-10</span>' in page  # a day alone, as the site gave it
    assert '<span title="2016-06-07T09:00:00+00:00">2016-06-07 09:00 UTC</span>' in page
    assert "2017-06-10T00:00:00+00:00</td>" not in page
    assert rows(base, "article_list", site="globalresearch", _sort="id")[0]["published"].endswith("+00:00")  # data unchanged
