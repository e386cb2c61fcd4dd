"""Shared HTML helpers for adapters: decoding, the block text stream, meta and JSON-LD."""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio
from selectolax.lexbor import LexborHTMLParser as HTMLParser, LexborNode as Node
from w3lib.encoding import html_body_declared_encoding, resolve_encoding

from .text import without_break_hints, without_spans

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# A single-byte decoding this messy (charset_normalizer's measure) is the wrong charset.
_GARBLED = 0.2
_DETECT_BYTES = 64 * 1024  # the detector reads this much of a body, enough to tell
# A body whose text is this share control or undecodable characters is not text.
_BINARY_SHARE = 0.05
_BINARY = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
_COMPRESSED = ((b"\x1f\x8b", "gzip"), (b"\x28\xb5\x2f\xfd", "zstd"), (b"PK\x03\x04", "zip"))

# Nesting deeper than this is flattened before parsing: the HTML tree builder's work grows
# with the square of the depth (100k nested <div>s: 25 s), and no real page nests so deep.
MAX_DEPTH = 512
_NESTING_CHECK_FROM = 3000  # fewer tags than this cannot nest deep enough to cost
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*>")
# Elements that never enclose others, or that the next sibling closes on its own.
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rp head body html".split()
)

BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section "
    "summary table tbody td tfoot th thead tr ul title option".split()
)
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# How far a byline's own heading is looked for (sites.metadata.under_teaser_heading on selectolax's
# nodes, archiver.bylines on lxml's elements): up through the inline elements around the byline to
# its block (a card's byline line), and back at each level through the nearest siblings only (a
# card's headline stands a few nodes before its byline; a page of thousands is not searched through).
TEASER_INLINE_LEVELS, TEASER_SIBLINGS_SEEN = 4, 12


def names_topic(rel: str | None) -> bool:
    """Whether a link's REL says it leads to a topic's page ("tag", "category": the microformat
    WordPress and most blog engines write on category and tag links), which is no one's."""
    return bool(_TOPIC_RELS & set((rel or "").lower().split()))


_TOPIC_RELS = frozenset({"tag", "category"})
# rt and rp: a ruby annotation (furigana over kanji, pinyin over hanzi) reads the text aloud; it is no part of it.
SKIP_TAGS = frozenset("script style noscript template svg iframe head button select textarea rt rp".split())


def _codec(name: str | None) -> str | None:
    """The Python codec for an encoding label, WHATWG's way: latin-1 and ASCII labels mean
    windows-1252, as browsers read them."""
    if not name:
        return None
    try:
        return codecs.lookup(resolve_encoding(name.strip().strip("\"'")) or "").name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type or "", re.IGNORECASE)
    return _codec(match.group(1)) if match else None


