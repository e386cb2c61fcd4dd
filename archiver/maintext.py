"""Main-text extraction for the generic adapter (sites without a dedicated adapter).

Built on trafilatura, tuned on the annotated trafilatura evaluation corpus
(see benchmarks/generic_extraction.py for the figures and how to rerun them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trafilatura import bare_extraction, extract_metadata
from trafilatura.utils import decode_file, load_html

from .html import limit_nesting

__all__ = ["MainText", "extract_main_text"]


@dataclass(frozen=True)
class MainText:
    title: str | None
    text: str  # article paragraphs joined by "\n\n", no boilerplate/comments
    published: str | None  # ISO 8601 date or datetime as trafilatura/htmldate finds it
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    canonical_url: str | None
    image: str | None
    sitename: str | None
    description: str | None


# Comments are never part of an archived article; tables often are (data, schedules).
# No deduplicate: its cache is process-global (output would depend on earlier pages) and,
# even with a fresh cache per page, it cost recall on the corpus.
_OPTIONS = dict(
    include_comments=False,
    include_tables=True,
    include_images=False,
    include_links=False,
    include_formatting=False,
)

# The precision pass strips trailing "related"/footer blocks that the balanced pass keeps,
# but on some layouts it throws away most of the article. Keep its result only when it
# kept nearly everything: measured on the corpus, 0.9 beats both passes alone.
_PRECISION_KEEP_RATIO = 0.9
# Below this many characters the balanced pass most likely missed the article container
# (teaser-heavy or script-rendered pages); a recall pass then often finds it.
_TINY_TEXT = 250

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


def _run(html: str, url: str | None, **mode: bool) -> str:
    try:
        doc = bare_extraction(html, url=url, **_OPTIONS, **mode)
    except Exception:  # trafilatura raises on some malformed inputs; the adapter must not
        return ""
    return (doc.text or "") if doc is not None else ""


def _paragraphs(text: str, title: str | None) -> str:
    kept = []
    for line in text.splitlines():
        line = " ".join(line.split())
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
        return ""
    return "\n\n".join(kept)


def _body_text(html: str, url: str | None) -> str:
    text = _run(html, url)
    if len(text) < _TINY_TEXT:
        recall = _run(html, url, favor_recall=True)
        if len(recall) > len(text):
            return recall
        return text
    precise = _run(html, url, favor_precision=True)
    if len(precise) >= _PRECISION_KEEP_RATIO * len(text):
        return precise
    return text


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


def _metadata(html: str, url: str | None):
    try:
        tree = load_html(html)
        return extract_metadata(tree, default_url=url) if tree is not None else None
    except Exception:  # metadata is best effort; never lose the text over it
        return None


def extract_main_text(html: str, url: str | None = None) -> MainText:
    """Extract the article body and its metadata; empty text when nothing usable is found."""
    if isinstance(html, bytes):  # tolerated: trafilatura guesses the encoding
        html = decode_file(html)
    if not isinstance(html, str) or not html.strip():
        html = ""
    html = limit_nesting(html)  # bounded work on pathological nesting, as for the adapters' trees
    meta = _metadata(html, url) if html else None
    title = (meta.title or None) if meta is not None else None
    text = _paragraphs(_body_text(html, url), title) if html else ""
    if meta is None:
        return MainText(None, text, None, (), (), url, None, None, None)
    return MainText(
        title=title,
        text=text,
        published=meta.date or None,
        authors=_split(meta.author, ";"),
        tags=_split(meta.tags, ","),
        canonical_url=meta.url or url,
        image=meta.image or None,
        sitename=meta.sitename or None,
        description=meta.description or None,
    )
