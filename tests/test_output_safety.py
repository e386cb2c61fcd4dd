"""Archived text comes from anyone: control characters in it (terminal escape sequences, bells,
carriage returns) never reach a terminal or a CSV file raw (issue 16). JSON escapes them itself."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.render import article_text, printable
from archiver.search import to_csv, to_json, to_table, to_text

RETITLE, CLEAR, RED = "\x1b]0;pwned\x07", "\x1b[2J", "\x1b[31m"
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE = f"Evil {RETITLE}headline{CLEAR} over\rwritten"


def row(**overrides) -> dict:
    return {"id": 1, "site": "generic", "url": f"https://example.org/a{CLEAR}", "title": HOSTILE,
            "published": "2016-06-05T10:00:00+00:00", "snippet": f"the <mark>Raqqa</mark> {RED}story", "score": -1.5,
            "copies": 1, **overrides}


def test_printable_escapes_control_characters_and_keeps_lines():
    assert printable(f"a{RETITLE}b\n\tc\r\x9b") == "a\\x1b]0;pwned\\x07b\n\tc\\x0d\\x9b"
    assert printable("Crème brûlée — الرقة\n") == "Crème brûlée — الرقة\n"


@pytest.mark.parametrize("output", [lambda rows: to_text(rows), lambda rows: to_csv(rows),
                                    lambda rows: to_table(rows, color=False)], ids=["text", "csv", "table"])
def test_search_outputs_carry_no_raw_control_characters(output):
    shown = output([row()])
    assert not RAW_CONTROL.search(shown.replace("\r\n", "\n"))  # CSV ends its records with CRLF
    assert "\\x1b]0;pwned\\x07" in shown


def test_csv_still_round_trips_the_escaped_text():
    (parsed,) = csv.DictReader(io.StringIO(to_csv([row()])))
    assert parsed["title"] == printable(HOSTILE)


def test_json_escapes_them_itself():
    assert json.loads(to_json([row()]))[0]["title"] == HOSTILE and "\x1b" not in to_json([row()])


def test_show_text_carries_no_raw_control_characters():
    article = {"id": 1, "title": HOSTILE, "site": "generic", "published": None, "section": None,
               "canonical_url": "https://example.org/a", "authors": [f"Ann {RED}"], "extra": {"x": CLEAR},
               "tags": [{"name": f"t{CLEAR}", "kind": None}], "warnings": [], "text": f"Para{RETITLE}graph\n\nTwo",
               "related": [{"position": 1, "kind": "article", "title": HOSTILE, "url": "https://example.org/b",
                            "article_id": None}],
               "comments": [{"position": 1, "author": RED, "reply_to": None, "text": CLEAR}],
               "captures": [], "copies": []}
    shown = article_text(article)
    assert not RAW_CONTROL.search(shown) and "Para\\x1b]0;pwned\\x07graph\n\nTwo" in shown


def test_search_and_show_of_a_crawled_hostile_page(db_path, monkeypatch):
    from .localserver import LocalServer, Reply
    from .test_faults import run_crawl
    from .tinysite import TinySite, article_html

    site = TinySite(2, {"/news/2": Reply(body=article_html(2, title=HOSTILE), headers={"Content-Type": "text/html"})})
    with LocalServer(site.route) as server:
        run_crawl(db_path, server, monkeypatch)
    runner = CliRunner()
    # color=True: as on a terminal, where click leaves escape sequences in (it strips them for pipes).
    for fmt in ("table", "csv"):
        result = runner.invoke(cli, ["--db", str(db_path), "search", "title:Evil", "--format", fmt], color=True)
        assert result.exit_code == 0 and "pwned" in result.output
        assert not RAW_CONTROL.search(result.output.replace("\r\n", "\n"))
    article_id = json.loads(runner.invoke(cli, ["--db", str(db_path), "search", "title:Evil", "--format", "json"]).output)[0]["id"]
    shown = runner.invoke(cli, ["--db", str(db_path), "show", str(article_id)], color=True)
    assert shown.exit_code == 0 and "pwned" in shown.output and not RAW_CONTROL.search(shown.output)
