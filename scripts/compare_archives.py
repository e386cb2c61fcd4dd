"""Compare what two archives hold, field by field: articles (title, text, dates, authors,
section, canonical URL), related lists in order, tags, and duplicate clusters.

Articles are matched by (site, key), the site's own identity, never by row id, so two archives
built in different orders compare equal when they hold the same things.

    python scripts/compare_archives.py OLD.db NEW.db        # differences, exit 1 if any
    python scripts/compare_archives.py --dump A.db > a.json # the comparable content as JSON

Used to check that a redesign keeps behaviour: crawl the bundled cassettes with the old and
the new code (`archiver --db X crawl --replay cassettes/`) and compare.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys

ARTICLE_FIELDS = ("url", "canonical_url", "title", "authors", "published", "updated", "section", "lead", "text")


def snapshot(path: str) -> dict[str, dict]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    ids = {row["id"]: f"{row['site']}:{row['key']}" for row in db.execute("SELECT id, site, key FROM articles")}
    out: dict[str, dict] = {}
    for row in db.execute(f"SELECT id, duplicate_of, {', '.join(ARTICLE_FIELDS)} FROM articles"):
        entry = {name: row[name] for name in ARTICLE_FIELDS}
        entry["text"] = hashlib.sha256((row["text"] or "").encode()).hexdigest()[:16] + f" ({len(row['text'] or '')} chars)"
        entry["duplicate_of"] = ids.get(row["duplicate_of"])
        entry["related"] = [
            f"{r['kind']} {r['key']} {r['title']!r} {r['url']}"
            for r in db.execute(
                "SELECT ri.kind, ri.key, ri.title, ri.url FROM article_related ar JOIN related_items ri "
                "ON ri.id = ar.related_id WHERE ar.article_id = ? ORDER BY ar.position", [row["id"]])
        ]
        entry["tags"] = sorted(r[0] for r in db.execute(
            "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ?", [row["id"]]))
        out[ids[row["id"]]] = entry
    return out


def differences(old: dict[str, dict], new: dict[str, dict]) -> list[str]:
    lines = [f"only in old: {key}" for key in sorted(old.keys() - new.keys())]
    lines += [f"only in new: {key}" for key in sorted(new.keys() - old.keys())]
    for key in sorted(old.keys() & new.keys()):
        for name in old[key]:
            if old[key][name] != new[key].get(name):
                lines.append(f"{key} {name}:\n    old {old[key][name]!r}\n    new {new[key].get(name)!r}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dump", action="store_true", help="print one archive's comparable content as JSON")
    parser.add_argument("archives", nargs="+")
    args = parser.parse_args(argv)
    if args.dump:
        json.dump(snapshot(args.archives[0]), sys.stdout, indent=1, ensure_ascii=False, sort_keys=True)
        return 0
    old, new = (snapshot(p) for p in args.archives[:2])
    diff = differences(old, new)
    print("\n".join(diff) if diff else f"identical: {len(old)} articles")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
