"""Search: turning what a user types into an FTS5 query and date bounds, and formatting results.

The SQL lives in the store; this module only validates and shapes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timedelta, timezone

from .errors import UsageError
from .store import Store

RESULT_FIELDS = ("id", "site", "url", "title", "published", "snippet", "score", "copies")

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def date_bound(value: str | None, upper: bool) -> str | None:
    """'2016', '2016-06', '2016-06-05' or a full ISO timestamp → an ISO UTC string to compare
    `published` with. An upper bound covers the whole day/month/year it names."""
    if not value:
        return None
    value = value.strip()
    match = _DATE.match(value)
    if match:
        year, month, day = int(match.group(1)), match.group(2), match.group(3)
        try:
            start = date(year, int(month or 1), int(day or 1))
        except ValueError:
            raise UsageError(f"{value!r} is not a valid date") from None
        if upper:
            if day:
                start += timedelta(days=1)
            elif month:
                start = date(year + (start.month == 12), start.month % 12 + 1, 1)
            else:
                start = date(year + 1, 1, 1)
        return datetime(start.year, start.month, start.day, tzinfo=timezone.utc).isoformat()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{value!r} is not a date; use YYYY, YYYY-MM, YYYY-MM-DD or an ISO timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def fts_query(text: str) -> str:
    """Pass FTS5 syntax through, but quote hyphenated words (Aleppo-Raqqa) that FTS5 would
    reject, so a plain phrase from an article always works."""
    query = (text or "").strip()
    if not query:
        raise UsageError("the search query is empty")
    if query.count('"') % 2:
        raise UsageError(f"the search query {text!r} has an unclosed quote")

    def quote(match: re.Match) -> str:
        return f'"{match.group(0)}"'

    parts = re.split(r'("[^"]*")', query)
    return "".join(p if p.startswith('"') else re.sub(r"\b\w+(?:[-'’.]\w+)+\b", quote, p) for p in parts)


def run_search(store: Store, query: str, site: str | None = None, since: str | None = None, until: str | None = None,
               limit: int = 20, all_duplicates: bool = False) -> list[dict]:
    if limit < 1:
        raise UsageError("--limit must be at least 1")
    rows = store.search(fts_query(query), site=site, since=date_bound(since, False), until=date_bound(until, True),
                        limit=limit, all_duplicates=all_duplicates)
    return [{k: row.get(k) for k in RESULT_FIELDS} for row in rows]


def to_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def to_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=RESULT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
