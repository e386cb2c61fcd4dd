"""`archiver reparse`: rebuild every article from its stored raw bytes, no network.

Each capture goes through the one write path as the capture it already is, parsed by the
parser version valid on its capture date, so an adapter fix reaches the whole archive.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from .adapters import make_adapter
from .archive import Batch, Outcome, StoredCapture, archive_page
from .config import Config
from .errors import ArchiverError
from .sites.base import Adapter
from .urls import origin_of


def reparse(store, config: Config, sites: Iterable[str] | None = None) -> Counter:
    """Rebuild articles from stored raw bytes with the parser valid at each capture's date,
    without the boilerplate learned from each site's articles first; returns how many captures
    gave each outcome."""
    counts: Counter = Counter()
    adapters: dict[str, Adapter | None] = {}
    for site in sorted(set(sites) if sites else store.boilerplate.sites()):
        store.boilerplate.learn(site)  # what recurs across the site's articles goes from every one of them
    with Batch(store, pages=200, seconds=2.0) as batch:
        for row in store.iter_captures(sites):
            adapter = _adapter(config, adapters, row)
            if adapter is None:
                counts["unknown site"] += 1
                continue
            batch.open()
            archived = archive_page(store, adapter, store.page_from_capture(row), is_article=True,
                                    stored=StoredCapture(row["id"], row["sha256"]))
            counts["failed" if archived.outcome is Outcome.FAILED else archived.outcome.value] += 1
            batch.added()
    return counts


def _adapter(config: Config, adapters: dict[str, Adapter | None], row: dict) -> Adapter | None:
    """The capture's site's adapter, at the origin the capture came from (a mirror, a test
    server): its URL patterns must recognise the stored URLs."""
    site = row["site"]
    if site not in adapters:
        try:
            adapters[site] = make_adapter(config, site, origin_of(row["url"]))
        except ArchiverError:
            adapters[site] = None
    return adapters[site]
