"""Global Research: identity, discovery, fields and the footer, on both page templates.

The cassette (cassettes/globalresearch/) is a 2017 crawl in the 2017 theme; the goldens add
the 2025-era layout. The sample article is shared/samples/globalresearch-2017-06-10-southfront-raqqa.txt.
"""

from __future__ import annotations

import re

import json

import pytest

from archiver.cassettes import load_cassette
from archiver.errors import ParseError
from archiver.models import FetchedPage, Tag
from archiver.sites import adapter_class
from archiver.sites.base import context_for
from archiver.sites.globalresearch import V1, V2, GlobalResearch

from .conftest import CASSETTES, GOLDEN

ORIGIN = "https://www.globalresearch.ca"
TEST_SERVER = "http://127.0.0.1:8765"
SAMPLE_SLUG = "video-syrian-army-advancing-in-raqqa-province-withdrawal-of-isis"
SAMPLE_URL = f"{ORIGIN}/{SAMPLE_SLUG}/5594563"
CASSETTE = load_cassette(CASSETTES / "globalresearch")
EXCHANGES = {i.url: i for i in CASSETTE.interactions}
ARTICLE_URLS = [u for u in EXCHANGES if GlobalResearch(ORIGIN).article_key(u)]

# Everything of the page that is not the article (sites.md, the sample's tail, the 2025 prompts).
NOT_ARTICLE = (
    "If you're able", "PayPal", "patreon", "southfront@list.ru", "Voiceover", "Lance Ramsay",
    "Featured image", "credits to the owner", "The original source of this article",
    "Copyright", "©", "Comment on Global Research Articles", "Facebook", "Become a Member",
    "Articles by", "Disclaimer", "sole responsibility", "fair use", "copyrighted material",
    "For media inquiries", "publications@globalresearch.ca", "Region:", "Theme:", "In-depth Report:",
    "Global Research, June", "By South Front", "Related Articles", "Translate Website", "51 languages",
    "Daily Newsletter", "share button", "reader-funded", "one-time or recurring donation",
    "Latest Global Research Articles", "Get Our Free Newsletter", "Print", "Font Size",
)


def page(url: str, body: bytes, date: str, status: int = 200, final_url: str | None = None) -> FetchedPage:
    return FetchedPage(
        url=url, final_url=final_url or url, status=status,
        headers={"content-type": "text/html; charset=UTF-8", "date": date}, body=body,
        fetched_at="2026-11-01T00:00:00+00:00",
    )


def recorded(url: str) -> FetchedPage:
    x = EXCHANGES[url]
    return FetchedPage(url=url, final_url=url, status=x.status, headers=x.headers, body=x.body, fetched_at="2026-11-01T00:00:00+00:00")


def golden(name: str) -> FetchedPage:
    (spec_path,) = (GOLDEN / "globalresearch").glob(f"v*/{name}.json")
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    body = spec_path.with_suffix(".html").read_bytes()
    return page(spec["url"], body, spec["headers"]["date"])


@pytest.fixture
def gr() -> GlobalResearch:
    return GlobalResearch(ORIGIN)


# -- identity ------------------------------------------------------------------------------

def test_registered():
    assert adapter_class("globalresearch") is GlobalResearch


@pytest.mark.parametrize("url", [
    SAMPLE_URL,
    SAMPLE_URL + "/",
    SAMPLE_URL + "?doing_wp_cron=1497253892.4176349639892578125000",
    SAMPLE_URL + "#comments",
    f"{ORIGIN}/syrian-army-advancing-in-raqqa-isis-withdraws/5594563",  # slug edited after publication
    "http://globalresearch.ca/" + SAMPLE_SLUG + "/5594563",
    f"{ORIGIN}/?p=5594563",
    f"{TEST_SERVER}/{SAMPLE_SLUG}/5594563?doing_wp_cron=1",
])
def test_post_id_is_the_identity(url):
    assert GlobalResearch(TEST_SERVER).article_key(url) == "5594563"


@pytest.mark.parametrize("url", [
    f"{ORIGIN}/", f"{ORIGIN}/feed", f"{ORIGIN}/region/middle-east/", f"{ORIGIN}/region/middle-east/page/2/",
    f"{ORIGIN}/theme/us-nato-war-agenda", f"{ORIGIN}/author/south-front",
    f"{ORIGIN}/indepthreport/syria-nato-s-next-war", f"{ORIGIN}/wp-content/uploads/2017/06/raqqa-tiger-forces-400x225.jpg",
    "https://southfront.org/syrian-army-advancing/5594563",
])
def test_not_articles(gr, url):
    assert gr.article_key(url) is None


