"""Alalam English adapter: identity, dates, the leaked var_dump, faults and unseen templates.

The cassette pages and goldens are built by tests/pagebuilder.py from tests/pages/alalam/ and
the sample scrapes copied to tests/fixtures/samples/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from archiver.cassettes import load_cassette
from archiver.errors import ParseError
from archiver.models import FetchedPage
from archiver.sites import adapter_class
from archiver.sites.alalam_text import find_var_dump, parse_date_line, ticks_to_utc
from archiver.sites.base import context_for, to_utc_iso

from .conftest import CASSETTES

SAMPLES = Path(__file__).resolve().parent / "fixtures" / "samples"
REAL = "https://en.alalam.ir"
TEST_SERVER = "http://127.0.0.1:8765"
CASSETTE = load_cassette(CASSETTES / "alalam")
BODIES = {i.url: i for i in CASSETTE.interactions}


def adapter(base: str = REAL):
    return adapter_class("alalam")(base)


def page(body: bytes | str, url: str = f"{REAL}/news/1825441", content_type: str = "text/html; charset=utf-8",
         date: str = "Mon, 06 Jun 2016 06:00:04 GMT") -> FetchedPage:
    headers = {"date": date}
    if content_type is not None:
        headers["content-type"] = content_type
    data = body.encode("utf-8") if isinstance(body, str) else body
    return FetchedPage(url=url, final_url=url, status=200, headers=headers, body=data, fetched_at="2016-06-06T06:00:04+00:00")


def recorded(key: str, base: str = REAL) -> FetchedPage:
    exchange = BODIES[f"{REAL}/news/{key}"] if key != "home" else BODIES[f"{REAL}/"]
    url = adapter(base).rebase(exchange.url)
    return FetchedPage(url=url, final_url=url, status=200, headers=exchange.headers, body=exchange.body,
                       fetched_at="2016-06-06T06:00:00+00:00")


def sample(name: str) -> dict:
    lines = [line for line in (SAMPLES / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    date = next(i for i, line in enumerate(lines) if re.fullmatch(r"\w{3} \w{3} \d{1,2}, \d{4} [\d:]+", line))
    dump = next(i for i, line in enumerate(lines) if line.startswith("string("))
    items = json.loads(lines[dump][lines[dump].index('"') + 1:-1])
    return {"paragraphs": lines[date + 1:dump - 1], "signature": lines[dump - 1], "dump": lines[dump], "items": items}


JUN05 = sample("alalam-2016-06-05-raqqa-advance.txt")


# -- URL identity ----------------------------------------------------------------------------
@pytest.mark.parametrize("base", [REAL, TEST_SERVER])
@pytest.mark.parametrize("path", [
    "/news/1825441",
    "/news/1825441/",
    "/news/1825441/syrian-army-troops-ndf-continue-to-advance-against-isis-in-raqqa-province",
    "/news/1825441/Syrian-Army-Troops-NDF?utm_source=twitter&utm_medium=social",
    "/news/1825441?utm_source=homepage#comments",
])
def test_article_identity_ignores_slug_query_and_fragment(base, path):
    site = adapter(base)
    assert site.article_key(base + path) == "1825441"
    assert site.canonical_url(base + path) == f"{base}/news/1825441"


def test_article_identity_across_origins():
    local = adapter(TEST_SERVER)
    # The real site's URLs are the same article; links found in pages are moved onto base_url.
    assert local.article_key("https://en.alalam.ir/news/1825441/x") == "1825441"
    assert local.article_key("http://en.alalam.ir/news/1825441") == "1825441"
    assert local.sort_links(["https://en.alalam.ir/news/1825441/slug?utm_source=x"]).articles == (f"{TEST_SERVER}/news/1825441",)
    assert local.article_url("1825441") == f"{TEST_SERVER}/news/1825441"
    assert local.start_urls() == [f"{TEST_SERVER}/"]


@pytest.mark.parametrize("url", [
    f"{REAL}/", f"{REAL}/news/", f"{REAL}/news/iran", f"{REAL}/category/middle-east", f"{REAL}/news/12ab",
    f"{REAL}/sendtofriend/1825441", "https://www.alalam.ir/news/1825441",  # Arabic edition: other ids
    "https://media.alalam.ir/news/image/855x495//2016/06/05/alalam_636007542161594037_25f_4x3.jpg",
    "https://example.com/news/1825441",
])
def test_not_article_urls(url):
    assert adapter().article_key(url) is None


# -- dates ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("line, utc", [
    ("Sun Jun 5, 2016 21:05:12", "2016-06-05T16:35:12+00:00"),  # summer 2016: +04:30
    ("Fri Mar 11, 2016 16:23:23", "2016-03-11T12:53:23+00:00"),  # winter: +03:30
    # tzdata: Iran's 2016 DST began at 00:00 on 21 March, so the evening of the 20th is still +03:30.
    ("Sun Mar 20, 2016 21:30:46", "2016-03-20T18:00:46+00:00"),
    ("Tue Mar 22, 2016 10:00:00", "2016-03-22T05:30:00+00:00"),
    ("Sun Nov 09, 2014 5:58", "2014-11-09T02:28:00+00:00"),  # the FNA form: padded day, no seconds
    ("Sun Jan 15, 2017 9:07:00", "2017-01-15T05:37:00+00:00"),
])
def test_date_line_is_tehran_time(line, utc):
    local, problem = parse_date_line(line)
    assert problem is None
    assert to_utc_iso(local) == utc


def test_date_line_with_wrong_weekday_warns_but_keeps_the_date():
    local, problem = parse_date_line("Mon Jun 5, 2016 21:05:12")
    assert to_utc_iso(local) == "2016-06-05T16:35:12+00:00"
    assert "Sun" in problem


def test_picture_ticks_are_tehran_server_time():
    # 636007542161594037 ticks = 2016-06-05 20:10:16 Tehran (+04:30), a few minutes before
    # the article (21:05:12 Tehran) whose related list it tops; as UTC it would postdate it.
    assert ticks_to_utc(636007542161594037) == "2016-06-05T15:40:16+00:00"
    assert ticks_to_utc(635929720961368213) == "2016-03-07T14:58:16+00:00"  # winter, +03:30
    assert ticks_to_utc(12) is None


# -- the sample pages (cassette) -------------------------------------------------------------
def test_jun05_sample_article():
    art = adapter().parse(recorded("1825441"))
    paragraphs = art.text.split("\n\n")
    assert paragraphs == JUN05["paragraphs"] and len(paragraphs) == 9
    assert paragraphs[0].startswith("The Syrian Army troops and National Defense Forces advanced around 8 kilometers")
    assert paragraphs[-1].endswith("in reference to the SDF as a US-backed Syrian force.")
    assert paragraphs[7].startswith("\u201cOur forces have reached")  # real curly quotes
    for absent in ("Syrian Army Troops, NDF Continue", "Sun Jun 5", "S/SH 11", "string(1979)", '"id"',
                   "Most Viewed", "Copyright", "Print", "Your Comment", "Breaking News"):
        assert absent not in art.text
    assert art.title == "Syrian Army Troops, NDF Continue to Advance against ISIS in Raqqa Province"
    assert art.published == "2016-06-05T16:35:12+00:00"
    assert art.extra == {"signature": "S/SH 11"}
    assert art.key == "1825441" and art.canonical_url == f"{REAL}/news/1825441"
    assert art.warnings == () and art.parser == "alalam/1"


def test_jun05_related_list():
    related = adapter().parse(recorded("1825441")).related
    assert [r.key for r in related] == [item["id"] for item in JUN05["items"]]
    assert [r.key for r in related][:3] == ["1825428", "1825386", "1825295"] and related[-1].key == "1824318"
    first = related[0]
    assert first.title == "Syrian Army Demolishes ISIS Command Center in Hama Province"
    assert first.url == f"{REAL}/news/1825428"
    assert first.image == "https://media.alalam.ir/news/image/855x495//2016/06/05/alalam_636007542161594037_25f_4x3.jpg"
    assert first.published == "2016-06-05T15:40:16+00:00"
    assert related[1].title == "Drone VIDEO Shows Syrian Army Troops Advance in ISIS-Held Syria\u2019s Raqqa"
    assert [r.key for r in related if r.kind == "video"] == ["1825386", "1825295", "1824993", "1824973", "1824709", "1824318"]
    assert {r.kind for r in related} == {"video", "article"}


def test_every_cassette_article_is_reachable_and_clean_on_a_test_server():
    """A crawl's view: start URLs, links() on every page, parse() on article URLs."""
    site = adapter(TEST_SERVER)
    recorded_urls = {site.rebase(u): u for u in BODIES}
    queue, seen, parsed = site.start_urls(), set(site.start_urls()), {}
    while queue:
        url = queue.pop(0)
        if url not in recorded_urls:
            continue  # a related id the cassette does not hold: 404 in replay
        fetched = recorded("home" if url.endswith(":8765/") else site.article_key(url), TEST_SERVER)
        found = site.links(context_for(fetched, site))
        if site.article_key(url):
            parsed[url] = site.parse(fetched)
        for link in (*found.articles, *found.listings):
            assert link.startswith(TEST_SERVER + "/news/")
            if link not in seen:
                seen.add(link)
                queue.append(link)
    assert len(parsed) == 14 == len(BODIES) - 1
    for url, art in parsed.items():
        assert art.canonical_url == url and art.published.startswith("2016-")
        assert art.title and len(art.text.split("\n\n")) >= 2, url
        assert not re.search(r"string\(|\"id\"|S/SH|SA - 12|218-12|Your browser|Share|Copyright|Most Viewed", art.text), url
        assert all(r.url.startswith(TEST_SERVER + "/news/") for r in art.related)
    videos = [a for a in parsed.values() if a.key in ("1825386", "1800624", "1797444")]
    assert all("signature" not in a.extra and a.image is None for a in videos)


