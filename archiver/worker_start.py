"""What every import worker needs before its first page, done once in the fork server.

`import-warc`'s local workers are forked from a fork server (bulk.worker_context) that imports
this module first: the parsing code (~1.2 s of imports) and the tables it builds on first use
(htmldate's month words and date patterns, dateparser's for the page's language, the language
model for pages that declare none) are then in every worker, which would otherwise each pay
them, on two cores at the cost of the other's pages. Nothing here touches a database.
"""

from __future__ import annotations

import logging

_WARM_PAGES = (
    # Dated only in its prose and declaring no language: htmldate's text search, dateparser
    # and the language guess all run.
    b"<html><head><title>Les nouvelles du jour</title></head><body><article><h1>Les nouvelles du jour</h1>"
    b"<p>Publi\xc3\xa9 le 3 mars 2020 par la r\xc3\xa9daction. Le conseil municipal a vot\xc3\xa9 le budget de "
    b"l'ann\xc3\xa9e apr\xc3\xa8s un long d\xc3\xa9bat sur les \xc3\xa9coles et les routes de la ville.</p>"
    b"</article></body></html>",
    # Dated by its metas, in English, with a byline and links: the usual page.
    b'<html lang="en"><head><meta property="article:published_time" content="2020-03-03T10:00:00Z">'
    b'<meta name="author" content="Jane Roe"></head><body><article><h1>City council votes the budget</h1>'
    b'<p class="byline">By Jane Roe</p><p>The council voted the budget after a long debate on schools '
    b'and roads. <a href="/news/2020/03/03/more">More</a></p></article></body></html>',
)


def warm() -> list:
    """Prepare the warm pages as a worker would; what it made of them (for the test that keeps
    them exercising what they should)."""
    from .config import Config
    from .ingest import AdapterChoice
    from .models import FetchedPage
    from .parsing import prepare_page

    choose = AdapterChoice(Config())
    quiet = logging.getLogger().manager.disable
    logging.disable(logging.CRITICAL)  # the warm pages' own warnings are nobody's business
    made = []
    try:
        for n, body in enumerate(_WARM_PAGES):
            page = FetchedPage(url=f"https://warm.invalid/news/2020/03/03/page-{n}", final_url=None, status=200,
                               headers={"content-type": "text/html"}, body=body,
                               fetched_at="2020-03-04T00:00:00+00:00")
            made.append(prepare_page(choose(page.url), page, None))
    finally:
        logging.disable(quiet)
    return made


try:
    from . import bulk  # noqa: F401  (what a worker runs: its imports, now)

    warm()
except Exception:  # a warm-up that fails only leaves the work to each worker, as before
    pass