def test_canonical_url_keeps_the_slug_drops_query_and_moves_to_base_url():
    gr, local = GlobalResearch(ORIGIN), GlobalResearch(TEST_SERVER)
    messy = SAMPLE_URL + "/?doing_wp_cron=1497253892.41#comments"
    assert gr.canonical_url(messy) == SAMPLE_URL
    assert local.canonical_url(messy) == f"{TEST_SERVER}/{SAMPLE_SLUG}/5594563"
    assert gr.canonical_url(f"{ORIGIN}/?p=5594563") == f"{ORIGIN}/?p=5594563"
    assert gr.article_url("5594563", SAMPLE_SLUG) == SAMPLE_URL
    assert local.article_url("5594563") == f"{TEST_SERVER}/?p=5594563"  # WordPress's shortlink
    renamed = gr.canonical_url(f"{ORIGIN}/a-new-slug/5594563")
    assert renamed.endswith("/a-new-slug/5594563") and gr.article_key(renamed) == "5594563"


def test_parsed_canonical_url_comes_from_the_canonical_link_not_the_fetched_slug():
    body = EXCHANGES[SAMPLE_URL].body
    fetched = f"{TEST_SERVER}/an-old-slug/5594563?doing_wp_cron=12"
    art = GlobalResearch(TEST_SERVER).parse(page(fetched, body, "Mon, 12 Jun 2017 07:51:05 GMT"))
    assert art.key == "5594563"
    assert art.url == fetched
    assert art.canonical_url == f"{TEST_SERVER}/{SAMPLE_SLUG}/5594563"
    assert all(r.url.startswith(TEST_SERVER) for r in art.related)


# -- discovery -----------------------------------------------------------------------------

def links_of(adapter: GlobalResearch, url: str):
    return adapter.links(context_for(recorded(url), adapter))


def test_start_urls():
    assert GlobalResearch(TEST_SERVER).start_urls() == [f"{TEST_SERVER}/feed", f"{TEST_SERVER}/region/middle-east/"]


def test_feed_links_are_the_posts_once_each_in_slug_form(gr):
    links = links_of(gr, f"{ORIGIN}/feed")
    assert links.articles == (
        f"{ORIGIN}/us-led-coalition-strikes-near-al-tanf-the-question-of-deconfliction/5594702",
        SAMPLE_URL,
        f"{ORIGIN}/syrian-government-forces-reach-iraqi-border-north-east-of-al-tanf/5594410",
        f"{ORIGIN}/raqqa-offensive-civilians-caught-between-airstrikes-and-isis-checkpoints/5594288",
        f"{ORIGIN}/qatar-crisis-what-the-gulf-rift-means-for-the-war-in-syria/5594126",
    )  # the `?p=` guids name the same posts and add nothing
    assert links.listings == ()


def test_listing_links_articles_and_pagination(gr):
    first = links_of(gr, f"{ORIGIN}/region/middle-east/")
    assert [gr.article_key(u) for u in first.articles] == [
        "5594702", "5594563", "5594410", "5594288", "5594126", "5593987", "5593841",
    ]
    assert all("?" not in u for u in first.articles)  # the ?doing_wp_cron= item link
    assert set(first.listings) == {
        f"{ORIGIN}/region/middle-east/", f"{ORIGIN}/region/middle-east/page/2/", f"{ORIGIN}/feed",
    }  # menus' /theme/, /author/, /indepthreport/ links are not followed
    second = links_of(gr, f"{ORIGIN}/region/middle-east/page/2/")
    assert [gr.article_key(u) for u in second.articles[:5]] == ["5593702", "5593566", "5593420", "5593298", "5593135"]
    assert f"{ORIGIN}/region/middle-east/page/3/" in second.listings
    # Past the end: no posts, only the sidebar's, and a Next link the crawler must not follow.
    third = links_of(gr, f"{ORIGIN}/region/middle-east/page/3/")
    assert set(third.articles) <= set(first.articles)
    assert f"{ORIGIN}/region/middle-east/page/4/" in third.listings


def test_links_move_to_the_test_server():
    local = GlobalResearch(TEST_SERVER)
    links = links_of(local, f"{ORIGIN}/region/middle-east/")
    assert links.articles and all(u.startswith(TEST_SERVER + "/") for u in links.articles + links.listings)
    assert f"{TEST_SERVER}/region/middle-east/page/2/" in links.listings


def test_walking_the_cassette_finds_every_article_and_stops_at_page_3():
    """The crawler's rule: a listing's own listing links are followed only while it brings new articles."""
    gr = GlobalResearch(ORIGIN)
    queue, seen, articles = [(u, True) for u in gr.start_urls()], set(), set()
    while queue:
        url, is_listing = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        assert url in EXCHANGES, f"asked for {url}, which the cassette does not hold"
        links = links_of(gr, url)
        new = set(links.articles) - articles
        articles |= new
        queue += [(u, False) for u in links.articles]
        if new or not is_listing:
            queue += [(u, True) for u in links.listings]
    assert articles == set(ARTICLE_URLS) and len(articles) == 12
    assert f"{ORIGIN}/region/middle-east/page/3/" in seen
    assert f"{ORIGIN}/region/middle-east/page/4/" not in seen


