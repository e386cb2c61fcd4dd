"""A small archive built through the store API from the real sample texts in tests/fixtures or
../shared/samples, and an `archiver serve` process on a free loopback port for the tests that
browse it. Both tests of the Datasette front end (JSON API and browser) use these."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path

from archiver.models import FetchedPage, ParsedArticle, RelatedItem, Tag
from archiver.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIRS = (ROOT / "tests" / "fixtures" / "samples", ROOT.parent / "shared" / "samples")


def sample_text(name: str, lines: slice) -> str:
    for folder in SAMPLE_DIRS:
        path = folder / name
        if path.exists():
            raw = path.read_text(encoding="utf-8").splitlines()[lines]
            return "\n\n".join(line.strip() for line in raw if line.strip())
    raise FileNotFoundError(f"sample {name} not found in {[str(d) for d in SAMPLE_DIRS]}")


# (site, key, title, published, section, sample file, its article lines)
SAMPLES = [
    ("alalam", "1797706", "Syrian Army Troops Advancing towards Aleppo-Raqqa Border", "2016-03-11T12:53:23+00:00", "Syria",
     "alalam-2016-03-11-aleppo-raqqa.txt", slice(1, 9)),
    ("alalam", "1800676", "Syrian Army Troops Take Key Areas from ISIS in Latakia, Kill Militants in Raqqa",
     "2016-03-20T18:00:46+00:00", "Syria", "alalam-2016-03-20-latakia-raqqa.txt", slice(5, 28)),
    ("alalam", "1825428", "Syrian Army Troops, NDF Continue to Advance against ISIS in Raqqa Province",
     "2016-06-05T16:35:12+00:00", "Syria", "alalam-2016-06-05-raqqa-advance.txt", slice(5, 22)),
    ("globalresearch", "raqqa-province-withdrawal", "Video: Syrian Army Advancing in Raqqa Province, Withdrawal of ISIS",
     "2017-06-10T00:00:00+00:00", "Middle East & North Africa", "globalresearch-2017-06-10-southfront-raqqa.txt", slice(16, 34)),
    ("sputnik", "1051069089", "Countdown to Victory: Syrian Army Closing In on Aleppo-Raqqa Border", "2017-02-25T13:08:21+00:00",
     "Middle East", "sputnik-2017-02-26-aleppo-raqqa-border.txt", slice(10, 17)),
]

TITLES = [s[2] for s in SAMPLES]
# The Alalam June story republished word for word by Global Research two days later.
COPY_TITLE = "Syrian Army, NDF Advance against ISIS in Raqqa Province"
HOSTILE_TEXT = "Page text that leaked its markup: <script>document.title='pwned'</script> <b>bold</b>"


def build_archive(path: Path) -> dict:
    """Write the sample archive; return what the tests expect of it."""
    store = Store(path)
    ids: dict[str, int] = {}
    shared = RelatedItem(key="1797706", url="https://en.alalam.ir/news/1797706", title=TITLES[0])
    for n, (site, key, title, published, section, name, lines) in enumerate(SAMPLES):
        url = f"https://{site}.example/news/{key}"
        body = f"<html><head><script>alert('{key}')</script></head><body><h1>{title}</h1></body></html>".encode()
        fetched_at = f"2024-01-0{n + 1}T00:00:00+00:00"
        capture = store.save_capture(site, FetchedPage(url, url, 200, {"content-type": "text/html"}, body, fetched_at), "article")
        related = ()
        tags = ()
        if site == "alalam" and key != "1797706":
            related = (shared, RelatedItem(key=f"9{key}", url=f"https://en.alalam.ir/news/9{key}", title=f"Other story {key}", kind="video"))
        if site == "sputnik":
            tags = (Tag("Aleppo-Raqqa border", "keyword"), Tag("Daesh", "keyword"), Tag("Syria", "region"))
            related = (RelatedItem(key="homs", url="https://sputnik.example/news/homs", title="Syrian Army Wins Back Strategic Region in Homs"),)
        article = ParsedArticle(url=url, canonical_url=url, key=key, title=title, text=sample_text(name, lines),
                                published=published, section=section, related=related, tags=tags, parser=f"{site}:test")
        ids[key] = store.save_article(site, article, capture.capture_id, fetched_at, capture.sha256).article_id
    original = ids["1825428"]
    copy = ParsedArticle(url="https://globalresearch.example/copy", canonical_url="https://globalresearch.example/copy", key="copy",
                         title=COPY_TITLE, text=store.article(original)["text"], published="2016-06-07T09:00:00+00:00",
                         section="Middle East & North Africa", parser="globalresearch:test")
    ids["copy"] = store.save_article("globalresearch", copy, None, "2024-01-09T00:00:00+00:00", None).article_id
    hostile = ParsedArticle(url="https://blog.example/p", canonical_url="https://blog.example/p", key="p", title="A saved blog post",
                            text=HOSTILE_TEXT, published="2018-01-01T00:00:00+00:00", parser="generic:test")
    ids["hostile"] = store.save_article("generic", hostile, None, "2024-01-10T00:00:00+00:00", None).article_id
    # Edited a day later: a second version, for the versions views.
    corrected = replace(hostile, text=HOSTILE_TEXT + "\n\nCorrection: an earlier version misdated this post.")
    store.save_article("generic", corrected, None, "2024-01-11T00:00:00+00:00", None)

    ok = store.start_run("alalam")
    store.finish_run(ok, "ok", {"fetched": 3, "new": 3, "updated": 0, "unchanged": 0, "duplicate": 0, "failed": 0}, {})
    bad = store.start_run("sputnik")
    for url in ("https://sputnik.example/a", "https://sputnik.example/b"):
        store.record_failure("sputnik", url, "HTTP 404", 404, bad)
    store.record_failure("sputnik", "https://sputnik.example/c", "timeout", None, bad)
    store.finish_run(bad, "partial", {"fetched": 4, "new": 1, "updated": 0, "unchanged": 0, "duplicate": 0, "failed": 3},
                     {"HTTP 404": 2, "timeout": 1})
    store.close()
    return {"ids": ids, "original": original, "copy": ids["copy"], "sputnik_run": bad, "alalam_run": ok}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 10) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def get_json(url: str):
    status, _, body = get(url)
    assert status == 200, (url, status, body[:500])
    return json.loads(body)


@contextlib.contextmanager
def running_server(db: Path, log: Path, *serve_args: str):
    """`archiver serve` in a child process on a free 127.0.0.1 port (SERVE_ARGS may add
    --host 0.0.0.0, still reached through 127.0.0.1); stopped on exit."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "archiver.cli", "--db", str(db), "serve", "--port", str(port), *serve_args],
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=db.parent)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"archiver serve exited with {proc.returncode}: {log.read_text()}")
            try:
                if get(f"{base}/-/versions.json", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"archiver serve did not answer on {base}: {log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def edit_article(path: Path, article_id: int, correction: str, seen_at: str) -> None:
    """A later reading of ARTICLE_ID whose text gained a CORRECTION paragraph: its second
    version (what a revisit stores when a site edits a story)."""
    store = Store(path)
    row = store.article(article_id)
    edited = ParsedArticle(url=row["url"], canonical_url=row["canonical_url"], key=row["key"], title=row["title"],
                           text=f"{row['text']}\n\n{correction}", published=row["published"], section=row["section"],
                           parser=row["parser"])
    store.save_article(row["site"], edited, None, seen_at, None)
    store.close()
