"""A crawl killed with SIGKILL at several points resumes to the same archive as a crawl never
interrupted; searches running while a crawl writes never fail."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

from click.testing import CliRunner

from archiver.cli import cli

from .conftest import ROOT
from .localserver import LocalServer
from .tinysite import TinySite

ARTICLES = 60  # two listing pages


def write_config(path, origin, **fetch):
    settings = {"per_host_delay": 0.0, "concurrency": 4, "timeout": 5, "max_retries": 1, **fetch}
    lines = ["[fetch]"] + [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    lines += ["[sites.tinynews]", f'base_url = "{origin}"', "max_pages = 1000"]
    path.write_text("\n".join(lines) + "\n")
    return path


def start_crawl(config, db, *extra):
    return subprocess.Popen(
        [sys.executable, "-m", "tests.tinysite", "--config", str(config), "--db", str(db), "-q", "crawl", "tinynews", *extra],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def stored_article_paths(db) -> set[str]:
    if not db.exists():
        return set()
    conn = sqlite3.connect(db)
    try:
        return {"/news/" + r[0].rsplit("/", 1)[1] for r in conn.execute("SELECT url FROM captures WHERE kind = 'article'")}
    finally:
        conn.close()


def snapshot(db):
    conn = sqlite3.connect(db)
    try:
        articles = conn.execute(
            "SELECT a.key, a.title, a.text, a.published, "
            "(SELECT group_concat(i.key, ',') FROM article_related r JOIN related_items i ON i.id = r.related_id "
            " WHERE r.article_id = a.id ORDER BY r.position), "
            "(SELECT group_concat(t.name, ',') FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id) "
            "FROM articles a ORDER BY CAST(a.key AS INTEGER)").fetchall()
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        article_captures = conn.execute(
            "SELECT url, count(*) FROM captures WHERE kind = 'article' GROUP BY url HAVING count(*) > 1").fetchall()
        runs = [r[0] for r in conn.execute("SELECT status FROM crawl_runs ORDER BY id")]
        raw_orphans = conn.execute(
            "SELECT count(*) FROM captures c LEFT JOIN raw_pages r USING (sha256) WHERE c.sha256 IS NOT NULL AND r.sha256 IS NULL"
        ).fetchone()[0]
        return articles, check, article_captures, runs, raw_orphans
    finally:
        conn.close()


def test_sigkill_at_several_points_resumes_to_the_same_archive(tmp_path):
    site = TinySite(ARTICLES)
    with LocalServer(site.route) as server:
        config = write_config(tmp_path / "crawl.toml", server.origin)
        reference = start_crawl(config, tmp_path / "reference.db")
        assert reference.wait(timeout=60) == 0, reference.stderr.read()
        uninterrupted_requests = server.total
    expected, check, repeated, runs, _ = snapshot(tmp_path / "reference.db")
    assert len(expected) == ARTICLES and check == "ok" and runs == ["ok"]

    db = tmp_path / "resumed.db"
    with LocalServer(site.route) as server:
        config = write_config(tmp_path / "crawl.toml", server.origin)
        # Kill while the front page, then the listings, then the articles are being fetched.
        stored_before: list[tuple[int, set[str]]] = []  # (server log position, article paths stored) at each kill
        # Killed at once, a run loses its open batch of writes; killed a moment later, its
        # batch was committed while it waited: both must resume cleanly.
        for kill_at, linger in ((2, 0.0), (9, 0.7), (30, 0.0), (52, 0.7)):
            server.block_at = kill_at
            process = start_crawl(config, db)
            assert server.blocked.wait(timeout=30), "the crawl never reached the kill point"
            time.sleep(linger)
            process.send_signal(signal.SIGKILL)
            assert process.wait(timeout=10) == -signal.SIGKILL
            stored_before.append((len(server.log), stored_article_paths(db)))
            held, server.release = server.release, threading.Event()
            server.blocked.clear()
            held.set()
        server.block_at = None
        final = start_crawl(config, db)
        assert final.wait(timeout=60) == 0, final.stderr.read()
        log = [path for path, _, _ in server.log]

    articles, check, repeated, runs, orphans = snapshot(db)
    assert check == "ok" and orphans == 0
    assert articles == expected
    assert repeated == []  # no article stored twice
    assert runs == ["interrupted"] * 4 + ["ok"]
    # Nothing a killed run had stored was requested again by the runs after it.
    assert stored_before[1][1] and stored_before[3][1]
    for position, stored in stored_before:
        assert not stored & set(log[position:])
    assert uninterrupted_requests == ARTICLES + 4  # robots.txt, /, /list/1, /list/2


def test_search_runs_while_a_crawl_writes(tmp_path):
    site = TinySite(200)
    db = tmp_path / "archive.db"
    runner = CliRunner()
    with LocalServer(site.route, latency=0.02) as server:
        config = write_config(tmp_path / "crawl.toml", server.origin, concurrency=2)
        process = start_crawl(config, db)
        searches = 0
        seen = set()
        while process.poll() is None or searches < 3:
            if not db.exists():
                continue
            result = runner.invoke(cli, ["--db", str(db), "search", "river OR harbour", "--format", "json", "--limit", "500"])
            if "does not exist" in result.output or "not an archiver database" in result.output:
                continue  # the crawl has not created its schema yet
            assert result.exit_code == 0, result.output
            seen.add(len(json.loads(result.stdout)))
            searches += 1
        assert process.wait(timeout=60) == 0, process.stderr.read()
    assert searches >= 3 and len(seen) >= 2  # searched while the archive was growing
    assert max(seen) > 0