def test_home_page_links_are_canonical_article_urls():
    site = adapter(TEST_SERVER)
    links = site.links(context_for(recorded("home", TEST_SERVER), site))
    assert links.articles[:4] == tuple(f"{TEST_SERVER}/news/{k}" for k in ("1825428", "1825386", "1825037", "1825441"))
    assert set(links.articles) >= {f"{TEST_SERVER}/news/{k}" for k in ("1825295", "1824757", "1824356", "1800705", "1797731")}
    assert len(links.articles) == len(set(links.articles)) == 11
    assert links.listings == ()


def test_links_add_the_related_ids():
    site = adapter(TEST_SERVER)
    links = site.links(context_for(recorded("1825441", TEST_SERVER), site))
    related = [f"{TEST_SERVER}/news/{item['id']}" for item in JUN05["items"]]
    assert set(related) <= set(links.articles)
    assert "1825295" not in recorded("1825441").body.decode().split("string(1979)")[0]  # only in the dump
    assert f"{TEST_SERVER}/news/1825295" in links.articles


# -- the var_dump ---------------------------------------------------------------------------------
def test_mar11_declared_length_mismatch_is_a_warning():
    art = adapter().parse(recorded("1797731"))
    assert art.warnings == ("related list: var_dump declares string(2410) but holds 2407 bytes",)
    assert len(art.related) == 12 and art.related[0].key == "1796428" and art.related[-1].key == "1797706"
    assert art.related[1].title == "VIDEO & PHOTOS: Syrian Army Restores Calm to Various Parts in Aleppo Province"
    assert len(art.text.split("\n\n")) == 8 and art.published == "2016-03-11T12:53:23+00:00"


