"""Pages that arrive from outside a crawl: WARC files (`archiver import-warc`), the Wayback
Machine (wayback.py) and `archiver fetch` — archived exactly as if a crawl had fetched them, on
their own dates.

Each page goes through the one write path (archive.archive_page): raw body stored
content-addressed, a capture row dated at the original capture (so the parser version valid
then is used), the article parsed and saved with its related list, tags and comments; other
pages stored as captures. One crawl_runs row per site and import. A capture already in the
archive (same URL, same moment) is skipped, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import zipfile
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Iterable, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from .adapters import adapter_for_url, make_adapter
from .archive import Archived, Batch, Outcome, archive_page
from .config import Config, FetchConfig
from .dedup import body_hash
from .errors import FetchError, StoreError, UsageError
from .fetch import TRANSFER_HEADERS, Fetcher
from .models import FetchedPage, utc_now
from .parsing import Prepared
from .runs import RunReport
from .sites import adapter_names
from .sites.base import Adapter
from .urls import normalize_url, origin_of

log = logging.getLogger("archiver.ingest")

BATCH = 100  # WARC records stored per transaction: one commit per record made imports crawl


def utc_iso(moment: str | datetime) -> str:
    """A WARC-Date (`...Z`, maybe with fractions) or datetime as the archive's ISO 8601 UTC form."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


class AdapterChoice:
    """Which adapter archives a URL: the named site's when SITE is a known one, else the
    adapter owning URL, else generic. A named site keeps its captures even from another origin
    (a mirror or test server it was crawled from), as `reparse` does. One adapter per origin:
    links are resolved against the page's own. Plain data, so a worker process makes the same
    choice as the writer."""

    def __init__(self, config: Config):
        self.config = config
        self._adapters: dict[tuple[str | None, str], Adapter] = {}

    def __call__(self, url: str, site: str | None = None) -> Adapter:
        named = site is not None and site != "generic" and (site in adapter_names() or site in self.config.sites)
        key = (site if named else None, origin_of(url))
        if key not in self._adapters:
            name = key[0]
            if name is None:
                adapter = adapter_for_url(self.config, url)
            else:
                adapter = make_adapter(self.config, name)
                if not adapter.owns(url):
                    adapter = make_adapter(self.config, name, key[1])
            self._adapters[key] = adapter
        return self._adapters[key]

    def __getstate__(self) -> dict:
        return {"config": self.config, "_adapters": {}}


