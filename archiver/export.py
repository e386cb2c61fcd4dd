"""Export and import: raw captures as WARC (the archival standard), articles as JSON lines.

WARC records carry the body exactly as stored and the capture's own date, so an export
re-imported elsewhere (`archiver import-warc`, archiver/ingest.py) rebuilds the same articles.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import IO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .errors import UsageError
from .fetch import TRANSFER_HEADERS
from .store import Store


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
        headers = [(k, v) for k, v in page.headers.items() if k.lower() not in TRANSFER_HEADERS]
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


def export(store: Store, fmt: str, out_path: Path) -> int:
    if fmt == "jsonl":
        with open(out_path, "w", encoding="utf-8") as out:
            return export_jsonl(store, out)
    if fmt == "warc":
        with open(out_path, "wb") as out:
            return export_warc(store, out)
    raise UsageError(f"unknown export format {fmt!r}")
