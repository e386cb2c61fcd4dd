"""End to end through the CLI on the bundled cassettes: crawl, search, show, stats, recrawl,
reparse, export. Everything replays through respx; nothing reaches the network."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from archiver.cli import cli

from .conftest import CASSETTES


def run(*args, db):
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    return result


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    db = tmp_path_factory.mktemp("e2e") / "archive.db"
    result = run("crawl", "--replay", str(CASSETTES), "alalam", db=db)
    assert result.exit_code == 0, result.output
    return db


def article_by_text(db, fragment, site=None):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = conn.execute("SELECT * FROM articles WHERE text LIKE ? AND site = coalesce(?, site)", [f"%{fragment}%", site]).fetchall()
    assert len(rows) == 1, f"{len(rows)} articles contain {fragment!r}"
    return dict(rows[0]), conn


SAMPLES = {
    # first body sentence fragment → (UTC publication time)
    "advanced around 8 kilometers into the depth of ISIS": "2016-06-05T16:35:12+00:00",
    "have regained control over key areas in the coastal province of Latakia": "2016-03-20T18:00:46+00:00",
    "have left no choice for the ISIS but to pull forces back": "2016-03-11T12:53:23+00:00",
}


def test_search_finds_the_three_alalam_samples_with_utc_dates(archive):
    result = run("search", "Raqqa", "--format", "json", "--limit", "50", db=archive)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all({"id", "site", "url", "title", "published", "snippet", "score"} <= set(r) for r in rows)
    assert [(-r["score"], r["id"]) for r in rows] == sorted((-r["score"], r["id"]) for r in rows)
    by_id = {r["id"]: r for r in rows}
    for fragment, published in SAMPLES.items():
        article, _ = article_by_text(archive, fragment)
        assert article["id"] in by_id, f"search Raqqa misses {article['title']}"
        assert by_id[article["id"]]["published"] == published
        assert by_id[article["id"]]["title"] == article["title"] and article["title"]
    assert any("<mark>Raqqa</mark>" in r["snippet"] for r in rows)


def test_june_5_sample_text_and_related_list(archive):
    article, conn = article_by_text(archive, "advanced around 8 kilometers into the depth of ISIS")
    assert article["title"] == "Syrian Army Troops, NDF Continue to Advance against ISIS in Raqqa Province"
    paragraphs = article["text"].split("\n\n")
    assert len(paragraphs) == 9
    assert paragraphs[-1].startswith("“This is a Syrian land")
    for junk in ("Continue to Advance against ISIS in Raqqa Province", "Sun Jun 5, 2016", "S/SH 11", "string(1979)", '"contenttypeid"'):
        assert junk not in article["text"]
    assert json.loads(article["extra"])["signature"] == "S/SH 11"
    related = conn.execute(
        "SELECT i.key, i.title, i.image, i.kind FROM article_related r JOIN related_items i ON i.id = r.related_id "
        "WHERE r.article_id = ? ORDER BY r.position", [article["id"]]).fetchall()
    assert [r["key"] for r in related] == ["1825428", "1825386", "1825295", "1825037", "1824993", "1824973", "1824757",
                                           "1824709", "1824356", "1824318"]
    assert related[0]["title"] == "Syrian Army Demolishes ISIS Command Center in Hama Province"
    assert related[0]["image"].endswith("/2016/06/05/alalam_636007542161594037_25f_4x3.jpg")
    assert [r["key"] for r in related if r["kind"] == "video"] == ["1825386", "1825295", "1824993", "1824973", "1824709", "1824318"]


def test_crawling_again_adds_captures_only(archive, tmp_path):
    conn = sqlite3.connect(archive)
    before = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "raw_pages", "captures", "related_items")}
    conn.close()
    result = run("crawl", "--replay", str(CASSETTES), "alalam", db=archive)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(archive)
    after = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "raw_pages", "captures", "related_items")}
    assert after["articles"] == before["articles"] and after["raw_pages"] == before["raw_pages"]
    assert after["related_items"] == before["related_items"]
    assert after["captures"] > before["captures"]
    article, _ = article_by_text(archive, "advanced around 8 kilometers into the depth of ISIS")
    shown = run("show", str(article["id"]), "--format", "json", db=archive)
    captures = json.loads(shown.stdout)["captures"]
    assert len(captures) == 2 and captures[0]["sha256"] == captures[1]["sha256"]
    again, _ = article_by_text(archive, "advanced around 8 kilometers into the depth of ISIS")
    assert again["last_seen"] == captures[1]["fetched_at"] and again["first_seen"] == captures[0]["fetched_at"]
    text = run("show", article["canonical_url"], db=archive).output
    assert "captures (2)" in text and "S/SH 11" in text and "related (10)" in text


def test_stats_sites_and_reparse(archive):
    stats = json.loads(run("stats", "--format", "json", db=archive).stdout)
    alalam = next(s for s in stats["sites"] if s["site"] == "alalam")
    assert alalam["articles"] >= 12 and stats["last_runs"][0]["status"] in ("ok", "partial")
    listing = run("sites", db=archive).output
    assert "alalam" in listing and "https://en.alalam.ir" in listing
    conn = sqlite3.connect(archive)
    count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.execute("UPDATE articles SET text = 'garbled', title = 'garbled'")
    conn.commit()
    result = run("reparse", "alalam", db=archive)
    assert result.exit_code == 0, result.output
    assert conn.execute("SELECT count(*) FROM articles WHERE text = 'garbled'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == count
    assert run("search", "Raqqa", "--format", "json", db=archive).exit_code == 0


def test_export_jsonl_and_warc_round_trip(archive, tmp_path):
    out = tmp_path / "articles.jsonl"
    assert run("export", "--format", "jsonl", str(out), db=archive).exit_code == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert any(a["extra"].get("signature") == "S/SH 11" for a in lines)
    warc = tmp_path / "archive.warc.gz"
    assert run("export", "--format", "warc", str(warc), db=archive).exit_code == 0
    from archiver.ingest import warc_captures

    records = [(c.site, c.page) for c in warc_captures(warc)]
    conn = sqlite3.connect(archive)
    assert len(records) == conn.execute("SELECT count(*) FROM captures WHERE sha256 IS NOT NULL").fetchone()[0]
    assert all(page.fetched_at.endswith("+00:00") for _, page in records)


@pytest.mark.parametrize("query", ['"unclosed', "", "title:"])
def test_malformed_search_is_a_usage_error(archive, query):
    result = CliRunner().invoke(cli, ["--db", str(archive), "search", query])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_bad_config_exits_2_naming_the_key(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[fetch]\nconcurency = 3\n")
    result = CliRunner().invoke(cli, ["--config", str(config), "stats"])
    assert result.exit_code == 2 and "fetch.concurency" in result.output


def test_search_on_missing_database_is_exit_1(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.db"), "search", "Raqqa"])
    assert result.exit_code == 1 and "does not exist" in result.output


@pytest.fixture(scope="module")
def full_archive(tmp_path_factory):
    db = tmp_path_factory.mktemp("e2e-all") / "archive.db"
    result = run("crawl", "--replay", str(CASSETTES), db=db)
    assert result.exit_code == 0, result.output
    return db


def search_ids(db, query):
    result = run("search", query, "--format", "json", "--limit", "100", db=db)
    assert result.exit_code == 0, result.output
    return {r["id"]: r for r in json.loads(result.stdout)}


def test_every_site_from_the_cassettes(full_archive):
    conn = sqlite3.connect(full_archive)
    per_site = dict(conn.execute("SELECT site, count(*) FROM articles GROUP BY site").fetchall())
    assert per_site == {"alalam": 14, "globalresearch": 12, "southfront": 3, "sputnik": 10}
    tabqa = search_ids(full_archive, "Tabqa")
    mar11, _ = article_by_text(full_archive, "have left no choice for the ISIS but to pull forces back")
    republished, _ = article_by_text(full_archive, "ISIS terrorists have lost large chunks", site="globalresearch")
    assert mar11["id"] in tabqa and republished["id"] in tabqa
    khanasser = search_ids(full_archive, "Khanasser")
    countdown, _ = article_by_text(full_archive, "Syrian Army troops and allied popular units have significantly advanced")
    assert countdown["id"] in khanasser


def test_global_research_sample_fields(full_archive):
    article, conn = article_by_text(full_archive, "ISIS terrorists have lost large chunks", site="globalresearch")
    assert json.loads(article["authors"]) == ["South Front"]
    assert article["published"].startswith("2017-06-10")
    extra = json.loads(article["extra"])
    assert extra["source"] == "South Front" and extra["source_date"] == "2017-06-09"
    tags = conn.execute("SELECT t.name, at.kind FROM article_tags at JOIN tags t ON t.id = at.tag_id "
                        "WHERE at.article_id = ? ORDER BY at.position", [article["id"]]).fetchall()
    assert [tuple(t) for t in tags] == [("Middle East & North Africa", "region"), ("Terrorism", "theme"), ("US NATO War Agenda", "theme"),
                    ("SYRIA", "report")]
    assert article["text"].endswith("inside the city.")
    for junk in ("PayPal", "Featured image", "original source of this article", "Copyright", "Facebook",
                 "Become a Member", "Disclaimer", "fair use", "For media inquiries"):
        assert junk not in article["text"]


def test_sputnik_sample_fields(full_archive):
    article, conn = article_by_text(full_archive, "Syrian Army troops and allied popular units have significantly advanced")
    assert article["published"] != "2017-02-25T22:45:00+00:00" and article["published"].startswith("2017-02-25")
    assert article["section"] == "Middle East"
    assert article["image_credit"].startswith("© Sputnik") and "© Sputnik" not in article["text"]
    paragraphs = article["text"].split("\n\n")
    assert len(paragraphs) == 4 and paragraphs[-1].endswith("other military hardware.")
    related = [r[0] for r in conn.execute(
        "SELECT i.title FROM article_related r JOIN related_items i ON i.id = r.related_id WHERE r.article_id = ?",
        [article["id"]])]
    assert "Syrian Army Wins Back Strategic Region in Homs in Blitz Offensive" in related
    assert "Syrian Army Destroys Daesh Tunnel Depot, Restores Security in Aleppo" in related
    assert any(t.startswith("Violence Erupts as Islamic State Rises") for t in related)
    tags = [r[0] for r in conn.execute(
        "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ?", [article["id"]])]
    assert "liberated villages" in tags and "Syria" in tags
    comments = conn.execute("SELECT author, text, reply_to FROM comments WHERE article_id = ? ORDER BY position",
                            [article["id"]]).fetchall()
    assert len(comments) >= 5 and any(c[2] for c in comments)
    assert all(c[1] not in article["text"] for c in comments)


def test_five_samples_are_five_distinct_stories(full_archive):
    fragments = [("advanced around 8 kilometers into the depth of ISIS", "alalam"),
                 ("have regained control over key areas in the coastal province of Latakia", "alalam"),
                 ("have left no choice for the ISIS but to pull forces back", "alalam"),
                 ("ISIS terrorists have lost large chunks", "globalresearch"),
                 ("Syrian Army troops and allied popular units have significantly advanced", "sputnik")]
    rows = [article_by_text(full_archive, f, site)[0] for f, site in fragments]
    assert all(r["duplicate_of"] is None for r in rows)


def test_fetch_a_saved_page_of_an_unknown_site_uses_generic_extraction(tmp_path):
    from .conftest import GOLDEN

    saved = tmp_path / "masks.html"
    saved.write_bytes(next(GOLDEN.glob("generic/**/japantimes-surgical-masks.html")).read_bytes())
    db = tmp_path / "archive.db"
    result = run("fetch", str(saved), db=db)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    site, title, text = conn.execute("SELECT site, title, text FROM articles").fetchone()
    assert site == "generic" and "surgical masks" in title
    assert "Four of the 12 boxes of masks were gone" in text and "Mail the editor" not in text
    assert conn.execute("SELECT count(*) FROM raw_pages").fetchone()[0] == 1


def test_an_unexpected_error_is_one_sentence_not_a_traceback(archive, monkeypatch):
    from archiver.store import Store

    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(Store, "stats", broken)
    result = CliRunner().invoke(cli, ["--db", str(archive), "stats"])
    assert result.exit_code == 1
    assert "unexpected RuntimeError: boom" in result.output and "Traceback" not in result.output
