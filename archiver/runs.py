"""How one run of one site is counted and recorded in `crawl_runs`: crawls, imports, backfills
and `fetch` all report the same counts from the same outcomes."""

from __future__ import annotations

from collections import Counter
from copy import deepcopy
from dataclasses import dataclass, field

from .archive import Archived, Outcome
from .drift import Coverage, departures

COUNT_KEYS = ("fetched", "new", "updated", "unchanged", "duplicate", "failed")


def reason_class(reason: str) -> str:
    """A short bucket for the summary: 'HTTP 404', 'timeout', 'parse: no date line', ..."""
    head = reason.split(" (gave up")[0]
    if head.startswith(("connection ", "timeout", "body too large")):
        head = head.split(":")[0].split(" (")[0]
    if head.startswith("parser crashed"):
        head = "parser crashed"  # the exception's text goes to the log, not the summary
    return head if len(head) <= 60 else head[:57] + "..."


@dataclass
class RunReport:
    site: str
    run_id: int | None = None
    status: str = "ok"
    counts: Counter = field(default_factory=Counter)  # fetched, new, updated, unchanged, duplicate, failed
    errors: Counter = field(default_factory=Counter)  # reason → pages
    coverage: Coverage = field(default_factory=Coverage)  # fields found per parser version (layout drift)
    warnings: list[str] = field(default_factory=list)  # departures from the site's earlier runs
    _durable: tuple | None = field(default=None, init=False, repr=False)  # the counts as last committed

    def as_dict(self) -> dict:
        return {"site": self.site, "run_id": self.run_id, "status": self.status, **{
            k: self.counts.get(k, 0) for k in COUNT_KEYS
        }, "errors": dict(self.errors)}

    def checkpoint(self) -> None:
        """What was counted so far is stored for good (its batch committed)."""
        self._durable = (Counter(self.counts), Counter(self.errors), deepcopy(self.coverage))

    def rollback(self) -> None:
        """The open batch was rolled back (Ctrl-C, SIGTERM): its pages are counted no more, so
        the run's counts say what the archive holds."""
        if self._durable is not None:
            counts, errors, coverage = self._durable
            self.counts, self.errors, self.coverage = Counter(counts), Counter(errors), deepcopy(coverage)

    def count(self, archived: Archived, fetched: bool = True) -> None:
        """A page that was obtained (fetched, imported, read from a file) and archived; not
        FETCHED when its bytes were already stored (a killed run's page, parsed on resume)."""
        self.counts["fetched"] += int(fetched)
        if archived.fields is not None:
            self.coverage.add(archived.fields)
        if archived.outcome is Outcome.FAILED:
            self.failed(archived.reason or "failed")
            if archived.parser and not archived.http_error:
                self.coverage.failed(archived.parser)
        elif archived.outcome is Outcome.SKIPPED:
            self.errors[archived.reason or "skipped"] += 1
        elif archived.is_article:
            self.counts[archived.outcome.value] += 1

    def failed(self, reason: str) -> None:
        self.counts["failed"] += 1
        self.errors[reason_class(reason)] += 1

    def begin(self, store) -> None:
        self.run_id = store.start_run(self.site)

    def finish(self, store, interrupted: bool = False, unreachable: bool = False) -> None:
        """Close the run row: interrupted, failed (nothing fetched), partial or ok."""
        failed, fetched = self.counts["failed"], self.counts["fetched"]
        if interrupted:
            self.status = "interrupted"
        elif (failed or unreachable) and not fetched:
            self.status = "failed"
        elif failed:
            self.status = "partial"
        coverage = self.coverage.as_dict()
        if coverage:
            self.warnings = departures(coverage, store.runs.coverage_history(self.site, before=self.run_id))
        store.runs.finish(self.run_id, self.status, {k: self.counts.get(k, 0) for k in COUNT_KEYS}, dict(self.errors),
                          coverage=coverage, warnings=self.warnings)
