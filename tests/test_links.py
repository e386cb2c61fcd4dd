"""Schema m016: the id columns that name another table's row are declared foreign keys, so
Datasette links captures to their article, run and raw body (and events to captures, related
items to articles). An archive made before it migrates with every row kept; ids naming rows
that no longer exist are cleared, since the keys are enforced from then on."""

from __future__ import annotations

import logging
import sqlite3
import urllib.parse

import pytest
from sqlite_utils.migrations import Migrations

from archiver.models import FetchedPage, ParsedArticle
from archiver.schema import LINKS, migrations
from archiver.store import Store

from .sample_archive import TITLES, build_archive, get, get_json, running_server

MIGRATION = "m016_link_foreign_keys"
# Ids that name nothing, as an old archive pruned by hand can hold them.
DANGLING = {("captures", "run_id"): 9999, ("captures", "article_id"): 8888, ("article_events", "capture_id"): 7777,
            ("related_items", "article_id"): 6666, ("articles", "raw_sha256"): "f" * 64}


def declared(conn: sqlite3.Connection, table: str) -> set[tuple[str, str, str]]:
    return {(row[3], row[2], row[4]) for row in conn.execute(f"PRAGMA foreign_key_list({table})")}


def every_row(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%' "
                                         "AND name != '_sqlite_migrations' ORDER BY name")]
    return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() if t not in ("dedup_bands", "boilerplate_blocks",
            "related_aliases", "article_related", "article_tags") else sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall())
            for t in tables}


@pytest.fixture(scope="module")
def old_archive(tmp_path_factory):
    """The sample archive written by the schema before m016, with dangling ids added; the
    rows it holds before migrating."""
    path = tmp_path_factory.mktemp("links") / "old.db"
    monkeypatch = pytest.MonkeyPatch()
    apply = Migrations.apply
    monkeypatch.setattr(migrations, "apply", lambda db, **_: apply(migrations, db, stop_before=MIGRATION))
    try:
        expected = build_archive(path)
        with Store(path) as store:  # an event with a capture, as a revisit that saw a 404 leaves one
            capture = store.save_capture("alalam", FetchedPage("https://alalam.example/gone", "https://alalam.example/gone",
                                                               404, {}, b"", "2024-02-01T00:00:00+00:00"), "article")
            with store.transaction():
                store.versions.mark_removed(expected["ids"]["1797706"], "2024-02-01T00:00:00+00:00", capture.capture_id)
    finally:
        monkeypatch.undo()
    with sqlite3.connect(path) as conn:
        assert MIGRATION not in {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")}
        assert ("article_id", "articles", "id") not in declared(conn, "captures")
        for (table, column), value in DANGLING.items():
            conn.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = (SELECT max(rowid) FROM {table} WHERE {column} IS NOT NULL)",
                         [value])
            assert conn.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", [value]).fetchone()[0] == 1
        before = every_row(conn)
    copy = sqlite3.connect(path.with_name("old-copy.db"))  # for the rebuild path
    conn.backup(copy)
    copy.close()
    conn.close()
    return path, expected, before


