"""Search: turning what a user types into an FTS5 query and date bounds, and formatting results.

The SQL lives in the store; this module only validates and shapes.
"""

from __future__ import annotations

import io
import json
import re
import sys

from .errors import UsageError
from .render import printable
from .store.search import SearchIndex, shown_score

TYPE_CHECKING = False  # typing.TYPE_CHECKING without loading typing (a search's start-up)
if TYPE_CHECKING:
    from datetime import date

    from .store import Store

RESULT_FIELDS = ("id", "site", "url", "title", "published", "snippet", "score", "copies")

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def date_bound(value: str | None, upper: bool) -> str | None:
    """'2016', '2016-06', '2016-06-05' or a full ISO timestamp → a string to compare `published`
    with: a day (YYYY-MM-DD) for the first three, an ISO UTC moment for the last. An upper bound
    covers the whole day/month/year it names."""
    if not value:
        return None
    from datetime import date, datetime, timezone  # only a search with a date bound needs it

    value = value.strip()
    match = _DATE.match(value)
    if match:
        year, month, day = int(match.group(1)), match.group(2), match.group(3)
        try:
            start = date(year, int(month or 1), int(day or 1))
        except ValueError:
            raise UsageError(f"{value!r} is not a valid date") from None
        if upper:
            try:
                start = _day_after(start, day, month)
            except (ValueError, OverflowError):
                return None  # the end of year 9999: no bound at all
        # The bare day, not its midnight: an article known only to the day is stored as the day
        # ("2020-03-05"), which sorts before that day's midnight and after the day before.
        return start.isoformat()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{value!r} is not a date; use YYYY, YYYY-MM, YYYY-MM-DD or an ISO timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc).isoformat()
    except OverflowError:  # a moment at the very edge of year 1 or 9999 in another zone
        raise UsageError(f"{value!r} is out of the range of dates") from None


def _day_after(start: date, day: str | None, month: str | None) -> date:
    """The first day after the day, month or year START names."""
    from datetime import date, timedelta

    if day:
        return start + timedelta(days=1)
    if month:
        return date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


# Lower-case and/or/not are words here: only upper-case AND, OR, NOT are operators, as in
# most search boxes. FTS5 has no stop-word list of its own.
STOP_WORDS = frozenset("""
a an and are as at be but by for from has have he her his i if in into is it its not of on or
she so than that the their them then there these they this to was we were what when which who
will with you
""".split())

