"""Every capture of an archive as it was recorded, bodiless ones too: what `archiver merge`
replays from a source archive into another one."""

from __future__ import annotations

from typing import Iterator

from ..models import FetchedPage
from .base import Part, from_json
from .bodies import Bodies


class CaptureLog(Part):
    def __init__(self, db, bodies: Bodies):
        super().__init__(db)
        self.bodies = bodies

    def every(self) -> Iterator[tuple[dict, FetchedPage]]:
        """Each capture row in capture order with the page it records (an empty body when none
        was kept: a failure, a skipped non-HTML body, a 304 before any article)."""
        for row in self.iter_rows("SELECT * FROM captures ORDER BY fetched_at, id"):
            body = self.bodies.get(row["sha256"]) if row["sha256"] else b""
            page = FetchedPage(url=row["url"], final_url=row["final_url"] or row["url"], status=row["status"],
                               headers=from_json(row["headers"], {}), body=body, fetched_at=row["fetched_at"])
            yield row, page

    def has_failure(self, url: str, fetched_at: str, error: str | None) -> bool:
        """That failure is recorded already (a merge of the same source twice adds nothing)."""
        return self.db.execute(
            "SELECT 1 FROM captures WHERE url = ? AND fetched_at = ? AND kind = 'failed' AND error IS ? LIMIT 1",
            [url, fetched_at, error]).fetchone() is not None
