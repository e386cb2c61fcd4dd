"""Export and import: raw captures as WARC (the archival standard), articles as JSON lines.

WARC records carry the body exactly as stored and the capture's own date, so an export
re-imported elsewhere (`archiver import-warc`) rebuilds the same articles.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import IO, Iterable, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .errors import UsageError
from .models import FetchedPage
from .store import Store

# Headers that described the wire encoding, not the body we keep (httpx hands us it decoded).
_WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}

REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 404: "Not Found"}


def export_jsonl(store: Store, out: IO[str]) -> int:
    count = 0
    for article_id in store.article_ids():
        article = store.article(article_id)
        article.pop("raw_sha256", None)
        out.write(json.dumps(article, ensure_ascii=False) + "\n")
        count += 1
    return count


def export_warc(store: Store, out: IO[bytes]) -> int:
    writer = WARCWriter(out, gzip=True)
    count = 0
    for row in store.iter_captures(kind=None):
        page = store.page_from_capture(row)
        headers = [(k, v) for k, v in page.headers.items() if k.lower() not in _WIRE_HEADERS]
        headers.append(("Content-Length", str(len(page.body))))
        http_headers = StatusAndHeaders(f"{page.status} {REASONS.get(page.status, 'OK')}", headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(
            page.url, "response", payload=io.BytesIO(page.body), http_headers=http_headers,
            warc_headers_dict={"WARC-Date": _warc_date(page.fetched_at), "WARC-Payload-Digest": f"sha256:{row['sha256']}",
                               "X-Archiver-Site": row["site"]},
        )
        writer.write_record(record)
        count += 1
    return count


def _warc_date(iso: str) -> str:
    return iso.replace("+00:00", "Z")


def read_warc(path: Path) -> Iterator[tuple[str | None, FetchedPage]]:
    """Every HTTP response record as (site hint, FetchedPage with the record's own date)."""
    try:
        stream = open(path, "rb")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    with stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            date = record.rec_headers.get_header("WARC-Date") or ""
            status = int(record.http_headers.get_statuscode() or 0)
            headers = {k.lower(): v for k, v in record.http_headers.headers if k.lower() not in _WIRE_HEADERS}
            body = record.content_stream().read()
            page = FetchedPage(url=url, final_url=url, status=status, headers=headers, body=body,
                               fetched_at=date.replace("Z", "+00:00"))
            yield record.rec_headers.get_header("X-Archiver-Site"), page


def export(store: Store, fmt: str, out_path: Path) -> int:
    if fmt == "jsonl":
        with open(out_path, "w", encoding="utf-8") as out:
            return export_jsonl(store, out)
    if fmt == "warc":
        with open(out_path, "wb") as out:
            return export_warc(store, out)
    raise UsageError(f"unknown export format {fmt!r}")


def iter_files(paths: Iterable[str]) -> Iterator[Path]:
    for name in paths:
        path = Path(name)
        if not path.is_file():
            raise UsageError(f"no such WARC file: {name}")
        yield path
