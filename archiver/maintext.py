"""Main-text extraction for the generic adapter (sites without a dedicated adapter).

One parse, one extraction: the page is parsed once by lxml and trafilatura reads the body
from that tree in one balanced pass (a recall pass only when it finds almost nothing). What
the page's metadata states comes from trafilatura's meta reading of the same tree; the costly
guesses (htmldate's text search, trafilatura's byline search) are made on that tree (MainText.tree)
only when the caller has found nothing better. Figures and how to rerun them:
benchmarks/generic_extraction.py.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field, replace
from typing import Any, Container

from trafilatura import bare_extraction
from trafilatura.metadata import examine_meta, extract_title, extract_url
from trafilatura.utils import decode_file, load_html

from .bylines import byline_authors
from .html import clean_space, is_short_line, limit_nesting

__all__ = ["MainText", "extract_main_text"]


@dataclass(frozen=True)
class MainText:
    title: str | None
    text: str  # article paragraphs joined by "\n\n", no boilerplate/comments
    authors: tuple[str, ...]  # as the page's metas name them
    tags: tuple[str, ...]
    canonical_url: str | None
    image: str | None
    sitename: str | None
    description: str | None
    # The parsed page (lxml), kept for costly guesses made only when needed; not part of the reading.
    tree: Any = field(default=None, compare=False, repr=False)

    def guessed_authors(self, url: str | None = None) -> tuple[str, ...]:
        """trafilatura's search of the page's bylines (archiver.bylines: the same answer, a third of
        the cost), the readers' comments and forms left out: their names are commenters'; and the
        bylines of teasers, under a headline linking to another page than URL (the page's)."""
        if self.tree is None:
            return ()
        try:
            return _split(byline_authors(self.tree, only_writers=True, page_url=url or self.canonical_url), ";")
        except Exception:
            return ()


# Comments are never part of an archived article; tables often are (data, schedules).
# No deduplicate: its cache is process-global (output would depend on earlier pages).
# Measured on the corpus, one balanced pass without comments beats plain trafilatura, and a
# second (precision) pass adds 0.003 F1 for twice the time: not worth it. The pass is first
# made in trafilatura's fast mode (its own algorithm alone); only when that finds little is it
# made again with the fallback algorithms compared (a tenth of the pages; F1 as the full pass
# on every page, at three quarters of its time).
_OPTIONS = dict(
    include_comments=False,
    include_tables=True,
    include_images=False,
    include_links=False,
    include_formatting=False,
)
_LITTLE_TEXT = 1000  # characters: less, and the fast pass is not trusted alone
# Below this many characters the balanced pass most likely missed the article container
# (teaser-heavy or script-rendered pages); a recall pass then often finds it.
_TINY_TEXT = 250
# JSON-LD articleBody: the article as the publisher's CMS holds it. Trusted to mark where
# the article ends when the extracted paragraphs found in it make up this share of the text.
_ARTICLE_BODY_SHARE = 0.5
_MIN_MATCHED_LINE = 20  # squashed characters: shorter lines occur anywhere

# Lines that are page furniture in any article: sharing widgets, copyright and
# "last modified" stamps, comment-count prompts. Only short lines are tested, so a
# paragraph that merely mentions copyright survives.
_BOILERPLATE_LINE = re.compile(
    r"""^(?:
        (?:©|\(c\)|copyright\b).*
      | .*\b(?:all\ rights\ reserved|alle\ rechte\ vorbehalten|tous\ droits\ réservés
            |todos\ los\ derechos\ reservados|tutti\ i\ diritti\ riservati)\b.*
      | (?:share|share\ this|teilen|teilen\ mit|diesen\ artikel\ teilen|partager|compartir
            |condividi|like\ this|gefällt\ mir|bewerten|drucken|print)\s*:?
      | (?:loading|wird\ geladen)\s*(?:\.\.\.|…)?
      | (?:letzte\ änderung|zuletzt\ aktualisiert|last\ modified|last\ updated)\b.{0,40}
      | (?:keine\ kommentare|no\ comments(?:\ yet)?|leave\ a\ (?:comment|reply)
            |\d+\ (?:comments?|kommentare?))\.?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_MAX_BOILERPLATE_LINE = 100
# A list of links opening or closing the text: at least this many lines, each a link's whole
# text, and most of the run.
_LINK_LIST_MIN = 3
_LINK_LIST_SHARE = 0.6
_SENTENCE_END = (".", "!", "?", "…", ")", '"', "”", "»", "“")
_WORD = re.compile(r"\w+")
_TAG = re.compile(r"<[^>]{0,500}>")


def _run(tree, url: str | None, **mode: bool) -> str:
    try:  # trafilatura copies a tree it is given: the caller's stays whole
        doc = bare_extraction(tree, url=url, **_OPTIONS, **mode)
    except Exception:  # trafilatura raises on some malformed inputs; the adapter must not
        return ""
    return (doc.text or "") if doc is not None else ""


def _paragraphs(text: str, title: str | None) -> list[str]:
    kept = []
    for line in text.splitlines():
        line = clean_space(line)
        if not line:
            continue
        if len(line) <= _MAX_BOILERPLATE_LINE and _BOILERPLATE_LINE.match(line):
            continue
        kept.append(line)
    # The headline is usually the first block of the article container; it is in .title.
    if kept and title and kept[0] == " ".join(title.split()):
        kept.pop(0)
    # Leftovers of broken markup ("<<>>", replacement characters) are not an article.
    if not any(char.isalnum() for line in kept for char in line):
        return []
    return kept


def _squashed(text: str) -> str:
    return "".join(_WORD.findall(text.lower()))


def ending_where_article_body_ends(lines: list[str], article_body: str | None) -> list[str]:
    """LINES without the blocks after the last one the page's JSON-LD articleBody contains
    (related teasers, newsletter boxes, author boxes), when articleBody is plausibly the whole
    article: the lines found in it make up most of the text. Subheads and captions inside the
    article, which articleBody often leaves out, are kept."""
    if not article_body or len(article_body) < _TINY_TEXT or not lines:
        return lines
    body = _squashed(article_body)
    inside = [i for i, line in enumerate(lines) if len(s := _squashed(line)) >= _MIN_MATCHED_LINE and s in body]
    if not inside or sum(len(lines[i]) for i in inside) < _ARTICLE_BODY_SHARE * sum(map(len, lines)):
        return lines
    return lines[: inside[-1] + 1]


def without_opening_link_list(lines: list[str], links: Container[str]) -> list[str]:
    """LINES without the links that open them (a breadcrumb, a region or edition picker, a
    section menu) where extraction read them as the article's first lines: the opening run of
    short lines is cut through its last link when at least LINK_LIST_MIN of its lines up to
    there are each the whole text of a link of the page, and most of them. Never more than
    what is left."""
    if len(lines) <= _LINK_LIST_MIN or any(not is_short_line(line) for line in lines[:_LINK_LIST_MIN]):
        return lines
    run = next((at for at, line in enumerate(lines) if not is_short_line(line)), len(lines))
    linked = [at for at in range(run) if _item(lines[at]) in links]
    if len(linked) < _LINK_LIST_MIN or len(linked) < _LINK_LIST_SHARE * (linked[-1] + 1):
        return lines
    cut = linked[-1] + 1
    if sum(map(len, lines[:cut])) > sum(map(len, lines[cut:])):
        return lines
    return lines[cut:]


def without_closing_link_list(lines: list[str], links: Container[str]) -> list[str]:
    """LINES without the list of links that closes them ("More coverage", "Related": teasers,
    section links), which extraction read as part of the article. A closing run of short lines
    goes when at least LINK_LIST_MIN of them are each the whole text of a link of the page and
    they are most of the run; the run starts at its first such link or heading (a short line
    with no closing punctuation), so the article's own short last sentences stay. Never more
    than the article itself is cut."""
    if len(lines) <= _LINK_LIST_MIN or any(not is_short_line(line) for line in lines[-_LINK_LIST_MIN:]):
        return lines
    at, linked = len(lines), 0
    while at > 0 and is_short_line(lines[at - 1]):
        linked += _item(lines[at - 1]) in links
        at -= 1
    while at < len(lines) and _item(lines[at]) not in links and lines[at].endswith(_SENTENCE_END):
        at += 1  # the article's last short sentences
    run = lines[at:]
    if linked < _LINK_LIST_MIN or sum(_item(line) in links for line in run) < _LINK_LIST_SHARE * len(run):
        return lines
    if sum(map(len, run)) > sum(map(len, lines[:at])):
        return lines
    return lines[:at]


def _mostly_links(text: str, links: Container[str]) -> bool:
    """Whether TEXT is little prose and mostly lines that are each a link's whole text."""
    raw = text.splitlines()
    prose = 0
    for line in raw:
        prose += 0 if is_short_line(line) else len(line)
        if prose >= _LITTLE_TEXT:
            return False  # prose enough, whatever else there is
    lines = [clean_space(line) for line in raw]
    return sum(len(line) for line in lines if _item(line) in links) * 2 > sum(map(len, lines))


def _item(line: str) -> str:
    return line[2:] if line.startswith("- ") else line  # trafilatura writes a list item as "- item"


class PageLinks:
    """The whole texts of a page's links, read from its tree once, and only if asked."""

    def __init__(self, tree):
        self.tree = tree
        self.texts: set[str] | None = None

    def __contains__(self, text: object) -> bool:
        if self.texts is None:
            try:
                self.texts = {clean_space(link.text_content()) for link in self.tree.iter("a")}
            except Exception:  # a tree lxml cannot walk has no links to tell
                self.texts = set()
        return text in self.texts


def _body_text(tree, url: str | None, links: Container[str]) -> str:
    text = _run(tree, url, fast=True)
    # trafilatura's other algorithms (readability, jusText) may find more, where the fast pass
    # found little, or little but links (a menu read as the article)
    if len(text) < _LITTLE_TEXT or _mostly_links(text, links):
        text = _run(tree, url)
    if len(text) < _TINY_TEXT:
        recall = _run(tree, url, favor_recall=True)
        if len(recall) > len(text):
            return recall
    return text


def _article_body_lines(article_body: str | None) -> list[str]:
    """articleBody as paragraphs, for a page whose markup gave no text (script-rendered)."""
    if not article_body:
        return []
    # Some CMSs put markup or entities in it; a tag is a paragraph break at most.
    return _paragraphs(_TAG.sub("\n", html_lib.unescape(article_body)), None)


def _split(value: str | list[str] | None, sep: str) -> tuple[str, ...]:
    if not value:
        return ()
    items = value if isinstance(value, list) else [value]
    out: dict[str, None] = {}  # ordered set: trafilatura may repeat a name or tag
    for item in items:
        for part in item.split(sep):
            part = part.strip()
            if part:
                out.setdefault(part, None)
    return tuple(out)


def _parsed(html: str | bytes):
    if isinstance(html, bytes):  # tolerated: trafilatura guesses the encoding
        html = decode_file(html)
    if not isinstance(html, str) or not html.strip():
        return None
    try:  # bounded work on pathological nesting, as for the adapters' trees
        tree = load_html(limit_nesting(html))
    except Exception:
        return None
    if tree is not None and _RUBY_ANNOTATION.search(html):
        # A ruby annotation (furigana over kanji, pinyin over hanzi) reads the text aloud and is
        # no part of it: trafilatura strips <ruby> before it would drop <rt>, and its readings
        # ran into the words ("子こども"), which no search then found.
        from lxml import etree

        etree.strip_elements(tree, "rt", "rp", with_tail=False)
    if tree is not None:
        _bylines_bounded(tree)
    return tree


_RUBY_ANNOTATION = re.compile(r"<r[tp][\s>]", re.IGNORECASE)
_LONGEST_BYLINE = 1000  # characters


def _bylines_bounded(tree) -> None:
    """The page's author metas cut to a byline's length at most: trafilatura normalises an author
    meta in time quadratic in its length (a hostile 100 kB one took minutes), and no byline is that long."""
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content and len(content) > _LONGEST_BYLINE and any(
                mark in f"{meta.get('name')} {meta.get('property')} {meta.get('itemprop')}".lower()
                for mark in ("author", "creator", "byl")):
            meta.set("content", content[:_LONGEST_BYLINE])


def _stated(tree, url: str | None) -> MainText:
    """What the page's metas state (no text yet)."""
    try:  # metadata is best effort; never lose the text over it
        meta = examine_meta(tree)
        title = meta.title or extract_title(tree) or None
        canonical = extract_url(tree, url)
    except Exception:
        return MainText(None, "", (), (), url, None, None, None, tree)
    # A single word in the author meta is mostly a handle or the site (trafilatura's own rule).
    authors = _split(meta.author, ";") if meta.author and " " in meta.author else ()
    return MainText(title=title, text="", authors=authors, tags=_split(meta.tags, ","),
                    canonical_url=canonical or url, image=meta.image or None, sitename=meta.sitename or None,
                    description=meta.description or None, tree=tree)


def _body_lines(tree, url: str | None, title: str | None, article_body: str | None) -> list[str]:
    links = PageLinks(tree)
    lines = _paragraphs(_body_text(tree, url, links), title)
    if len("".join(lines)) < _TINY_TEXT and len(article_body or "") > 2 * _TINY_TEXT:
        lines = _article_body_lines(article_body) or lines
    lines = ending_where_article_body_ends(lines, article_body)
    return without_closing_link_list(without_opening_link_list(lines, links), links)


def extract_main_text(html: str | bytes, url: str | None = None, article_body: str | None = None) -> MainText:
    """The article body and the metadata the page states, from one parse of HTML; empty text
    when nothing usable is found. ARTICLE_BODY: the page's JSON-LD articleBody, if it has one."""
    tree = _parsed(html)
    if tree is None:
        return MainText(None, "", (), (), url, None, None, None)
    stated = _stated(tree, url)
    return replace(stated, text="\n\n".join(_body_lines(tree, url, stated.title, article_body)))
