"""Captures: every fetch of a URL, with its status, headers and (content-addressed) body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from ..models import FetchedPage, utc_now
from .base import Part, from_json, to_json
from .bodies import Bodies

_NEWEST_WITH_BODY = "WHERE url = ? AND sha256 IS NOT NULL ORDER BY fetched_at DESC, id DESC LIMIT 1"


@dataclass(frozen=True)
class SavedCapture:
    capture_id: int
    sha256: str | None
    new_body: bool


class Captures(Part):
    def __init__(self, db, bodies: Bodies):
        super().__init__(db)
        self.bodies = bodies

    def save(self, site: str, page: FetchedPage, kind: str, run_id: int | None = None,
             encoding: str | None = None, error: str | None = None, store_body: bool = True) -> SavedCapture:
        with self.db.atomic():
            sha, new_body = (None, False)
            if store_body and (page.body or page.status == 200):
                sha, new_body = self.bodies.put(page.body, encoding, page.content_type or None)
            capture_id = self.insert(
                "captures",
                {"url": page.url, "final_url": page.final_url, "site": site, "fetched_at": page.fetched_at,
                 "status": page.status, "sha256": sha, "kind": kind, "headers": to_json(page.headers),
                 "error": error, "run_id": run_id},
            )
        return SavedCapture(capture_id, sha, new_body)

    def record_failure(self, site: str, url: str, reason: str, status: int | None, run_id: int | None) -> int:
        # One statement: atomic (and committed, outside a transaction) by itself.
        return self.insert(
            "captures",
            {"url": url, "final_url": None, "site": site, "fetched_at": utc_now(), "status": status,
             "sha256": None, "kind": "failed", "headers": None, "error": reason, "run_id": run_id},
        )

    def note_error(self, capture_id: int, reason: str) -> None:
        self.update("captures", capture_id, {"error": reason})

    def link(self, capture_id: int, article_id: int) -> None:
        """The capture showed that article."""
        self.update("captures", capture_id, {"article_id": article_id})

    def link_not_modified(self, capture_id: int, article_id: int, sha256: str | None) -> None:
        """A 304 capture: the body is the one we already hold."""
        self.update("captures", capture_id, {"article_id": article_id, "sha256": sha256})

    def last_validators(self, url: str) -> dict[str, str]:
        """ETag and Last-Modified of the newest successful capture of URL, for a conditional GET."""
        row = self.db.execute(
            "SELECT headers FROM captures WHERE url = ? AND status = 200 ORDER BY fetched_at DESC, id DESC LIMIT 1", [url]
        ).fetchone()
        headers = from_json(row[0] if row else None, {})
        return {k: headers[k] for k in ("etag", "last-modified") if k in headers}

    def latest_sha(self, url: str) -> str | None:
        row = self.db.execute(f"SELECT sha256 FROM captures {_NEWEST_WITH_BODY}", [url]).fetchone()
        return row[0] if row else None

    def latest(self, url: str) -> dict | None:
        return self.first(f"SELECT * FROM captures {_NEWEST_WITH_BODY}", [url])

    def has(self, url: str, fetched_at: str) -> bool:
        """URL already captured at that moment: an imported WARC record or Wayback capture seen
        before (a recorded failure does not count, so it is tried again)."""
        return self.db.execute(
            "SELECT 1 FROM captures WHERE url = ? AND fetched_at = ? AND kind != 'failed' LIMIT 1", [url, fetched_at]
        ).fetchone() is not None

    def page(self, row: dict) -> FetchedPage:
        """The fetched page a capture row records, body included."""
        return FetchedPage(url=row["url"], final_url=row.get("final_url") or row["url"], status=row["status"] or 200,
                           headers=from_json(row.get("headers"), {}), body=self.bodies.get(row["sha256"]),
                           fetched_at=row["fetched_at"])

    def stored(self, sites: Iterable[str] | None = None, kind: str | None = "article") -> Iterator[dict]:
        """Captures with a stored body in fetch order (of one kind, or all when kind is None)."""
        sql = "SELECT * FROM captures WHERE sha256 IS NOT NULL AND (? IS NULL OR kind = ?)"
        params: list[Any] = [kind, kind]
        if sites:
            sites = list(sites)
            sql += f" AND site IN ({','.join('?' * len(sites))})"
            params += sites
        yield from self.iter_rows(sql + " ORDER BY fetched_at, id", params)

    def of_article(self, article_id: int) -> list[dict]:
        return self.rows(
            "SELECT id, url, final_url, fetched_at, status, sha256 FROM captures WHERE article_id = ? ORDER BY fetched_at, id",
            [article_id],
        )
