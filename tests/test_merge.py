"""`archiver merge`: archives made apart become the archive one import of everything makes."""

from __future__ import annotations

import sqlite3
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.config import Config
from archiver.ingest import import_warc
from archiver.lock import CrawlLock
from archiver.merge import merge_archives
from archiver.models import FetchedPage
from archiver.store import Store

from .conftest import ROOT
from .test_bulk import warcs  # noqa: F401  (the fixture: the cassettes over two WARC files)

sys.path.insert(0, str(ROOT / "scripts"))
from compare_archives import differences, snapshot  # noqa: E402


def imported(path, files) -> str:
    with Store(path) as store:
        import_warc(store, Config(), files, workers=0)
    return str(path)


def counts(path) -> dict:
    db = sqlite3.connect(path)
    try:
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("captures", "raw_pages", "articles", "article_versions", "article_urls")}
    finally:
        db.close()


def captures(path) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return sorted(db.execute("SELECT url, fetched_at, status, kind, sha256, error, site FROM captures").fetchall(),
                      key=repr)
    finally:
        db.close()


@pytest.fixture(scope="module")
def halves(warcs, tmp_path_factory) -> dict:  # noqa: F811
    folder = tmp_path_factory.mktemp("halves")
    return {"one": imported(folder / "one.db", warcs[:1]), "two": imported(folder / "two.db", warcs[1:]),
            "both": imported(folder / "both.db", warcs)}


def test_merging_two_halves_equals_importing_both(halves, tmp_path):
    into = tmp_path / "merged.db"
    with Store(into) as store:
        result = merge_archives(store, Config(), [halves["two"], halves["one"]])
    assert sum(result.captures.values()) == counts(halves["one"])["captures"] + counts(halves["two"])["captures"]
    assert differences(snapshot(halves["both"]), snapshot(str(into))) == []
    assert counts(str(into)) == counts(halves["both"])
    assert captures(str(into)) == captures(halves["both"])
    clusters = [a["duplicate_of"] for a in snapshot(str(into)).values() if a["duplicate_of"]]
    assert clusters  # the copy in the second half joins the cluster of the story in the first


def test_merging_in_worker_processes_gives_the_same_archive(halves, tmp_path):
    into = tmp_path / "merged.db"
    with Store(into) as store:
        merge_archives(store, Config(), [halves["one"], halves["two"]], workers=2)
    assert differences(snapshot(halves["both"]), snapshot(str(into))) == []
    assert counts(str(into)) == counts(halves["both"]) and captures(str(into)) == captures(halves["both"])


def test_merging_the_same_source_twice_adds_nothing(halves, tmp_path):
    into = tmp_path / "merged.db"
    with Store(into) as store:
        merge_archives(store, Config(), [halves["one"], halves["two"]])
    before = (counts(str(into)), snapshot(str(into)))
    with Store(into) as store:
        again = merge_archives(store, Config(), [halves["one"], halves["one"]])
    assert again.skipped["already in the archive"] == 2 * counts(halves["one"])["captures"]
    assert (counts(str(into)), snapshot(str(into))) == before


def test_bodiless_captures_are_carried_on_their_own_dates(tmp_path):
    source = tmp_path / "source.db"
    image = FetchedPage("https://en.alalam.ir/logo.png", "https://en.alalam.ir/logo.png", 200,
                        {"content-type": "image/png"}, b"\x89PNG", "2020-03-01T10:00:00+00:00")
    gone = FetchedPage("https://en.alalam.ir/news/77", "https://en.alalam.ir/news/77", 410, {}, b"",
                       "2020-03-02T10:00:00+00:00")
    with Store(source) as store:
        store.save_capture("alalam", image, "skipped", error="not HTML: image/png", store_body=False)
        store.save_capture("alalam", gone, "error", error="HTTP 410")
        failure = FetchedPage("https://en.alalam.ir/news/78", "https://en.alalam.ir/news/78", None, {}, b"",
                              "2020-03-03T10:00:00+00:00")
        store.save_capture("alalam", failure, "failed", error="timeout", store_body=False)
    into = tmp_path / "merged.db"
    for _ in range(2):
        with Store(into) as store:
            merge_archives(store, Config(), [source])
    assert [c[:4] + c[5:] for c in captures(str(into))] == [c[:4] + c[5:] for c in captures(str(source))]


def test_the_command_waits_for_the_writers_lock_of_the_target(halves, tmp_path):
    into = tmp_path / "merged.db"
    lock = CrawlLock(into)
    assert lock.acquire()
    outcome = {}
    command = threading.Thread(target=lambda: outcome.setdefault("result", CliRunner().invoke(
        cli, ["merge", halves["one"], halves["two"], "--into", str(into), "--workers", "0"])))
    command.start()
    time.sleep(1.0)
    assert command.is_alive() and not into.exists()  # queued behind the holder, nothing written
    lock.release()
    command.join(60)
    result = outcome["result"]
    assert result.exit_code == 0, result.output
    assert "waiting for it to finish" in result.output
    assert differences(snapshot(halves["both"]), snapshot(str(into))) == []


def test_a_source_that_is_the_target_is_a_usage_error(halves, tmp_path):
    result = CliRunner().invoke(cli, ["--db", halves["one"], "merge", halves["one"]])
    assert result.exit_code == 2 and "into itself" in result.output