def _dump(items: list[dict], declared: int | None = None) -> str:
    body = "[" + " ,".join(json.dumps(i, ensure_ascii=False, separators=(",", ":")) for i in items) + " ]"
    return f'string({len(body.encode("utf-8")) if declared is None else declared}) "{body}"'


ITEMS = [
    {"id": "1800150", "sort": "3515759", "contenttypeid": "21", "pic": "/2016/03/18/alalam_635939324190498753_25f_4x3.jpg",
     "title": "Syrian Army on the \u2018Threshold of Palmyra\u2019: Syrian Ambassador to Russia"},
    {"id": "1800279", "sort": "3515756", "contenttypeid": "21", "pic": "/2016/03/19/alalam_635939821477744420_25f_4x3.mp4",
     "title": "VIDEO: Syrian Army Troops Smash ISIS, Continue Advance in Homs Province"},
    {"id": "1800182", "sort": "3515758", "contenttypeid": "21", "pic": "/2016/03/18/alalam_635939381385007467_25f_4x3.jpg",
     "title": "Syrian Army Destroys ISIS Military Vehicle in Sweida, Kills Militants"},
]


def test_byte_length_counts_bytes_not_characters():
    exact = _dump(ITEMS)
    chars = len(exact[exact.index('"') + 1:-1])
    assert find_var_dump([exact]).warnings == []
    wrong = find_var_dump([_dump(ITEMS, declared=chars)])  # the character count is 4 short: two curly quotes
    assert wrong.warnings == [f"related list: var_dump declares string({chars}) but holds {chars + 4} bytes"]
    assert [i["id"] for i in wrong.items] == ["1800150", "1800279", "1800182"]


