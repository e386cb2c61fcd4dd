"""Field extractors every adapter shares, and the value sources its field specs name.

A field spec is a *chain*: a tuple of sources tried in order, the first non-empty value wins.
A source is a CSS selector (the text of the first matching node that has text), or one of the
frozen dataclasses below. Every function here reads the page and nothing else: no state is kept
between pages, so a page parses the same whatever was parsed before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone, tzinfo
from typing import TYPE_CHECKING, Iterable, Union

from archiver import html as H
from archiver.errors import ParseError
from archiver.models import Image, RelatedItem, Tag

if TYPE_CHECKING:  # pragma: no cover
    from .base import PageContext


@dataclass(frozen=True, init=False)
class Meta:
    """Content of the first meta tag whose name, property or itemprop is one of NAMES."""

    names: tuple[str, ...]

    def __init__(self, *names: str):
        object.__setattr__(self, "names", names)

    def read(self, tree) -> list[str]:
        return _listed(H.meta(tree, *self.names))


@dataclass(frozen=True, init=False)
class LD:
    """A field of the page's JSON-LD article; a person or list of persons gives their names."""

    keys: tuple[str, ...]

    def __init__(self, *keys: str):
        object.__setattr__(self, "keys", keys)

    def read(self, tree) -> list[str]:
        article = H.ld_article(tree)
        return next((names for key in self.keys if (names := _names(article.get(key)))), [])


@dataclass(frozen=True, init=False)
class Attr:
    """The first non-empty attribute of ATTRS on the first node SELECTOR matches."""

    selector: str
    attrs: tuple[str, ...]

    def __init__(self, selector: str, *attrs: str):
        object.__setattr__(self, "selector", selector)
        object.__setattr__(self, "attrs", attrs)

    def read(self, tree) -> list[str]:
        node = tree.css_first(self.selector)
        found = (H.clean_space(node.attributes.get(a)) for a in self.attrs) if node is not None else ()
        return _listed(next((v for v in found if v), None))


@dataclass(frozen=True)
class Link:
    """The href of <link rel=REL>."""

    rel: str

    def read(self, tree) -> list[str]:
        return _listed(H.clean_space(H.link_href(tree, self.rel)))


@dataclass(frozen=True)
class PageTitle:
    """The text of the page's <title>."""

    def read(self, tree) -> list[str]:
        node = tree.css_first("head title") or tree.css_first("title")
        return _listed(H.clean_space(node.text()) if node is not None else None)


Source = Union[str, Meta, LD, Attr, Link, PageTitle]
Chain = tuple[Source, ...]


@dataclass(frozen=True)
class Related:
    """A related-items region. LINKS selects anchors, or boxes when LINK (the anchor inside
    each box) is given; IMAGE is the picture inside the box or anchor. Links to pages of the
    site that are not articles get OTHER_KIND, or are skipped when it is None."""

    links: str
    link: str | None = None
    image: str | None = None
    kind: str = "article"
    other_kind: str | None = None
    skip: re.Pattern | None = None  # hrefs to ignore (e.g. tag pages in the same box)
    kinds: tuple[tuple[str, str], ...] = ()  # (selector, kind): the kind of a box that matches
    # A list known only by its heading ("Related Articles"): LINKS are then looked for in the
    # box holding any HEADINGS element whose whole text matches HEADING.
    heading: re.Pattern | None = None
    headings: str = "h2, h3, h4, div.title, span.title"
    title_kinds: tuple[tuple[re.Pattern, str], ...] = ()  # (pattern, kind): a title that matches ("Video: ...")


