"""Crawl feedback: a rich progress bar per site on a terminal, plain log lines otherwise
(cron, systemd, a pipe), and the end-of-run summary.

A reporter is a callable `(site, url, done, total)`, called by the crawl on the main thread
after each page; `done == total` with an empty url means the site is finished.
"""

from __future__ import annotations

import logging
import time
from typing import Iterable

log = logging.getLogger("archiver.crawl")

SUMMARY_COUNTS = ("fetched", "new", "updated", "unchanged", "duplicate", "failed")


class RichReporter:
    def __init__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.fields[url]}", style="dim"), console=Console(stderr=True), transient=False,
        )
        self.tasks: dict[str, int] = {}

    def __enter__(self) -> "RichReporter":
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def __call__(self, site: str, url: str, done: int, total: int) -> None:
        if site not in self.tasks:
            self.tasks[site] = self.progress.add_task(site, total=total or None, url="")
        self.progress.update(self.tasks[site], completed=done, total=max(total, done) or None, url=url[-70:])


class LogReporter:
    """One INFO line per site every `every` pages or `seconds`, whichever comes first."""

    def __init__(self, every: int = 50, seconds: float = 30.0):
        self.every = every
        self.seconds = seconds
        self._last: dict[str, tuple[int, float]] = {}

    def __enter__(self) -> "LogReporter":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def __call__(self, site: str, url: str, done: int, total: int) -> None:
        last_done, last_time = self._last.get(site, (0, time.monotonic()))
        now = time.monotonic()
        if site not in self._last or done - last_done >= self.every or now - last_time >= self.seconds or (done == total and not url):
            self._last[site] = (done, now)
            log.info("%s: %d of at most %d pages", site, done, total)


def reporter(interactive: bool):
    return RichReporter() if interactive else LogReporter()


def summary_lines(reports: Iterable) -> list[str]:
    lines = []
    for report in reports:
        d = report.as_dict()
        counts = ", ".join(f"{k} {d.get(k, 0)}" for k in SUMMARY_COUNTS)
        problems = "; ".join(f"{reason}: {n}" for reason, n in sorted(d["errors"].items(), key=lambda kv: (-kv[1], kv[0])))
        lines.append(f"{d['site']}: {d['status']} - {counts}" + (f" (by reason: {problems})" if problems else ""))
        lines += [f"{d['site']}: warning: {warning}" for warning in getattr(report, "warnings", ())]
    return lines
