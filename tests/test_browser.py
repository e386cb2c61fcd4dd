"""A person's view of `archiver serve`: headless Chromium (Debian's package, started here)
opens the faceted article list, types `Raqqa` into the search box, presses Enter, reads the
result titles and facets, and saves a screenshot; then walks a researcher's path by clicking:
search -> an article's page -> its copy on another site -> back -> its versions. Driven over the DevTools protocol; nothing
is downloaded. Set ARCHIVER_SCREENSHOT_DIR to keep the screenshot (docs/ uses it)."""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from .sample_archive import COPY_TITLE, TITLES, build_archive, edit_article, get_json, running_server

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
websocket = pytest.importorskip("websocket", reason="websocket-client (a test extra) is needed to drive Chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
         "--remote-debugging-port=0", "--remote-allow-origins=*", "--window-size=1280,1800"]


class DevTools:
    """Just enough of the DevTools protocol: send a command, wait for its answer or an event."""

    def __init__(self, url: str):
        self.ws = websocket.create_connection(url, timeout=30, suppress_origin=True)
        self.ids = itertools.count(1)
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        call_id = next(self.ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for n, message in enumerate(self.events):
                if message.get("method") == event:
                    return self.events.pop(n)
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(event)

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def browser(tmp_path):
    profile = tmp_path / "chromium-profile"  # a fresh profile: no state from any other run
    proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Chromium did not start (exit code {proc.poll()})")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        page = next(t for t in get_json(f"http://127.0.0.1:{port}/json/list") if t["type"] == "page")
        tools = DevTools(page["webSocketDebuggerUrl"])
        yield tools
        tools.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def search(browser: DevTools, base: str, words: str) -> None:
    """Open the article list, type WORDS into its search box and press Enter, as a person would."""
    browser.call("Page.enable")
    browser.call("Page.navigate", url=f"{base}/archive/article_list")
    browser.wait_for("Page.loadEventFired")
    assert browser.evaluate("document.querySelector('h1').innerText").startswith("Articles (search and browse)")
    browser.evaluate("document.querySelector('input[name=_search]').focus()")
    browser.call("Input.insertText", text=words)
    for kind in ("keyDown", "keyUp"):
        browser.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13,
                     **({"text": "\r"} if kind == "keyDown" else {}))
    browser.wait_for("Page.loadEventFired")


def click_link(browser: DevTools, text: str) -> None:
    """Click, with the mouse, the one visible link whose words are TEXT, and wait for the page it opens."""
    found = browser.evaluate(f"""(() => {{
        const links = [...document.querySelectorAll('a')].filter(a => a.innerText.trim() === {json.dumps(text)});
        if (links.length !== 1) return links.length;
        links[0].scrollIntoView({{block: 'center'}});
        const box = links[0].getClientRects()[0];  // a wrapped link: its first line, not the gap between lines
        return [box.x + box.width / 2, box.y + box.height / 2];
    }})()""")
    assert isinstance(found, list), f"{found} links read {text!r} on {browser.evaluate('location.href')}"
    x, y = found
    for kind in ("mousePressed", "mouseReleased"):
        browser.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)
    browser.wait_for("Page.loadEventFired")


def test_search_raqqa_in_the_browser(tmp_path, browser):
    db = tmp_path / "archive.db"
    build_archive(db)
    with running_server(db, tmp_path / "serve.log") as base:
        search(browser, base, "Raqqa")

        assert "_search=Raqqa" in browser.evaluate("location.href")
        titles = browser.evaluate("[...document.querySelectorAll('td.col-title')].map(td => td.innerText)")
        assert set(titles) == set(TITLES) | {COPY_TITLE}
        links = browser.evaluate("[...document.querySelectorAll('td.col-title a')].map(a => a.getAttribute('href'))")
        assert len(links) == len(titles) and all(link.startswith("/archive/articles/") for link in links)
        facets = browser.evaluate("[...document.querySelectorAll('.facet-info')].map(f => f.getAttribute('data-column'))")
        assert {"site", "section", "published_year", "published_month", "duplicate_status"} <= set(facets)
        body = browser.evaluate("document.body.innerText")
        assert '6 rows where search matches "Raqqa"' in body
        # Readable at a glance: results start on the first screen, each title in at most three lines.
        assert browser.evaluate("document.querySelector('td.col-title').getBoundingClientRect().top") < 1200
        lines = browser.evaluate("""[...document.querySelectorAll('td.col-title a')].map(a =>
            new Set([...a.getClientRects()].map(r => Math.round(r.top))).size)""")
        assert max(lines) <= 3, lines

        shot = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
        assert shot.startswith(b"\x89PNG") and len(shot) > 10_000
        out = tmp_path / "screenshot-search.png"
        out.write_bytes(shot)
        if os.environ.get("ARCHIVER_SCREENSHOT_DIR"):
            keep = Path(os.environ["ARCHIVER_SCREENSHOT_DIR"])
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(out, keep / "screenshot-faceted-search.png")


def heading(browser: DevTools) -> str:
    return browser.evaluate("document.querySelector('h1').innerText")


def test_a_researchers_path_search_article_copies_versions(tmp_path, browser):
    db = tmp_path / "archive.db"
    expected = build_archive(db)
    original = expected["original"]
    edit_article(db, original, "Correction: the towers stand south of the Abu Alaj crossroad.", "2024-01-12T00:00:00+00:00")
    with running_server(db, tmp_path / "serve.log") as base:
        search(browser, base, "Raqqa")
        click_link(browser, TITLES[2])
        assert browser.evaluate("location.pathname") == f"/archive/articles/{original}"
        assert heading(browser) == TITLES[2]
        page = browser.evaluate("document.querySelector('.article-page').innerText")
        assert "alalam" in page and "2016-06-05 16:35 UTC" in page and "The same story on other pages (1)" in page
        assert "Correction: the towers stand south" in page  # the text as it reads now

        click_link(browser, COPY_TITLE)  # the copy Global Research published two days later
        assert browser.evaluate("location.pathname") == f"/archive/articles/{expected['copy']}"
        assert heading(browser) == COPY_TITLE
        copies = browser.evaluate("document.querySelector('.article-page ul').innerText")
        assert TITLES[2] in copies and "alalam" in copies and "the original" in copies

        click_link(browser, TITLES[2])  # back to the original through the copy's own list
        assert heading(browser) == TITLES[2]
        click_link(browser, "2 versions of this text")
        assert browser.evaluate("location.pathname") == "/archive/article_versions"
        assert browser.evaluate("new URLSearchParams(location.search).get('article_id')") == str(original)
        seen = browser.evaluate("[...document.querySelectorAll('td.col-fetched_at')].map(td => td.innerText)")
        assert sorted(seen) == ["2024-01-03T00:00:00+00:00", "2024-01-12T00:00:00+00:00"]
        assert "2 rows where article_id = " in browser.evaluate("document.body.innerText")