# -- the sample, in both templates ---------------------------------------------------------

SAMPLE_FIRST = "ISIS terrorists have lost large chunks of territories to Syrian government forces in the provinces of Raqqa and Homs."
SAMPLE_LAST = (
    "Meanwhile, the SDF captured the 17th Division base north of Raqqa and continued developing momentum "
    "in the city. According to the US-led coalition, there are about 2,500 ISIS members inside the city."
)
SAMPLE_TAGS = (
    Tag("Middle East & North Africa", "region"), Tag("Terrorism", "theme"),
    Tag("US NATO War Agenda", "theme"), Tag("SYRIA", "report"),
)


@pytest.mark.parametrize("name, parser, published, precision", [
    ("2017-southfront-raqqa", "globalresearch/1", "2017-06-10", "day"),  # date line only: the day, no midnight
    ("2025-southfront-raqqa", "globalresearch/2", "2017-06-10T13:26:41+00:00", "second"),  # published_time, same day
])
def test_sample(gr, name, parser, published, precision):
    art = gr.parse(golden(name))
    paragraphs = art.text.split("\n\n")
    assert art.parser == parser
    assert art.key == "5594563" and art.canonical_url == SAMPLE_URL
    assert art.title == "Video: Syrian Army Advancing in Raqqa Province, Withdrawal of ISIS"
    assert art.authors == ("South Front",)
    assert art.published == published
    assert art.tags == SAMPLE_TAGS
    assert len(paragraphs) == 9
    assert paragraphs[0] == SAMPLE_FIRST and paragraphs[-1] == SAMPLE_LAST
    assert "the Syrian Army's Tiger Forces reached the area" in paragraphs[1]
    assert "the Damascus - Baghdad highway, 40 km away from the US garrison." in paragraphs[6]
    for phrase in NOT_ARTICLE:
        assert phrase not in art.text, phrase
    assert art.extra == {
        "source": "South Front", "source_date": "2017-06-09", "voiceover": "Lance Ramsay",
        "source_url": "https://southfront.org/syrian-army-advancing-in-raqqa-province-withdrawal-of-isis/",
        "published_precision": precision,
    }
    assert art.image.url == f"{ORIGIN}/wp-content/uploads/2017/06/raqqa-tiger-forces-400x225.jpg"
    assert art.image.credit == "credits to the owner" and art.image.caption is None
    assert art.related == () and art.warnings == ()


def test_both_parsers_read_both_templates_alike(gr):
    """The footer goes by text patterns, not by where a template puts it."""
    for name in ("2017-southfront-raqqa", "2025-southfront-raqqa", "2025-raqqa-civilians-two-authors"):
        ctx = context_for(golden(name), gr)
        v1, v2 = V1().parse(ctx), V2().parse(context_for(golden(name), gr))
        assert v1.text == v2.text and v1.tags == v2.tags and v1.authors == v2.authors, name


# -- every cassette article ----------------------------------------------------------------

@pytest.mark.parametrize("url", ARTICLE_URLS, ids=[u.rsplit("/", 1)[-1] for u in ARTICLE_URLS])
def test_cassette_articles_are_clean(gr, url):
    art = gr.parse(recorded(url))
    assert art.key == url.rsplit("/", 1)[-1] and art.canonical_url == url
    assert art.title and art.authors and art.warnings == ()
    assert re.fullmatch(r"2017-06-\d\d", art.published) and art.extra["published_precision"] == "day"
    assert Tag("Middle East & North Africa", "region") in art.tags
    assert {t.kind for t in art.tags} <= {"region", "theme", "report"}
    assert len(art.text.split("\n\n")) >= 5
    for phrase in NOT_ARTICLE:
        assert phrase not in art.text, phrase


def test_texts_are_distinct_across_the_cassette(gr):
    paragraphs = [p for u in ARTICLE_URLS for p in gr.parse(recorded(u)).text.split("\n\n")]
    repeated = {p for p in paragraphs if paragraphs.count(p) > 1}
    # Only an author's one-line bio recurs, as it does on the site.
    assert repeated == {"Daniel Mercer is a Research Associate of the Centre for Research on Globalization (CRG)."}


# -- authors, source, related --------------------------------------------------------------

def test_two_and_three_author_bylines(gr):
    two = gr.parse(golden("2017-raqqa-civilians-two-authors"))
    assert two.authors == ("Martin Ellwood", "Sana Qureshi")
    three = gr.parse(golden("2017-homs-convoy-three-authors"))
    assert three.authors == ("Claire Dubois", "Hassan Nouri", "Ivan Petrov")
    # The 2025 JSON-LD names only the WordPress post author; the byline names both.
    assert gr.parse(golden("2025-raqqa-civilians-two-authors")).authors == ("Martin Ellwood", "Sana Qureshi")