def simple_article(dump: str, extra_after_dump: str = "") -> str:
    return f"""<html><head><title>Syrian Army Units Kill 50 ISIS Militants | Alalam</title></head><body>
<h1>Syrian Army Units Kill 50 ISIS Militants</h1><div>Sun Mar 20, 2016 19:08:21</div>
<p>The Syrian army soldiers repelled a heavy attack of the ISIS terrorists on their positions in Eastern Aleppo.</p>
<p>Dozens more terrorists were wounded in the clashes, military sources said.</p>
<div>218-12</div>{dump}{extra_after_dump}
<div class="footer">About Us</div><div>Contact</div></body></html>"""


def test_truncated_var_dump_keeps_the_article_and_the_complete_items():
    whole = _dump(ITEMS)
    cut = whole[: whole.index('{"id":"1800182"') + 30]  # the capture ends inside the third item
    art = adapter().parse(page(simple_article(cut), url=f"{REAL}/news/1800676"))
    assert art.title == "Syrian Army Units Kill 50 ISIS Militants"
    assert art.text.split("\n\n")[-1] == "Dozens more terrorists were wounded in the clashes, military sources said."
    assert art.published == "2016-03-20T15:38:21+00:00" and art.extra == {"signature": "218-12"}
    assert [r.key for r in art.related] == ["1800150", "1800279"]
    assert art.related[1].kind == "video"
    assert art.warnings == ("related list: var_dump is cut off or broken after 2 items",)


@pytest.mark.parametrize("dump, warning, kept", [
    ('string(40) "[{"id":"1800150","sort":"1"} ,{"id":"18', "cut off or broken after 1 items", 1),
    ('string(9) "[{nonsense', "cut off or broken after 0 items", 0),
    ('string(30) "[{"id":"1800150","sort":"1"} ,', "cut off or broken after 1 items", 1),
    ('string(12) "not a list"', "not followed by a JSON array", 0),
])
def test_broken_var_dumps_warn(dump, warning, kept):
    art = adapter().parse(page(simple_article(dump), url=f"{REAL}/news/1800676"))
    assert len(art.related) == kept
    assert any(warning in w for w in art.warnings), art.warnings
    assert len(art.text.split("\n\n")) == 2


def test_empty_var_dump_is_no_oddity():
    art = adapter().parse(recorded("1796428"))
    assert art.related == () and art.warnings == ()


# -- faults --------------------------------------------------------------------------------
def test_no_date_line_gives_no_date_but_the_text():
    html = simple_article(_dump(ITEMS)).replace("<div>Sun Mar 20, 2016 19:08:21</div>", '<div class="tools">Print | Send</div>')
    art = adapter().parse(page(html, url=f"{REAL}/news/1800676"))
    assert art.published is None
    assert art.warnings == ("no date line: publication date unknown",)
    assert art.text.startswith("The Syrian army soldiers repelled") and len(art.text.split("\n\n")) == 2
    assert "Print" not in art.text and "Syrian Army Units Kill 50" not in art.text
    assert len(art.related) == 3


def test_page_with_neither_date_nor_text_is_no_article():
    # A soft-404 or a bare menu: nothing to archive as an article, so a clear ParseError.
    html = "<html><body><ul><li><a href='/'>Home</a></li><li>Iran</li></ul><p>Page not found</p></body></html>"
    with pytest.raises(ParseError, match="neither a date line nor body text"):
        adapter().parse(page(html, url=f"{REAL}/news/1800676"))


@pytest.mark.parametrize("body", [b"", b"   \n", b"<html><head><title>x</title></head><body></body></html>"])
def test_empty_page_is_a_parse_error(body):
    with pytest.raises(ParseError, match="empty page"):
        adapter().parse(page(body, url=f"{REAL}/news/1800676"))


def test_not_an_article_url_is_a_parse_error():
    with pytest.raises(ParseError, match="not an Alalam article URL"):
        adapter().parse(recorded("home"))


CP1252_PAGE = """<html><head>{meta}<title>Syrian Army on the \u2018Threshold of Palmyra\u2019: Syrian Ambassador to Russia</title></head>
<body><div class="menu">Home | Iran | Middle East</div>
<h1>Syrian Army on the \u2018Threshold of Palmyra\u2019: Syrian Ambassador to Russia</h1>
<div class="date">Fri Mar 18, 2016 21:19:12</div>
<p>Syria\u2019s Ambassador to Russia Riyad Haddad said on Friday that the army has reached the threshold of Palmyra.</p>
<p>\u201cThe liberation of the city is a matter of days,\u201d Haddad told reporters in Moscow.</p>
<div>S/SH 11</div>
{dump}
</body></html>"""


