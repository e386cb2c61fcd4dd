"""A Datasette plugin for archiver databases: rows of the `article_list` view (which has no
primary key, so Datasette gives its rows no links) link their title to the article's full row.

`archiver serve` registers it; installed archiver also declares it as a `datasette` entry
point, so a plain `datasette archive.db` in the same environment loads it too. It touches only
the `article_list` view and always escapes: archived titles may carry markup.
"""

from __future__ import annotations

from datasette import hookimpl
from markupsafe import Markup, escape


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if table != "article_list" or column != "title" or value is None:
        return None
    try:
        article_id = row["id"]
    except (IndexError, KeyError):
        return None
    href = datasette.urls.row(database, "articles", str(article_id))
    return Markup('<a href="{}">{}</a>').format(href, escape(value))