@dataclass(frozen=True)
class Sniffed:
    """The encoding a body is read in, and why (e.g. "header", "meta", "detected")."""

    encoding: str
    source: str


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Text and the encoding used (see sniff_encoding)."""
    encoding = sniff_encoding(body, content_type).encoding
    return body.decode(encoding, errors="replace"), encoding


def sniff_encoding(body: bytes, content_type: str | None = None) -> Sniffed:
    """Which encoding BODY is in: a byte order mark (or UTF-16's zero bytes without one), then
    the declared charset (header, then meta) unless the bytes contradict it, then valid UTF-8,
    Windows-1252 if it reads as text, a detector, and Windows-1252 at last."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return Sniffed(name, "byte order mark")
    if unmarked := _utf16_without_bom(body):
        # Before any label: ASCII in UTF-16 is valid UTF-8 (and Latin-1) too, NULs and all.
        return Sniffed(unmarked, "UTF-16 without a byte order mark")
    if declared := _declared(body, content_type):
        return declared
    if _decodes(body, "utf-8"):
        return Sniffed("utf-8", "valid UTF-8")
    if _decodes(body, "cp1252") and not _messy(body, "cp1252"):
        # What browsers assume of an undeclared legacy page; the detector's guess among the
        # Latin charsets on a few accented words is worse.
        return Sniffed("cp1252", "undeclared, reads as Windows-1252")
    if detected := _detect(body):
        return Sniffed(detected, "detected")
    return Sniffed("cp1252", "fallback")


def _declared(body: bytes, content_type: str | None) -> Sniffed | None:
    """The first declared charset (header, then meta) the bytes do not contradict. They do when
    they do not decode in it, when a single-byte label covers valid multi-byte UTF-8 (servers
    and saved copies often mislabel UTF-8, never the reverse) or when a single-byte decoding
    comes out as mojibake the detector can do better than."""
    for source, name in (("header", header_charset(content_type)), ("meta", _codec(html_body_declared_encoding(body)))):
        if not name:
            continue
        if _single_byte(name) and not body.isascii() and _decodes(body, "utf-8"):
            return Sniffed("utf-8", f"UTF-8 bytes under a {source} single-byte label")
        if _decodes(body, name) and not _garbled(body, name):
            return Sniffed(name, source)
    return None


def _single_byte(name: str) -> bool:
    """Whether NAME is a legacy charset of one byte a character (Latin, Cyrillic, Greek...).
    Text in one of them practically never forms valid multi-byte UTF-8: its letters above
    0x7F stand next to ASCII or to each other, not in UTF-8's lead-and-continuation runs. So
    valid UTF-8 under such a label is UTF-8 mislabelled (a saved copy re-encoded, a CMS's
    default), never the reverse."""
    try:
        return len("\u20ac\u00e9\u0449".encode(name, errors="replace")) == 3
    except LookupError:
        return False


def _decodes(body: bytes, name: str) -> bool:
    try:
        body.decode(name)
        return True
    except (UnicodeDecodeError, LookupError):
        return False


def _garbled(body: bytes, name: str) -> bool:
    """A single-byte charset (every byte is some letter) that turns the text into mojibake
    the detector can do better than."""
    return _messy(body, name) and _detect(body) not in (None, name)


def _messy(body: bytes, name: str) -> bool:
    sample = body[:_DETECT_BYTES]
    if codecs.lookup(name).name.startswith("utf") or sum(b > 0x7F for b in sample) < 16:
        return False
    return mess_ratio(sample.decode(name, errors="replace"), maximum_threshold=1.0) > _GARBLED


def _utf16_without_bom(body: bytes) -> str | None:
    """UTF-16 without a BOM shows itself in markup: every other byte of ASCII is zero."""
    sample = body[:4096]
    half = len(sample) // 2
    if half < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for name, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros > half * 0.3 and others < half * 0.05 and _decodes(body[: len(body) // 2 * 2], name):
            return name
    return None


def _detect(body: bytes) -> str | None:
    best = from_bytes(body[:_DETECT_BYTES]).best()
    if best is None:
        return None
    if "cp1252" in best.could_be_from_charset:
        return "cp1252"
    return _codec(best.encoding)


def unreadable(body: bytes, text: str) -> str | None:
    """Why a body served as HTML is no page at all (compressed or binary data), or None. Such
    a body is a parse failure, never an article of garbage."""
    for magic, kind in _COMPRESSED:
        if body.startswith(magic):
            return f"the body is {kind}-compressed data, not HTML (compressed twice?)"
    sample = text[:_DETECT_BYTES]
    binary = len(_BINARY.findall(sample))
    visible = len(sample) - sum(sample.count(c) for c in " \t\n\r") if binary else 0
    if visible and binary / visible > _BINARY_SHARE:
        return f"the body is binary data, not text ({binary / visible:.0%} control or undecodable characters)"
    return None


# The last page limited, and its result: a page is parsed twice (selectolax for the fields,
# lxml for the body) and the pass over its tags need not be made twice. Pure: same text, same result.
_last_limited: tuple = ("", "", MAX_DEPTH)


def limit_nesting(text: str, max_depth: int = MAX_DEPTH) -> str:
    """TEXT with the tags nested deeper than MAX_DEPTH taken out (their text stays)."""
    global _last_limited
    if text.count("<") < _NESTING_CHECK_FROM:
        return text
    last = _last_limited
    if last[0] is text and last[2] == max_depth:
        return last[1]
    limited = _limited(text, max_depth)
    _last_limited = (text, limited, max_depth)
    return limited


def _limited(text: str, max_depth: int) -> str:
    depth, cuts = 0, []
    for match in _TAG.finditer(text):
        if match.group(2).lower() in _NOT_NESTING or match.group(0).endswith("/>"):
            continue
        closing = bool(match.group(1))
        depth += 0 if closing else 1
        if depth > max_depth:
            cuts.append(match.span())
        depth -= 1 if closing and depth else 0
    return without_spans(text, cuts) if cuts else text


def parse_html(text: str) -> HTMLParser:
    return HTMLParser(limit_nesting(text))


def clean_space(text: str | None) -> str:
    """TEXT with its white space runs made one space, and no line-break hints (soft hyphens...)."""
    if not text:
        return ""
    return " ".join(without_break_hints(text).split())  # str.split() splits on what re's \s matches, no-break space included


# A line no longer than a teaser headline: a kicker, a section's name, a dateline, a link's text.
SHORT_LINE_CHARS, SHORT_LINE_SPACES = 120, 12


def is_short_line(line: str) -> bool:
    return len(line) <= SHORT_LINE_CHARS and line.count(" ") < SHORT_LINE_SPACES


def _walk(node: Node, out: list[str]) -> None:
    """NODE's text in document order, a newline around each block; iterative, so any depth
    of nesting is safe."""
    stack: list[Node | str | None] = [node.child]
    while stack:
        child = stack.pop()
        if isinstance(child, str):
            out.append(child)
            continue
        if child is None:
            continue
        stack.append(child.next)
        tag = child.tag
        if tag == "-text":
            out.append(child.text_content or "")
        elif tag == "br":
            out.append("\n")
        elif tag in SKIP_TAGS or tag == "-comment":
            pass
        elif tag in BLOCK_TAGS:
            out.append("\n")
            stack += ["\n", child.child]
        else:
            stack.append(child.child)


def text_lines(node: Node | None) -> list[str]:
    """The visible text under NODE as lines: one per block element or <br>, blanks dropped.
    Adapters anchor on text patterns in this stream, whatever elements wrap them."""
    if node is None:
        return []
    parts: list[str] = []
    _walk(node, parts)
    return [line for line in (clean_space(seg) for seg in "".join(parts).split("\n")) if line]


def node_text(node: Node | None) -> str:
    return " ".join(text_lines(node)) if node is not None else ""


def first(tree: HTMLParser | Node, selectors: Iterable[str]) -> Node | None:
    for selector in selectors:
        node = tree.css_first(selector)
        if node is not None:
            return node
    return None


def first_text(tree: HTMLParser | Node, selectors: Iterable[str]) -> str | None:
    for selector in selectors:
        for node in tree.css(selector):
            text = node_text(node)
            if text:
                return text
    return None


def meta(tree: HTMLParser, *names: str) -> str | None:
    """Content of the first meta tag whose name, property or itemprop is one of NAMES."""
    for name in names:
        for attr in ("name", "property", "itemprop"):
            node = tree.css_first(f'meta[{attr}="{name}"]')
            if node is not None and (value := clean_space(node.attributes.get("content"))):
                return value
    return None


def link_href(tree: HTMLParser, rel: str) -> str | None:
    node = tree.css_first(f'link[rel="{rel}"]')
    return node.attributes.get("href") if node is not None else None


def json_ld(tree: HTMLParser) -> Iterator[dict]:
    """Every JSON-LD object on the page, @graph members included; bad blocks are skipped."""
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            data = _lenient_json(node.text(deep=True) or "")
        except (ValueError, RecursionError):  # malformed past mending, or nested past the parser's depth (hostile)
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)


# What CMS templates leave in JSON-LD that JSON does not allow, and readers of it (search engines)
# let pass: a line or a line's end commented out ('//"interactionCount": "",', '"height": "1000", // px'),
# a comma after the last member, the block wrapped in an HTML comment.
_LINE_COMMENT = re.compile(r"^\s*//.*$|(?<=[,{}\[\]\"\d])[ \t]*//[^\n\"]*$", re.MULTILINE)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_HTML_COMMENT_WRAP = re.compile(r"^\s*<!--|-->\s*$")


def _lenient_json(text: str):
    """TEXT's JSON value, read as leniently as readers of JSON-LD do: raw line breaks and tabs
    inside strings, the mends above, and whatever follows the first whole value (a stray brace)."""
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    mended = _TRAILING_COMMA.sub(r"\1", _LINE_COMMENT.sub("", _HTML_COMMENT_WRAP.sub("", text))).strip()
    return json.JSONDecoder(strict=False).raw_decode(mended)[0]


def ld_article(tree: HTMLParser) -> dict:
    """The page's JSON-LD article, its people given by reference (`"author": {"@id": ...}`, as
    Yoast SEO and other @graph writers do) replaced by the objects they name elsewhere on the page."""
    items = list(json_ld(tree))
    for item in items:
        if any(k.endswith("Article") or k in ("BlogPosting", "Report") for k in ld_types(item)):
            return _with_references_resolved(item, items)
    return {}


def ld_types(item: dict) -> list[str]:
    """ITEM's @type, one or a list, as a list of its names."""
    kind = item.get("@type")
    return [k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)]


def ld_web_page(items: Iterable[dict]) -> dict:
    """The first of ITEMS (json_ld's) typed WebPage: what a page states of itself where it
    describes no article (its dates); a listing's own types (CollectionPage...) are not it."""
    return next((item for item in items if "WebPage" in ld_types(item)), {})


_MEDIA_TYPES = frozenset({"VideoObject", "AudioObject", "PodcastEpisode", "Clip", "Episode"})


def ld_only_media(items: Iterable[dict]) -> dict:
    """The one video or recording ITEMS describe, if they describe exactly one: a page of
    several (a playlist, a listing) is about none of them."""
    media = [item for item in items if _MEDIA_TYPES & set(ld_types(item))]
    return media[0] if len(media) == 1 else {}


_PEOPLE_KEYS = ("author", "creator", "publisher")


def _with_references_resolved(item: dict, items: list[dict]) -> dict:
    named = {node["@id"]: node for node in items
             if isinstance(node.get("@id"), str) and any(k not in ("@id", "@type") for k in node)}
    if not named:
        return item

    def one(value):
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and isinstance(value.get("@id"), str):
            return named.get(value["@id"], value)
        return value

    # A list of people is one level deep; anything nested further is left as written.
    return {**item, **{key: [one(v) for v in item[key]] if isinstance(item[key], list) else one(item[key])
                       for key in _PEOPLE_KEYS if key in item}}


def hrefs(tree: HTMLParser | Node, selector: str = "a[href]") -> list[str]:
    return [node.attributes.get("href") or "" for node in tree.css(selector)]
