"""Adapters on page shapes they were not built on: the sample scrapes' text wrapped in naive
stand-in markup (a <pre>, one <p> per line, a headline h1 carrying the date line, no body
element), as a mirror or a test server might serve it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from archiver.models import FetchedPage
from archiver.sites import adapter_class

SAMPLES = Path(__file__).parent / "fixtures" / "samples"
BASE = "http://127.0.0.1:8765"


def page(url: str, body: str) -> FetchedPage:
    return FetchedPage(url=url, final_url=url, status=200, headers={"content-type": "text/html; charset=utf-8"},
                       body=body.encode(), fetched_at="2026-11-22T00:00:00+00:00")


def alalam_variants(text: str) -> dict[str, str]:
    lines = [line for line in text.splitlines() if line.strip()]
    nav = "<div id=nav><a href='/'>Home</a> | <a href='/news'>News</a></div>"
    return {
        "pre": f"<html><body><pre>{html.escape(text)}</pre></body></html>",
        "p-per-line": f"<html><body>{nav}" + "".join(f"<p>{html.escape(l)}</p>" for l in lines)
                      + "<footer>© 2016 Alalam News Network</footer></body></html>",
        "h1-first-line": f"<html><body><h1>{html.escape(lines[0])}</h1>"
                         + "".join(f"<div>{html.escape(l)}</div>" for l in lines[1:]) + "</body></html>",
    }


ALALAM = [
    ("alalam-2016-06-05-raqqa-advance.txt", "Syrian Army Troops, NDF Continue to Advance against ISIS in Raqqa Province",
     "2016-06-05T16:35:12+00:00", 9, 10, 6),
    ("alalam-2016-03-20-latakia-raqqa.txt", "Syrian Army Troops Take Key Areas from ISIS in Latakia, Kill Militants in Raqqa",
     "2016-03-20T18:00:46+00:00", 12, 10, 3),
    ("alalam-2016-03-11-aleppo-raqqa.txt", None, "2016-03-11T12:53:23+00:00", 8, 12, 3),
]


@pytest.mark.parametrize("variant", ["pre", "p-per-line", "h1-first-line"])
@pytest.mark.parametrize("name, title, published, paragraphs, related, videos", ALALAM)
def test_alalam_on_naive_markup(name, title, published, paragraphs, related, videos, variant):
    text = (SAMPLES / name).read_text(encoding="utf-8")
    body = alalam_variants(text)[variant]
    article = adapter_class("alalam")(BASE).parse(page(f"{BASE}/news/1800705/slug", body))
    assert article.title == title  # the 11 March scrape has no title line: none is invented
    assert article.published == published
    assert len(article.text.split("\n\n")) == paragraphs
    assert len(article.related) == related and sum(r.kind == "video" for r in article.related) == videos
    assert article.extra["signature"] == "S/SH 11"
    for junk in ("S/SH 11", "string(", "Home", "©", "contenttypeid"):
        assert junk not in article.text
    assert all(r.url.startswith(f"{BASE}/news/") for r in article.related)


def test_globalresearch_without_a_body_element():
    text = (SAMPLES / "globalresearch-2017-06-10-southfront-raqqa.txt").read_text(encoding="utf-8")
    hrefs = {"South Front": "/author/south-front", "Middle East &amp; North Africa": "/region/middle-east",
             "Terrorism": "/theme/terrorism", "US NATO War Agenda": "/theme/us-nato-war-agenda",
             "SYRIA": "/indepthreport/syria-nato-s-next-war"}

    def markdown(line: str) -> str:
        line = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(line))
        return re.sub(r"\[(.+?)\]\(#\)", lambda m: f'<a href="{hrefs.get(m[1], "#")}">{m[1]}</a>', line)

    lines = [line for line in text.splitlines() if line.strip()]
    body = ("<html><head><title>" + html.escape(lines[0]) + " | Global Research - Centre for Research on Globalization"
            "</title></head><body><nav><a href='/'>Home</a></nav><h1>" + html.escape(lines[0]) + "</h1>"
            + "".join(f"<p>{markdown(l)}</p>" for l in lines[1:]) + "</body></html>")
    url = f"{BASE}/video-syrian-army-advancing-in-raqqa-province-withdrawal-of-isis/5594563"
    article = adapter_class("globalresearch")(BASE).parse(page(url, body))
    assert article.title == "Video: Syrian Army Advancing in Raqqa Province, Withdrawal of ISIS"
    assert article.authors == ("South Front",) and article.published.startswith("2017-06-10")
    assert [(t.name, t.kind) for t in article.tags] == [
        ("Middle East & North Africa", "region"), ("Terrorism", "theme"), ("US NATO War Agenda", "theme"), ("SYRIA", "report")]
    assert article.text.startswith("ISIS terrorists have lost large chunks") and article.text.endswith("inside the city.")
    for junk in ("Home", "By South Front", "Region:", "PayPal", "Featured image", "Disclaimer", "For media inquiries"):
        assert junk not in article.text
