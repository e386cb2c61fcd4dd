"""Text in source order on pages with broken table markup.

Old CMS pages close a layout cell inside the article (`<td><div class=body><p>1</p></td></font>
<p>2</p>...`). The HTML5 parser then takes the `</td>` at its word: the cell ends, and the
paragraphs after it, now loose in the table row, are moved ("foster-parented") before the
table, out of the body element and out of order. `repaired(text)` finds such end tags by a
pass over the source's tags and gives the source without them (and, when content still sits
loose in a table, with the table's own tags made plain blocks), so the parser keeps every
paragraph where the source has it. A well-formed page is returned as None: nothing to repair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archiver.text import without_spans

# Markup only: the text between two matches (runs of text, a "<" that opens nothing) is read as a gap.
MARKUP = re.compile(
    r"<!--.*?-->|<(script|style|textarea)\b[^>]*>.*?</\1\s*>|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)([^>]*)>",
    re.S | re.I,
)
TABLE_PARTS = {"table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "colgroup", "col"}
ROW_CONTEXT = {"table", "tbody", "thead", "tfoot", "tr"}  # where content has no place of its own
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
INLINE = {"a", "abbr", "b", "big", "cite", "code", "em", "font", "i", "q", "s", "small", "span", "strike",
          "strong", "sub", "sup", "tt", "u", "p"}  # open ones do not stop a cell from closing
CLOSES_ROW = {"td": ("tr",), "th": ("tr",), "tr": ("table", "tbody", "thead", "tfoot")}
NOT_LOOSE = TABLE_PARTS | {"script", "style", "form"}  # elements that may stand in a table row
# The names share their first letters, so the search tries fewer alternatives at each "<".
TABLE_TAG = re.compile(r"<(/?)(?i:t(?:able|body|head|foot|r|d|h)|caption|colgroup)(?=[\s/>])")


@dataclass
class _Pass:
    """What one pass over the tags found: stray end tags (spans) and content loose in a table."""

    stray: list[tuple[int, int]]
    loose: bool


def _scan(text: str) -> _Pass:
    # Written for speed: it reads every tag of every page with a table. Text between tags is
    # looked at only where it would stand loose in a row; a tag closing the innermost open
    # element takes the short way.
    stack: list[str] = []
    found = _Pass([], False)
    end = 0
    for m in MARKUP.finditer(text):
        if not found.loose and stack and stack[-1] in ROW_CONTEXT:
            found.loose = _loose_up_to(text, end, m)
        end = m.end()
        tag = m.group(3)
        if tag is None:  # a comment, a script, a style
            continue
        name = tag.lower()
        if not m.group(2):
            if name not in VOID and not m.group(4).rstrip().endswith("/"):
                _open(stack, name, found)
        elif stack and stack[-1] == name:
            stack.pop()
        else:
            _close(stack, name, m.span(), found)
    if not found.loose and stack and stack[-1] in ROW_CONTEXT:
        found.loose = end < len(text) and not text[end:].isspace()
    return found


def _loose_up_to(text: str, end: int, m: re.Match) -> bool:
    """Whether content stands loose in a row from END (where the last markup ended) through
    the markup M: text between them, or M a script's or style's content (a comment is none)."""
    start = m.start()
    return (start > end and not text[end:start].isspace()) or m.group(1) is not None


def _innermost(stack: list[str], name: str) -> int | None:
    """The index of the innermost open NAME (searched from the top: cheap on deep pages)."""
    if name not in stack:
        return None
    at = len(stack) - 1
    while stack[at] != name:
        at -= 1
    return at


def _open(stack: list[str], name: str, found: _Pass) -> None:
    if not found.loose and stack and stack[-1] in ROW_CONTEXT:
        found.loose = name not in NOT_LOOSE
    for outer in CLOSES_ROW.get(name, ()):
        if (at := _innermost(stack, outer)) is not None:  # a new cell or row ends the one still open
            del stack[at + 1:]
            break
    if stack and stack[-1] == "p" and name not in INLINE:
        stack.pop()
    stack.append(name)


def _close(stack: list[str], name: str, span: tuple[int, int], found: _Pass) -> None:
    at = _innermost(stack, name)
    if at is None:
        if name in TABLE_PARTS:
            found.stray.append(span)
        return
    if (name in TABLE_PARTS or name == "font") and not INLINE.issuperset(stack[at + 1:]):
        found.stray.append(span)  # a cell closed inside a block still open in it: the parser would eject what follows
        return
    del stack[at:]


def _joins(text: str, start: int) -> bool:
    """Whether taking out the tag at START may join what precedes it to what follows into one
    token: only a "<" that opened no token, just before it ("<", "</", "<!"), or the dashes of a
    comment's end can."""
    return "<" in text[max(0, start - 2):start] or text[start - 1:start] == "-"


@dataclass(frozen=True)
class Repair:
    """The source as the parser should read it, and what was wrong."""

    text: str
    stray: int  # end tags removed: each would have closed a cell inside a block still open in it
    loose: bool  # content sat loose in a table: the table's own tags were made plain blocks


def repaired(text: str) -> Repair | None:
    """TEXT without the end tags that would take content out of source order, or None."""
    if not TABLE_TAG.search(text):
        return None
    first = _scan(text)
    if not first.stray and not first.loose:
        return None
    fixed = without_spans(text, first.stray)
    # The pass left each stray end tag off its stack, as if it were not there: what it found
    # loose is what the fixed source has loose. Unless taking a tag out joined what stood on
    # either side into a new token ("<" + "div>", "--" + ">"): then the fixed source is read again.
    loose = first.loose if not any(_joins(text, start) for start, _ in first.stray) else _scan(fixed).loose
    if loose:  # content between rows: tables read as plain blocks keep it in place
        fixed = TABLE_TAG.sub(lambda m: f"<{m.group(1)}div", fixed)
    return Repair(fixed, len(first.stray), loose)
