"""Backfill from the Wayback Machine: list a site's (or one URL's) captures with the CDX API,
fetch each capture's original bytes (`<timestamp>id_/` form, no Wayback rewriting) and ingest
it as a capture of the ORIGINAL URL dated at the Wayback timestamp (UTC).

Everything goes through the one polite Fetcher (per-host delay, retries, Retry-After). The
CDX listing is paged with `showResumeKey`/`resumeKey`; `limit` caps the captures fetched in a
run, and captures already in the archive are skipped without counting, so a rerun carries on.
CDX reference: https://github.com/internetarchive/wayback/tree/master/wayback-cdx-server
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Callable
from urllib.parse import urlencode, urlsplit

from .config import Config
from .errors import ArchiverError, FetchError, UsageError
from .fetch import TRANSFER_HEADERS, Fetcher, accept_types
from .ingest import Ingest
from .models import FetchedPage
from .adapters import make_adapter
from .archive import HTML_TYPES
from .runs import RunReport
from .urls import host_of
from .sites import adapter_names

log = logging.getLogger("archiver.wayback")

CDX_URL = "https://web.archive.org/cdx/search/cdx"
WEB_URL = "https://web.archive.org/web"
CDX_PAGE = 1000  # rows per CDX request (the server's own cap is far higher)
MAX_CDX_REQUESTS = 100  # a site whose history is mostly non-article URLs must still end
ORIG_PREFIX = "x-archive-orig-"  # the Wayback's copy of the original response headers
_STAMP = re.compile(r"^\d{4}(?:\d{2}){0,5}$")
_ID_STAMP = re.compile(r"/web/(\d{14})id_/")

Progress = Callable[[str, str, int, int], None]


@dataclass(frozen=True)
class Snapshot:
    timestamp: str  # 14 digits, UTC
    original: str
    mimetype: str = ""

    @property
    def url(self) -> str:
        """The original URL without the default port older captures carry (`http://host:80/`)."""
        parts = urlsplit(self.original)
        if (parts.scheme, parts.port) in (("http", 80), ("https", 443)):
            return parts._replace(netloc=parts.netloc.rsplit(":", 1)[0]).geturl()
        return self.original

    @property
    def moment(self) -> datetime:
        return stamp_moment(self.timestamp)

    @property
    def raw_url(self) -> str:
        return f"{WEB_URL}/{self.timestamp}id_/{self.original}"


def stamp_moment(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)


def check_stamp(value: str | None, option: str) -> str | None:
    """--from/--to: YYYY, YYYYMM, YYYYMMDD ... up to 14 digits (dashes allowed), as the CDX API takes them."""
    if value is None:
        return None
    stamp = re.sub(r"[-:T ]", "", value.strip())
    if not _STAMP.match(stamp):
        raise UsageError(f"{option} {value!r} is not a date like 2016 or 20160605")
    return stamp


@dataclass(frozen=True)
class Target:
    site: str | None  # an adapter name when a whole site is backfilled
    params: tuple[tuple[str, str], ...]  # the CDX query without paging
    is_wanted: Callable[[str], bool]  # original URL → keep it?


def target_for(config: Config, site_or_url: str, since: str | None, until: str | None) -> Target:
    common = [("output", "json"), ("filter", "statuscode:200"), ("collapse", "digest")]
    common += [("from", since)] if since else []
    common += [("to", until)] if until else []
    if site_or_url in adapter_names() and site_or_url != "generic":
        adapter = make_adapter(config, site_or_url)
        host = host_of(adapter.base_url)
        # The whole host, cut down to article pages by the adapter's own URL pattern.
        params = [("url", f"{host}/"), ("matchType", "prefix"), *common, ("filter", "mimetype:text/html")]
        return Target(site_or_url, tuple(params), lambda url: adapter.article_key(url) is not None)
    if site_or_url.startswith(("http://", "https://")):
        # A trailing * is the CDX API's own prefix form.
        return Target(None, (("url", site_or_url), *common), lambda url: True)
    sites = ", ".join(n for n in adapter_names() if n != "generic")
    raise UsageError(f"{site_or_url!r} is neither a site ({sites}) nor an http(s) URL")


def parse_cdx(body: bytes) -> tuple[list[Snapshot], str | None]:
    """Rows of a JSON CDX answer (the first row names the fields) and the resume key, if any:
    with showResumeKey the key follows an empty row at the end."""
    text = body.decode("utf-8").strip()
    rows = json.loads(text) if text else []
    if not rows:
        return [], None
    names, rows = rows[0], rows[1:]
    resume = None
    if [] in rows:
        cut = rows.index([])
        resume = rows[cut + 1][0] if len(rows) > cut + 1 and rows[cut + 1] else None
        rows = rows[:cut]
    index = {name: i for i, name in enumerate(names)}
    snapshots = [Snapshot(r[index["timestamp"]], r[index["original"]], r[index["mimetype"]] if "mimetype" in index else "")
                 for r in rows]
    return snapshots, resume


def list_snapshots(fetcher: Fetcher, target: Target, wanted: Callable[[Snapshot], bool], limit: int) -> list[Snapshot]:
    """Up to LIMIT wanted snapshots, paging through the CDX listing."""
    found: dict[tuple[str, str], Snapshot] = {}
    resume = None
    for _ in range(MAX_CDX_REQUESTS):
        url = f"{CDX_URL}?{urlencode([*target.params, ('limit', str(CDX_PAGE)), ('showResumeKey', 'true')])}"
        if resume:
            url += f"&resumeKey={resume}"  # sent back as the API wrote it: it is already URL-encoded
        try:
            page = fetcher.fetch(url)
        except FetchError as exc:
            raise ArchiverError(f"the Wayback Machine's CDX API failed: {exc.reason}") from None
        if page.status != 200:
            raise ArchiverError(f"the Wayback Machine's CDX API failed: HTTP {page.status}")
        try:
            rows, resume = parse_cdx(page.body)
        except (ValueError, IndexError, KeyError) as exc:
            raise ArchiverError(f"the Wayback Machine's CDX API sent something that is not a CDX listing: {exc}") from None
        for snap in rows:
            if target.is_wanted(snap.url) and wanted(snap):
                found.setdefault((snap.url, snap.timestamp), snap)
                if len(found) >= limit:
                    return list(found.values())
        if not resume:
            return list(found.values())
    log.warning("stopped listing after %d CDX requests; run again to go on", MAX_CDX_REQUESTS)
    return list(found.values())


def original_page(snap: Snapshot, page: FetchedPage) -> FetchedPage:
    """The Wayback's answer as the original server's: its URL, its headers where the Wayback
    kept them, dated at the capture (the Date header picks the adapter's parser version)."""
    stamp = _ID_STAMP.search(page.final_url)  # the Wayback may redirect to a neighbouring capture
    moment = stamp_moment(stamp.group(1)) if stamp else snap.moment
    headers = {k[len(ORIG_PREFIX):]: v for k, v in page.headers.items()
               if k.startswith(ORIG_PREFIX) and k[len(ORIG_PREFIX):] not in TRANSFER_HEADERS}
    for name in ("content-type", "x-archiver-body"):
        if name in page.headers:
            headers[name] = page.headers[name]
    headers["date"] = format_datetime(moment, usegmt=True)
    headers["x-archiver-source"] = f"wayback {page.final_url}"
    fetched_at = moment.replace(microsecond=0).isoformat()
    return FetchedPage(url=snap.url, final_url=snap.url, status=page.status, headers=headers, body=page.body,
                       fetched_at=fetched_at)


@dataclass
class BackfillResult:
    reports: list[RunReport]
    listed: int
    skipped: dict[str, int]


def backfill(store, config: Config, site_or_url: str, fetcher: Fetcher, since: str | None = None,
             until: str | None = None, limit: int = 200, progress: Progress | None = None) -> BackfillResult:
    """Fetch and ingest up to LIMIT captures of SITE_OR_URL (since/until: YYYY[MMDD...])."""
    target = target_for(config, site_or_url, check_stamp(since, "--from"), check_stamp(until, "--to"))
    accept = accept_types(HTML_TYPES)
    with Ingest(store, config, fetcher) as ingest:
        def unseen(snap: Snapshot) -> bool:
            if store.has_capture(snap.url, snap.moment.isoformat()):
                ingest.skipped["already in the archive"] += 1
                return False
            return True

        snapshots = sorted(list_snapshots(fetcher, target, unseen, limit), key=lambda s: (s.timestamp, s.url))
        for done, snap in enumerate(snapshots, start=1):
            adapter = ingest.adapter_for(snap.url, target.site)
            try:
                page = fetcher.fetch(snap.raw_url, accept=accept)
            except FetchError as exc:
                ingest.fail(adapter, snap.url, f"from the Wayback Machine: {exc.reason}", exc.status)
            else:
                if page.status != 200:
                    ingest.fail(adapter, snap.url, f"HTTP {page.status} from the Wayback Machine", page.status)
                else:
                    ingest.add(original_page(snap, page), target.site)
            if progress:
                progress(adapter.name, snap.url, done, len(snapshots))
    return BackfillResult(ingest.reports, len(snapshots), dict(ingest.skipped))
