"""trafilatura's byline search, in one pass over the page.

trafilatura (metadata.extract_author) copies the whole tree, prunes comments, sidebars, dates
and figures from the copy, then tries three XPaths one after the other, each over every
element of the page. On the benchmark corpus that cost 8-9 ms a page, a third of a whole
extraction, for a search the generic adapter makes on a quarter of its pages. Every condition
in those XPaths reads the element's own tag and attributes, so one walk over the page can test
all of them, skip what the pruning would remove, and read a candidate's text as the pruned copy
would have it (the text after a removed element joins the text before it, without a space).
tests/test_bylines.py holds the result equal to trafilatura's own on generated pages, so a
change of its expressions in a new release is noticed.

Two departures, asked for with `only_writers=True`:
- the readers' part of the page (any element whose class or id speaks of comments, and forms) is
  pruned too. trafilatura prunes only a comments list marked in a few ways, so a comment form's
  "Name" label or a "recent comments" widget's commenter was taken for the author;
- links to a topic's page (rel="tag" or "category", the microformat WordPress and most blog
  engines write) are pruned: a byline's block may list the post's topics beside its writer.
"""

from __future__ import annotations

import itertools
import re

from trafilatura.metadata import normalize_authors

from archiver.html import BLOCK_TAGS, HEADING_TAGS, TEASER_INLINE_LEVELS, TEASER_SIBLINGS_SEEN, names_topic
from archiver.urls import links_elsewhere

__all__ = ["byline_authors"]

_LEN_LIMIT = 120  # characters, exclusive: trafilatura's limit for a byline

# trafilatura.xpaths.AUTHOR_DISCARD_XPATHS: no byline is inside these.
_DISCARD_TAGS = frozenset({"a", "div", "section", "span"})
_DISCARD_ID = re.compile(r"^comments|comment-?list|ProductReviews").search
_DISCARD_CLASS = re.compile(r"^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
                            r"article-(?:share|support)|print|category|meta-date|meta-reviewer").search
_DISCARD_ALWAYS = frozenset({"time", "figure"})
_READERS = re.compile(r"comment", re.IGNORECASE).search

# trafilatura.xpaths.AUTHOR_XPATHS, tried in this order: specific, generic, any element.
_SPECIFIC_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_SPECIFIC_CLASS = re.compile(r"author-?name|AuthorName|authorName").search
_GENERIC_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})
_GENERIC_CLASSES = frozenset({"byline", "username", "byl", "BBL"})
_GENERIC_ID = re.compile(r"author|zuozhe|bianji|xiaobian").search
_GENERIC_CLASS = re.compile(r"author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name").search
_ANY_ID = re.compile(r"[Aa]uthor").search
_ANY_CLASS = re.compile(r"[Aa]uthor|screenname|writer|[Bb]yline").search


def _texts(el, removed: set) -> list[str]:
    """EL's text pieces as lxml's itertext() gives them once REMOVED are deleted with their
    tails kept (trafilatura's delete_element: a tail joins the text before it)."""
    out: list[str] = []
    stack = [(el, iter(el), el.text)]
    while stack:
        node, children, slot = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if slot:
                out.append(slot)
            if stack:  # the parent's next text is this element's tail
                parent, siblings, _ = stack[-1]
                stack[-1] = (parent, siblings, node.tail)
            continue
        if child in removed:
            if child.tail:
                stack[-1] = (node, children, (slot or "") + child.tail)
            continue
        if slot:
            out.append(slot)
        if isinstance(child.tag, str):
            stack[-1] = (node, children, None)
            stack.append((child, iter(child), child.text))
        else:  # a comment or processing instruction: its tail only
            stack[-1] = (node, children, child.tail)
    return out


def _rel_me(el, removed: set) -> bool:
    # trafilatura writes `rel='me'` without the @: a child <rel> element reading "me"
    return any(c.tag == "rel" and c not in removed and "".join(_texts(c, removed)) == "me" for c in el)


def _discarded(tag: str, id_: str, cls: str, get) -> bool:
    """Whether trafilatura's pruning removes the element (with everything in it)."""
    if tag in _DISCARD_ALWAYS:
        return True
    return tag in _DISCARD_TAGS and bool(
        cls in ("comments", "title", "date") or (id_ and _DISCARD_ID(id_)) or (cls and _DISCARD_CLASS(cls))
        or "Figure" in (get("data-component") or ""))


def _is_generic(tag: str, id_: str, cls: str, itemprop: str) -> bool:
    return tag in _GENERIC_TAGS and bool(
        cls in _GENERIC_CLASSES or "author" in itemprop or (id_ and _GENERIC_ID(id_)) or (cls and _GENERIC_CLASS(cls)))


def _is_any(id_: str, cls: str, itemprop: str, get) -> bool:
    return bool((id_ and _ANY_ID(id_)) or (cls and _ANY_CLASS(cls)) or "author" in itemprop
                or "Byline" in (get("data-component") or ""))