def migrate(path) -> list[str]:
    """Open PATH as the store does (which migrates it); the messages logged meanwhile."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("archiver.schema")
    logger.addHandler(handler)
    try:
        Store(path).close()
    finally:
        logger.removeHandler(handler)
    return [r.getMessage() for r in records]


@pytest.fixture(scope="module")
def migrated(old_archive):
    path, expected, before = old_archive
    return path, expected, before, migrate(path)


def test_an_old_archive_migrates_keeping_every_row(migrated):
    path, _, before, logged = migrated
    assert_kept_and_linked(path, before)
    assert len(logged) == len(DANGLING) and any("captures.run_id: 1 value(s) named no crawl_runs row" in m for m in logged)
    assert not any("rebuilding" in m for m in logged)  # declared in place: nothing copied


def test_where_sqlite_refuses_schema_writes_the_tables_are_rebuilt(old_archive, monkeypatch):
    path, expected, before = old_archive
    copy = path.with_name("old-copy.db")

    def defensive(db, wanted):  # what a SQLITE_DBCONFIG_DEFENSIVE build answers
        raise sqlite3.OperationalError("table sqlite_master may not be modified")

    monkeypatch.setattr("archiver.schema._declare_in_place", defensive)
    logged = migrate(copy)
    assert any(m.startswith("declaring foreign keys by rebuilding captures, articles, article_events, related_items")
               for m in logged)
    assert_kept_and_linked(copy, before)
    assert_schema_and_index_survive(copy, expected)


def assert_kept_and_linked(path, before) -> None:
    conn = sqlite3.connect(path)
    after = every_row(conn)
    assert after.keys() == before.keys()
    for table, rows in before.items():
        assert len(after[table]) == len(rows), table
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        for old, new in zip(rows, after[table]):
            for column, was, now in zip(columns, old, new):
                if (table, column) in DANGLING and was == DANGLING[(table, column)]:
                    assert now is None, (table, column)  # named nothing: cleared
                else:
                    assert now == was, (table, column, was, now)
    for table, links in LINKS.items():
        assert set(links) <= declared(conn, table), table
    assert ("sha256", "raw_pages", "sha256") in declared(conn, "captures")  # the old key kept
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()


def assert_schema_and_index_survive(path, expected) -> None:
    conn = sqlite3.connect(path)
    objects = {(r[0], r[1]) for r in conn.execute("SELECT type, name FROM sqlite_master")}
    assert {("trigger", "articles_ai"), ("trigger", "articles_ad"), ("trigger", "articles_au"), ("view", "article_list"),
            ("view", "clusters"), ("index", "idx_articles_browse"), ("index", "idx_captures_url_id"),
            ("index", "idx_captures_run_id"), ("index", "idx_articles_site_key")} <= objects
    assert not [name for _, name in objects if "_new_" in name]  # no half-done rebuild left behind
    # an external-content FTS5 index checked against its content table: rowids kept
    conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
    assert conn.execute("SELECT count(*) FROM article_list").fetchone()[0] == len(expected["ids"])
    found = {r[0] for r in conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'Khanasser'")}
    assert found == {expected["ids"]["1797706"], expected["ids"]["1051069089"]}
    conn.close()


def test_indexes_triggers_views_and_the_full_text_index_survive(migrated):
    path, expected, _, _ = migrated
    assert_schema_and_index_survive(path, expected)
    # the triggers keep indexing what is written after the rebuild
    with Store(path) as store:
        capture = store.save_capture("alalam", FetchedPage("https://alalam.example/new", "https://alalam.example/new", 200,
                                                           {}, b"<html>new</html>", "2024-03-01T00:00:00+00:00"), "article")
        run = store.start_run("alalam")
        store.save_capture("alalam", FetchedPage("https://alalam.example/r", "https://alalam.example/r", 200, {}, b"<p>r</p>",
                                                 "2024-03-01T00:00:01+00:00"), "listing", run)
        article = ParsedArticle(url="https://alalam.example/new", canonical_url=None, key="new", title="Zanzibar harbour",
                                text="Quokka sightings rose.", published="2024-03-01", parser="alalam:test")
        new_id = store.save_article("alalam", article, capture.capture_id, "2024-03-01T00:00:00+00:00", capture.sha256).article_id
        store.db.execute("UPDATE articles SET title = 'Zanzibar port' WHERE id = ?", [new_id])
        store.db.conn.commit()
        assert [r[0] for r in store.db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'port'")] == [new_id]
        assert store.db.execute("SELECT article_id FROM captures WHERE id = ?", [capture.capture_id]).fetchone()[0] == new_id
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_keys_are_enforced(migrated):
    path, _, _, _ = migrated
    with Store(path) as store:
        with pytest.raises(sqlite3.IntegrityError):
            with store.db.atomic():
                store.db.execute("INSERT INTO captures (url, site, fetched_at, kind, run_id) VALUES ('u', 's', 'now', 'failed', 123456)")


def test_a_migrated_archive_opens_again_without_change(migrated):
    path, _, _, _ = migrated
    schema = sqlite3.connect(path).execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    Store(path).close()
    assert sqlite3.connect(path).execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
    # rerun after a crash between its commit and its record: nothing left to do
    from archiver.schema import m016_link_foreign_keys
    from archiver.store.connection import open_database

    db = open_database(path, readonly=False)
    m016_link_foreign_keys(db)
    assert db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    db.conn.close()


def test_datasette_links_captures_runs_and_raw_bodies(migrated, tmp_path):
    path, expected, _, _ = migrated
    with running_server(path, tmp_path / "serve.log") as base:
        captures = get_json(f"{base}/archive/captures.json?_labels=on&_size=max")
        links = {fk["column"]: (fk["other_table"], label) for fk, label in captures["expandable_columns"]}
        assert links == {"article_id": ("articles", "title"), "run_id": ("crawl_runs", "started"), "sha256": ("raw_pages", None)}
        assert {"article_id", "run_id", "sha256"} <= set(captures["expanded_columns"])
        rows = captures["rows"]
        titled = [r["article_id"] for r in rows if isinstance(r["article_id"], dict)]
        assert {"value": expected["ids"]["1797706"], "label": TITLES[0]} in titled
        runs = [r["run_id"] for r in rows if isinstance(r["run_id"], dict)]
        assert {r["value"] for r in runs} >= {expected["sputnik_run"]}
        for table, column, other in (("articles", "raw_sha256", "raw_pages"), ("article_events", "capture_id", "captures"),
                                     ("related_items", "article_id", "articles")):
            data = get_json(f"{base}/archive/{table}.json?_size=1")
            assert (column, other) in {(fk["column"], fk["other_table"]) for fk, _ in data["expandable_columns"]}, table
        # the HTML table page links each cell to the row it names
        page = get(f"{base}/archive/captures?" + urllib.parse.urlencode({"run_id": expected["sputnik_run"]}))[2].decode()
        assert f'href="/archive/crawl_runs/{expected["sputnik_run"]}"' in page
        page = get(f"{base}/archive/captures?" + urllib.parse.urlencode({"article_id": expected["ids"]["1797706"]}))[2].decode()
        assert f'href="/archive/articles/{expected["ids"]["1797706"]}"' in page and 'href="/archive/raw_pages/' in page
        run_page = get(f"{base}/archive/crawl_runs/{expected['sputnik_run']}")[2].decode()
        assert f'href="/archive/captures?run_id={expected["sputnik_run"]}"' in run_page  # the run's captures, one click away
