"""Writers beside a running crawl: fetch, import-warc, reparse and dedup --rebuild on the same
archive wait their turn and finish; the indexes stay complete. Two paths to one archive (a
symlink) share the writers' lock; runs left 'running' by a killed writer are closed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

from click.testing import CliRunner

from archiver.cli import cli
from archiver.lock import CrawlLock

from .conftest import CASSETTES, GOLDEN, ROOT
from .localserver import LocalServer
from .test_resume import start_crawl, write_config
from .tinysite import TinySite


def archiver(*args):
    return subprocess.Popen([sys.executable, "-m", "tests.tinysite", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_writers_beside_a_running_crawl_all_finish_and_every_article_is_indexed(tmp_path):
    # A WARC of the bundled demo, to import while the crawl runs.
    demo = tmp_path / "demo.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(demo), "-q", "crawl", "--replay", str(CASSETTES)]).exit_code == 0
    warc = tmp_path / "demo.warc.gz"
    assert runner.invoke(cli, ["--db", str(demo), "export", "--format", "warc", str(warc)]).exit_code == 0
    page = next(GOLDEN.glob("generic/**/japantimes-surgical-masks.html"))

    db = tmp_path / "archive.db"
    with LocalServer(TinySite(60).route, latency=0.05) as server:
        config = write_config(tmp_path / "config.toml", server.origin, concurrency=2)
        crawl = start_crawl(config, db)
        deadline = time.monotonic() + 30
        while not db.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        common = ["--config", str(config), "--db", str(db)]
        writers = {  # all at once, while the crawl runs
            "import-warc": archiver(*common, "import-warc", str(warc)),
            "fetch": archiver(*common, "fetch", str(page)),
            "reparse": archiver(*common, "reparse"),
            "dedup --rebuild": archiver(*common, "dedup", "--rebuild"),
        }
        outputs = {command: process.communicate(timeout=240) for command, process in writers.items()}
        _, crawl_err = crawl.communicate(timeout=240)
    assert crawl.returncode == 0, crawl_err
    for command, process in writers.items():
        stderr = outputs[command][1]
        assert process.returncode == 0, f"{command}: {stderr}"
        assert "locked" not in stderr and "Traceback" not in stderr
    waited = [command for command, (_, stderr) in outputs.items() if "waiting for it to finish" in stderr]
    assert len(waited) >= 3  # one writer at a time: the others queued, none failed

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert articles >= 60 + 36  # the crawl's, the import's, the fetched page
        assert conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == articles
        indexed = conn.execute("SELECT count(*) FROM articles WHERE id IN (SELECT article_id FROM dedup_signatures)").fetchone()[0]
        assert indexed == articles
        assert conn.execute("SELECT count(*) FROM crawl_runs WHERE status = 'running'").fetchone()[0] == 0
    finally:
        conn.close()


def test_a_symlinked_path_shares_the_lock(tmp_path):
    real = tmp_path / "archive.db"
    real.touch()
    link = tmp_path / "elsewhere.db"
    link.symlink_to(real)
    with CrawlLock(real) as first:
        assert first.acquire()
        second = CrawlLock(link)
        assert not second.acquire()
        assert not second.wait(timeout=0.3)
    assert CrawlLock(link).acquire()


def test_a_run_left_running_by_a_killed_writer_is_closed_by_the_next_one(tmp_path):
    db = tmp_path / "archive.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db), "-q", "crawl", "--replay", str(CASSETTES), "sputnik"]).exit_code == 0
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO crawl_runs (site, started, status) VALUES ('generic', '2026-01-01T00:00:00+00:00', 'running')")
    conn.commit()
    conn.close()
    page = next(GOLDEN.glob("generic/**/cbsnews-south-carolina.html"))
    assert runner.invoke(cli, ["--db", str(db), "fetch", str(page)]).exit_code == 0
    conn = sqlite3.connect(db)
    try:
        statuses = conn.execute("SELECT status FROM crawl_runs WHERE started = '2026-01-01T00:00:00+00:00'").fetchall()
    finally:
        conn.close()
    assert statuses == [("interrupted",)]


def test_sigterm_mid_crawl_is_one_sentence_and_the_run_counts_what_was_stored(tmp_path):
    import signal

    for attempt, after in enumerate((0.8, 1.5, 2.5)):
        db = tmp_path / f"archive{attempt}.db"
        with LocalServer(TinySite(400).route, latency=0.01) as server:
            config = write_config(tmp_path / "config.toml", server.origin, concurrency=8)
            crawl = start_crawl(config, db)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not (db.exists() and server.hits.get("/list/1")):
                time.sleep(0.05)
            time.sleep(after)
            crawl.send_signal(signal.SIGTERM)
            _, stderr = crawl.communicate(timeout=60)
        stderr = stderr.decode()
        assert "Traceback" not in stderr and "client has been closed" not in stderr, stderr
        assert crawl.returncode in (0, 130), stderr  # what the crawl said, should it end otherwise
        conn = sqlite3.connect(db)
        try:
            (status, new), = conn.execute("SELECT status, new FROM crawl_runs").fetchall()
            stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
        assert new == stored, (status, new, stored)
        if crawl.returncode == 130:
            assert status == "interrupted" and "interrupted" in stderr


def test_a_search_while_a_new_archive_is_being_created_waits_for_its_schema(tmp_path):
    # A new archive's schema is built migration by migration; FTS5 gives up ("vtable
    # constructor failed") if the schema changes while it opens its table. The first crawl
    # of a cron job and a user's search meet exactly there.
    from archiver.store.search import open_search

    searched = 0
    for trial in range(8):
        db = tmp_path / f"archive{trial}.db"
        writer = subprocess.Popen([sys.executable, "-c", f"from archiver.store import Store; Store({str(db)!r})"],
                                  cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        while writer.poll() is None:
            try:
                index = open_search(db)
            except Exception:
                continue  # not created yet, or no articles table yet: the CLI says so
            try:
                assert index.search("river OR harbour") == []
                assert index.search("river", order="newest") == []
                searched += 1
            finally:
                index.close()
        assert writer.returncode == 0
    assert searched > 0


# Where a signal is raised below: the store's code and sqlite-utils', at every line in turn.
_STORE_CODE = ("sqlite_utils", os.path.join("archiver", "store"))


def interrupting_at(line_number: int):
    """A trace function raising KeyboardInterrupt at the LINE_NUMBER-th line the store runs: a
    signal lands between two lines of whatever runs."""
    seen = 0

    def local(frame, event, arg):
        nonlocal seen
        if event == "line":
            seen += 1
            if seen == line_number:
                raise KeyboardInterrupt
        return local

    return lambda frame, event, arg: local if any(part in frame.f_code.co_filename for part in _STORE_CODE) else None


def interrupted_at_every_line(step) -> int:
    """Runs STEP with an interrupt at its first line, then its second... until it runs whole
    (STEP checks what each interrupt leaves behind); how many times it was interrupted."""
    for line_number in range(1, 1000):
        sys.settrace(interrupting_at(line_number))
        try:
            step(line_number)
        except KeyboardInterrupt:
            continue
        finally:
            sys.settrace(None)
        return line_number - 1
    raise AssertionError("the step never ran whole")


def test_an_interrupt_at_any_line_of_the_stores_reads_inside_a_transaction_stays_an_interrupt(tmp_path):
    # sqlite-utils' query() guarded every read with a savepoint; landing after its RELEASE, the
    # interrupt became "no such savepoint", and a crawl stopped by SIGTERM ended as an error
    # (exit 1) instead of an interrupted run.
    from archiver.store import Store

    with Store(tmp_path / "a.db") as store:
        store.frontier.add("tinynews", [f"https://t.example/news/{n}" for n in range(3)], "article")

        def step(line_number):
            added = f"https://t.example/news/added-{line_number}"
            try:
                with store.transaction():
                    store.frontier.add("tinynews", [added], "article")
                    assert len(store.frontier.next("tinynews", "9999-12-31T00:00:00+00:00", 10)) == 4
                    assert store.frontier.state("https://t.example/news/1") is not None
            except KeyboardInterrupt:
                # nothing of the interrupted transaction stays, and none is left open
                assert not store.db.conn.in_transaction and store.frontier.state(added) is None
                raise

        assert interrupted_at_every_line(step) >= 10
        assert not store.db.conn.in_transaction


def test_an_interrupt_at_any_line_of_a_write_outside_a_transaction_leaves_none_open(tmp_path):
    # sqlite-utils commits the transaction a write opens after the statement returns; an
    # interrupt in between left it open, and the run's last records (a failure, the run's end)
    # went into it and were never committed.
    from archiver.store import Store

    with Store(tmp_path / "a.db") as store:

        def step(line_number):
            try:
                store.captures.record_failure("tinynews", f"https://t.example/news/{line_number}", "timeout", None, None)
            except KeyboardInterrupt:
                assert not store.db.conn.in_transaction
                raise

        interrupted = interrupted_at_every_line(step)
        failures = store.db.execute("SELECT count(*) FROM captures WHERE kind = 'failed'").fetchone()[0]
    assert interrupted >= 10 and 1 <= failures <= interrupted + 1  # each one stored whole or not at all