class _Walk:
    """One pass over the page: what the pruning removes, and the candidates of each expression
    (document order) outside it."""

    def __init__(self, tree, only_writers: bool = False):
        self.only_writers = only_writers
        self.removed: set = set()
        self.specific: list = []  # tested for rel='me' once every removal is known
        self.generic: list = []
        self.anywhere: list = []
        self.rel_elements = False
        stack = [iter((tree,))]
        while stack:
            el = next(stack[-1], None)
            if el is None:
                stack.pop()
            elif isinstance(el.tag, str):  # not a comment or processing instruction
                if self._visit(el, el is tree):
                    stack.append(iter(el))

    def _visit(self, el, is_root: bool) -> bool:
        """Sort EL; whether to look inside it."""
        tag, get = el.tag, el.get
        id_, cls = get("id") or "", get("class") or ""
        if not is_root and (_discarded(tag, id_, cls, get) or self._not_writers(tag, id_, cls, get)):  # the root stays
            self.removed.add(el)
            return False
        itemprop = get("itemprop") or ""
        self.rel_elements = self.rel_elements or tag == "rel"
        if tag == "author" or tag in _SPECIFIC_TAGS:
            self.specific.append(el)
        if _is_generic(tag, id_, cls, itemprop):
            self.generic.append(el)
        if _is_any(id_, cls, itemprop, get):
            self.anywhere.append(el)
        return True

    def _not_writers(self, tag: str, id_: str, cls: str, get) -> bool:
        """The readers' part (a comment, a form) and a topic's link: pruned when only writers are asked for."""
        return self.only_writers and (tag == "form" or bool(_READERS(id_) or _READERS(cls)) or (
            tag == "a" and names_topic(get("rel"))))


def byline_authors(tree, only_writers: bool = False, page_url: str | None = None) -> str | None:
    """The authors the page's bylines name, as trafilatura.metadata.extract_author finds them
    (';'-separated), or None. TREE (lxml) is only read. ONLY_WRITERS: the readers' comments
    and forms, links to topics, and teasers' bylines (under a headline linking to another page
    than PAGE_URL) are not searched (see the module's docstring)."""
    walk = _Walk(tree, only_writers)
    specific = (el for el in walk.specific if _is_specific(el, walk.removed, walk.rel_elements))
    for elements in (specific, walk.generic, walk.anywhere):
        for el in elements:
            if only_writers and _under_teaser_heading(el, page_url):
                continue
            content = (only_writers and _names_apart(el, walk.removed)) or " ".join(" ".join(_texts(el, walk.removed)).split())
            if content and 2 < len(content) < _LEN_LIMIT:
                return normalize_authors(None, content)
    return None


_BLOCKS = frozenset({"div", "p", "li", "dd"})


def _names_apart(el, removed: set) -> str:
    """EL's text as names apart, where it is nothing but two blocks or more, each its own text
    and each as a name is, without a digit (co-authors, each in an element of their own:
    "<div>Kim Nguyen</div><div>Oscar Ruiz</div>", which trafilatura reads as one name, "Kim Nguyen
    Oscar Ruiz"); else "". A block with a date or a time makes EL a meta line, read whole."""
    if (el.text or "").strip():
        return ""
    texts = []
    for child in el:
        if child in removed or not isinstance(child.tag, str):
            if (child.tail or "").strip():
                return ""
            continue
        if child.tag not in _BLOCKS or (child.tail or "").strip():
            return ""
        if text := " ".join(" ".join(_texts(child, removed)).split()):
            if any(c.isdigit() for c in text):
                return ""
            texts.append(text)
    return "; ".join(texts) if len(texts) > 1 else ""


def _under_teaser_heading(el, page_url: str | None) -> bool:
    """Whether the heading that EL stands under, the nearest before it beside its block (its
    line), links to another page: a teaser's headline, EL a related story's byline. The walk of
    sites.metadata.under_teaser_heading, on lxml's elements."""
    at = el
    for _ in range(TEASER_INLINE_LEVELS):
        for sibling in itertools.islice(at.itersiblings(preceding=True), TEASER_SIBLINGS_SEEN):
            if (heading := _last_heading(sibling)) is not None:
                return heading.tag != "h1" and _links_elsewhere(heading, page_url)
        if at.tag in BLOCK_TAGS or (at := at.getparent()) is None:
            return False
    return False


def _last_heading(el):
    if not isinstance(el.tag, str):  # a comment, a processing instruction
        return None
    if el.tag in HEADING_TAGS:
        return el
    last = None
    for last in el.iter(*HEADING_TAGS):
        pass
    return last


def _links_elsewhere(heading, page_url: str | None) -> bool:
    link = heading.find(".//a[@href]")
    if link is None:
        link = next(heading.iterancestors("a"), None)
    return link is not None and links_elsewhere(page_url, link.get("href"))


def _is_specific(el, removed: set, rel_elements: bool) -> bool:
    if el.tag == "author":
        return True
    get = el.get
    cls = get("class") or ""
    return (get("rel") == "author" or get("id") == "author" or cls == "author" or get("itemprop") == "author name"
            or get("data-testid") in ("AuthorCard", "AuthorURL") or bool(cls and _SPECIFIC_CLASS(cls))
            or (rel_elements and _rel_me(el, removed)))
