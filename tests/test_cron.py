"""Unattended runs: `crawl --due`, the crawl lock (overlap and stale takeover), exit codes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from click.testing import CliRunner

from archiver.cli import cli
from archiver.lock import CrawlLock

from .localserver import LocalServer, Reply
from .test_resume import write_config
from .tinysite import TinySite, register


def run(config, db, *args):
    # Always name the site: the real adapters are enabled by default and must never be reached.
    return CliRunner().invoke(cli, ["--config", str(config), "--db", str(db), "crawl", "tinynews", *args])


def articles(db):
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        conn.close()


def test_due_crawls_only_when_every_has_elapsed(tmp_path, monkeypatch, db_path):
    register(monkeypatch)
    with LocalServer(TinySite(3).route) as server:
        config = write_config(tmp_path / "crawl.toml", server.origin)
        config.write_text(config.read_text() + 'every = "1h"\n')
        first = run(config, db_path, "--due")
        assert first.exit_code == 0 and articles(db_path) == 3
        assert "tinynews: ok - fetched 5, new 3" in first.output
        requests = server.total
        second = run(config, db_path, "--due")
        assert second.exit_code == 0 and "no site is due" in second.output and server.total == requests
        conn = sqlite3.connect(db_path)
        conn.execute("UPDATE crawl_runs SET started = '2000-01-01T00:00:00+00:00'")
        conn.commit()
        conn.close()
        third = run(config, db_path, "--due")
        assert third.exit_code == 0 and server.total > requests and "tinynews: ok" in third.output


def test_a_second_crawl_exits_0_while_the_first_holds_the_lock(tmp_path, monkeypatch, db_path):
    register(monkeypatch)
    with LocalServer(TinySite(3).route) as server, CrawlLock(db_path) as lock:
        assert lock.acquire()
        config = write_config(tmp_path / "crawl.toml", server.origin)
        result = run(config, db_path)
        assert result.exit_code == 0 and "another crawl is running" in result.output
        assert server.total == 0


def test_a_stale_lock_from_a_dead_process_is_taken_over(tmp_path, monkeypatch, db_path):
    register(monkeypatch)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    CrawlLock(db_path).path.write_text(f"{dead.stdout.strip()} 2024-01-01T00:00:00+00:00\n")
    with LocalServer(TinySite(3).route) as server:
        config = write_config(tmp_path / "crawl.toml", server.origin)
        result = run(config, db_path)
    assert result.exit_code == 0 and articles(db_path) == 3
    assert CrawlLock(db_path).path.read_text() == ""  # released at the end


def test_exit_1_when_every_fetch_failed_and_the_run_is_recorded(tmp_path, monkeypatch, db_path):
    register(monkeypatch)
    site = TinySite(3, {"/": Reply(503, b"down")})
    with LocalServer(site.route) as server:
        config = write_config(tmp_path / "crawl.toml", server.origin, max_retries=0)
        result = run(config, db_path)
    assert result.exit_code == 1 and "tinynews: failed" in result.output and "HTTP 503: 1" in result.output
    conn = sqlite3.connect(db_path)
    (status, failed, errors), = conn.execute("SELECT status, failed, errors FROM crawl_runs").fetchall()
    conn.close()
    assert status == "failed" and failed == 1 and "HTTP 503" in errors
