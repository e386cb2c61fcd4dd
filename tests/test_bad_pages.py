"""Bad input through the whole pipeline: each page is stored, or recorded with a clear
reason, and the crawl goes on. Pages are the real Alalam cassette page, damaged."""

from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner

from archiver.cli import cli

from .conftest import CASSETTES

ORIGIN = "https://en.alalam.ir"


def write_cassette(root, pages: dict[str, tuple[bytes, str]]):
    site = root / "alalam"
    (site / "bodies").mkdir(parents=True)
    links = "".join(f'<li><a href="/news/{key}">story {key}</a></li>' for key in pages)
    home = f"<html><head><title>Alalam News Network</title></head><body><ul>{links}</ul></body></html>".encode()
    interactions = [{"url": f"{ORIGIN}/", "status": 200, "headers": {"content-type": "text/html; charset=utf-8"},
                     "body_file": "bodies/home.html"}]
    (site / "bodies" / "home.html").write_bytes(home)
    for key, (body, content_type) in pages.items():
        (site / "bodies" / f"{key}.html").write_bytes(body)
        interactions.append({"url": f"{ORIGIN}/news/{key}", "status": 200, "headers": {"content-type": content_type},
                             "body_file": f"bodies/{key}.html"})
    (site / "cassette.json").write_text(json.dumps({"site": "alalam", "origin": ORIGIN, "interactions": interactions}))


def test_damaged_pages_are_stored_or_recorded_with_a_reason(tmp_path):
    real = (CASSETTES / "alalam" / "bodies" / "news-1825441.html").read_text(encoding="utf-8")
    dump_at = real.index('string(1979) "')
    truncated = real[: dump_at + 700]  # the dump and everything after it cut off mid-item
    no_date = real.replace("Sun Jun 5, 2016 21:05:12", "")
    cp1252 = real.replace('charset=utf-8"', 'charset=windows-1252"').encode("cp1252", errors="replace")
    pages = {
        "1900001": (truncated.encode(), "text/html; charset=utf-8"),
        "1900002": (no_date.encode(), "text/html; charset=utf-8"),
        "1900003": (cp1252, "text/html"),
        "1900004": (b"", "text/html; charset=utf-8"),
    }
    write_cassette(tmp_path / "cassettes", pages)
    db = tmp_path / "archive.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "crawl", "--replay", str(tmp_path / "cassettes"), "alalam"])
    assert result.exit_code == 0, result.output  # a crawl with some bad pages still finished
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    articles = {r["key"]: r for r in conn.execute("SELECT * FROM articles")}

    truncated_row = articles["1900001"]
    assert len(truncated_row["text"].split("\n\n")) == 9
    assert any("truncated" in w or "broken" in w or "incomplete" in w for w in json.loads(truncated_row["warnings"]))
    kept = conn.execute("SELECT count(*) FROM article_related WHERE article_id = ?", [truncated_row["id"]]).fetchone()[0]
    assert 1 <= kept < 10  # the complete items before the cut

    no_date_row = articles["1900002"]
    assert no_date_row["published"] is None and no_date_row["text"].count("\n\n") == 8
    assert any("date" in w for w in json.loads(no_date_row["warnings"]))

    cp_row = articles["1900003"]
    assert "“Our forces have reached the administrative borders" in cp_row["text"]
    raw = conn.execute("SELECT encoding FROM raw_pages WHERE sha256 = ?", [cp_row["raw_sha256"]]).fetchone()
    assert raw["encoding"] == "cp1252"

    assert "1900004" not in articles
    (empty,) = conn.execute("SELECT * FROM captures WHERE url = ?", [f"{ORIGIN}/news/1900004"]).fetchall()
    assert empty["status"] == 200 and empty["error"].startswith("parse:") and empty["article_id"] is None
    run = conn.execute("SELECT * FROM crawl_runs").fetchone()
    assert run["status"] == "partial" and "parse:" in run["errors"]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