@pytest.mark.parametrize("meta, content_type", [
    ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">', "text/html"),
    ("", "text/html"),  # no declaration anywhere: not UTF-8, so Windows-1252
    ("", "text/html; charset=windows-1252"),
    ("", None),
])
def test_windows_1252_pages(meta, content_type):
    items = ITEMS[:1]
    body = "[" + json.dumps(items[0], ensure_ascii=False, separators=(",", ":")) + " ]"
    dump = f'string({len(body.encode("cp1252"))}) "{body}"'  # PHP counted the bytes it served
    raw = CP1252_PAGE.format(meta=meta, dump=dump).encode("cp1252")
    assert b"\x92" in raw and b"\x93" in raw
    art = adapter().parse(page(raw, url=f"{REAL}/news/1800150", content_type=content_type))
    assert art.title == "Syrian Army on the \u2018Threshold of Palmyra\u2019: Syrian Ambassador to Russia"
    assert art.text.split("\n\n") == [
        "Syria\u2019s Ambassador to Russia Riyad Haddad said on Friday that the army has reached the threshold of Palmyra.",
        "\u201cThe liberation of the city is a matter of days,\u201d Haddad told reporters in Moscow.",
    ]
    assert art.related[0].title == "Syrian Army on the \u2018Threshold of Palmyra\u2019: Syrian Ambassador to Russia"
    assert art.warnings == () and art.published == "2016-03-18T17:49:12+00:00"


# -- templates we have not seen ---------------------------------------------------------------
def test_unseen_template_bare_dump_after_footer_label_no_signature():
    """2017-like: no <h1>, a generic site <title>, the FNA date form, a label after the first
    paragraph, no signature, and the var_dump printed as bare text after the footer."""
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Alalam English - Iran, Middle East, World News</title></head><body>
<div id="top"><a href="/">Alalam</a> <a href="/live">Live</a></div>
<nav><a href="/">Home</a><br><a href="/category/iraq">Iraq</a><br><a href="/category/syria">Syria</a></nav>
<div class="story">
 <span class="kicker">Iraq</span>
 <div class="story-title"><b>Iraqi Forces Retake Al-Zahraa District in Eastern Mosul</b></div>
 <span class="when">Sun Jan 15, 2017 9:07</span>
 <div class="txt">Iraqi troops recaptured the Al-Zahraa district in Eastern Mosul on Sunday after heavy clashes with ISIS militants, a military spokesman said.<br>
 Alalam - Iraq<br>
 The Counter-Terrorism Service units also reached the Eastern bank of the Tigris River near the Fourth Bridge.<br>
 Engineers began removing explosives planted by the terrorists in the streets and houses of the district.</div>
</div>
<div class="box"><div>Latest</div><a href="/news/1910600">Iran Ready to Help Iraq Rebuild</a><br><a href="/news/1910599">Syria Talks in Astana</a></div>
<div class="foot">Alalam News Network. All rights reserved.</div>
{_dump(ITEMS)}
</body></html>"""
    art = adapter(TEST_SERVER).parse(page(html, url=f"{TEST_SERVER}/news/1910671/iraqi-forces-retake", date="Sun, 15 Jan 2017 08:00:00 GMT"))
    assert art.title == "Iraqi Forces Retake Al-Zahraa District in Eastern Mosul"
    assert art.published == "2017-01-15T05:37:00+00:00"
    assert art.extra == {"label": "Alalam - Iraq"}
    assert art.text.split("\n\n") == [
        "Iraqi troops recaptured the Al-Zahraa district in Eastern Mosul on Sunday after heavy clashes with ISIS militants, a military spokesman said.",
        "The Counter-Terrorism Service units also reached the Eastern bank of the Tigris River near the Fourth Bridge.",
        "Engineers began removing explosives planted by the terrorists in the streets and houses of the district.",
    ]
    assert [r.key for r in art.related] == ["1800150", "1800279", "1800182"]
    assert art.canonical_url == f"{TEST_SERVER}/news/1910671" and art.warnings == ()


def test_unseen_template_dump_first_and_dated_sidebar_before_the_story():
    """The var_dump leaked before <!DOCTYPE> (as PHP debug output does) and a dated
    "Latest" box precedes the story: the date printed after the headline wins."""
    html = f"""{_dump(ITEMS[:2])}
