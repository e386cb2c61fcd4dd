"""`archiver import-warc`: WARC records (archiver's own and other tools') through the adapters."""

from __future__ import annotations

import gzip
import io
import sqlite3

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver.cli import cli
from archiver.config import Config
from archiver.ingest import import_warc
from archiver.store import Store

from .conftest import CASSETTES

BODIES = CASSETTES / "alalam" / "bodies"
JUN05 = "https://en.alalam.ir/news/1825441"  # Syrian Army Troops, NDF Continue to Advance ... (5 Jun 2016)
MAR20 = "https://en.alalam.ir/news/1800705"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def run(*args, db):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def response(writer, url, body, date, headers=(("Content-Type", "text/html; charset=utf-8"),), status="200 OK"):
    http = StatusAndHeaders(status, list(headers), protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                       warc_headers_dict={"WARC-Date": date})
    writer.write_record(record)
    return record


def chunked(data: bytes) -> bytes:
    half = len(data) // 2
    return b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (data[:half], data[half:])) + b"0\r\n\r\n"


def other_tool_warc(path, gzipped: bool):
    """What a crawler like wget or Heritrix writes: a request before each response, the wire
    form of the body (gzip + chunked), a revisit for an unchanged re-fetch, an image."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        request = StatusAndHeaders("GET /news/1825441 HTTP/1.1", [("Host", "en.alalam.ir")], is_http_request=True)
        writer.write_record(writer.create_warc_record(JUN05, "request", payload=io.BytesIO(b""), http_headers=request,
                                                     warc_headers_dict={"WARC-Date": "2016-06-06T06:00:04Z"}))
        first = response(writer, JUN05, (BODIES / "news-1825441.html").read_bytes(), "2016-06-06T06:00:04Z")
        wire = chunked(gzip.compress((BODIES / "news-1800705.html").read_bytes()))
        response(writer, MAR20, wire, "2016-03-21T08:30:00.123Z",
                 headers=(("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                          ("Transfer-Encoding", "chunked")))
        response(writer, "https://media.alalam.ir/logo.png", PNG, "2016-06-06T06:00:05Z",
                 headers=(("Content-Type", "image/png"),))
        revisit = writer.create_revisit_record(
            JUN05, digest=first.rec_headers.get_header("WARC-Payload-Digest"), refers_to_uri=JUN05,
            refers_to_date="2016-06-06T06:00:04Z",
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"))
        revisit.rec_headers.replace_header("WARC-Date", "2016-06-09T10:00:00Z")
        writer.write_record(revisit)
    return path


def counts(db) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("articles", "raw_pages", "captures", "related_items", "article_related", "crawl_runs")}
    finally:
        conn.close()


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_records_of_another_tool_become_articles_on_their_own_dates(tmp_path, db_path, gzipped):
    warc = other_tool_warc(tmp_path / ("other.warc.gz" if gzipped else "other.warc"), gzipped)
    with Store(db_path) as store:
        result = import_warc(store, Config(), [warc])
        # The image host is not the adapter's: the generic one records it (not downloaded, not parsed).
        assert [(r.site, r.status, r.counts["fetched"], r.counts["new"], r.counts["unchanged"]) for r in result.reports] == [
            ("alalam", "ok", 3, 2, 1), ("generic", "ok", 1, 0, 0)]
        assert result.skipped == {"warcinfo record": 1, "request record": 1}

        jun05 = store.article(store.find_article(JUN05))
        assert jun05["title"] == "Syrian Army Troops, NDF Continue to Advance against ISIS in Raqqa Province"
        assert jun05["published"] == "2016-06-05T16:35:12+00:00"
        # The revisit is a second capture of the same bytes, three days later.
        assert [c["fetched_at"] for c in jun05["captures"]] == ["2016-06-06T06:00:04+00:00", "2016-06-09T10:00:00+00:00"]
        assert len({c["sha256"] for c in jun05["captures"]}) == 1
        assert (jun05["first_seen"], jun05["last_seen"]) == ("2016-06-06T06:00:04+00:00", "2016-06-09T10:00:00+00:00")
        assert len(jun05["related"]) == 10 and all(r["title"] for r in jun05["related"])

        # gzip + chunked on the wire: the decoded page is what was parsed and stored.
        mar20 = store.article(store.find_article(MAR20))
        assert mar20["title"] == "Syrian Army Troops Take Key Areas from ISIS in Latakia, Kill Militants in Raqqa"
        assert mar20["published"] == "2016-03-20T18:00:46+00:00"
        assert mar20["first_seen"] == "2016-03-21T08:30:00+00:00"
        assert store.raw_body(mar20["captures"][0]["sha256"]) == (BODIES / "news-1800705.html").read_bytes()
        assert "content-encoding" not in store.page_from_capture(
            store.latest_capture(MAR20)).headers

    conn = sqlite3.connect(db_path)
    image = conn.execute("SELECT site, kind, sha256, error FROM captures WHERE url LIKE '%logo.png'").fetchall()
    assert image == [("generic", "skipped", None, "not HTML: image/png")]
    assert conn.execute("SELECT count(*) FROM raw_pages").fetchone()[0] == 2
    runs = conn.execute("SELECT site, status, fetched, new FROM crawl_runs ORDER BY site").fetchall()
    assert runs == [("alalam", "ok", 3, 2), ("generic", "ok", 1, 0)]


def test_importing_the_same_warc_twice_adds_nothing_but_a_run(tmp_path, db_path):
    warc = other_tool_warc(tmp_path / "other.warc.gz", gzipped=True)
    assert run("import-warc", str(warc), db=db_path).exit_code == 0
    before = counts(db_path)
    result = run("import-warc", str(warc), db=db_path)
    assert result.exit_code == 0, result.output
    after = counts(db_path)
    assert after == {**before, "crawl_runs": before["crawl_runs"] + 2}
    assert "already in the archive 4" in result.output


def test_an_older_capture_imported_later_moves_first_seen_back_but_keeps_the_newer_text(tmp_path, db_path):
    body = (BODIES / "news-1825441.html").read_bytes()
    edited = body.replace(b"Raqqa Province - Alalam", b"Raqqa Province (updated) - Alalam").replace(b"Raqqa Province<", b"Raqqa Province (updated)<")
    for name, data, date in (("new.warc", edited, "2017-01-10T00:00:00Z"), ("old.warc", body, "2016-06-06T06:00:04Z")):
        with open(tmp_path / name, "wb") as out:
            response(WARCWriter(out, gzip=False), JUN05, data, date)
    with Store(db_path) as store:
        import_warc(store, Config(), [tmp_path / "new.warc", tmp_path / "old.warc"])
        article = store.article(store.find_article(JUN05))
    assert (article["first_seen"], article["last_seen"]) == ("2016-06-06T06:00:04+00:00", "2017-01-10T00:00:00+00:00")
    assert article["title"].endswith("(updated)")
    assert len(article["captures"]) == 2


def test_a_file_that_is_not_a_warc_is_a_clear_usage_error(tmp_path, db_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("just some text\n")
    result = run("import-warc", str(bogus), db=db_path)
    assert result.exit_code == 2
    assert "is not a readable WARC file" in result.output and "Traceback" not in result.output


def _articles(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT site, key, title, text, published FROM articles ORDER BY site, key").fetchall()
    finally:
        conn.close()


def _related(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT a.site, a.key, r.position, i.key, i.url, i.title, i.image, i.kind, i.published, "
            "(SELECT key FROM articles WHERE id = i.article_id) FROM article_related r JOIN articles a ON a.id = r.article_id "
            "JOIN related_items i ON i.id = r.related_id ORDER BY a.site, a.key, r.position"
        ).fetchall()
    finally:
        conn.close()


def test_export_then_import_into_an_empty_archive_rebuilds_the_same_articles(tmp_path):
    a, b, warc = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "a.warc.gz"
    assert run("crawl", "--replay", str(CASSETTES), "alalam", db=a).exit_code == 0
    assert run("export", "--format", "warc", str(warc), db=a).exit_code == 0
    result = run("import-warc", str(warc), db=b)
    assert result.exit_code == 0, result.output

    articles = _articles(a)
    assert len(articles) == 14
    assert _articles(b) == articles
    related = _related(a)
    assert len(related) > 100
    assert _related(b) == related
    conn_a, conn_b = sqlite3.connect(a), sqlite3.connect(b)
    seen = "SELECT key, first_seen, last_seen FROM articles ORDER BY key"
    assert conn_b.execute(seen).fetchall() == conn_a.execute(seen).fetchall()
    bodies = "SELECT sha256 FROM raw_pages ORDER BY sha256"
    assert conn_b.execute(bodies).fetchall() == conn_a.execute(bodies).fetchall()


# -- robustness ----------------------------------------------------------------------------
def _one_record_warc(path, records):
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, body, date, headers in records:
            response(writer, url, body, date, headers=headers)
    return path


HTML = (("Content-Type", "text/html; charset=utf-8"),)


def test_a_gzip_bomb_record_is_refused_while_decompressing_and_the_rest_imported(tmp_path, db_path):
    import tracemalloc
    import zlib

    expanded = 200_000_000
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = b"".join(packer.compress(bytes(1_000_000)) for _ in range(expanded // 1_000_000)) + packer.flush()
    assert len(bomb) < 250_000
    warc = _one_record_warc(tmp_path / "bomb.warc.gz", [
        ("https://en.alalam.ir/news/1", bomb, "2016-06-06T06:00:00Z", HTML + (("Content-Encoding", "gzip"),)),
        (JUN05, (BODIES / "news-1825441.html").read_bytes(), "2016-06-06T06:00:04Z", HTML),
    ])
    tracemalloc.start()
    try:
        with Store(db_path) as store:
            result = import_warc(store, Config(), [warc], workers=0)
            assert store.find_article(JUN05)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Read up to max_body_bytes (10 MB) in warcio's bounded steps, never the whole 200 MB.
    assert peak < expanded / 4
    (report,) = result.reports
    assert report.counts["new"] == 1 and report.counts["failed"] == 1
    assert report.errors == {"body too large": 1}


def test_a_truncated_record_is_refused_and_a_later_complete_copy_is_imported(tmp_path, db_path):
    bodies = [(BODIES / name).read_bytes() for name in ("news-1825441.html", "news-1800705.html")]
    whole = _one_record_warc(tmp_path / "whole.warc.gz", [
        (JUN05, bodies[0], "2016-06-06T06:00:04Z", HTML), (MAR20, bodies[1], "2016-03-21T08:30:00Z", HTML)])
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[:len(data) - 2000])  # the second record's body cut short

    result = run("import-warc", str(cut), db=db_path)
    assert result.exit_code == 0, result.output
    with Store(db_path) as store:
        assert store.find_article(JUN05) and store.find_article(MAR20) is None
        (report,) = import_warc(store, Config(), [whole], workers=0).reports
        assert report.counts["new"] == 1  # the complete copy; the first record is already in
        mar20 = store.article(store.find_article(MAR20))
        assert store.raw_body(mar20["captures"][0]["sha256"]) == bodies[1]
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT error FROM captures WHERE url = ? AND kind = 'failed'", [MAR20]).fetchone()[0].startswith(
        "truncated record")


def test_a_record_with_an_invalid_warc_date_is_skipped_with_its_reason(tmp_path, db_path):
    warc = _one_record_warc(tmp_path / "dates.warc.gz", [
        (MAR20, (BODIES / "news-1800705.html").read_bytes(), "the day before yesterday", HTML),
        (JUN05, (BODIES / "news-1825441.html").read_bytes(), "2016-06-06T06:00:04Z", HTML),
    ])
    result = run("import-warc", str(warc), db=db_path)
    assert result.exit_code == 0, result.output
    assert "record with an invalid WARC-Date or status line 1" in result.output
    assert [row[1] for row in _articles(db_path)] == ["1825441"]


def test_a_record_whose_url_urllib_refuses_is_skipped_with_its_reason(tmp_path, db_path):
    # a bracket left open in the host: every later step (normalising, joining links) would raise
    warc = _one_record_warc(tmp_path / "urls.warc.gz", [
        ("http://en.alalam.ir]/news/1800705", (BODIES / "news-1800705.html").read_bytes(), "2016-03-20T06:00:04Z", HTML),
        (JUN05, (BODIES / "news-1825441.html").read_bytes(), "2016-06-06T06:00:04Z", HTML),
    ])
    result = run("import-warc", str(warc), db=db_path)
    assert result.exit_code == 0, result.output
    assert "response record with a malformed URL 1" in result.output
    assert [row[1] for row in _articles(db_path)] == ["1825441"]


def _revisit_warc(path, refers_to_date, digest):
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        revisit = writer.create_revisit_record(
            JUN05, digest=digest, refers_to_uri=JUN05, refers_to_date=refers_to_date or "",
            http_headers=StatusAndHeaders("200 OK", list(HTML), protocol="HTTP/1.1"))
        revisit.rec_headers.replace_header("WARC-Date", "2016-06-09T10:00:00Z")
        if not refers_to_date:  # wget --warc-dedup names the date; other tools only the digest
            revisit.rec_headers.remove_header("WARC-Refers-To-Date")
        writer.write_record(revisit)
    return path


@pytest.mark.parametrize("refers_to_date", ["2016-06-06T06:00:04Z", None], ids=["by date", "by digest"])
def test_a_revisit_resolves_against_a_capture_imported_by_an_earlier_run(tmp_path, db_path, refers_to_date):
    with open(tmp_path / "first.warc.gz", "wb") as out:
        first = response(WARCWriter(out, gzip=True), JUN05, (BODIES / "news-1825441.html").read_bytes(),
                         "2016-06-06T06:00:04Z")
    digest = first.rec_headers.get_header("WARC-Payload-Digest")  # warcio's sha1, base32
    assert run("import-warc", str(tmp_path / "first.warc.gz"), db=db_path).exit_code == 0
    later = _revisit_warc(tmp_path / "later.warc.gz", refers_to_date, digest)
    result = run("import-warc", str(later), db=db_path)
    assert result.exit_code == 0, result.output
    assert "revisit of a record not in the archive" not in result.output
    with Store(db_path) as store:
        article = store.article(store.find_article(JUN05))
    assert [c["fetched_at"] for c in article["captures"]] == ["2016-06-06T06:00:04+00:00", "2016-06-09T10:00:00+00:00"]
    assert len({c["sha256"] for c in article["captures"]}) == 1


def test_a_revisit_of_another_payload_is_not_resolved_to_the_wrong_body(tmp_path, db_path):
    with open(tmp_path / "first.warc.gz", "wb") as out:
        response(WARCWriter(out, gzip=True), JUN05, (BODIES / "news-1825441.html").read_bytes(), "2016-06-06T06:00:04Z")
    assert run("import-warc", str(tmp_path / "first.warc.gz"), db=db_path).exit_code == 0
    later = _revisit_warc(tmp_path / "later.warc.gz", None, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    result = run("import-warc", str(later), db=db_path)
    assert "revisit of a record not in the archive 1" in result.output


def test_a_wacz_file_is_imported_from_its_archive_folder(tmp_path, db_path):
    import zipfile

    warc = other_tool_warc(tmp_path / "data.warc.gz", gzipped=True)
    wacz = tmp_path / "collection.wacz"
    with zipfile.ZipFile(wacz, "w") as out:
        out.writestr("datapackage.json", '{"profile": "data-package", "resources": []}')
        out.write(warc, "archive/data.warc.gz", compress_type=zipfile.ZIP_STORED)
        out.writestr("indexes/index.cdx", "")
    result = run("import-warc", str(wacz), db=db_path)
    assert result.exit_code == 0, result.output
    assert "is not a readable WARC file" not in result.output
    assert [row[1] for row in _articles(db_path)] == ["1800705", "1825441"]
    not_wacz = tmp_path / "photos.zip"
    with zipfile.ZipFile(not_wacz, "w") as out:
        out.writestr("a.txt", "hello")
    result = run("import-warc", str(not_wacz), db=db_path)
    assert result.exit_code == 2 and "not a WACZ file" in result.output


def test_export_writes_warcinfo_request_records_standard_status_phrases_and_capture_dates(tmp_path, db_path):
    from warcio.archiveiterator import ArchiveIterator

    source = tmp_path / "in.warc.gz"
    with open(source, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        response(writer, JUN05, (BODIES / "news-1825441.html").read_bytes(), "2016-06-06T06:00:04Z")
        response(writer, "https://en.alalam.ir/news/404404", b"<html>gone</html>", "2016-06-07T01:02:03Z",
                 status="410 Gone")
        response(writer, "https://en.alalam.ir/news/503503", b"<html>busy</html>", "2016-06-07T01:02:04Z",
                 status="503 Service Unavailable")
    assert run("import-warc", str(source), db=db_path).exit_code == 0
    out = tmp_path / "out.warc.gz"
    assert run("export", "--format", "warc", str(out), db=db_path).exit_code == 0

    with open(out, "rb") as stream:
        records = [(r.rec_type, r.rec_headers, r.http_headers) for r in ArchiveIterator(stream)]
    assert records[0][0] == "warcinfo"
    pairs = list(zip(records[1::2], records[2::2]))
    assert len(pairs) == 3 and all(req[0] == "request" and resp[0] == "response" for req, resp in pairs)
    for (_, req, req_http), (_, resp, resp_http) in pairs:
        assert req.get_header("WARC-Concurrent-To") == resp.get_header("WARC-Record-ID")
        assert req.get_header("WARC-Date") == resp.get_header("WARC-Date")
        assert req_http.protocol == "GET" and req_http.get_header("Host") == "en.alalam.ir"
        assert resp.get_header("WARC-Payload-Digest").startswith("sha1:")
    responses = {resp.get_header("WARC-Target-URI"): (resp.get_header("WARC-Date"), http.statusline)
                 for _, (_, resp, http) in pairs}
    assert responses == {JUN05: ("2016-06-06T06:00:04Z", "200 OK"),
                         "https://en.alalam.ir/news/404404": ("2016-06-07T01:02:03Z", "410 Gone"),
                         "https://en.alalam.ir/news/503503": ("2016-06-07T01:02:04Z", "503 Service Unavailable")}


def test_links_of_pages_of_no_configured_site_are_queued_only_when_asked(tmp_path, db_path):
    page = b"<html><body><article><h1>A story</h1><p>" + b"Words of the story. " * 40 + b"</p>" + b"".join(
        b'<a href="https://elsewhere.example/%d">link %d</a>' % (n, n) for n in range(5)) + b"</article></body></html>"
    warc = _one_record_warc(tmp_path / "generic.warc.gz", [
        ("https://news.example/2020/01/story.html", page, "2020-01-01T00:00:00Z", HTML)])

    def queued(db) -> int:
        conn = sqlite3.connect(db)
        try:
            return conn.execute("SELECT count(*) FROM frontier WHERE url != 'https://news.example/2020/01/story.html'"
                                ).fetchone()[0]
        finally:
            conn.close()

    assert run("import-warc", str(warc), db=db_path).exit_code == 0
    assert queued(db_path) == 0 and len(_articles(db_path)) == 1
    asked = tmp_path / "asked.db"
    assert run("import-warc", "--queue-links", str(warc), db=asked).exit_code == 0
    assert queued(asked) == 5
