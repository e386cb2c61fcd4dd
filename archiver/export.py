"""Export and import: raw captures as WARC (the archival standard), articles as JSON lines.

WARC records carry the body exactly as stored and the capture's own date, so an export
re-imported elsewhere (`archiver import-warc`, archiver/ingest.py) rebuilds the same articles.
"""

from __future__ import annotations

import io
import json
import os
import sys
from http import HTTPStatus
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from . import __version__
from .errors import UsageError
from .fetch import TRANSFER_HEADERS
from .store import Store


def export_jsonl(store: Store, out: IO[str]) -> int:
    count = 0
    for article_id in store.article_ids():
        article = store.article(article_id)
        article.pop("raw_sha256", None)
        out.write(json.dumps(article, ensure_ascii=False) + "\n")
        count += 1
    return count


def export_warc(store: Store, out: IO[bytes], filename: str = "archive.warc.gz") -> int:
    """A warcinfo record, then per capture a request and its response record, dated at the
    capture. Returns the number of responses (captures) written."""
    writer = WARCWriter(out, gzip=True)
    writer.write_record(writer.create_warcinfo_record(filename, {
        "software": f"archiver/{__version__}",
        "format": "WARC File Format 1.1",
        "description": "raw captures exported by `archiver export --format warc`; bodies as stored "
                       "(transfer and content encodings removed)",
    }))
    count = 0
    for row in store.iter_captures(kind=None):
        page = store.page_from_capture(row)
        date = _warc_date(page.fetched_at)
        headers = [(k, v) for k, v in page.headers.items() if k.lower() not in TRANSFER_HEADERS]
        headers.append(("Content-Length", str(len(page.body))))
        http_headers = StatusAndHeaders(status_line(page.status), headers, protocol="HTTP/1.1")
        # warcio computes the block and payload digests (sha1) of what it writes.
        response = writer.create_warc_record(
            page.url, "response", payload=io.BytesIO(page.body), http_headers=http_headers,
            warc_headers_dict={"WARC-Date": date, "X-Archiver-Site": row["site"]},
        )
        request = writer.create_warc_record(
            page.url, "request", payload=io.BytesIO(b""), http_headers=_request_line(page.url),
            warc_headers_dict={"WARC-Date": date,
                               "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")},
        )
        writer.write_record(request)
        writer.write_record(response)
        count += 1
    return count


def status_line(status: int) -> str:
    """`404 Not Found`: the standard reason phrase, none for a code HTTP does not name."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _request_line(url: str) -> StatusAndHeaders:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return StatusAndHeaders(f"GET {target} HTTP/1.1", [("Host", parts.netloc), ("Accept", "*/*")],
                            is_http_request=True)


def _warc_date(iso: str) -> str:
    return iso.replace("+00:00", "Z")


def export(store: Store, fmt: str, out_path: Path) -> int:
    """Write the export to OUT_PATH ("-": standard output). A file appears only whole: it is
    written beside the target under a temporary name and renamed over it at the end, so a
    failed export never replaces a good file with a partial one."""
    if fmt not in ("jsonl", "warc"):
        raise UsageError(f"unknown export format {fmt!r}")
    if str(out_path) == "-":
        if fmt == "jsonl":
            return export_jsonl(store, sys.stdout)
        return export_warc(store, sys.stdout.buffer, "archive.warc.gz")
    out_path = Path(out_path)
    partial = out_path.with_name(f".{out_path.name}.partial-{os.getpid()}")
    try:
        with open(partial, "wb") as out:
            if fmt == "jsonl":
                text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
                count = export_jsonl(store, text)
                text.flush()
                text.detach()
            else:
                count = export_warc(store, out, out_path.name)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, out_path)
    finally:
        partial.unlink(missing_ok=True)
    return count
