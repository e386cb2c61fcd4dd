"""The frontier: every URL a site's crawl has to fetch, with its state and next attempt."""

from __future__ import annotations

from typing import Iterable

from ..models import utc_now
from .base import Part


class Frontier(Part):
    def add(self, site: str, urls: Iterable[str], kind: str, depth: int = 0) -> int:
        """Queue URLs not queued before; the number that were new."""
        now = utc_now()
        with self.db.atomic():
            # executemany sums the rows each insert added.
            return self.db.conn.executemany(
                "INSERT OR IGNORE INTO frontier (url, site, kind, state, attempts, next_attempt, discovered_at, updated_at, depth) "
                "VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?)",
                [(url, site, kind, now, now, now, depth) for url in urls],
            ).rowcount

    def requeue(self, site: str, urls: Iterable[str]) -> None:
        """Start URLs are re-checked every run even when done before (home page, feeds)."""
        with self.db.atomic():
            for url in urls:
                self.db.execute("UPDATE frontier SET state = 'pending', attempts = 0 WHERE url = ? AND site = ? AND state != 'pending'", [url, site])

    def recheck(self, site: str, urls: Iterable[str]) -> int:
        """Queue done URLs again for a conditional re-fetch, unless their newest capture was
        made by this run or an interrupted one (a resumed crawl must not refetch what it stored)."""
        now = utc_now()
        count = 0
        with self.db.atomic():
            for url in urls:
                count += self.db.execute(
                    "UPDATE frontier SET state = 'pending', attempts = 0, next_attempt = ? "
                    "WHERE url = ? AND site = ? AND state = 'done' AND coalesce(("
                    "  SELECT r.status FROM captures c JOIN crawl_runs r ON r.id = c.run_id "
                    "  WHERE c.url = frontier.url ORDER BY c.id DESC LIMIT 1), 'running') NOT IN ('running', 'interrupted')",
                    [now, url, site],
                ).rowcount
        return count

    def revisit(self, site: str, urls: Iterable[str]) -> int:
        """Queue stored articles for a re-check now, whatever became of them before (done,
        failed as gone, waiting to retry): a page that was edited, removed or restored is found
        that way. A retry keeps its count of attempts, so a dead URL is still given up."""
        urls = list(urls)
        now = utc_now()
        with self.db.atomic():
            self.add(site, urls, "article")
            return self.db.conn.executemany(
                "UPDATE frontier SET attempts = CASE state WHEN 'retry' THEN attempts ELSE 0 END, "
                "state = 'pending', next_attempt = ? WHERE url = ? AND site = ? AND state IN ('done', 'failed', 'retry')",
                [(now, url, site) for url in urls],
            ).rowcount

    def next(self, site: str, now: str, limit: int) -> list[dict]:
        """Due entries, listings first, then shallowest, first queued first (by rowid: the order
        of discovery, which unlike a timestamp has no ties a clock's second could order either way)."""
        return self.rows(
            "SELECT * FROM frontier WHERE site = ? AND state IN ('pending', 'fetched', 'retry') AND next_attempt <= ? "
            "ORDER BY CASE kind WHEN 'listing' THEN 0 ELSE 1 END, depth, rowid LIMIT ?",
            [site, now, limit],
        )

    def mark(self, url: str, state: str, error: str | None = None, next_attempt: str | None = None,
             attempted: bool = False) -> None:
        self.db.execute(
            "UPDATE frontier SET state = ?, last_error = ?, next_attempt = coalesce(?, next_attempt), "
            "attempts = attempts + ?, updated_at = ? WHERE url = ?",
            [state, error, next_attempt, 1 if attempted else 0, utc_now(), url],
        )

    def state(self, url: str) -> dict | None:
        return self.first("SELECT * FROM frontier WHERE url = ?", [url])