class Ingest:
    """One import run: pages in, one RunReport (and crawl_runs row) per site they belong to.
    Use as a context manager so every run is closed, also on Ctrl-C."""

    def __init__(self, store, config: Config, fetcher: Fetcher | None = None, generic_links: bool = True):
        self.store = store
        self.config = config
        self.fetcher = fetcher
        # GENERIC_LINKS False: pages of no known site queue none of their links (a bulk import of
        # other people's WARCs would fill the frontier with the whole web's off-site links).
        self.generic_links = generic_links
        self.skipped: Counter = Counter()  # reason → captures not ingested (not failures)
        self._reports: dict[str, RunReport] = {}
        self.adapter_for = AdapterChoice(config)

    def __enter__(self) -> "Ingest":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        for report in self._reports.values():
            try:
                report.finish(self.store, interrupted=exc_type is not None)
            except Exception:
                # The run row may have been rolled back with the batch that failed; the
                # error already on its way out is the one to report.
                if exc_type is None:
                    raise
                log.warning("%s: the interrupted run could not be closed", report.site)

    @property
    def reports(self) -> list[RunReport]:
        return list(self._reports.values())

    def report_for(self, site: str) -> RunReport:
        report = self._reports.get(site)
        if report is None:
            report = self._reports[site] = RunReport(site)
            report.begin(self.store)
        return report

    def add(self, page: FetchedPage, site: str | None = None, prepared: Prepared | None = None) -> Archived | None:
        """Archive one page through its adapter; None when it was not ingested (see `skipped`).
        PREPARED: the page's pure work, done by a worker with the same adapter choice."""
        adapter = self.adapter_for(page.url, site)
        report = self.report_for(adapter.name)
        if self.store.has_capture(page.url, page.fetched_at):
            self.skipped["already in the archive"] += 1
            return None
        if 300 <= page.status < 400 and page.status != 304:
            # archiver stores the page a redirect leads to, under the URL asked for; a bare
            # redirect record has no page to store.
            self.skipped[f"HTTP {page.status} redirect"] += 1
            return None
        is_article = adapter.article_key(page.url) is not None
        kind = "article" if is_article else "listing"
        with self.store.transaction():
            self.store.frontier_add(adapter.name, [page.url], kind)
            discover = self.generic_links or adapter.name != "generic"
            archived = archive_page(self.store, adapter, page, run_id=report.run_id, is_article=is_article,
                                    discover=discover, prepared=prepared)
            report.count(archived)
            if archived.links is not None:
                # What imported pages link to is there for a later crawl to fetch.
                self.store.frontier_add(adapter.name, archived.links.articles, "article", 1)
                self.store.frontier_add(adapter.name, [u for u in archived.links.listings if u != page.url],
                                        "listing", 1)
            reason = archived.reason if archived.outcome in (Outcome.FAILED, Outcome.SKIPPED) else None
            self.store.frontier_mark(page.url, "failed" if archived.http_error else "done", reason, attempted=True)
        return archived

    def fail(self, adapter: Adapter, url: str, reason: str, status: int | None = None) -> None:
        """A page that could not be obtained: recorded, and the import goes on."""
        report = self.report_for(adapter.name)
        self.store.record_failure(adapter.name, url, reason, status, report.run_id)
        report.failed(reason)
        log.warning("%s: %s", url, reason)


def fetch_urls(store, config: Config, targets: Iterable[str], fetcher: Fetcher) -> list[dict]:
    """Archive the given URLs (or local files) through their site's adapter, else the generic one."""
    results = []
    with Ingest(store, config, fetcher) as ingest:
        for target in targets:
            page, error = _load_target(target, fetcher)
            adapter = ingest.adapter_for(page.url if page else target)
            if error:
                ingest.fail(adapter, target, error.reason, error.status)
                results.append({"url": target, "site": adapter.name, "status": "failed", "reason": error.reason})
                continue
            archived = ingest.add(page)
            if archived is None:
                results.append({"url": target, "site": adapter.name, "status": "already in the archive"})
                continue
            status = archived.outcome.value if archived.outcome is not Outcome.STORED else "not an article"
            results.append({"url": target, "site": adapter.name, "status": status, "reason": archived.reason,
                            "article_id": archived.article_id or store.article_id_for_url(page.url)})
    return results


def _load_target(target: str, fetcher: Fetcher) -> tuple[FetchedPage | None, FetchError | None]:
    if not target.startswith(("http://", "https://")):
        path = Path(target[7:] if target.startswith("file://") else target)
        if not path.is_file():
            return None, FetchError(target, "no such file or URL")
        limit = fetcher.config.max_body_bytes
        if path.stat().st_size > limit:  # the cap a download has, for a file too
            return None, FetchError(target, f"body too large: over max_body_bytes ({limit:,} bytes)")
        body = path.read_bytes()
        return FetchedPage(url=path.resolve().as_uri(), final_url=path.resolve().as_uri(), status=200,
                           headers={"content-type": "text/html"}, body=body, fetched_at=utc_now()), None
    try:
        return fetcher.fetch(target), None
    except FetchError as exc:
        return None, exc


# -- WARC ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class WarcCapture:
    page: FetchedPage
    site: str | None  # X-Archiver-Site, written by `archiver export`
    digest: str | None  # WARC-Payload-Digest: what a later revisit record points at
    revisit: bool = False
    refers_to: tuple[str | None, str | None] = (None, None)  # a revisit's WARC-Refers-To-Target-URI and -Date