<!DOCTYPE html><html><head><meta property="og:title" content="Syrian Army Units Kill 50 ISIS Militants in Counter-Attack in Aleppo - Alalam">
</head><body><ul class="latest"><li><a href="/news/1800637">Syrian Army Troops Foil ISIS Attack near Deir Ezzor Airport</a></li>
<li>Sun Mar 20, 2016 17:18:40</li></ul>
<table><tr><td><font size="4">Syrian Army Units Kill 50 ISIS Militants in Counter-Attack in Aleppo</font><br>
Sun Mar 20, 2016 19:08:21<br><br>
The Syrian army soldiers repelled a heavy attack of the ISIS terrorists on their positions in Eastern Aleppo on Sunday, killing at least 50 militants.<br><br>
Dozens more terrorists were wounded in the clashes and a number of their vehicles were destroyed, military sources said.<br><br>
SA - 12</td></tr></table><div>Share</div><div>Comments (0)</div></body></html>"""
    art = adapter().parse(page(html, url=f"{REAL}/news/1800676"))
    assert art.title == "Syrian Army Units Kill 50 ISIS Militants in Counter-Attack in Aleppo"
    assert art.published == "2016-03-20T15:38:21+00:00"
    assert art.extra == {"signature": "SA - 12"}
    assert len(art.text.split("\n\n")) == 2 and art.text.startswith("The Syrian army soldiers repelled")
    assert [r.key for r in art.related] == ["1800150", "1800279"] and art.warnings == ()


def test_video_item_without_text_or_signature():
    html = f"""<html><head><title>VIDEO: Syrian Army Pounds Al-Nusra in Daraa</title></head><body>
<h1>VIDEO: Syrian Army Pounds Al-Nusra in Daraa</h1><div>Thu Jun 2, 2016 15:58:02</div>
<video controls><source src="/v.mp4">Your browser does not support the video tag.</video>
<pre>{_dump(ITEMS[1:])}</pre><div>Most Viewed</div><div>Copyright © 2016 Alalam</div></body></html>"""
    art = adapter().parse(page(html, url=f"{REAL}/news/1824318"))
    assert art.text == "" and art.extra == {}
    assert art.warnings == ("no body text (a video item?)",)
    assert art.published == "2016-06-02T11:28:02+00:00" and len(art.related) == 2


@pytest.mark.parametrize("wrap", [
    lambda d: d,  # bare text node
    lambda d: f'<pre class="xdebug">{d}</pre>',
    lambda d: f'<div class="debug">{d}</div>',
    lambda d: f"<p><span>{d[:60]}</span><b>{d[60:200]}</b>{d[200:]}</p>",  # split over inline elements
    lambda d: "<pre>" + d.replace(" ,", "\n,", 1) + "</pre>",  # wrapped between items, same byte count
], ids=["bare", "pre", "div", "inline", "wrapped"])
def test_var_dump_in_any_wrapper(wrap):
    art = adapter().parse(page(simple_article(wrap(_dump(ITEMS))), url=f"{REAL}/news/1800676"))
    assert [r.key for r in art.related] == ["1800150", "1800279", "1800182"]
    assert art.extra == {"signature": "218-12"} and len(art.text.split("\n\n")) == 2
    assert art.warnings == ()


def test_var_dump_on_the_signature_line():
    # Signature and dump as inline siblings: one text line, split at the marker.
    html = simple_article("").replace("<div>218-12</div>", f"<div>218-12 {_dump(ITEMS)}</div>")
    art = adapter().parse(page(html, url=f"{REAL}/news/1800676"))
    assert art.extra == {"signature": "218-12"} and len(art.related) == 3
    assert "218-12" not in art.text and len(art.text.split("\n\n")) == 2


def test_title_from_the_line_over_the_date_when_no_markup_names_it():
    html = """<html><body><div>Home | Iran | World</div><div>Iran Ready to Help Iraq Rebuild Mosul</div>
<div>Sun Jan 15, 2017 12:40:05</div><div>Iran is ready to help Iraq rebuild the city of Mosul after its liberation, an official said.</div>
<div>SA - 12</div></body></html>"""
    art = adapter().parse(page(html, url=f"{REAL}/news/1910600"))
    assert art.title == "Iran Ready to Help Iraq Rebuild Mosul" and art.warnings == ()
    assert art.text == "Iran is ready to help Iraq rebuild the city of Mosul after its liberation, an official said."
