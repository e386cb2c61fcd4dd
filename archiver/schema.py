"""The archive's schema, as sqlite-utils Migrations applied in order when a store opens.

An archive written by any earlier version opens and is brought up to date in place; the
tables the outside world reads (README, "The database") only ever gain columns.
"""

from __future__ import annotations

import logging
import sqlite3

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("archiver")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db["raw_pages"].create(
        {"sha256": str, "content": bytes, "compression": str, "encoding": str, "content_type": str, "size": int},
        pk="sha256",
    )
    db["captures"].create(
        {
            "id": int, "url": str, "final_url": str, "site": str, "fetched_at": str, "status": int,
            "sha256": str, "article_id": int, "kind": str, "headers": str, "error": str, "run_id": int,
        },
        pk="id",
        foreign_keys=[("sha256", "raw_pages", "sha256")],
    )
    db["articles"].create(
        {
            "id": int, "site": str, "key": str, "url": str, "canonical_url": str, "title": str,
            "authors": str, "published": str, "updated": str, "section": str, "lead": str, "text": str,
            "text_sha256": str, "duplicate_of": int, "first_seen": str, "last_seen": str,
            "image_url": str, "image_caption": str, "image_credit": str, "extra": str, "warnings": str,
            "parser": str, "raw_sha256": str,
        },
        pk="id",
        foreign_keys=[("duplicate_of", "articles", "id")],
    )
    db["articles"].create_index(["site", "key"], unique=True)
    db["articles"].create_index(["text_sha256"])
    db["articles"].create_index(["published"])
    db["articles"].create_index(["duplicate_of"])
    db["article_urls"].create({"url": str, "article_id": int, "first_seen": str}, pk="url",
                              foreign_keys=[("article_id", "articles", "id")])
    db["related_items"].create(
        {"id": int, "site": str, "key": str, "url": str, "title": str, "image": str, "kind": str,
         "published": str, "article_id": int, "first_seen": str},
        pk="id",
    )
    db["related_items"].create_index(["site", "key"], unique=True)
    db["article_related"].create(
        {"article_id": int, "related_id": int, "position": int},
        pk=("article_id", "position"),
        foreign_keys=[("article_id", "articles", "id"), ("related_id", "related_items", "id")],
    )
    db["tags"].create({"id": int, "name": str, "kind": str}, pk="id")
    db["tags"].create_index(["name"], unique=True)
    db["article_tags"].create(
        {"article_id": int, "tag_id": int, "kind": str, "position": int},
        pk=("article_id", "tag_id"),
        foreign_keys=[("article_id", "articles", "id"), ("tag_id", "tags", "id")],
    )
    db["comments"].create(
        {"id": int, "article_id": int, "position": int, "author": str, "text": str, "reply_to": int, "published": str},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["comments"].create_index(["article_id", "position"], unique=True)
    db["crawl_runs"].create(
        {"id": int, "site": str, "started": str, "finished": str, "status": str, "fetched": int, "new": int,
         "updated": int, "unchanged": int, "duplicate": int, "failed": int, "errors": str},
        pk="id",
    )
    db["frontier"].create(
        {"url": str, "site": str, "kind": str, "state": str, "attempts": int, "next_attempt": str,
         "last_error": str, "discovered_at": str, "updated_at": str, "depth": int},
        pk="url",
    )
    db["frontier"].create_index(["site", "state", "next_attempt"])
    db["articles"].enable_fts(["title", "text"], fts_version="FTS5", create_triggers=True,
                              tokenize="porter unicode61 remove_diacritics 2")


@migrations()
def m002_near_duplicates(db: sqlite_utils.Database) -> None:
    # MinHash signatures and LSH band keys of each article's text (see archiver/dedup/sketch.py).
    # Bands are a WITHOUT ROWID table keyed (band, key, article_id): a candidate look-up is
    # one B-tree range per band, whatever the archive's size.
    db.execute(
        "CREATE TABLE dedup_signatures (article_id INTEGER PRIMARY KEY REFERENCES articles(id), "
        "signature BLOB NOT NULL, shingles INTEGER NOT NULL)"
    )
    db.execute(
        "CREATE TABLE dedup_bands (band INTEGER NOT NULL, key INTEGER NOT NULL, "
        "article_id INTEGER NOT NULL REFERENCES articles(id), PRIMARY KEY (band, key, article_id)) WITHOUT ROWID"
    )
    db.execute("CREATE INDEX idx_dedup_bands_article ON dedup_bands (article_id)")
    # The parameters the index was built with; signatures from other parameters never compare.
    db["dedup_params"].create({"id": int, "threshold": float, "shingle_size": int, "num_perm": int,
                               "bands": int, "rows": int, "built": str}, pk="id")
    db["articles"].add_column("duplicate_kind", str)  # 'exact' or 'near', on members only
    db["articles"].add_column("similarity", float)  # Jaccard of shingles with the member it matched
    db.execute(
        "CREATE VIEW clusters AS SELECT coalesce(duplicate_of, id) AS cluster_id, count(*) AS copies, "
        "count(DISTINCT site) AS sites, group_concat(DISTINCT site) AS site_list, min(first_seen) AS first_seen, "
        "min(published) AS first_published FROM articles GROUP BY coalesce(duplicate_of, id)"
    )


@migrations()
def m003_browse_views(db: sqlite_utils.Database) -> None:
    # What Datasette lists and facets (archiver/datasette/metadata.yml): articles without their
    # large columns, with the publication year/month and duplicate status as plain columns so
    # they can be faceted; searchable through articles_fts by id.
    db.execute(
        "CREATE VIEW article_list AS SELECT id, title, published, site, section, "
        "CASE WHEN duplicate_of IS NULL THEN 'original' ELSE 'duplicate' END AS duplicate_status, duplicate_of, "
        "substr(published, 1, 4) AS published_year, substr(published, 1, 7) AS published_month, url FROM articles"
    )


@migrations()
def m004_crawl_indexes(db: sqlite_utils.Database) -> None:
    # Every fetch looks up the URL's previous captures (validators, body hash, resume); without
    # an index that is a scan of all captures per page, quadratic over a long crawl.
    db["captures"].create_index(["url", "id"], if_not_exists=True)
    db["captures"].create_index(["run_id"], if_not_exists=True)


@migrations()
def m005_fts_on_text_changes_only(db: sqlite_utils.Database) -> None:
    # sqlite-utils' update trigger re-indexes an article on every UPDATE; bookkeeping columns
    # (last_seen, duplicate_of) change far more often than the text and need no re-index.
    db.execute("DROP TRIGGER IF EXISTS articles_au")
    db.execute(
        'CREATE TRIGGER "articles_au" AFTER UPDATE OF "title", "text" ON "articles" BEGIN\n'
        '  INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "text") VALUES(\'delete\', old.rowid, old."title", old."text");\n'
        '  INSERT INTO "articles_fts" (rowid, "title", "text") VALUES (new.rowid, new."title", new."text");\n'
        "END"
    )


@migrations()
def m006_bands_without_article_index(db: sqlite_utils.Database) -> None:
    # Every new article inserts one row per band at random positions; a second index on
    # article_id doubled that write cost and grew with the archive. Detaching recomputes the
    # keys from the stored signature instead (SqlDedupIndex.remove, archiver/store/dedup_index.py).
    db.execute("DROP INDEX IF EXISTS idx_dedup_bands_article")


@migrations()
def m007_shingle_fingerprints(db: sqlite_utils.Database) -> None:
    # The exact check of a near-duplicate candidate compares stored shingle fingerprints
    # (archiver/dedup/sketch.py) instead of re-shingling the candidate's text. Rows written before this
    # migration have none; the store fills them in the first time such a row is checked.
    db["dedup_signatures"].add_column("fingerprints", bytes)


@migrations()
def m008_article_versions(db: sqlite_utils.Database) -> None:
    # Every distinct extracted (title, text) of an article, oldest first, with the capture that
    # first showed it; what the article listed then (related keys, tags) rides along, so a
    # changed related list is kept too. `trivial`: only white space or punctuation changed.
    db["article_versions"].create(
        {
            "id": int, "article_id": int, "fetched_at": str, "capture_id": int, "title": str, "text": str,
            "text_sha256": str, "parser": str, "trivial": int, "related": str, "tags": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("capture_id", "captures", "id")],
    )
    db["article_versions"].create_index(["article_id", "fetched_at"])
    db["article_versions"].create_index(["capture_id"])
    # When a page that was live answered 404/410 (removed), and when it came back (restored).
    db["article_events"].create(
        {"id": int, "article_id": int, "at": str, "event": str, "capture_id": int}, pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["article_events"].create_index(["article_id", "at"])
    # Revisits: when the article was last checked, when it is next due (NULL: never again).
    db["articles"].add_column("removed_at", str)
    db["articles"].add_column("last_checked", str)
    db["articles"].add_column("revisit_due", str)
    db["articles"].create_index(["site", "revisit_due"])
    # An archive from before versions: its current text is its first known version.
    db.execute(
        "INSERT INTO article_versions (article_id, fetched_at, capture_id, title, text, text_sha256, parser, trivial, related, tags) "
        "SELECT a.id, a.first_seen, (SELECT min(c.id) FROM captures c WHERE c.article_id = a.id), a.title, a.text, "
        "a.text_sha256, a.parser, 0, NULL, NULL FROM articles a"
    )
    db.execute("UPDATE articles SET last_checked = last_seen")


@migrations()
def m009_fts_rank_with_title_weight(db: sqlite_utils.Database) -> None:
    # FTS5's `rank` (and so `ORDER BY rank`) becomes bm25 with a title match weighing five
    # times a text match, as archiver's own search ranks (archiver/store/search.py
    # RANK_FUNCTION): Datasette's search and anyone's SQL on the archive rank the same way.
    # Kept in the table's own configuration, so it costs nothing per query.
    db.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', 'bm25(5.0, 1.0)')")


@migrations()
def m010_run_coverage(db: sqlite_utils.Database) -> None:
    # Layout drift (archiver/drift.py): what each run found per parser version, and the
    # warnings when that departs from the site's earlier runs.
    db["crawl_runs"].add_column("coverage", str)
    db["crawl_runs"].add_column("warnings", str)


@migrations()
def m011_article_list_excerpt_and_copies(db: sqlite_utils.Database) -> None:
    # What a researcher scans in Datasette's list (archiver/datasette/metadata.yml): the start
    # of the article (its lead, else its text) and how many articles tell its story. Counted
    # through the duplicate_of index for the rows shown only: the view stays flattenable, so
    # a search's count and facets never compute them.
    db.execute("DROP VIEW IF EXISTS article_list")
    db.execute(
        "CREATE VIEW article_list AS SELECT a.id, a.title, "
        "trim(substr(replace(coalesce(nullif(a.lead, ''), a.text), char(10), ' '), 1, 240)) AS excerpt, "
        "1 + (SELECT count(*) FROM articles c WHERE c.duplicate_of = coalesce(a.duplicate_of, a.id)) AS copies, "
        "a.published, a.site, a.section, "
        "CASE WHEN a.duplicate_of IS NULL THEN 'original' ELSE 'duplicate' END AS duplicate_status, a.duplicate_of, "
        "substr(a.published, 1, 4) AS published_year, substr(a.published, 1, 7) AS published_month, a.url FROM articles a"
    )


@migrations()
def m012_article_list_reads_a_narrow_index(db: sqlite_utils.Database) -> None:
    # Datasette's search of article_list counts and facets every matching row: read from the
    # articles table itself that is one large row (text included) per match, 0.3 s a facet at
    # 100k articles. A covering index of the listed columns is a few bytes a row; the view
    # reads it (INDEXED BY, which SQLite's planner would not choose for an `id IN (...)`
    # look-up on its own), and the full text only for the rows shown.
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_browse ON articles (id, published, site, section, duplicate_of)")
    _browse_view(db, month="substr(a.published, 1, 7)")


def _browse_view(db: sqlite_utils.Database, month: str) -> None:
    """article_list as m012 made it, its published_month column being MONTH."""
    db.execute("DROP VIEW IF EXISTS article_list")
    db.execute(
        "CREATE VIEW article_list AS SELECT a.id, a.title, "
        "trim(substr(replace(coalesce(nullif(a.lead, ''), a.text), char(10), ' '), 1, 240)) AS excerpt, "
        "1 + (SELECT count(*) FROM articles c WHERE c.duplicate_of = coalesce(a.duplicate_of, a.id)) AS copies, "
        "a.published, a.site, a.section, "
        "CASE WHEN a.duplicate_of IS NULL THEN 'original' ELSE 'duplicate' END AS duplicate_status, a.duplicate_of, "
        f"substr(a.published, 1, 4) AS published_year, {month} AS published_month, a.url "
        "FROM articles a INDEXED BY idx_articles_browse"
    )


@migrations()
def m013_learned_boilerplate(db: sqlite_utils.Database) -> None:
    # Boilerplate learned from each site's own articles (issue 12; archiver/store/boilerplate.py):
    # per site, the articles (near-duplicate clusters) counted, and each block (normalised, numbers
    # and dates masked) seen in enough of them to matter, with a paragraph as an example.
    db.execute("CREATE TABLE IF NOT EXISTS boilerplate_sites (site TEXT PRIMARY KEY, articles INTEGER NOT NULL, learned_at TEXT)")
    db.execute("CREATE TABLE IF NOT EXISTS boilerplate_blocks (site TEXT NOT NULL, key TEXT NOT NULL, "
               "count INTEGER NOT NULL, example TEXT, PRIMARY KEY (site, key))")


@migrations()
def m014_related_aliases(db: sqlite_utils.Database) -> None:
    # A site's article known by an old id that now redirects to a new one: lists naming the old
    # id name the same related item as lists naming the new one (archiver/store/related.py).
    db["related_aliases"].create({"site": str, "old_key": str, "key": str}, pk=("site", "old_key"))


@migrations()
def m015_version_search(db: sqlite_utils.Database) -> None:
    # `search --all-versions`: full text over every version an article had, not only its newest.
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS article_versions_fts USING fts5("
               "title, text, content='article_versions', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')")
    db.execute("CREATE TRIGGER IF NOT EXISTS article_versions_ai AFTER INSERT ON article_versions BEGIN "
               "INSERT INTO article_versions_fts (rowid, title, text) VALUES (new.id, new.title, new.text); END")
    db.execute("CREATE TRIGGER IF NOT EXISTS article_versions_ad AFTER DELETE ON article_versions BEGIN "
               "INSERT INTO article_versions_fts (article_versions_fts, rowid, title, text) "
               "VALUES ('delete', old.id, old.title, old.text); END")
    db.execute("CREATE TRIGGER IF NOT EXISTS article_versions_au AFTER UPDATE OF title, text ON article_versions BEGIN "
               "INSERT INTO article_versions_fts (article_versions_fts, rowid, title, text) "
               "VALUES ('delete', old.id, old.title, old.text); "
               "INSERT INTO article_versions_fts (rowid, title, text) VALUES (new.id, new.title, new.text); END")
    db.execute("INSERT INTO article_versions_fts (article_versions_fts) VALUES ('rebuild')")


# Id columns that name a row of another table but were never declared as foreign keys: Datasette
# links a cell to the row it names only through a declared key (captures → their article, run
# and body; an article → the body it was read from; an event → its capture; a related item →
# the archived article it is). comments.reply_to is a position, not an id.
LINKS = {
    "captures": [("article_id", "articles", "id"), ("run_id", "crawl_runs", "id")],
    "articles": [("raw_sha256", "raw_pages", "sha256")],
    "article_events": [("capture_id", "captures", "id")],
    "related_items": [("article_id", "articles", "id")],
}


@migrations(transactional=False)
def m016_link_foreign_keys(db: sqlite_utils.Database) -> None:
    # The keys stay enforced (the store turns PRAGMA foreign_keys on): archiver writes a capture
    # before its article with article_id NULL and links it after, takes run ids from crawl_runs
    # and bodies from raw_pages, and deletes no article, run, capture or body, so every write
    # already satisfies them, and a future one that did not would fail loudly instead of
    # leaving a link to nothing. An old archive can still hold ids that name nothing (a run or
    # article deleted by hand): such a value links nowhere, so it is cleared, counted in the
    # log, and the row itself kept.
    #
    # Enforcement is off while the keys are declared (a table rebuild drops tables others
    # reference), and SQLite ignores that pragma inside a transaction: hence a migration outside
    # sqlite-utils' transaction, holding its own. A crash between its commit and the
    # migration's record reruns it, and it finds nothing to do.
    db.execute("PRAGMA foreign_keys = OFF")
    if db.execute("PRAGMA foreign_keys").fetchone()[0]:
        raise RuntimeError("m016 must run outside a transaction: foreign keys cannot be turned off inside one")
    try:
        with db.atomic():  # BEGIN IMMEDIATE: what is missing is read under the write lock
            wanted = {table: [fk for fk in fks if not _declared(db, table, fk)] for table, fks in LINKS.items()}
            wanted = {table: fks for table, fks in wanted.items() if fks}
            for table, fks in wanted.items():
                for column, parent, key in fks:
                    _clear_dangling(db, table, column, parent, key)
            if wanted:
                _declare(db, wanted)
    finally:
        db.execute("PRAGMA foreign_keys = ON")


def _declare(db: sqlite_utils.Database, wanted: dict[str, list[tuple[str, str, str]]]) -> None:
    """Declare WANTED's keys: in place where SQLite allows it, else by rebuilding each table."""
    try:
        with db.atomic():
            _declare_in_place(db, wanted)
        return
    except sqlite3.DatabaseError as exc:
        logging.getLogger(__name__).warning("declaring foreign keys by rebuilding %s (once; a while on a large archive): %s",
                                            ", ".join(wanted), exc)
    for table, fks in wanted.items():
        # transform (copy, drop, rename; rowids kept, so articles_fts, an external-content index
        # keyed by rowid, stays valid) re-makes indexes but not triggers (articles' FTS ones).
        triggers = [row[0] for row in db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                                                 [table])]
        db[table].transform(add_foreign_keys=fks)
        for sql in triggers:
            db.execute(sql)


def _declare_in_place(db: sqlite_utils.Database, wanted: dict[str, list[tuple[str, str, str]]]) -> None:
    # A foreign key changes nothing a table stores, so its CREATE TABLE text is replaced in
    # place: SQLite's documented procedure for constraint changes that leave the stored format
    # as it is (https://www.sqlite.org/lang_altertable.html#otheralter). A rebuild copies every
    # article: at 100k articles of ~400 words this migration takes 0.7 s in place, 9 s and
    # 400 MB more file rebuilt. The text is the one sqlite-utils' rebuild would create; if the
    # columns it describes differ in any way from the stored ones, or the SQLite build refuses
    # writes to its schema (SQLITE_DBCONFIG_DEFENSIVE), this raises and the caller rebuilds.
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    columns = {table: db.execute(f'PRAGMA table_xinfo("{table}")').fetchall() for table in wanted}
    db.execute("PRAGMA writable_schema = ON")
    try:
        for table, fks in wanted.items():
            create = db[table].transform_sql(add_foreign_keys=fks, tmp_suffix="m016")[0]
            create = create.replace(f'"{table}_new_m016"', f'"{table}"', 1)
            if db.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", [create, table]).rowcount != 1:
                raise sqlite3.DatabaseError(f"no table {table} to update")
        db.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")
    for table in wanted:
        if db.execute(f'PRAGMA table_xinfo("{table}")').fetchall() != columns[table]:
            raise sqlite3.DatabaseError(f"{table}'s columns would change")


def _declared(db: sqlite_utils.Database, table: str, fk: tuple[str, str, str]) -> bool:
    return any((f.column, f.other_table, f.other_column) == fk for f in db[table].foreign_keys)


def _clear_dangling(db: sqlite_utils.Database, table: str, column: str, parent: str, key: str) -> None:
    cleared = db.execute(
        f'UPDATE "{table}" SET "{column}" = NULL WHERE "{column}" IS NOT NULL AND NOT EXISTS '
        f'(SELECT 1 FROM "{parent}" p WHERE p."{key}" = "{table}"."{column}")').rowcount
    if cleared:
        logging.getLogger(__name__).warning(
            "%s.%s: %d value(s) named no %s row; cleared (the column now links to %s.%s)",
            table, column, cleared, parent, parent, key)


@migrations()
def m017_month_facet_of_known_months_only(db: sqlite_utils.Database) -> None:
    # A publication date known to the year only is stored as "2019" (sites/metadata.py: a guess
    # htmldate padded to the 1st of January); its month facet would read "2019" among months.
    _browse_view(db, month="CASE WHEN length(a.published) >= 7 THEN substr(a.published, 1, 7) END")