@dataclass(frozen=True)
class Refused:
    """A record that was read but must not be archived (a truncated or oversized body): it is
    recorded as a failure of its URL, so a later complete copy is imported in its place."""

    url: str
    site: str | None
    reason: str


@dataclass(frozen=True)
class Shard:
    """A run of records of one WARC file (or of one WARC inside a WACZ): the unit an import
    reads, and in a bulk import the unit a worker prepares. RECORDS None: to the end."""

    path: str
    member: str | None = None  # the WARC's name inside a WACZ (zip) file
    start: int = 0  # byte offset of the first record (in the member, for a WACZ)
    records: int | None = None

    @property
    def label(self) -> str:
        where = f"{self.path}!{self.member}" if self.member else self.path
        return where if self.start == 0 and self.records is None else f"{where}@{self.start}+{self.records}"


WarcItem = WarcCapture | Refused


def is_wacz(path: Path) -> bool:
    return zipfile.is_zipfile(path)


def file_shards(path: Path) -> list[Shard]:
    """One shard per WARC: the file itself, or each archive/*.warc(.gz) of a WACZ, in name order."""
    if not path.is_file():
        raise UsageError(f"cannot read {path}: no such file")
    if not is_wacz(path):
        return [Shard(str(path))]
    with zipfile.ZipFile(path) as wacz:
        members = sorted(n for n in wacz.namelist()
                         if n.startswith("archive/") and n.endswith((".warc", ".warc.gz", ".arc", ".arc.gz")))
    if not members:
        raise UsageError(f"{path} is a zip file without archive/*.warc.gz: not a WACZ file")
    return [Shard(str(path), member) for member in members]


@contextmanager
def _opened(shard: Shard) -> Iterator[IO[bytes]]:
    try:
        with ExitStack() as stack:
            if shard.member is None:
                stream = stack.enter_context(open(shard.path, "rb"))
            else:
                stream = stack.enter_context(stack.enter_context(zipfile.ZipFile(shard.path)).open(shard.member))
            if shard.start:
                stream.seek(shard.start)
            yield stream
    except OSError as exc:
        raise UsageError(f"cannot read {shard.path}: {exc.strerror or exc}") from None


def record_offsets(shard: Shard) -> list[int]:
    """Where each record of the shard starts: a pass over the file that reads no bodies into
    memory, so a large file can be cut into record ranges."""
    offsets = []
    with _opened(shard) as stream:
        records = ArchiveIterator(stream, arc2warc=True)
        try:
            for _ in records:
                offsets.append(records.get_record_offset())
        except ArchiveLoadFailed as exc:
            if not offsets:
                raise UsageError(f"{shard.path} is not a readable WARC file: {str(exc).strip()}") from None
            log.warning("%s: unreadable after record %d: %s", shard.label, len(offsets), str(exc).strip())
    return offsets


def split_shard(shard: Shard, records_per_shard: int, offsets: list[int] | None = None) -> list[Shard]:
    """SHARD cut into record ranges (OFFSETS: its record_offsets, when known already)."""
    offsets = record_offsets(shard) if offsets is None else offsets
    return [Shard(shard.path, shard.member, offsets[i], len(offsets[i:i + records_per_shard]))
            for i in range(0, len(offsets), records_per_shard)]


def read_shard(shard: Shard, skipped: Counter, max_body_bytes: int) -> Iterator[WarcItem]:
    """The HTTP response and revisit records of SHARD, bodies decoded from their chunked / gzip
    transfer form and read no further than MAX_BODY_BYTES. Records of other types, or without
    an http(s) URL or a valid WARC-Date, are counted in SKIPPED with the reason."""
    with _opened(shard) as stream:
        records = ArchiveIterator(stream, arc2warc=True)
        read = 0
        try:
            for record in records:
                if shard.records is not None and read >= shard.records:
                    return
                read += 1
                item = _item(record, skipped, max_body_bytes)
                if item is not None:
                    yield item
        except ArchiveLoadFailed as exc:
            if not read:
                raise UsageError(f"{shard.path} is not a readable WARC file: {str(exc).strip()}") from None
            skipped["unreadable rest of a WARC file"] += 1
            log.warning("%s: unreadable after record %d: %s", shard.label, read, str(exc).strip())


