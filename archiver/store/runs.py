"""Crawl runs: one row per run of a site, with its status and counts."""

from __future__ import annotations

from ..models import utc_now
from .base import Part, to_json


class Runs(Part):
    def start(self, site: str) -> int:
        with self.db.atomic():
            return self.db["crawl_runs"].insert(
                {"site": site, "started": utc_now(), "status": "running", "fetched": 0, "new": 0, "updated": 0,
                 "unchanged": 0, "duplicate": 0, "failed": 0, "errors": "{}"}
            ).last_pk

    def finish(self, run_id: int, status: str, counts: dict[str, int], errors: dict[str, int]) -> None:
        with self.db.atomic():
            self.db["crawl_runs"].update(run_id, {"finished": utc_now(), "status": status, **counts, "errors": to_json(errors)})

    def close_stale(self, site: str) -> int:
        """Runs left 'running' by a process that died (the caller holds the crawl lock)."""
        with self.db.atomic():
            return self.db.execute(
                "UPDATE crawl_runs SET status = 'interrupted', finished = coalesce(finished, ?) WHERE site = ? AND status = 'running'",
                [utc_now(), site],
            ).rowcount

    def last(self, site: str) -> dict | None:
        return self.first("SELECT * FROM crawl_runs WHERE site = ? ORDER BY started DESC, id DESC LIMIT 1", [site])

    def last_successful(self, site: str) -> str | None:
        """When the newest finished ('ok' or 'partial') run of the site started."""
        row = self.db.execute(
            "SELECT max(started) FROM crawl_runs WHERE site = ? AND status IN ('ok', 'partial')", [site]
        ).fetchone()
        return row[0] if row else None