# -- sources ---------------------------------------------------------------------------------
def _names(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and H.clean_space(name):
            out.append(H.clean_space(name))
    return out


def _listed(found: str | None) -> list[str]:
    return [found] if found else []


def values(tree, source: Source) -> list[str]:
    """Every value SOURCE gives on the page (all matches of a selector, all names in JSON-LD)."""
    if isinstance(source, str):
        return [text for node in tree.css(source) if (text := H.node_text(node))]
    return source.read(tree)


def value(tree, source: Source) -> str | None:
    found = values(tree, source)
    return found[0] if found else None


def first_value(tree, chain: Iterable[Source]) -> str | None:
    return next((found for source in chain if (found := value(tree, source))), None)


def all_values(tree, chain: Iterable[Source]) -> list[str]:
    """The values of the first source in CHAIN that gives any."""
    return next((found for source in chain if (found := values(tree, source))), [])


def strip_pattern(text: str | None, pattern: re.Pattern | None) -> str | None:
    if not text:
        return None
    return (pattern.sub("", text).strip() if pattern else text) or None


# -- identity --------------------------------------------------------------------------------
def identity(ctx: "PageContext", id_metas: Iterable[str] = (), id_links: Iterable[str] = (),
             not_article: str | None = None) -> str:
    """The article id: from the URL, the canonical link, og:url, the <link rel> of ID_LINKS
    (e.g. WordPress's shortlink), then the metas that name it. The first wins; a later source
    naming another id is a warning. None at all: ParseError with NOT_ARTICLE as its reason."""
    adapter, tree = ctx.adapter, ctx.tree
    found: list[tuple[str, str]] = []
    if key := adapter.article_key(ctx.url):
        found.append(("URL", key))
    hrefs = [("canonical link", H.link_href(tree, "canonical")), ("og:url", H.meta(tree, "og:url"))]
    hrefs += [(rel, H.link_href(tree, rel)) for rel in id_links]
    for where, href in hrefs:
        url = ctx.absolute(href)
        if url and adapter.owns(url) and (key := adapter.article_key(adapter.rebase(url))):
            found.append((where, key))
    found += [(name, key) for name in id_metas if (key := H.meta(tree, name))]
    if not found:
        raise ParseError(ctx.url, not_article or "no article id in the URL, canonical link, og:url or id metas")
    key = found[0][1]
    for where, other in found[1:]:
        if other != key:
            ctx.warn(f"{where} names {other}, the {found[0][0]}'s id {key}")
    return key


def canonical(ctx: "PageContext", key: str) -> str:
    """The page's own canonical link, else og:url, when it names this article (unless the
    adapter's `better_url` prefers the fetched URL's spelling); else the URL."""
    adapter, tree = ctx.adapter, ctx.tree
    from_url = adapter.canonical_url(ctx.url) if adapter.article_key(ctx.url) == key else None
    for href in (H.link_href(tree, "canonical"), H.meta(tree, "og:url")):
        url = ctx.absolute(href)
        if url and adapter.owns(url) and adapter.article_key(adapter.rebase(url)) == key:
            found = adapter.canonical_url(adapter.rebase(url))
            # a shortlink-like canonical link loses to the fetched URL's fuller spelling
            return from_url if from_url and adapter.better_url(from_url, found) else found
    return from_url or adapter.article_url(key)


# -- text ------------------------------------------------------------------------------------
def title(tree, chain: Iterable[Source], suffix: re.Pattern | None = None) -> str | None:
    return next((t for source in chain if (t := strip_pattern(value(tree, source), suffix))), None)


def body_lines(node, clutter: Iterable[str] = (), boilerplate: Iterable[re.Pattern] = (),
               footer: Iterable[re.Pattern] = ()) -> list[str]:
    """The text lines of a copy of NODE with CLUTTER removed, through `clean_lines`."""
    if node is None:
        return []
    copy = H.parse_html(node.html or "")
    clutter = ", ".join(clutter)
    if clutter:
        for junk in copy.css(clutter):
            junk.decompose()
    return clean_lines(H.text_lines(copy.body), boilerplate, footer)


def clean_lines(lines: Iterable[str], boilerplate: Iterable[re.Pattern] = (), footer: Iterable[re.Pattern] = ()) -> list[str]:
    """LINES without BOILERPLATE lines, up to the first FOOTER line after some text (a footer
    line before any text is page furniture above the article, and is skipped)."""
    boilerplate, footer = tuple(boilerplate), tuple(footer)
    kept: list[str] = []
    for line in lines:
        if any(p.search(line) for p in footer):
            if kept:
                break
            continue
        if not any(p.search(line) for p in boilerplate):
            kept.append(line)
    return kept


def first_match(pattern: re.Pattern, lines: Iterable[str]) -> re.Match | None:
    return next((m for m in map(pattern.match, lines) if m), None)


def labelled(node, pattern: re.Pattern, selector: str = "div, p, li, span, dd, td"):
    """Elements under NODE whose whole text is one line matching PATTERN (a `By ...` byline,
    a `Tags: ...` line), whatever the markup around it, in document order."""
    for found in node.css(selector) if node is not None else ():
        text = H.clean_space(found.text(deep=True))
        if text and pattern.match(text) and len(H.text_lines(found)) == 1:
            yield found


def labelled_tags(node, pattern: re.Pattern, kinds: dict[str, str]) -> list[Tag]:
    """The anchors of `Label: a, b` lines (PATTERN's group "label", mapped to a kind by KINDS)."""
    found = []
    for line in labelled(node, pattern):
        found += tags(line, "a[href]", kinds.get(pattern.match(H.clean_space(line.text()))["label"]))
    return dedupe(found)


CAPTION_CREDIT = re.compile(r"^(?P<caption>.*?)\s*\((?:Source|Photo|Credit|Image)s?:?\s*(?P<credit>[^)]+)\)\.?$", re.I)
CREDIT_ONLY = re.compile(r"^(?:credits? to\b|source:|photo:|image:)", re.I)


def caption_credit(text: str | None) -> tuple[str | None, str | None]:
    """Caption and credit of a picture's legend: `A view of Aleppo (Source: SANA)`, `Source: SANA`."""
    if match := CAPTION_CREDIT.match(text or ""):
        return match["caption"] or None, match["credit"].strip()
    return (None, text) if text and CREDIT_ONLY.match(text) else (text or None, None)


def split_names(byline: str, prefix: re.Pattern = re.compile(r"^By\s+", re.I)) -> tuple[str, ...]:
    """The names of a plain-text byline, `By A, B and C`."""
    names = re.split(r"\s*(?:,|\band\b|&)\s*", prefix.sub("", byline))
    return tuple(dedupe(n for n in map(H.clean_space, names) if n))


# -- dates -----------------------------------------------------------------------------------
def parse_date(text: str | None, tz: tzinfo = timezone.utc, formats: Iterable[str] = ()) -> datetime | None:
    """All digits: epoch seconds; else ISO 8601; else the strptime FORMATS. Naive times are TZ."""
    text = H.clean_space(text)
    if not text:
        return None
    if text.isdigit():
        return datetime.fromtimestamp(int(text), timezone.utc)
    candidates = []
    try:
        candidates.append(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        for fmt in formats:
            try:
                candidates.append(datetime.strptime(text, fmt))
                break
            except ValueError:
                continue
    if not candidates:
        return None
    moment = candidates[0]
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


WRITTEN_DATE = r"(?:[A-Z][a-z]+\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+\.? \d{4})"  # June 10, 2017 / 9 June 2017


def parse_day(text: str) -> date | None:
    """The day of a WRITTEN_DATE."""
    formats = ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y")
    moment = parse_date(text.replace(".", "").replace(",", ""), formats=formats)
    return moment.date() if moment else None


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def first_date(tree, chain: Iterable[Source], tz: tzinfo = timezone.utc, formats: Iterable[str] = ()) -> datetime | None:
    for source in chain:
        if isinstance(source, str):
            node = tree.css_first(source)
            texts = [node.attributes.get("datetime"), H.node_text(node)] if node is not None else []
        else:
            texts = [value(tree, source)]
        moment = next((m for t in texts if (m := parse_date(t, tz, formats))), None)
        if moment is not None:
            return moment
    return None


def to_utc_iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


# -- people, media, tags ---------------------------------------------------------------------
def dedupe(items: Iterable, key=lambda x: x) -> list:
    seen: set = set()
    out = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def authors(tree, chain: Iterable[Source], clean: re.Pattern | None = None, exclude: re.Pattern | None = None) -> tuple[str, ...]:
    """Names from the first source that gives any, CLEAN removed from each, EXCLUDE dropped."""
    for source in chain:
        names = [n for n in (strip_pattern(v, clean) for v in values(tree, source)) if n]
        names = [n for n in names if not (exclude and exclude.search(n))]
        if names:
            return tuple(dedupe(names))
    return ()


def image(ctx: "PageContext", photos: Iterable[str] = (), fallback: Iterable[Source] = (),
          credit: Iterable[Source] = ()) -> Image | None:
    """The first photo (<img>; caption from alt or title), else the first URL of FALLBACK."""
    tree = ctx.tree
    by = first_value(tree, credit)
    node = H.first(tree, photos)
    if node is not None:
        attrs = node.attributes
        caption = H.clean_space(attrs.get("alt") or attrs.get("title")) or None
        return Image(url=ctx.absolute(attrs.get("src") or attrs.get("data-src")), caption=caption, credit=by)
    url = first_value(tree, fallback)
    return Image(url=ctx.absolute(url), credit=by) if url else None


def tags(tree, selector: str | None, kind: str | re.Pattern | None = None) -> tuple[Tag, ...]:
    """Anchor texts as tags. KIND a regex: its group "kind" read from each href (an href it
    does not match is not a tag)."""
    if not selector:
        return ()
    found = []
    for a in tree.css(selector):
        name = H.clean_space(a.text())
        if not name:
            continue
        if isinstance(kind, re.Pattern):
            match = kind.search(a.attributes.get("href") or "")
            if match:
                found.append(Tag(name=name, kind=match.groupdict().get("kind")))
        else:
            found.append(Tag(name=name, kind=kind))
    return tuple(dedupe(found, key=lambda t: t.name))


# -- related ---------------------------------------------------------------------------------
def related_item(ctx: "PageContext", href: str | None, title: str | None, image: str | None = None,
                 kind: str = "article", other_kind: str | None = None) -> RelatedItem | None:
    """A related item named by the link itself: the article id and canonical URL of the href."""
    item = _linked_item(ctx, href, title, image, kind, other_kind)
    return item if item is not None and item.title else None


def _linked_item(ctx: "PageContext", href, title, image, kind, other_kind) -> RelatedItem | None:
    adapter = ctx.adapter
    url = ctx.absolute(href)
    if not url or not adapter.owns(url):
        return None
    url = adapter.rebase(url)
    key = adapter.article_key(url)
    if key is None and other_kind is None:
        return None
    canonical = adapter.canonical_url(url)
    return RelatedItem(key=key or canonical, url=canonical, title=H.clean_space(title) or None, image=image,
                       kind=kind if key else other_kind)


def _related_links(tree, spec: Related):
    """(box, anchor) pairs of one related region."""
    if spec.heading is None:
        boxes = tree.css(spec.links)
    else:
        headed = (h.parent for h in tree.css(spec.headings) if spec.heading.match(H.clean_space(h.text())))
        boxes = [a for box in headed if box is not None for a in box.css(spec.links)]
    for box in boxes:
        a = box.css_first(spec.link) if spec.link else box
        if a is not None and not (spec.skip and spec.skip.search(a.attributes.get("href") or "")):
            yield box, a


def _related_link(ctx: "PageContext", spec: Related, box, a) -> RelatedItem | None:
    """The item one link names (maybe untitled: a picture link)."""
    img = box.css_first(spec.image) if spec.image else None
    src = ctx.absolute(img.attributes.get("src") or img.attributes.get("data-src")) if img is not None else None
    marked = next((kind for selector, kind in spec.kinds if box.css_matches(selector)), None)
    kind, other_kind = (marked, marked) if marked else (spec.kind, spec.other_kind)
    title = H.clean_space(a.text()) or a.attributes.get("title")
    return _linked_item(ctx, a.attributes.get("href"), title, src, kind, other_kind)


def related(ctx: "PageContext", specs: Iterable[Related]) -> list[RelatedItem]:
    """The related items of every region, one per article: links naming the same article merge
    (first title, first picture: a picture link and a title link of one post make one item);
    a link to the page's own article is none."""
    items: dict[str, RelatedItem] = {}
    for spec in specs:
        for box, a in _related_links(ctx.tree, spec):
            item = _related_link(ctx, spec, box, a)
            if item is None or item.key == ctx.fields.get("key"):
                continue
            had = items.get(item.key, item)
            title = had.title or item.title
            kind = next((k for p, k in spec.title_kinds if title and p.search(title)), had.kind)
            items[item.key] = replace(had, title=title, image=had.image or item.image, kind=kind)
    return [item for item in items.values() if item.title]


# -- comments --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Comments:
    """A comment widget. Threaded items (ITEMS, each with an ID_ATTR, replies naming their
    parent in PARENT_ATTR or the answered author in REPLY_TO) are read first; without them the
    comment SECTION is read by shape: items with an author element and text, a reply marked
    by REPLY_LINE (groups "author", "other") in the text, CHROME lines (buttons) dropped."""

    items: tuple[str, ...] = ()
    id_attr: str = "data-id"
    parent_attr: str = "data-parent-id"
    author: tuple[str, ...] = (".author",)
    body: tuple[str, ...] = (".body",)
    reply_to: str | None = None
    time: str | None = None
    sections: tuple[str, ...] = ()
    shape_items: str = "li"
    author_shapes: tuple[str, ...] = (".author",)
    body_shapes: tuple[str, ...] = (".body",)
    reply_line: re.Pattern | None = None
    chrome: re.Pattern | None = None


def comments(ctx: "PageContext", spec: Comments | None, tz: tzinfo = timezone.utc) -> list:
    if spec is None:
        return []
    nodes = next((found for sel in spec.items if (found := [n for n in ctx.tree.css(sel) if n.attributes.get(spec.id_attr)])), [])
    return threaded_comments(ctx, spec, nodes, tz) if nodes else comments_by_shape(ctx, spec)


def _answered(comments: list, author: str | None) -> int | None:
    return next((c.position for c in reversed(comments) if c.author == author), None) if author else None


def threaded_comments(ctx: "PageContext", spec: Comments, nodes, tz: tzinfo) -> list:
    from archiver.models import Comment

    out: list[Comment] = []
    by_id: dict[str, int] = {}
    for node in nodes:
        body = H.first(node, spec.body)
        text = "\n\n".join(H.text_lines(body)) if body is not None else ""
        if not text:
            continue
        position = len(out) + 1  # 1-based, like the store's related and tag positions
        reply_to = by_id.get(node.attributes.get(spec.parent_attr) or "")
        other = H.first_text(node, (spec.reply_to,)) if spec.reply_to else None
        if reply_to is None and other:
            reply_to = _answered(out, other)
            if reply_to is None:
                ctx.warn(f"comment {position} answers {other!r}, whose comment is not on the page")
        when = first_date(node, (spec.time,), tz) if spec.time else None
        out.append(Comment(author=H.first_text(node, spec.author), text=text, position=position,
                           reply_to=reply_to, published=to_utc_iso(when)))
        by_id[node.attributes[spec.id_attr]] = position
    return out


def comments_by_shape(ctx: "PageContext", spec: Comments) -> list:
    """Comments in markup other than the widget's (a mirror, another template)."""
    from archiver.models import Comment

    section = H.first(ctx.tree, spec.sections)
    out: list[Comment] = []
    for item in section.css(spec.shape_items) if section is not None else ():
        if len(item.css(spec.shape_items)) > 1:
            continue  # a wrapper of items (css() matches the node itself too), not an item
        if item.css_first("form, textarea, input, label, button") is not None:
            continue  # the widget's own messages and forms
        read = _shape_comment(item, spec)
        if read is not None:
            author, text, other = read
            out.append(Comment(author=author, text=text, position=len(out) + 1, reply_to=_answered(out, other)))
    return out


def _shape_comment(item, spec: Comments) -> tuple[str | None, str, str | None] | None:
    """Author, text and the author answered, of one comment-shaped item (None: not a comment)."""
    author_node, body_node = H.first(item, spec.author_shapes), H.first(item, spec.body_shapes)
    lines = H.text_lines(item)
    header = _reply_header(lines[:2], spec)
    if author_node is None and body_node is None and header is None and item.css_first("img") is None:
        return None
    author = _shape_author(author_node, header)
    if body_node is not None:
        lines = H.text_lines(body_node)
    else:
        lines = [line for line in lines if line != author and _reply_header([line], spec) is None]
    text = "\n\n".join(line for line in lines if not (spec.chrome and spec.chrome.match(line)))
    return (author, text, header["other"].strip() if header else None) if text else None


def _shape_author(node, header: re.Match | None) -> str | None:
    """The author element's text, else the name the reply header line starts with."""
    name = H.clean_space(node.text()) if node is not None else ""
    return name or (header["author"].strip() if header else "") or None


def _reply_header(lines: list[str], spec: Comments) -> re.Match | None:
    """The widget's "X in reply to Y" line among LINES."""
    return next((m for m in map(spec.reply_line.match, lines) if m), None) if spec.reply_line else None
