"""What changed between an article's versions: the headline, and the text word by word.

Pure functions over the rows `store.versions.of_article` gives; `archiver history` prints them.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_TOKEN = re.compile(r"\S+")


def word_diff(old: str, new: str) -> dict:
    """Removed and added spans of words (in order), and the share of the text that changed:
    words removed plus words added, over the words of both versions."""
    before, after = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    removed, added, changed = [], [], 0
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if i2 > i1:
            removed.append(" ".join(before[i1:i2]))
        if j2 > j1:
            added.append(" ".join(after[j1:j2]))
        changed += (i2 - i1) + (j2 - j1)
    total = len(before) + len(after)
    return {"removed": removed, "added": added, "share_changed": round(changed / total, 4) if total else 0.0}


def history(versions: list[dict], events: list[dict] = ()) -> dict:
    """Each version with what changed from the one before it, and the removals and returns."""
    out = []
    previous = None
    for number, version in enumerate(versions, start=1):
        entry = {
            "version": number, "fetched_at": version["fetched_at"], "title": version["title"],
            "parser": version["parser"], "trivial": version["trivial"], "url": version.get("capture_url"),
            "words": len(_TOKEN.findall(version["text"] or "")),
        }
        if previous is not None:
            entry["title_changed"] = previous["title"] != version["title"]
            entry["previous_title"] = previous["title"] if entry["title_changed"] else None
            entry["text_changed"] = previous["text"] != version["text"]
            entry["diff"] = word_diff(previous["text"], version["text"])
            entry["related_changed"] = None if None in (previous["related"], version["related"]) \
                else previous["related"] != version["related"]
        out.append(entry)
        previous = version
    return {"versions": out, "events": list(events)}


def history_text(article: dict, story: dict) -> str:
    """The terminal view: one block per version, removed words in [-…-], added in {+…+};
    control characters an archived page carried are escaped, never sent to the terminal."""
    from .render import printable

    return printable(_history_lines(article, story))


def _history_lines(article: dict, story: dict) -> str:
    lines = [f"#{article['id']}  {article['title']}", f"{article['canonical_url'] or article['url']}",
             f"{len(story['versions'])} version(s)" + (f", removed since {article['removed_at']}" if article.get("removed_at") else "")]
    for version in story["versions"]:
        kind = " (white space or punctuation only)" if version["trivial"] else ""
        lines += ["", f"v{version['version']}  {version['fetched_at']}  {version['words']} words  parser {version['parser']}{kind}"]
        if version["version"] == 1:
            lines.append(f"  headline: {version['title']}")
            continue
        if version["title_changed"]:
            lines.append(f"  headline: {version['previous_title']}  →  {version['title']}")
        diff = version["diff"]
        if version["text_changed"]:
            lines.append(f"  text: {diff['share_changed']:.1%} of the words changed")
            lines += [f"    [-{span}-]" for span in diff["removed"]]
            lines += [f"    {{+{span}+}}" for span in diff["added"]]
        if version.get("related_changed"):
            lines.append("  related list changed")
    for event in story["events"]:
        lines.append(f"{event['event']} at {event['at']}")
    return "\n".join(lines)