SEARCH_COLUMNS = ("title", "text")  # the columns of articles_fts
# A query is typed, not a document: longer ones cost the index minutes (20,000 words ran
# over 60 s) and deeper parentheses the parser its stack.
MAX_QUERY_CHARS = 1000
MAX_NESTING = 32
SORTS = ("relevance", "newest", "oldest")

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<open>\() | (?P<close>\)) |
        (?P<neg>-)(?=[^\s)]) |
        (?P<column>[A-Za-z_]+):(?!//)(?=[^\s)]) |
        (?P<bare>[A-Za-z_]+):(?=[\s)]|$) |
        "(?P<phrase>[^"]*)"(?P<pprefix>\*)? |
        (?P<quote>") |
        (?P<word>[^\s()"]+)
    )""",
    re.VERBOSE,
)


def _tokens(query: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(query):
        match = _TOKEN.match(query, pos)
        if match is None or match.end() == pos:  # only trailing blanks are left
            break
        pos = match.end()
        kind = match.lastgroup
        if kind == "quote":
            raise UsageError(f"the search query {query!r} has an unclosed quote; close it or remove it")
        if kind == "bare" and match.group("bare").lower() in SEARCH_COLUMNS:
            raise UsageError(f"in the search query {query!r}: {match.group('bare')}: needs a word or \"a phrase\" right after it")
        if kind == "bare":  # "Raqqa: the battle" - a colon in prose, not a column filter
            out.append(("word", match.group("bare")))
        elif kind == "pprefix":
            out.append(("phrase", match.group("phrase") + "*"))
        elif kind == "word" and match.group("word") in ("AND", "OR", "NOT"):
            out.append((match.group("word"), ""))
        else:
            out.append((kind, match.group(kind) or ""))
    return out


def _quote(words: str, prefix: bool) -> str | None:
    """One FTS5 string: always quoted, so punctuation in a word (Aleppo-Raqqa, al-Nusra,
    U.S.) becomes a phrase of its tokens instead of an FTS5 syntax error."""
    if not re.search(r"\w", words):
        return None
    return '"' + words.replace('"', '""') + '"' + ("*" if prefix else "")


class _Parser:
    """Recursive descent over the tokens, emitting an FTS5 expression.

    query := or ; or := and ("OR" and)* ; and := item+ with "AND" optional between items ;
    item := ("NOT" | "-") unary | unary ; unary := [column ":"] ("(" or ")" | phrase | word)
    A sub-expression made only of stop-words vanishes (None) instead of matching everything.
    """

    def __init__(self, query: str):
        self.query = query
        self.tokens = _tokens(query)
        self.pos = 0
        self.depth = 0  # parentheses open around the current token
        self.dropped: list[str] = []

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def fail(self, message: str) -> UsageError:
        return UsageError(f"in the search query {self.query!r}: {message}")

    def parse(self) -> str | None:
        expr = self.parse_or()
        if self.peek() == "close":
            raise self.fail("there is a ')' without its '('")
        return expr

    def parse_or(self) -> str | None:
        parts = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.parse_and("OR"))
        kept = [p for p in parts if p]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else " OR ".join(f"({p})" for p in kept)

    def parse_and(self, after: str | None = None) -> str | None:
        included: list[str] = []
        excluded: list[str] = []
        items = 0
        while self.peek() not in (None, "OR", "close"):
            if self.peek() == "AND":
                self.take_and(first=not items)
                continue
            negate, term = self.parse_item()
            items += 1
            if term:
                (excluded if negate else included).append(term)
        if not items:
            return self.nothing_to_search(after)
        return self.conjunction(included, excluded)

    def take_and(self, first: bool) -> None:
        """An explicit AND: optional between items, an error at either end."""
        if first:
            raise self.fail("AND needs a search term on each side")
        self.take()
        if self.peek() in (None, "OR", "AND", "close"):
            raise self.fail("AND needs a search term on each side")

    def parse_item(self) -> tuple[bool, str | None]:
        """(negated, term): a term, or NOT / '-' and the term it excludes."""
        if self.peek() not in ("NOT", "neg"):
            return False, self.parse_unary()
        operator = self.take()[0]
        if self.peek() in (None, "OR", "AND", "NOT", "close"):
            raise self.fail("NOT needs a search term after it, e.g. 'Raqqa NOT Aleppo'" if operator == "NOT"
                            else "'-' needs a search term right after it, e.g. 'Raqqa -Aleppo'")
        return True, self.parse_unary()

    def nothing_to_search(self, after: str | None) -> None:
        """An AND group without a single item: an error where an operator or ')' wants one,
        else an empty query (None)."""
        if after:
            raise self.fail(f"{after} needs a search term on each side")
        if self.peek() == "OR":
            raise self.fail("OR needs a search term on each side")
        if self.peek() == "close":
            raise self.fail("there is nothing to search for before a ')'")
        return None

    def conjunction(self, included: list[str], excluded: list[str]) -> str | None:
        if excluded and not included:
            raise self.fail("NOT (or '-') only excludes: add a word to search for, e.g. 'Raqqa NOT Aleppo'")
        if not included:
            return None
        expr = included[0] if len(included) == 1 else " AND ".join(f"({t})" for t in included)
        for term in excluded:
            expr = f"({expr}) NOT ({term})"
        return expr

    def parse_unary(self) -> str | None:
        kind, value = self.take()
        if kind == "column":
            return self.parse_column(value)
        if kind == "open":
            return self.parse_group()
        if kind == "phrase":
            prefix = value.endswith("*")
            return _quote(value[:-1] if prefix else value, prefix)
        if kind == "word":
            prefix = value.endswith("*") and len(value) > 1
            word = value.rstrip("*") if prefix else value
            if not prefix and word.lower() in STOP_WORDS:
                self.dropped.append(word)
                return None
            return _quote(word, prefix)
        raise self.fail(f"unexpected {kind!r}")  # pragma: no cover - the grammar routes every token

    def parse_group(self) -> str | None:
        """What is inside a '(' already taken, and its ')'."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.fail(f"parentheses nest more than {MAX_NESTING} deep")
        inner = self.parse_or()
        if self.peek() != "close":
            raise self.fail("a '(' is never closed")
        self.take()
        self.depth -= 1
        return inner

    def parse_column(self, column: str) -> str | None:
        name = column.lower()
        if name not in SEARCH_COLUMNS:
            hint = f" (--{name} filters by {name})" if name in ("site", "since", "until") else ""
            raise self.fail(f"there is no column {column!r} to search, only {' and '.join(c + ':' for c in SEARCH_COLUMNS)}{hint}")
        inner = self.parse_unary()
        return f"{name} : ({inner})" if inner else None


def fts_query(text: str) -> str:
    """What a user types into a search box → an FTS5 MATCH expression.

    Words (all must match), "exact phrases", prefixes (raqq*), AND / OR / NOT (upper case)
    and -word, parentheses, and column filters (title:Raqqa, text:"Tabqa airbase"). Common
    words outside quotes are ignored. Anything FTS5 would reject is a UsageError with a
    sentence saying what to change."""
    query = (text or "").strip()
    if not query:
        raise UsageError("the search query is empty; give a word or \"a phrase\" to search for")
    if len(query) > MAX_QUERY_CHARS:
        raise UsageError(f"the search query is {len(query):,} characters long; at most {MAX_QUERY_CHARS:,} are searched "
                         f"for, so keep the words that matter")
    parser = _Parser(query)
    expr = parser.parse()
    if expr is None:
        words = ", ".join(dict.fromkeys(w.lower() for w in parser.dropped)) or query
        raise UsageError(f"the search query {query!r} has only common words ({words}); add a more specific word "
                         f"or quote a phrase")
    return expr


def run_search(store: Store | SearchIndex, query: str, site: str | None = None, since: str | None = None, until: str | None = None,
               limit: int = 20, all_duplicates: bool = False, sort: str = "relevance", offset: int = 0) -> list[dict]:
    """One page of results: LIMIT rows after the first OFFSET, one row per story unless
    ALL_DUPLICATES, best match first or by publication date."""
    if limit < 1:
        raise UsageError("--limit must be at least 1")
    if offset < 0:
        raise UsageError("--offset must be 0 or more")
    if sort not in SORTS:
        raise UsageError(f"cannot sort by {sort!r}; use one of {', '.join(SORTS)}")
    index = store if isinstance(store, SearchIndex) else store.search_index
    rows = index.search(fts_query(query), site=site, since=date_bound(since, False), until=date_bound(until, True),
                        limit=limit, all_duplicates=all_duplicates, order=sort, offset=offset)
    for row in rows:
        # Paragraph breaks inside a snippet only get in the way on one line of output.
        row["snippet"] = re.sub(r"\s+", " ", row["snippet"] or "").strip()
    return [{k: row.get(k) for k in RESULT_FIELDS} for row in rows]


def _for_output(rows: list[dict]) -> list[dict]:
    return [{**row, "score": shown_score(row.get("score"))} for row in rows]


def _printable(rows: list[dict]) -> list[dict]:
    """ROWS with control characters in their text escaped, for terminals and CSV (JSON
    escapes them itself)."""
    return [{k: printable(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows]


def to_json(rows: list[dict]) -> str:
    return json.dumps(_for_output(rows), ensure_ascii=False, indent=2)


def to_jsonl(rows: list[dict]) -> str:
    """One JSON object a line (nothing for no results), for jq and streaming readers."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in _for_output(rows))


def to_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    import csv  # only a CSV output needs it

    writer = csv.DictWriter(buffer, fieldnames=RESULT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(_printable(_for_output(rows)))
    return buffer.getvalue()


def _marked(snippet: str | None, mark_style: str | None):
    """The store's snippet with its <mark> spans as styled rich Text (never parsed as markup:
    archived text may contain brackets)."""
    from rich.text import Text

    text = Text()
    for n, part in enumerate(re.split(r"</?mark>", snippet or "")):
        text.append(part, style=mark_style if n % 2 else None)
    return text


def to_table(rows: list[dict], width: int = 100, color: bool = True) -> str:
    """A table for a terminal: title, site, date, copies and score, the snippet with its
    matches highlighted under each title."""
    from io import StringIO

    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False, padding=(0, 1, 1, 1))
    table.add_column("id", justify="right", no_wrap=True, style="cyan")
    table.add_column("site", no_wrap=True)
    table.add_column("published", no_wrap=True)
    table.add_column("title and best passage", ratio=1)
    table.add_column("score", justify="right", no_wrap=True, style="dim")
    for row in _printable(rows):
        cell = Text()
        cell.append(row["title"] or "(no title)", style="bold")
        if (row.get("copies") or 1) > 1:
            cell.append(f"  ({row['copies']} copies)", style="magenta")
        cell.append("\n")
        cell.append_text(_marked(row["snippet"], "bold black on yellow" if color else None))
        cell.append("\n" + (row["url"] or ""), style="dim blue")
        table.add_row(str(row["id"]), row["site"], (row["published"] or "?")[:10], cell, f"{shown_score(row['score']):.3g}")
    buffer = StringIO()
    Console(file=buffer, width=width, force_terminal=color, color_system="standard" if color else None,
            highlight=False).print(table)
    return buffer.getvalue()


def terminal_width() -> int | None:
    """The terminal's width when standard output is one, else None (a pipe, a file)."""
    if not sys.stdout.isatty():
        return None
    import shutil

    return shutil.get_terminal_size().columns


def printed(rows: list[dict], fmt: str, terminal_width: int | None = None) -> tuple[str, str]:
    """What `archiver search` writes (standard output, standard error) for ROWS in format FMT;
    TERMINAL_WIDTH when the output is a terminal (the table), else None (plain lines)."""
    if fmt == "json":
        return to_json(rows) + "\n", ""
    if fmt == "jsonl":
        return to_jsonl(rows), ""
    if fmt == "csv":
        return to_csv(rows), ""
    if not rows:
        return "", "no results\n"
    return (to_table(rows, width=terminal_width) if terminal_width else to_text(rows)), ""


def to_text(rows: list[dict]) -> str:
    """Plain lines for pipes and files: matches in the snippet between [brackets]."""
    lines = []
    for row in _printable(rows):
        copies = f"  ({row['copies']} copies)" if (row.get("copies") or 1) > 1 else ""
        lines.append(f"[{row['id']}] {row['site']}  {(row['published'] or '?')[:16]}  {row['title']}{copies}")
        lines.append(f"    {row['url']}")
        lines.append("    " + (row["snippet"] or "").replace("<mark>", "[").replace("</mark>", "]"))
    return "\n".join(lines) + "\n"