def test_byline_without_author_links_is_split_on_commas_and_and(gr):
    body = EXCHANGES[f"{ORIGIN}/humanitarian-convoy-reaches-besieged-towns-in-rural-homs/5593420"].body.decode()
    start = body.index('<div class="author-name">')
    end = body.index("</div>", start)
    body = body[:start] + '<div class="author-name">By Claire Dubois, Hassan Nouri and Ivan Petrov' + body[end:]
    art = gr.parse(page(f"{ORIGIN}/humanitarian-convoy-reaches-besieged-towns-in-rural-homs/5593420", body.encode(), "Mon, 12 Jun 2017 08:00:00 GMT"))
    assert art.authors == ("Claire Dubois", "Hassan Nouri", "Ivan Petrov")


def test_original_pieces_and_sources(gr):
    original = gr.parse(recorded(f"{ORIGIN}/deir-ezzor-three-years-under-siege/5593841"))
    assert original.extra == {"source": "Global Research", "published_precision": "day"}  # no source line: the footer's "original source"
    assert original.text.endswith("Nadia Karam is an independent researcher and writer on Syria.")
    assert original.image.caption == "Supplies dropped over Deir Ezzor" and original.image.credit == "WFP"
    syndicated = gr.parse(recorded(f"{ORIGIN}/qatar-crisis-what-the-gulf-rift-means-for-the-war-in-syria/5594126"))
    assert syndicated.extra["source"] == "Orient Observer"
    assert syndicated.extra["source_date"] == "2017-06-07"  # "June 7, 2017"
    assert [t.kind for t in syndicated.tags] == ["region", "theme", "theme", "theme"]  # no In-depth Report line


def test_related_articles(gr):
    art = gr.parse(golden("2025-raqqa-civilians-two-authors"))
    assert [(r.key, r.kind) for r in art.related] == [("5594563", "video"), ("5593298", "article"), ("5593420", "article")]
    assert art.related[1].title == "Tabqa Dam After the SDF Takeover: Water, Power and Repairs"
    assert art.related[1].url == f"{ORIGIN}/tabqa-dam-after-the-sdf-takeover-water-power-and-repairs/5593298"
    assert art.related[1].image == f"{ORIGIN}/wp-content/uploads/2017/06/tabqa-dam-400x225.jpg"
    old = gr.parse(golden("2017-raqqa-civilians-two-authors"))
    assert [r.key for r in old.related] == ["5594563", "5593298", "5593420"]


# -- dates ---------------------------------------------------------------------------------

def test_published_time_on_another_day_loses_to_the_page_date(gr):
    body = golden("2025-southfront-raqqa").body.replace(
        b'"article:published_time" content="2017-06-10T09:26:41-04:00"',
        b'"article:published_time" content="2019-03-02T09:26:41-04:00"',
    ).replace(b'"datePublished": "2017-06-10T09:26:41-04:00"', b'"datePublished": "2019-03-02T09:26:41-04:00"')
    art = gr.parse(page(SAMPLE_URL, body, "Tue, 14 Oct 2025 10:12:03 GMT"))
    assert art.published == "2017-06-10" and art.extra["published_precision"] == "day"
    assert any("not the page's date" in w for w in art.warnings)


def test_late_evening_in_montreal_is_the_same_day(gr):
    body = golden("2025-southfront-raqqa").body.replace(b"2017-06-10T09:26:41-04:00", b"2017-06-11T02:30:00+00:00")
    art = gr.parse(page(SAMPLE_URL, body, "Tue, 14 Oct 2025 10:12:03 GMT"))
    assert art.published == "2017-06-11T02:30:00+00:00" and art.warnings == ()


def test_without_the_date_line_the_metadata_dates_it(gr):
    body = golden("2025-southfront-raqqa").body.replace(b"Global Research, June 10, 2017", b"")
    art = gr.parse(page(SAMPLE_URL, body, "Tue, 14 Oct 2025 10:12:03 GMT"))
    assert art.published == "2017-06-10T13:26:41+00:00"
    assert art.warnings == ("no 'Global Research, <date>' line; date from the page metadata",)


def test_parser_by_capture_date(gr):
    assert isinstance(gr.parser_for(golden("2017-southfront-raqqa")), V1)
    assert isinstance(gr.parser_for(golden("2025-southfront-raqqa")), V2)


@pytest.mark.parametrize("url", [f"{ORIGIN}/region/middle-east/page/3/", f"{ORIGIN}/feed"])
def test_not_an_article(gr, url):
    with pytest.raises(ParseError):
        gr.parse(recorded(url))
