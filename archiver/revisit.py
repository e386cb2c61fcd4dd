"""When a stored article is looked at again for edits.

A site's `revisit` schedule is a list of ages, e.g. ["1h", "6h", "1d", "3d", "7d", "30d"],
counted from the article's last change (its newest version that is not trivial; at first,
when it was first seen). The article is due at the first of those marks it has not been
checked since, so it is re-checked often while young, again often after every edit (the
schedule starts over), and never once it is older than the last mark without a change, as
NewsDiffs does.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable

from .config import parse_duration


def parse_schedule(durations: Iterable[str]) -> tuple[timedelta, ...]:
    """The schedule's ages, shortest first."""
    return tuple(sorted(timedelta(seconds=parse_duration(d)) for d in durations))


def next_check(schedule: tuple[timedelta, ...], changed_at: datetime, checked_at: datetime) -> datetime | None:
    """The first mark after CHECKED_AT on the schedule counted from CHANGED_AT; None when the
    article has been checked past the last mark (old and stable: no more revisits)."""
    for age in schedule:
        due = changed_at + age
        if due > checked_at:
            return due
    return None


def is_due(schedule: tuple[timedelta, ...], changed_at: datetime, checked_at: datetime, now: datetime) -> bool:
    due = next_check(schedule, changed_at, checked_at)
    return due is not None and due <= now
