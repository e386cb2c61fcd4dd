"""URL shapes learned as the crawl goes (issue 13): a site configured by base_url alone whose
articles live at short-slug URLs the fixed rules reject (`/politics/ceasefire-talks-resume`,
`/world/middle-east/aid-convoy-arrives`, `/business/markets/oil-prices-fall.html`), linked from
its home and section pages and from each other, in no sitemap nor feed, beside profile, series
and score pages of the very same shapes."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

from hypothesis import example, given, strategies as st

from archiver.config import parse_config
from archiver.fetch import Fetcher
from archiver.models import PageLinks
from archiver.pipeline import CrawlScheduler, SiteCrawl
from archiver.robots import RobotsPolicy
from archiver.sites import adapter_names
from archiver.sites import discovery as D
from archiver.sites.generic import Generic
from archiver.store import Store
from archiver.url_shapes import PROBES, ShapeBook, Verdict, general, names_a_page, segment, shape, verdict

from .localserver import LocalServer, Reply


# path -> (headline, how the page says it is an article)
ARTICLES = {
    "/politics/ceasefire-talks-resume": ("Ceasefire talks resume", "both"),
    "/politics/budget-vote-delayed": ("Budget vote delayed", "og"),
    "/politics/senate-passes-bill": ("Senate passes bill", "ld"),
    "/politics/mayor-resigns": ("Mayor resigns", "both"),
    "/politics/coalition-talks-fail": ("Coalition talks fail", "ld"),
    "/politics/election-date-set": ("Election date set", "og"),
    "/politics/new-cabinet-sworn-in": ("New cabinet sworn in", "both"),
    "/world/middle-east/aid-convoy-arrives": ("Aid convoy arrives", "both"),
    "/world/middle-east/border-crossing-reopens": ("Border crossing reopens", "og"),
    "/world/middle-east/hostages-freed": ("Hostages freed", "ld"),
    "/business/markets/oil-prices-fall.html": ("Oil prices fall", "both"),
    "/business/markets/shares-rally.html": ("Shares rally", "ld"),
    "/sport/derby-postponed": ("Derby postponed", "og"),
    "/sport/cup-final-tickets": ("Cup final tickets", "both"),
    "/culture/film-festival-opens": ("Film festival opens", "both"),  # linked only from articles
    "/2024/03/05/harbour-crane-collapses-in-storm/": ("Harbour crane collapses in storm", "both"),
}
# Published after the first crawl: a later one knows their shapes already (a new section too).
LATER = {
    "/politics/harbour-strike-ends": ("Harbour strike ends", "og"),
    "/arts/gallery-reopens": ("Gallery reopens", "both"),
    "/world/middle-east/talks-in-cairo": ("Talks in Cairo", "ld"),
}
TAKEN_BY_THE_RULES = ["/politics/new-cabinet-sworn-in", "/2024/03/05/harbour-crane-collapses-in-storm/"]  # a headline-long slug, a date
# Pages of the articles' shapes that are none: a columnist's profile, a series (tag) page, a
# live score board, and their sections.
NOT_ARTICLES = {
    "/people/omar-haddad": "profile", "/people/lena-fischer": "profile", "/series/war-in-syria": "website",
    "/sport/live-scores": "website", "/world/middle-east/": "website",
}
SECTIONS = {
    "/politics/": [p for p in ARTICLES if p.startswith("/politics/")],
    "/world/": ["/world/middle-east/", "/series/war-in-syria"],
    "/world/middle-east/": [p for p in ARTICLES if p.startswith("/world/middle-east/")],
    "/business/": [p for p in ARTICLES if p.startswith("/business/")],
    "/sport/": ["/sport/derby-postponed", "/sport/cup-final-tickets", "/sport/live-scores"],
}
HOME = ["/politics/", "/world/", "/business/", "/sport/", "/politics/mayor-resigns",
        "/2024/03/05/harbour-crane-collapses-in-storm/", "/people/omar-haddad", "/tag/syria/", "/author/omar-haddad/"]
HTML = {"Content-Type": "text/html; charset=utf-8"}


def article_page(path: str, stories: dict) -> bytes:
    title, says = stories[path]
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title, "datePublished": "2024-03-05T09:00:00Z",
          "author": {"@type": "Person", "name": "Omar Haddad"}}
    head = (f'<meta property="og:type" content="article">' if says in ("og", "both") else "") + \
           (f'<script type="application/ld+json">{json.dumps(ld)}</script>' if says in ("ld", "both") else "")
    others = list(stories)
    related = [others[(others.index(path) + k) % len(others)] for k in (1, 5)] + ["/culture/film-festival-opens", "/people/lena-fischer"]
    links = "".join(f'<li><a href="{p}">{stories.get(p, ("Profile",))[0]}</a></li>' for p in related)
    text = "".join(f"<p>{title}: paragraph {i}, with enough words in it to read as the story's own text.</p>" for i in range(6))
    # Two templates, as a site's story and feature pages have.
    body = (f'<article><h1>{title}</h1><div class="body">{text}</div></article>' if len(title) % 2
            else f'<div class="story"><h1 class="headline">{title}</h1>{text}</div>')
    return (f'<!doctype html><html lang="en"><head><title>{title} - Harbour Herald</title>{head}</head><body>'
            f'{nav()}<main>{body}<aside><h2>Read more</h2><ul>{links}</ul></aside></main></body></html>').encode()


def other_page(path: str, og_type: str, links: list[str] = ()) -> bytes:
    items = "".join(f'<li><a href="{p}">{p.strip("/").split("/")[-1].replace("-", " ")}</a></li>' for p in links)
    return (f'<!doctype html><html><head><title>{path} - Harbour Herald</title><meta property="og:type" content="{og_type}">'
            f'</head><body>{nav()}<main><h2>{path}</h2><ul>{items}</ul><p>Latest from the Harbour Herald.</p></main></body></html>').encode()


def nav() -> str:
    return "<nav>" + "".join(f'<a href="{p}">{p}</a> ' for p in ("/", *SECTIONS, "/tag/syria/")) + "</nav>"


def routes(stories: dict = ARTICLES) -> dict[str, Reply]:
    found = {"/robots.txt": Reply(body=b"User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"}),
             "/": Reply(body=other_page("/", "website", HOME + [p for p in stories if p not in ARTICLES]), headers=HTML)}
    found.update({p: Reply(body=article_page(p, stories), headers=HTML) for p in stories})
    found.update({p: Reply(body=other_page(p, kind, ["/politics/mayor-resigns"]), headers=HTML) for p, kind in NOT_ARTICLES.items()})
    found.update({p: Reply(body=other_page(p, "website", links), headers=HTML) for p, links in SECTIONS.items()})
    found["/tag/syria/"] = Reply(body=other_page("/tag/syria/", "website", list(ARTICLES)), headers=HTML)
    return found


def crawl(db, server, learn: bool = True, ordered: bool = False) -> None:
    config = parse_config({"fetch": {"per_host_delay": 0.0, "timeout": 5, "max_retries": 0, "concurrency": 4},
                           "sites": {"herald": {"adapter": "generic", "base_url": server.origin}}}, known_sites=adapter_names())
    adapter = Generic.for_site("herald", config.site("herald").base_url)
    adapter.learns_shapes = learn
    with Store(db) as store, Fetcher(config.fetch) as fetcher:
        site = SiteCrawl(store, adapter, fetcher, 200, robots=RobotsPolicy(fetcher))
        CrawlScheduler([site], 4, ordered=ordered).run()


def rows(db, sql):
    with sqlite3.connect(db) as conn:
        return [tuple(r) for r in conn.execute(sql)]


def paths(db, server, sql) -> set[str]:
    return {url.removeprefix(server.origin) for url, *_ in rows(db, sql)}


def test_the_fixed_rules_alone_take_none_of_these_articles():
    base = "https://herald.example"
    adapter = Generic.for_site("herald", base)
    taken = [p for p in ARTICLES if adapter.article_key(base + p) is not None]
    assert taken == TAKEN_BY_THE_RULES
    # The other two-segment ones read as sections, the deeper ones as nothing to follow at all.
    assert all(adapter.is_listing(base + p) for p in ARTICLES if p.count("/") == 2 and p not in taken)
    assert not any(adapter.is_listing(base + p) for p in ARTICLES if p.count("/") == 3)


def test_a_site_of_short_slug_articles_is_crawled_whole_and_nothing_else_is_stored(tmp_path):
    with LocalServer(routes()) as server:
        crawl(tmp_path / "a.db", server)
        hits = dict(server.hits)
    assert paths(tmp_path / "a.db", server, "SELECT url FROM articles") == set(ARTICLES)
    titles = {t for (t,) in rows(tmp_path / "a.db", "SELECT title FROM articles")}
    assert titles == {title for title, _ in ARTICLES.values()}
    # The profile, series and score pages shaped like articles were looked at and refused.
    assert {"/people/omar-haddad", "/sport/live-scores"} <= set(hits)
    assert "/tag/syria/" not in hits and "/author/omar-haddad/" not in hits
    assert all(n == 1 for p, n in hits.items() if p in ARTICLES), hits


def test_without_the_learning_the_same_crawl_misses_them(tmp_path):
    with LocalServer(routes()) as server:
        crawl(tmp_path / "a.db", server, learn=False)
        hits = dict(server.hits)
    assert paths(tmp_path / "a.db", server, "SELECT url FROM articles") == set(TAKEN_BY_THE_RULES)
    assert "/world/middle-east/aid-convoy-arrives" not in hits  # nothing leads there


def test_a_later_crawl_queues_links_of_learned_shapes_as_articles(tmp_path):
    with LocalServer(routes()) as server:
        crawl(tmp_path / "a.db", server, ordered=True)
        server.routes = routes({**ARTICLES, **LATER})
        crawl(tmp_path / "a.db", server, ordered=True)
        hits = dict(server.hits)
        kinds = {url.removeprefix(server.origin): kind for url, kind in rows(tmp_path / "a.db", "SELECT url, kind FROM frontier")}
        stored = paths(tmp_path / "a.db", server, "SELECT url FROM articles")
    assert stored == set(ARTICLES) | set(LATER)
    assert all(hits[p] == 1 for p in LATER)
    # Known by its shape (/politics/<short-slug>); one of a new section is fetched to see (on this
    # small site, a third of the /<word>/<slug> pages are profiles, series and score boards).
    assert kinds["/politics/harbour-strike-ends"] == "article" and kinds["/arts/gallery-reopens"] == "listing"


def test_a_new_section_is_known_by_the_sites_general_shape():
    book = ShapeBook()
    for section, n in (("politics", 6), ("sport", 3), ("business", 4)):
        for i in range(n):
            book.learn(f"https://x.example/{section}/story-number-{'abcdefg'[i]}", True)
    book.learn("https://x.example/people/omar-haddad", False)
    routed, probes = book.route(PageLinks(listings=("https://x.example/arts/gallery-reopens", "https://x.example/arts/")))
    assert routed.articles == ("https://x.example/arts/gallery-reopens",) and routed.listings == ("https://x.example/arts/",)
    # Not stored on that alone: the page must say it is an article, or its own shape prove it.
    assert not book.stores("https://x.example/arts/gallery-reopens", None)
    assert book.stores("https://x.example/arts/gallery-reopens", True)


def test_the_same_recordings_give_the_same_crawl(tmp_path):
    with LocalServer(routes()) as server:
        crawl(tmp_path / "a.db", server, ordered=True)
        crawl(tmp_path / "b.db", server, ordered=True)
        frontier = "SELECT url, kind, state, depth FROM frontier ORDER BY rowid"
        assert rows(tmp_path / "a.db", frontier) == rows(tmp_path / "b.db", frontier)
        stored = "SELECT id, url, title FROM articles ORDER BY id"
        assert rows(tmp_path / "a.db", stored) == rows(tmp_path / "b.db", stored)


def test_a_later_crawl_knows_what_the_earlier_one_learned(tmp_path):
    with LocalServer(routes()) as server:
        crawl(tmp_path / "a.db", server)
        with Store(tmp_path / "a.db") as store:
            book = ShapeBook.from_captures(store.iter_captures(["herald"], kind=None))
        later = server.origin + "/politics/harbour-strike-ends"
    assert book.verdict(("politics", "<short-slug>")) is Verdict.ARTICLE
    assert book.route(PageLinks(listings=(later,)))[0].articles == (later,)
    assert book.stores(later, None) and not book.stores(server.origin + "/politics/", True)


# -- the generaliser -------------------------------------------------------------------------
word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)
slug = st.lists(word, min_size=2, max_size=12).map("-".join)


@given(slug, slug)
def test_slugs_of_the_same_length_class_share_a_shape(a, b):
    same = (a.count("-") >= 3) == (b.count("-") >= 3)
    assert (shape(f"https://x.example/politics/{a}") == shape(f"https://x.example/politics/{b}")) == same
    assert general(shape(f"https://x.example/politics/{a}")) == general(shape(f"https://x.example/world/{b}"))


def number_class(n: int) -> int | str:
    """What a number is taken for: its length, or a date when its 8 digits read as one (20170610)."""
    digits = str(n)
    if len(digits) == 8:
        try:
            if 1900 < date(int(digits[:4]), int(digits[4:6]), int(digits[6:])).year < 2100:
                return "date"
        except ValueError:
            pass
    return len(digits)


@given(st.integers(10_000, 10**9), st.integers(10_000, 10**9), slug)
@example(10_000_000, 20_500_301, "aa-aa")  # same length, one reads as a date: hypothesis found it
def test_numbers_are_generalised_by_length_and_ids_by_their_place(m, n, text):
    assert (segment(str(m)) == segment(str(n))) == (number_class(m) == number_class(n))
    assert segment(f"{m}-{text}") == "<id-slug>" and segment(f"{text}-{m}.html") == "<slug-id>.html"


@given(st.lists(st.one_of(word, slug, st.integers(0, 10**7).map(str)), max_size=6), word)
def test_a_shape_has_a_part_per_segment_and_keeps_single_words(parts, last):
    url = "https://x.example/" + "/".join([*parts, last])
    shaped = shape(url)
    assert len(shaped) == len(parts) + 1 and shaped[-1] == last and not names_a_page(shaped)
    assert all(t == p for t, p in zip(shaped, parts) if p.isalpha())


def test_dates_and_years_are_kept_apart_from_other_numbers():
    assert shape("https://x.example/2024/3/05/harbour-crane-collapses-in-storm/") == ("<yyyy>", "<nn>", "<nn>", "<slug>")
    assert [segment(s) for s in ("20240305", "20241305", "2024-03-05", "1234", "index.html")] == \
        ["<yyyymmdd>", "<n8>", "<date>", "<n4>", "index.html"]
    assert shape("https://x.example/?p=1234") == ("?p=<n4>",)


def test_verdicts_follow_the_share_and_how_much_evidence_there_is():
    assert verdict(PROBES, 0) is Verdict.ARTICLE and verdict(PROBES - 1, 0) is None
    assert verdict(40, 10) is Verdict.ARTICLE and verdict(10, 10) is None
    assert verdict(0, PROBES) is Verdict.UNLIKELY and verdict(0, 40) is Verdict.SKIP and verdict(8, 40) is Verdict.UNLIKELY


def test_a_shape_that_proved_no_article_is_skipped_and_one_url_counts_once():
    book = ShapeBook()
    for i in range(40):
        book.learn(f"https://x.example/focus/topic-page-number-{'abcdefghij'[i % 10]}{i}-of-many", False)
        book.learn("https://x.example/focus/same-page-every-time-again", False)
    static = PageLinks(articles=("https://x.example/focus/another-topic-page-of-many",
                                 "https://x.example/news/another-story-of-the-day-here"))
    assert book.route(static)[0].articles == ("https://x.example/news/another-story-of-the-day-here",)
    assert book.counts[("focus", "<slug>")] == [0, 40 + 1]
    book.learn("https://x.example/focus/same-page-every-time-again", True)  # it became an article since
    assert book.counts[("focus", "<slug>")] == [1, 40]


def test_undecided_shapes_are_probed_a_few_links_at_a_time():
    book = ShapeBook()
    others = tuple(f"https://x.example/a/b/story-{w}" for w in "abcdefgh")
    _, probes = book.route(PageLinks(others=others))
    assert probes == list(others[:PROBES]) and book.route(PageLinks(others=others))[1] == []
    for url in probes:
        book.learn(url, True)
    routed, probes = book.route(PageLinks(others=others))
    assert routed.articles == others and probes == []  # the frontier has the fetched ones already


def test_only_a_shape_naming_a_page_is_learned():
    book = ShapeBook()
    for name in ("politics", "world", "sport", "business", "culture"):
        book.learn(f"https://x.example/{name}/", True)  # a CMS that calls every page an article
    assert book.route(PageLinks(others=("https://x.example/science/",)))[0].articles == ()
    assert not book.stores("https://x.example/science/", True)
    assert D.never_article("https://x.example/tag/syria/") and not D.never_article("https://x.example/politics/mayor-resigns")