def warc_captures(path: Path, skipped: Counter | None = None,
                  max_body_bytes: int = FetchConfig.max_body_bytes) -> Iterator[WarcItem]:
    """Every importable record of a WARC, ARC or WACZ file, in file order."""
    skipped = skipped if skipped is not None else Counter()
    for shard in file_shards(Path(path)):
        yield from read_shard(shard, skipped, max_body_bytes)


def _readable_url(url: str) -> bool:
    """Whether URL can be filed: one urllib refuses ("http://ex]ample/", a bracket left open)
    would fail every step after this one."""
    try:
        normalize_url(url)
    except ValueError:
        return False
    return True


def _item(record, skipped: Counter, max_body_bytes: int) -> WarcItem | None:
    kind = record.rec_type
    if kind not in ("response", "revisit") or record.http_headers is None:
        skipped[f"{kind} record"] += 1
        return None
    header = record.rec_headers.get_header
    url = header("WARC-Target-URI") or ""
    if not url.startswith(("http://", "https://")):
        skipped[f"{kind} record without an http(s) URL"] += 1
        return None
    if not _readable_url(url):
        skipped[f"{kind} record with a malformed URL"] += 1
        log.warning("%s: skipped: a malformed URL", url)
        return None
    try:
        fetched_at = utc_iso(header("WARC-Date") or "")
        status = int(record.http_headers.get_statuscode() or 200)
    except ValueError:
        skipped["record with an invalid WARC-Date or status line"] += 1
        log.warning("%s: skipped: invalid WARC-Date %r or status line %r", url, header("WARC-Date"),
                    record.http_headers.statusline)
        return None
    site = header("X-Archiver-Site")
    body = b""
    if kind == "response":
        body = _body(record, max_body_bytes)
        if isinstance(body, str):
            return Refused(url, site, body)
    headers = {k.lower(): v for k, v in record.http_headers.headers if k.lower() not in TRANSFER_HEADERS}
    page = FetchedPage(url=url, final_url=url, status=status, headers=headers, body=body, fetched_at=fetched_at)
    refers_to = (header("WARC-Refers-To-Target-URI"), header("WARC-Refers-To-Date"))
    return WarcCapture(page, site, header("WARC-Payload-Digest"), revisit=kind == "revisit", refers_to=refers_to)


def _body(record, max_body_bytes: int) -> bytes | str:
    """The decoded body, or why it cannot be archived: over the cap (read no further, so a
    gzip bomb costs no memory), undecodable, or cut short (a truncated file)."""
    try:
        body = record.content_stream().read(max_body_bytes + 1)
    except Exception as exc:  # a broken gzip or chunked body: warcio and zlib raise their own
        return f"unreadable body: {type(exc).__name__}: {exc}"
    if len(body) > max_body_bytes:
        return f"body too large: over max_body_bytes ({max_body_bytes}) after decompression"
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        return f"truncated record: {missing} bytes missing"
    return body


@dataclass
class ImportResult:
    reports: list[RunReport]
    skipped: Counter = field(default_factory=Counter)
    records: int = 0
    failed_shards: list[str] = field(default_factory=list)  # bulk imports: shards given up on, with why
    worker_cpu: float = 0.0  # bulk imports: CPU seconds the workers spent on the shards


class WarcWriter:
    """The one writer of an import: applies read (and maybe prepared) WARC items to the
    archive in the order given, whoever read and parsed them."""

    def __init__(self, store, ingest: Ingest, batch: Batch):
        self.store = store
        self.ingest = ingest
        self.batch = batch
        self.records = 0
        self._bodies: dict[str, str] = {}  # payload digest -> sha256 of the body, for later revisits

    def apply(self, item: WarcItem, prepared: Prepared | None = None) -> None:
        self.records += 1
        self.batch.open()
        if isinstance(item, Refused):
            self.ingest.fail(self.ingest.adapter_for(item.url, item.site), item.url, item.reason)
        else:
            page = item.page
            if item.revisit:
                page = resolve_revisit(self.store, item, self._bodies)
                if page is None:
                    self.ingest.skipped["revisit of a record not in the archive"] += 1
                    return
            elif item.digest:
                self._bodies[item.digest] = body_hash(page.body)
            self.ingest.add(page, item.site, prepared=prepared)
        self.batch.added()


