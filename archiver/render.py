"""Plain-text views of stored records for the terminal (`archiver show`), and `printable`,
which every terminal and CSV output of archived text goes through."""

from __future__ import annotations

import re

# C0 controls but newline and tab, DEL and C1: what a terminal would obey instead of showing
# (ESC starts sequences that retitle the window, clear the screen or remap keys; CR
# overwrites the line; BEL rings). Archived titles and texts come from anyone.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """TEXT safe for a terminal or a CSV file: each control character written as its \\xNN
    escape, newlines and tabs kept."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def article_text(article: dict) -> str:
    """One article as `archiver show` prints it: header, text, then what hangs off it."""
    sections = [_header(article), ["", article["text"] or "(no text)", ""], _related(article["related"]),
                _comments(article["comments"]), _captures(article["captures"]), _copies(article["copies"])]
    return printable("\n".join(line for section in sections for line in section))


def _header(article: dict) -> list[str]:
    lines = [
        f"#{article['id']}  {article['title']}",
        f"site: {article['site']}   published: {article['published'] or 'unknown'}   section: {article['section'] or '-'}",
        f"url: {article['canonical_url']}",
        f"authors: {', '.join(article['authors']) or '-'}",
    ]
    lines += [f"{key}: {value}" for key, value in sorted(article["extra"].items())]
    if article["tags"]:
        lines.append("tags: " + ", ".join(f"{t['name']} ({t['kind']})" if t["kind"] else t["name"] for t in article["tags"]))
    if article["warnings"]:
        lines.append("warnings: " + "; ".join(article["warnings"]))
    return lines


def _section(title: str, items: list[dict], line) -> list[str]:
    """A titled, counted block of lines, one per item; nothing at all for no items."""
    return [f"{title} ({len(items)}):", *map(line, items)] if items else []


def _related(items: list[dict]) -> list[str]:
    return _section("related", items, lambda item: (
        f"  {item['position']:>2}. [{item['kind']}] {item['title']}  {item['url']}"
        + (f" → article {item['article_id']}" if item["article_id"] else "")))


def _comments(comments: list[dict]) -> list[str]:
    return _section("comments", comments, lambda c: (
        f"  {c['position']}. {c['author'] or 'anonymous'}"
        + (f" (reply to {c['reply_to']})" if c["reply_to"] else "") + f": {c['text']}"))


def _captures(captures: list[dict]) -> list[str]:
    return [f"captures ({len(captures)}):"] + [
        f"  {c['fetched_at']}  HTTP {c['status']}  {c['url']}  sha256 {(c['sha256'] or '-')[:12]}" for c in captures
    ]


def _copies(copies: list[dict]) -> list[str]:
    return _section("copies", copies, lambda c: (
        f"  #{c['id']} {c['site']} first seen {c['first_seen']}  {c['url']}"
        + (f"  ({c['duplicate_kind']} copy, similarity {c['similarity']:.2f})" if c.get("duplicate_kind") else "  (first seen)")))
