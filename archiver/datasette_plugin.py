"""A Datasette plugin for archiver databases: rows of the `article_list` view (which has no
primary key, so Datasette gives its rows no links) link their title to the article's page; an
article's row page reads as an article (templates/row-archive-articles.html); story clusters
show their first article's title and link their copies count to the list of members;
publication dates show as precise as the site gave them; raw bodies download as their
original bytes.

`archiver serve` registers it; installed archiver also declares it as a `datasette` entry
point, so a plain `datasette archive.db` in the same environment loads it too. It touches only
those pages, and always escapes: archived titles and text may carry markup.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from .store.bodies import decompress

_MIDNIGHT_UTC = re.compile(r"^(\d{4}-\d{2}-\d{2})T00:00:00(?:\+00:00|Z)?$")
_MOMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?(?:\+00:00|Z)$")
# Dates a site states (a day alone: archives parsed before every adapter stored it as the day
# hold midnight UTC, until `archiver reparse`), shown as precise
# as they are in these tables' pages; fetch times are archiver's own and stay as stored.
_PUBLICATION_DATES = frozenset({"published", "updated", "first_published"})
_DATED_TABLES = frozenset({"articles", "article_list", "clusters", "related_items", "comments"})
# Member ids in a cluster's link: a URL stays a few kilobytes however many copies a story has.
MAX_MEMBERS = 500


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if table == "raw_pages" and column == "content":
        return _cell_with(row, "sha256", lambda sha: Markup('<a href="{}">download the original bytes</a>').format(
            raw_body_path(database, sha)))
    if table == "article_list" and column == "title" and value is not None:
        return _cell_with(row, "id", lambda article_id: Markup('<a href="{}">{}</a>').format(
            datasette.urls.row(database, "articles", str(article_id)), escape(value)))
    if table == "clusters" and column == "cluster_id" and value is not None:
        return _story_link(datasette, database, value)
    if table == "clusters" and column == "copies" and value is not None:
        return _cell_with(row, "cluster_id", lambda root: _members_link(datasette, database, root, value))
    if column in _PUBLICATION_DATES and table in _DATED_TABLES:
        return _date_cell(value)
    return None


def _date_cell(value) -> Markup | None:
    """A stored date as precise as the site gave it, the stored value one hover away."""
    shown = shown_date(value) if isinstance(value, str) else value
    return Markup('<span title="{}">{}</span>').format(value, shown) if shown != value else None


def _cell_with(row, key: str, render):
    """RENDER(row[KEY]), or None (Datasette's own rendering) when the row lacks KEY."""
    try:
        return render(row[key])
    except (IndexError, KeyError):
        return None


async def _story_link(datasette, database: str, article_id: int) -> Markup:
    """A cluster's first-seen article by title, linked to its page, which lists every copy."""
    rows = (await datasette.get_database(database).execute("SELECT title FROM articles WHERE id = ?", [article_id])).rows
    title = rows[0][0] if rows and rows[0][0] else "(no title)"
    return Markup('<a href="{}">{}</a> <span style="color: #666">#{}</span>').format(
        datasette.urls.row(database, "articles", str(article_id)), escape(title), article_id)


async def _members_link(datasette, database: str, root: int, copies: int) -> Markup:
    """A cluster's copies count, linked to the list of its members (the first-seen article and
    every copy of it), oldest first; a very large cluster links to its first MAX_MEMBERS."""
    rows = (await datasette.get_database(database).execute(
        "SELECT id FROM articles WHERE id = ? OR duplicate_of = ? ORDER BY first_seen, id LIMIT ?",
        [root, root, MAX_MEMBERS])).rows
    ids = ",".join(str(r[0]) for r in rows)
    return Markup('<a href="{}?{}">{}</a>').format(
        datasette.urls.table(database, "article_list"), urlencode({"id__in": ids, "_sort": "published"}), copies)


def raw_body_path(database: str, sha256: str) -> str:
    return f"/-/archiver/{database}/raw/{sha256}"


@hookimpl
def register_routes():
    return [(r"^/-/archiver/(?P<database>[^/]+)/raw/(?P<sha>[0-9a-f]{64})$", raw_body)]


async def raw_body(datasette, request):
    """A raw body exactly as the server sent it (stored compressed), as a download: never
    rendered, since archived pages carry scripts."""
    try:
        db = datasette.get_database(request.url_vars["database"])
    except KeyError:
        return Response.text("no such database", status=404)
    sha = request.url_vars["sha"]
    rows = (await db.execute("SELECT content, compression FROM raw_pages WHERE sha256 = ?", [sha])).rows
    if not rows:
        return Response.text("no raw page with that sha256", status=404)
    content, compression = rows[0]
    body = decompress(content, compression)
    return Response(body, content_type="application/octet-stream", headers={
        "content-disposition": f'attachment; filename="{sha}.raw"', "x-content-type-options": "nosniff"})


_STATED = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?([+-]\d{2}:\d{2})$")


def shown_date(published: str | None, as_stated: str | None = None) -> str | None:
    """A publication time as precise as it is: a day alone (or midnight UTC, how older archives
    stored one) as the day, a UTC moment as day and minute, and beside it the moment in the zone
    the page gave it (AS_STATED, extra.published_local) when that is not UTC: its readers' day."""
    if not published:
        return None
    day = _MIDNIGHT_UTC.match(published)
    if day:
        return day.group(1)
    moment = _MOMENT.match(published)
    if not moment:
        return published
    shown = f"{moment.group(1)} {moment.group(2)} UTC"
    local = _STATED.match(as_stated or "")
    if local and local.group(3) not in ("+00:00", "-00:00"):
        shown += f" ({local.group(1)} {local.group(2)} {local.group(3)} on the page)"
    return shown


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name != "row" or table != "articles" or request is None:
        return {}

    async def article_page():
        pks = request.url_vars.get("pks", "")
        if not pks.isdigit():
            return {}
        return {"article_page": await _article_page(datasette.get_database(database), int(pks))}

    return article_page


def _stated_moment(article: dict) -> str | None:
    try:
        extra = json.loads(article.get("extra") or "{}")
    except ValueError:
        return None
    stated = extra.get("published_local") if isinstance(extra, dict) else None
    return stated if isinstance(stated, str) else None


async def _article_page(db, article_id: int) -> dict | None:
    rows = (await db.execute("SELECT * FROM articles WHERE id = ?", [article_id])).rows
    if not rows:
        return None
    article = dict(rows[0])
    root = article["duplicate_of"] or article_id

    async def values(sql: str, *params) -> list[dict]:
        return [dict(r) for r in (await db.execute(sql, list(params))).rows]

    copies = await values("SELECT id, site, title, published FROM articles WHERE id = ? OR duplicate_of = ? "
                          "ORDER BY first_seen, id", root, root)
    related = await values("SELECT r.title, r.url, r.article_id FROM article_related ar JOIN related_items r ON r.id = ar.related_id "
                           "WHERE ar.article_id = ? ORDER BY ar.position", article_id)
    tags = await values("SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ? "
                        "ORDER BY at.position", article_id)
    captures = await values("SELECT count(*) AS n FROM captures WHERE article_id = ?", article_id)
    versions = await values("SELECT count(*) AS n FROM article_versions WHERE article_id = ?", article_id)
    return {
        "article": article, "root": root, "published": shown_date(article["published"], _stated_moment(article)),
        "authors": json.loads(article["authors"] or "[]"),
        "paragraphs": [p.strip() for p in (article["text"] or "").split("\n\n") if p.strip()],
        "copies": [c for c in copies if c["id"] != article_id], "related": related,
        "tags": [t["name"] for t in tags], "captures": captures[0]["n"], "versions": versions[0]["n"],
    }
