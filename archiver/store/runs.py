"""Crawl runs: one row per run of a site, with its status and counts."""

from __future__ import annotations

from ..models import utc_now
from .base import Part, from_json, to_json


class Runs(Part):
    def start(self, site: str) -> int:
        with self.db.atomic():
            return self.db["crawl_runs"].insert(
                {"site": site, "started": utc_now(), "status": "running", "fetched": 0, "new": 0, "updated": 0,
                 "unchanged": 0, "duplicate": 0, "failed": 0, "errors": "{}"}
            ).last_pk

    def finish(self, run_id: int, status: str, counts: dict[str, int], errors: dict[str, int],
               coverage: dict | None = None, warnings: list[str] = ()) -> None:
        row = {"finished": utc_now(), "status": status, **counts, "errors": to_json(errors)}
        if coverage is not None:
            row.update(coverage=to_json(coverage), warnings=to_json(list(warnings)))
        with self.db.atomic():
            self.db["crawl_runs"].update(run_id, row)

    def coverage_history(self, site: str, before: int | None, runs: int = 10) -> list[dict]:
        """The field coverage of SITE's latest RUNS finished runs before run BEFORE."""
        rows = self.db.execute(
            "SELECT coverage FROM crawl_runs WHERE site = ? AND id < ? AND coverage IS NOT NULL "
            "AND status IN ('ok', 'partial') ORDER BY id DESC LIMIT ?", [site, before or 2**62, runs]).fetchall()
        return [from_json(row[0], {}) for row in rows]

    def last_warnings(self, site: str) -> list[str]:
        row = self.db.execute("SELECT warnings FROM crawl_runs WHERE site = ? AND warnings IS NOT NULL "
                              "ORDER BY id DESC LIMIT 1", [site]).fetchone() if self._has_coverage() else None
        return from_json(row[0], []) if row else []

    def _has_coverage(self) -> bool:
        return "coverage" in self.db["crawl_runs"].columns_dict

    def close_stale(self, site: str) -> int:
        """Runs left 'running' by a process that died (the caller holds the crawl lock)."""
        with self.db.atomic():
            return self.db.execute(
                "UPDATE crawl_runs SET status = 'interrupted', finished = coalesce(finished, ?) WHERE site = ? AND status = 'running'",
                [utc_now(), site],
            ).rowcount

    def close_all_stale(self) -> int:
        """Every run left 'running' (a writer killed mid-run: a crawl, an import); only for a
        caller holding the writers' lock, when no run can really be running."""
        with self.db.atomic():
            return self.db.execute(
                "UPDATE crawl_runs SET status = 'interrupted', finished = coalesce(finished, ?) WHERE status = 'running'",
                [utc_now()],
            ).rowcount

    def last(self, site: str) -> dict | None:
        return self.first("SELECT * FROM crawl_runs WHERE site = ? ORDER BY started DESC, id DESC LIMIT 1", [site])

    def last_successful(self, site: str) -> str | None:
        """When the newest finished ('ok' or 'partial') run of the site started."""
        row = self.db.execute(
            "SELECT max(started) FROM crawl_runs WHERE site = ? AND status IN ('ok', 'partial')", [site]
        ).fetchone()
        return row[0] if row else None