def import_warc(store, config: Config, paths: Iterable[Path], workers: int | None = 0,
                generic_links: bool = False) -> ImportResult:
    """Ingest every response (and resolvable revisit) record of PATHS (WARC, ARC or WACZ files)
    through the adapters, in file order. With WORKERS None (the command's default: one per
    core) or >= 2, a large import is parsed in that many processes, still written by this one
    process in the same order. The processes start fresh (forked from a fork server), so they
    import the caller's __main__: a script calling this needs an `if __name__ == "__main__":`
    guard. GENERIC_LINKS: queue the links of pages of no known site too."""
    paths = [Path(p) for p in paths]
    shards = [shard for path in paths for shard in file_shards(path)]
    from .bulk import local_import  # the process pool lives with the Dask runner

    done = local_import(store, config, shards, workers, generic_links=generic_links)
    if done is not None:
        return done
    with Ingest(store, config, generic_links=generic_links) as ingest, Batch(store, pages=BATCH, seconds=5.0) as batch:
        writer = WarcWriter(store, ingest, batch)
        for shard in shards:
            for item in read_shard(shard, ingest.skipped, config.fetch.max_body_bytes):
                writer.apply(item)
    return ImportResult(ingest.reports, ingest.skipped, writer.records)


def resolve_revisit(store, capture: WarcCapture, bodies: dict[str, str]) -> FetchedPage | None:
    """A revisit says "same payload as before": the body is one stored earlier in this import,
    one the archive holds under archiver's own sha256 digest, or the capture the record refers
    to (WARC-Refers-To-Target-URI and -Date, else the payload digest), from an earlier run."""
    digest = capture.digest or ""
    sha = bodies.get(digest) or (digest[7:] if digest.startswith("sha256:") else None)
    if not sha:
        sha = _referred_sha(store, capture)
    if not sha:
        return None
    try:
        body = store.raw_body(sha)
    except StoreError:
        return None
    return replace(capture.page, body=body)


def _referred_sha(store, capture: WarcCapture) -> str | None:
    uri, date = capture.refers_to
    uri = uri or capture.page.url
    try:
        when = utc_iso(date) if date else None
    except ValueError:
        when = None
    candidates = _stored_captures(store, uri)
    for row in candidates:
        if when and row["fetched_at"] == when:
            return row["sha256"]
    for row in candidates:
        if capture.digest and payload_digest(store.raw_body(row["sha256"]), capture.digest) == capture.digest:
            return row["sha256"]
    return None


def _stored_captures(store, url: str) -> list[dict]:
    """Captures of URL with a body: the article's (every one), else the newest."""
    rows = []
    article_id = store.article_id_for_url(url)
    if article_id:
        rows = [c for c in store.article(article_id)["captures"] if c.get("sha256") and c["url"] == url]
    latest = store.latest_capture(url)
    if latest and all(r["sha256"] != latest["sha256"] or r["fetched_at"] != latest["fetched_at"] for r in rows):
        rows.append(latest)
    return rows


def payload_digest(body: bytes, like: str) -> str | None:
    """BODY's digest in the form of LIKE (`sha1:<base32>`, `sha256:<hex or base32>`)."""
    algorithm, _, value = like.partition(":")
    try:
        digest = hashlib.new(algorithm.lower().replace("-", ""), body)
    except ValueError:
        return None
    if len(value) == digest.digest_size * 2:
        return f"{algorithm}:{digest.hexdigest()}"
    return f"{algorithm}:{base64.b32encode(digest.digest()).decode()}"
