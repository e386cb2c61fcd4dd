"""Shared HTML helpers for adapters: decoding, the block text stream, meta and JSON-LD."""

from __future__ import annotations

import codecs
import json
import re
from typing import Iterable, Iterator

from selectolax.lexbor import LexborHTMLParser as HTMLParser, LexborNode as Node

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_LATIN = {"iso-8859-1", "latin-1", "latin1", "cp1252", "windows-1252", "us-ascii", "ascii"}

BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section "
    "summary table tbody td tfoot th thead tr ul title option".split()
)
SKIP_TAGS = frozenset("script style noscript template svg iframe head button select textarea".split())


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type or "", re.IGNORECASE)
    return _codec(match.group(1)) if match else None


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Text and the encoding used: BOM, then the declared charset (header, then meta), then
    UTF-8, then Windows-1252. A declaration the bytes contradict loses to what decodes."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, errors="replace"), name
    meta = _META_CHARSET.search(body[:4096])
    declared = [c for c in (header_charset(content_type), _codec(meta.group(1).decode("ascii", "ignore")) if meta else None) if c]
    is_ascii = body.isascii()
    for name in declared:
        if name in {_codec(n) for n in _LATIN} and not is_ascii:
            # Servers often label UTF-8 as Latin-1; valid multi-byte UTF-8 is never an accident.
            try:
                return body.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
        try:
            return body.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace"), "cp1252"


def parse_html(text: str) -> HTMLParser:
    return HTMLParser(text)


def clean_space(text: str | None) -> str:
    if not text:
        return ""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def _walk(node: Node, out: list[str]) -> None:
    child = node.child
    while child is not None:
        tag = child.tag
        if tag == "-text":
            out.append(child.text_content or "")
        elif tag == "br":
            out.append("\n")
        elif tag in SKIP_TAGS or tag == "-comment":
            pass
        elif tag in BLOCK_TAGS:
            out.append("\n")
            _walk(child, out)
            out.append("\n")
        else:
            _walk(child, out)
        child = child.next


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
            data = json.loads(node.text(deep=True) or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)


def ld_article(tree: HTMLParser) -> dict:
    for item in json_ld(tree):
        kind = item.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and (k.endswith("Article") or k in ("BlogPosting", "Report")) for k in kinds):
            return item
    return {}


def hrefs(tree: HTMLParser | Node, selector: str = "a[href]") -> list[str]:
    return [node.attributes.get("href") or "" for node in tree.css(selector)]
