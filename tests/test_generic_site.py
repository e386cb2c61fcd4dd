"""A news site no adapter describes, followed by configuration alone (`adapter = "generic"`,
`base_url`): a WordPress-like site on 127.0.0.1 with a robots.txt (a Disallow, a Sitemap line),
a sitemap index, a news sitemap, a feed announced by the home page, a paginated category, and
the usual non-article pages (tags, authors, login, uploads, an "about" page with a long slug)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from archiver.config import parse_config
from archiver.fetch import Fetcher
from archiver.models import FetchedPage
from archiver.pipeline import SiteCrawl
from archiver.robots import RobotsPolicy
from archiver.sites import adapter_names
from archiver.sites.generic import Generic
from archiver.sites.metadata import (authors, headline, people_in_text_byline, published, read_stamp, site_names,
                                     split_names, without_site_name)
from archiver.store import Store
from archiver import html as H

from .localserver import LocalServer, Reply

HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
TEXT = {"Content-Type": "text/plain; charset=utf-8"}

# path -> (headline, author, published) ; where each is listed is decided below
ARTICLES = {
    "/2024/03/05/river-rises-after-three-days-of-rain/": ("River rises after three days of rain", "Mark Jansen", "2024-03-05T07:57:00-05:00"),
    "/2024/03/04/council-approves-new-bridge/": ("Council approves new bridge", "Julia Marta Ruiz", "2024-03-04T18:07:56+09:00"),
    "/2024/03/03/schools-reopen-on-monday/": ("Schools reopen on Monday", "Jan Novak", "2024-03-03T10:00:00+00:00"),
    "/2024/03/02/harbour-festival-draws-record-crowds/": ("Harbour festival draws record crowds", "Mary Clare Jalonick", "2024-03-02"),
    "/mayor-answers-questions-on-the-budget/": ("Mayor answers questions on the budget", "Maya Lind", "2024-03-01T12:00:00Z"),
    "/news/local/train-line-closed-for-works-1234567.html": ("Train line closed for works", "Martin Berg", "2024-02-28T08:30:00+01:00"),
    "/2024/02/20/old-mill-becomes-a-museum/": ("Old mill becomes a museum", "Janie Cole", "2024-02-20T09:00:00+00:00"),
}
IN_SITEMAP = list(ARTICLES)[1:4]
IN_NEWS_SITEMAP = list(ARTICLES)[:2]
IN_FEED = [list(ARTICLES)[0], list(ARTICLES)[5]]
ON_PAGE_1 = [list(ARTICLES)[2], list(ARTICLES)[4]]  # the slug-only one is listed nowhere else
ON_PAGE_2 = [list(ARTICLES)[6]]  # only the category's second page lists it (the crawl goes on to
# a listing's next page while it brings new articles)
DISALLOWED = "/private/2024/03/05/leaked-draft-of-the-budget-plan/"
NOT_ARTICLES = ["/about-our-newsroom-and-its-people/", "/tag/weather/", "/author/mark-jansen/", "/wp-login.php",
                "/wp-content/uploads/2024/03/flood-map-of-the-city.pdf", "/contact/", "/feed/", "/category/local/"]


def article_page(base: str, path: str) -> bytes:
    title, author, when = ARTICLES[path]
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title, "datePublished": when,
          "author": {"@type": "Person", "name": author}, "publisher": {"@type": "Organization", "name": "Riverside Post"}}
    paragraphs = "".join(f"<p>{title}: paragraph {i} of the story, with enough words to read as the article's own text.</p>"
                         for i in range(1, 7))
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Riverside Post</title><meta property="og:type" content="article">
<meta property="og:title" content="{title} | Riverside Post"><meta property="og:site_name" content="Riverside Post">
<link rel="canonical" href="{base}{path}"><script type="application/ld+json">{json.dumps(ld)}</script></head>
<body><header class="site"><h1 class="logo"><a href="/">Riverside Post</a></h1>{nav()}</header>
<main><article><header><h1 class="entry-title">{title}</h1><p class="byline">By <a rel="author" href="/author/x/">{author}</a></p></header>
<div class="entry-content">{paragraphs}</div>
<footer><a href="/tag/weather/">weather</a> <a href="/category/local/">Local</a></footer></article></main>
<footer>© 2024 Riverside Post</footer></body></html>""".encode()


def nav() -> str:
    return ('<nav><a href="/">Home</a> <a href="/category/local/">Local</a> <a href="/about-our-newsroom-and-its-people/">'
            'About us</a> <a href="/contact/">Contact</a> <a href="/wp-login.php">Log in</a> <a href="/tag/weather/">Weather</a>'
            ' <a href="/author/mark-jansen/">Mark</a> <a href="/wp-content/uploads/2024/03/flood-map-of-the-city.pdf">Map</a>'
            f' <a href="{DISALLOWED}">Leak</a> <a href="/wp-admin/">Admin</a></nav>')


def listing(title: str, links: list[str], more: str = "") -> bytes:
    items = "".join(f'<li><a href="{p}">{ARTICLES.get(p, ("x",))[0]}</a></li>' for p in links)
    return f"""<!doctype html><html><head><title>{title} | Riverside Post</title><meta property="og:type" content="website">
<link rel="alternate" type="application/rss+xml" title="Feed" href="/feed/">{more}</head>
<body><header>{nav()}</header><main><h1>{title}</h1><ul>{items}</ul></main></body></html>""".encode()


def urlset(base: str, paths: list[str], news: bool = False) -> bytes:
    def entry(p: str) -> str:
        extra = (f"<news:news><news:publication><news:name>Riverside Post</news:name></news:publication>"
                 f"<news:publication_date>{ARTICLES[p][2]}</news:publication_date><news:title>{ARTICLES[p][0]}</news:title></news:news>") if news else ""
        return f"<url><loc>{base}{p}</loc><image:image><image:loc>{base}/wp-content/uploads/pic.jpg</image:loc></image:image>{extra}</url>"
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">'
            + "".join(entry(p) for p in paths) + "</urlset>").encode()


def site_routes(base: str) -> dict[str, Reply]:
    index = ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<sitemap><loc>{base}/post-sitemap.xml</loc></sitemap><sitemap><loc>{base}/page-sitemap.xml</loc></sitemap>"
             "</sitemapindex>").encode()
    items = "".join(f"<item><title>{ARTICLES[p][0]}</title><link>{base}{p}</link><guid>{base}/?p={i}</guid></item>"
                    for i, p in enumerate(IN_FEED))
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Riverside Post</title>{items}</channel></rss>'.encode()
    about = listing("About our newsroom and its people", []).replace(b"<main>", b"<main><p>We are a small newsroom.</p>")
    routes = {
        "/robots.txt": Reply(body=f"User-agent: *\nDisallow: /private/\nDisallow: /wp-admin/\nSitemap: {base}/news-sitemap.xml\n".encode(), headers=TEXT),
        "/sitemap.xml": Reply(body=index, headers=XML),
        "/post-sitemap.xml": Reply(body=urlset(base, IN_SITEMAP), headers=XML),
        "/page-sitemap.xml": Reply(body=urlset(base, ["/about-our-newsroom-and-its-people/", "/contact/"]), headers=XML),
        "/news-sitemap.xml": Reply(body=urlset(base, IN_NEWS_SITEMAP, news=True), headers=XML),
        "/feed/": Reply(body=feed, headers=RSS),
        "/": Reply(body=listing("Riverside Post", [list(ARTICLES)[0]]), headers=HTML),
        "/category/local/": Reply(body=listing("Local", ON_PAGE_1, '<link rel="next" href="/category/local/page/2/">'), headers=HTML),
        "/category/local/page/2/": Reply(body=listing("Local, page 2", ON_PAGE_2), headers=HTML),
        "/about-our-newsroom-and-its-people/": Reply(body=about, headers=HTML),
        "/tag/weather/": Reply(body=listing("Weather", list(ARTICLES)), headers=HTML),
        "/author/mark-jansen/": Reply(body=listing("Mark Jansen", list(ARTICLES)), headers=HTML),
        DISALLOWED: Reply(body=b"<html><body><h1>secret</h1></body></html>", headers=HTML),
    }
    routes.update({p: Reply(body=article_page(base, p), headers=HTML) for p in ARTICLES})
    return routes


def crawl_site(db, server) -> Generic:
    config = parse_config({"fetch": {"per_host_delay": 0.0, "timeout": 5, "max_retries": 0, "concurrency": 4},
                           "sites": {"riverside": {"adapter": "generic", "base_url": server.origin}}},
                          known_sites=adapter_names())
    adapter = Generic.for_site("riverside", config.site("riverside").base_url)
    with Store(db) as store, Fetcher(config.fetch) as fetcher:
        robots = RobotsPolicy(fetcher)
        SiteCrawl(store, adapter, fetcher, 200, robots=robots).run()
    return adapter


def stored(db, sql):
    with sqlite3.connect(db) as conn:
        return [tuple(r) for r in conn.execute(sql)]


def test_a_site_configured_by_base_url_alone_gives_every_article_and_nothing_else(tmp_path):
    with LocalServer({}) as server:
        server.routes = site_routes(server.origin)
        crawl_site(tmp_path / "a.db", server)
        hits = dict(server.hits)
    rows = stored(tmp_path / "a.db", "SELECT site, url, title, authors, published FROM articles ORDER BY url")
    assert {url.removeprefix(server.origin) for _, url, *_ in rows} == set(ARTICLES)
    assert {site for site, *_ in rows} == {"riverside"}
    assert DISALLOWED not in hits and "/wp-admin/" not in hits
    # Neither tags nor authors are read for links (articles list them; they list nothing new).
    assert "/tag/weather/" not in hits and "/author/mark-jansen/" not in hits
    by_url = {url.removeprefix(server.origin): (title, json.loads(names), when) for _, url, title, names, when in rows}
    for path, (title, author, when) in ARTICLES.items():
        expected_when = read_stamp(when).iso()
        assert by_url[path] == (title, [author], expected_when), path


def test_an_about_page_with_a_headline_like_slug_is_not_an_article(tmp_path):
    with LocalServer({}) as server:
        server.routes = site_routes(server.origin)
        crawl_site(tmp_path / "a.db", server)
    failed = stored(tmp_path / "a.db", "SELECT url, error FROM captures WHERE error LIKE 'parse:%'")
    assert [(u.removeprefix(server.origin), e) for u, e in failed] == [
        ("/about-our-newsroom-and-its-people/", "parse: the page says it is no article (og:type website)")]


def test_robots_txt_names_sitemaps_to_start_from():
    adapter = Generic.for_site("riverside", "http://127.0.0.1:9")
    robots = "User-agent: *\nDisallow: /x/\nSitemap: https://riverside.example/news.xml\nSitemap: https://elsewhere.example/s.xml\n"
    adapter.base_url = "https://riverside.example"
    assert adapter.sitemaps_from_robots(robots) == ["https://riverside.example/news.xml"]


@pytest.mark.parametrize("url,article,listing", [
    ("https://n.example/2024/03/05/river-rises/", True, False),
    ("https://n.example/news/world-12345678", True, False),
    ("https://n.example/mayor-opens-the-new-bridge/", True, False),
    ("https://n.example/2024/03/05/", False, False),
    ("https://n.example/category/world/page/2/", False, True),
    ("https://n.example/world/", False, True),
    ("https://n.example/tag/cats/", False, False),
    ("https://n.example/author/jane-doe/", False, False),
    ("https://n.example/contact/", False, False),
    ("https://n.example/wp-content/uploads/2024/03/a-long-report-on-things.pdf", False, False),
    ("https://n.example/feed/", False, True),
    ("https://other.example/2024/03/05/river-rises/", False, False),
])
def test_article_and_listing_urls_are_told_by_their_shape(url, article, listing):
    adapter = Generic.for_site("n", "https://n.example")
    assert (adapter.article_key(url) is not None, adapter.is_listing(url)) == (article, listing)


def test_fetching_given_urls_still_takes_every_url_as_an_article():
    adapter = Generic("https://n.example")
    assert adapter.article_key("https://n.example/about/") == "https://n.example/about/"
    assert adapter.name == "generic"


def test_dates_keep_the_precision_the_page_states():
    assert read_stamp("2020-02-24T12:57:13+0000").iso() == "2020-02-24T12:57:13+00:00"
    assert read_stamp("2020-02-18T18:07:56+09:00").iso() == "2020-02-18T09:07:56+00:00"
    day = read_stamp("2020-03-05")
    assert (day.iso(), day.precision) == ("2020-03-05", "day")
    naive = read_stamp("2020-03-05T23:30:00")  # which zone is unknown: the day only
    assert (naive.iso(), naive.precision) == ("2020-03-05", "day")
    tree = H.parse_html('<html><head><meta itemprop="datePublished" content="2020-03-05T10:00:00+01:00"></head>'
                        '<body><article><header><time datetime="2020-03-05">5 March</time></header></article></body></html>')
    assert published(tree, {}).iso() == "2020-03-05T09:00:00+00:00"  # a later time of the same day refines it


@pytest.mark.parametrize("nested", [
    # a reference's authors and year (Springer's reference list), a reader's comment, a listed story
    '<li itemprop="citation" itemscope itemtype="http://schema.org/ScholarlyArticle"><meta itemprop="author" '
    'content="NH. Shear, SP. Spielberg, "><meta itemprop="datePublished" content="1988">Shear NH. J Clin Invest. 1988</li>',
    '<div itemprop="comment" itemscope itemtype="https://schema.org/Comment"><meta itemprop="author" content="Rita Reader">'
    '<meta itemprop="datePublished" content="2019-04-02T08:00:00+00:00"><p>Great piece.</p></div>',
    '<ol itemscope itemtype="https://schema.org/ItemList"><li itemprop="itemListElement" itemscope '
    'itemtype="https://schema.org/NewsArticle"><meta itemprop="author" content="Otto Other">'
    '<meta itemprop="datePublished" content="2018-01-01"></li></ol>',
])
def test_microdata_of_another_work_the_page_cites_is_not_the_articles(nested):
    article = ('<article itemscope itemtype="https://schema.org/NewsArticle"><meta itemprop="datePublished" '
               'content="2020-03-05T10:00:00+01:00"><h1 itemprop="headline">Flood reaches the old town</h1>'
               '<p>The water rose overnight.</p><div itemprop="author" itemscope itemtype="https://schema.org/Person">'
               '<meta itemprop="author" content="Jane Roe"></div>{}</article>')
    # the page's own statements come after the other work's in the source: they must still be read
    tree = H.parse_html("<html><body>" + article.format(nested).replace("<meta itemprop=\"datePublished\" "
                        "content=\"2020-03-05T10:00:00+01:00\">", "") + '<meta itemprop="datePublished" '
                        'content="2020-03-05T10:00:00+01:00"></body></html>')
    assert authors(tree, {}) == ("Jane Roe",)
    assert published(tree, {}).iso() == "2020-03-05T09:00:00+00:00"


def test_authors_are_refused_by_whole_tokens_only():
    tree = H.parse_html('<p class="byline">By Mark Smith, Julia Jones and Jan Novak | March 3, 2020, 7:57 AM</p>')
    assert authors(tree, {}) == ("Mark Smith", "Julia Jones", "Jan Novak")
    tree = H.parse_html('<p class="byline">CBS News February 24, 2020, 7:57 AM</p>')
    assert authors(tree, {}, ["CBS News"]) == ()
    assert authors(H.parse_html(""), {"author": [{"@type": "Person", "name": "Mary Clare Jalonick"}, {"@type": "Organization", "name": "AP"}]}) == ("Mary Clare Jalonick",)


@pytest.mark.parametrize("byline, expected", [
    ("Post author By Helga Brandt", ("Helga Brandt",)),
    ("Written by Ana Lima and Tom Reyes", ("Ana Lima", "Tom Reyes")),
    ("Story and photos by Kofi Mensah", ("Kofi Mensah",)),
    ("Von Ursula von der Leyen", ("Ursula von der Leyen",)),  # "von" inside a name stays
    ("Marco di Stefano", ("Marco di Stefano",)),
])
def test_a_label_before_by_is_no_part_of_the_name(byline, expected):
    assert authors(H.parse_html(f'<div class="byline">{byline}</div>'), {}) == expected


def test_a_byline_in_the_comments_names_a_commenter_not_the_author():
    page = ('<article><h1>Storm hits</h1><p>Text.</p></article><section id="comments"><ol class="commentlist">'
            '<li><div class="comment-meta"><span class="byline"><a rel="author">Pat Reader</a></span></div></li></ol></section>')
    assert authors(H.parse_html(page), {}) == ()
    page = page.replace("<h1>Storm hits</h1>", '<h1>Storm hits</h1><span class="byline">By Dana Writer</span>')
    assert authors(H.parse_html(page), {}) == ("Dana Writer",)


def test_the_headline_is_the_article_h1_not_the_logo_nor_the_seo_title():
    page = ('<html><head><title>Big story here | Daily Planet</title><meta property="og:site_name" content="Daily Planet"></head>'
            '<body><h1>Daily Planet</h1><article><h1>Big story here</h1></article></body></html>')
    assert headline(H.parse_html(page), {}) == "Big story here"
    page = '<html><head><title>Big story here | Daily Planet</title></head><body><h1><a>Daily Planet</a></h1></body></html>'
    assert headline(H.parse_html(page), {}, "https://www.dailyplanet.example/x") == "Big story here"
    assert without_site_name("Taxes - what changes in 2024 - Daily Planet", ["Daily Planet"]) == "Taxes - what changes in 2024"


@pytest.mark.parametrize("title, names, expected", [
    # the site's tagline after its name goes with it
    ("Winter pike on the lake | fishing-news.ch | Your Swiss angling magazine", ["fishing-news"], "Winter pike on the lake"),
    ("Storm hits the coast — Daily Planet — News you can trust", ["Daily Planet"], "Storm hits the coast"),
    # the site's name first
    ("Daily Planet | Storm hits the coast", ["Daily Planet"], "Storm hits the coast"),
    # a headline that names the site keeps it: the search starts from the end
    ("Inside the Daily Planet newsroom - a year of layoffs | Daily Planet", ["Daily Planet"],
     "Inside the Daily Planet newsroom - a year of layoffs"),
    # no segment names the site: the title as written, its own dashes and bars kept
    ("Queer Royal – on drag on and off the stage", ["Daily Planet"], "Queer Royal – on drag on and off the stage"),
    ("Lexikon « Nalas pages", ["Daily Planet"], "Lexikon « Nalas pages"),
    # the site's name goes; the headline keeps its own dashes and slashes, never rewritten as " - "
    ("Korsetts – Shops, Designer – online kaufen | Pinup Fashion", ["pinup-fashion"],
     "Korsetts – Shops, Designer – online kaufen"),
    ("Daily Planet — Storm hits / the coast", ["Daily Planet"], "Storm hits / the coast"),
])
def test_a_title_loses_the_site_name_and_what_follows_it_and_nothing_else(title, names, expected):
    assert without_site_name(title, names) == expected


def headline_under(h1: str, stated: str, url: str | None = None) -> str | None:
    """The headline of an article page whose <h1> holds H1 and whose head holds STATED."""
    page = f"<html><head>{stated}</head><body><article><h1>{h1}</h1><p>Text.</p></article></body></html>"
    return headline(H.parse_html(page), {}, url)


@pytest.mark.parametrize("lang, clue, published, precision", [
    # htmldate's last resort pads what it finds to a day; the archive keeps only what is known
    ("en", "<footer><p>© 2019 Example Media. All rights reserved.</p></footer>", "2019", "year"),
    ("de", "<footer>Copyright 2018 Beispiel Verlag</footer>", "2018", "year"),
    ("es", "<div class='meta'>enero de 2015</div>", "2015-01", "month"),  # January named: a month
    ("en", "<div class='meta'>Archive 2016-04</div>", "2016-04", "month"),
    ("de", "<div class='meta'>Ausgabe 04/2016</div>", "2016-04", "month"),
    # a first of the month the page writes out is a day
    ("en", "<div class='meta'>2016-04-01</div>", "2016-04-01", "day"),
    ("en", "<div class='meta'>Issue 1 April 2016</div>", "2016-04-01", "day"),
])
def test_a_guess_known_to_the_month_or_year_is_never_a_made_up_day(lang, clue, published, precision):
    body = (f'<html lang="{lang}"><head><title>The council votes the budget</title></head><body>'
            "<h1>The council votes the budget</h1><div><p>The council voted the budget after a long debate "
            f"on schools and roads, and the mayor thanked the residents.</p></div>{clue}</body></html>").encode()
    page = FetchedPage(url="https://dp.example/stories/council-votes", final_url=None, status=200,
                       headers={"content-type": "text/html"}, body=body, fetched_at="2022-03-04T00:00:00+00:00")
    article = Generic("https://dp.example").parse(page)
    assert (article.published, article.extra["published_precision"]) == (published, precision)


def test_a_date_known_to_the_year_has_no_month_in_the_browse_view(tmp_path):
    with Store(tmp_path / "a.db") as store:
        for n, published in enumerate(("2019", "2016-04", "2016-04-01", "2016-04-01T10:00:00+00:00")):
            store.db.execute("INSERT INTO articles (site, url, title, published, text) VALUES ('s', ?, 't', ?, 'x')",
                             [f"https://dp.example/{n}", published])
        rows = store.db.execute("SELECT published_year, published_month FROM article_list ORDER BY id").fetchall()
    assert rows == [("2019", None), ("2016", "2016-04"), ("2016", "2016-04"), ("2016", "2016-04")]


@pytest.mark.parametrize("h1, stated, expected", [
    # a kicker in its own element, the page's titles name the headline alone (or after it)
    ('<span class="dachzeile">Interne Unterlagen im Netz</span>\n<span class="headline">Daten von Rheinmetall gehackt</span>',
     '<meta property="og:title" content="Daten von Rheinmetall gehackt - Interne Unterlagen im Netz">',
     "Daten von Rheinmetall gehackt"),
    ('<div class="overline">Covid-19:</div> Lässt sich die Ausbreitung in Deutschland kontrollieren?',
     "<title>Lässt sich die Ausbreitung in Deutschland kontrollieren? | Spektrum</title>",
     "Lässt sich die Ausbreitung in Deutschland kontrollieren?"),
    ('<a href="/open-future"><em>Open Future</em></a><span>Why collaborative thinking beats individual smarts</span>',
     '<meta name="twitter:title" content="Why collaborative thinking beats individual smarts">',
     "Why collaborative thinking beats individual smarts"),
    # not kickers: the stated title has the whole text, or the parts are one headline's lines
    ("<span>Siemens und Adani:</span> <span>Kaeser verarscht Neubauer</span>",
     '<meta property="og:title" content="Siemens und Adani: Kaeser verarscht Neubauer">',
     "Siemens und Adani: Kaeser verarscht Neubauer"),
    ("Storm hits<br>the coast tonight", "<title>Storm hits the coast tonight - Daily Planet</title>",
     "Storm hits the coast tonight"),
    ("Storm <em>really</em> hits the coast", "<title>Storm really hits the coast</title>", "Storm really hits the coast"),
    ("<span>Live</span> <span>Storm</span>", "<title>Storm</title>", "Live Storm"),  # one word is no headline
])
def test_a_kicker_over_the_headline_is_left_out(h1, stated, expected):
    assert headline_under(h1, stated) == expected


def test_the_headline_is_not_repeated_as_the_first_line_of_the_text():
    body = ('<html><head><title>Storm hits the coast - Daily Planet</title></head><body><article><h1>Storm hits the coast!</h1>'
            + "".join(f"<p>Paragraph {i} about the storm and the coast, long enough to count as text.</p>" for i in range(8))
            + "</article></body></html>").encode()
    page = FetchedPage(url="https://dp.example/storm-hits-the-coast-now", final_url=None, status=200,
                       headers={"content-type": "text/html"}, body=body, fetched_at=datetime.now(timezone.utc).isoformat())
    article = Generic("https://dp.example").parse(page)
    assert article.title == "Storm hits the coast!" and not article.text.startswith("Storm hits")
    assert article.parser == "generic/11"


def test_a_headline_shown_under_its_kicker_is_not_the_first_line_either():
    body = ('<html><head><meta property="og:title" content="Storm hits the coast - Weather alert"></head><body><article>'
            '<h1><span class="kicker">Weather alert</span> <span class="title">Storm hits the coast</span></h1>'
            + "".join(f"<p>Paragraph {i} about the storm and the coast, long enough to count as text.</p>" for i in range(8))
            + "</article></body></html>").encode()
    page = FetchedPage(url="https://dp.example/storm-hits-the-coast-now", final_url=None, status=200,
                       headers={"content-type": "text/html"}, body=body, fetched_at=datetime.now(timezone.utc).isoformat())
    article = Generic("https://dp.example").parse(page)
    assert article.title == "Storm hits the coast"
    assert article.text.startswith("Paragraph 0")


def test_three_lines_of_config_and_archiver_crawl_follow_the_site(tmp_path):
    from click.testing import CliRunner

    from archiver.cli import cli

    with LocalServer({}) as server:
        server.routes = site_routes(server.origin)
        config = tmp_path / "config.toml"
        config.write_text(f'[fetch]\nper_host_delay = 0.0\n\n[sites.riverside]\nadapter = "generic"\nbase_url = "{server.origin}"\n')
        runner = CliRunner()
        listed = runner.invoke(cli, ["--config", str(config), "sites"]).output
        result = runner.invoke(cli, ["--config", str(config), "--db", str(tmp_path / "a.db"), "crawl", "riverside"])
    assert "riverside" in listed and "adapter=generic" in listed
    assert result.exit_code == 0, result.output
    rows = stored(tmp_path / "a.db", "SELECT site, url FROM articles")
    assert {url.removeprefix(server.origin) for _, url in rows} == set(ARTICLES)
    assert {site for site, _ in rows} == {"riverside"}


def test_a_crawl_loads_the_extractor_before_its_fetch_threads_parse(tmp_path):
    # Fetch threads parsing their first pages at the same moment would each import trafilatura;
    # a module several threads import at once can be seen half-initialised. The crawl loads it
    # first, while every command that parses nothing never pays for it.
    import subprocess
    import sys

    from .conftest import ROOT

    check = ("import sys; from archiver.sites.generic import Generic; adapter = Generic('https://news.example', 'news'); "
             "assert 'trafilatura' not in sys.modules; adapter.load(); assert 'trafilatura' in sys.modules")
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    source = (ROOT / "archiver" / "pipeline.py").read_text()
    run = source[source.index("    def run(self) -> list[RunReport]:"):]
    assert run.index("crawl.adapter.load()") < run.index("ThreadPoolExecutor(")


@pytest.mark.parametrize("reference", [
    "https://n.example/#/schema/person/8533e6940bc9c45016baeaea51db9fc3",  # Yoast's form
    "https://n.example/author/jdoe/#author",
])
def test_authors_given_by_reference_in_a_json_ld_graph_are_found(reference):
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "NewsArticle", "@id": "https://n.example/a/#article", "headline": "River rises",
         "author": {"@id": reference}, "publisher": {"@id": "https://n.example/#organization"}},
        {"@type": "WebSite", "@id": "https://n.example/#website", "name": "North News"},
        {"@type": "Organization", "@id": "https://n.example/#organization", "name": "North News"},
        {"@type": "Person", "@id": reference, "name": "Kofi Mensah", "url": "https://n.example/author/kofi/"}]}
    tree = H.parse_html(f'<html><head><script type="application/ld+json">{json.dumps(graph)}</script></head>'
                        '<body><article><h1>River rises</h1></article></body></html>')
    ld = H.ld_article(tree)
    assert authors(tree, ld) == ("Kofi Mensah",)
    assert ld["publisher"]["name"] == "North News"
    assert graph["@graph"][0]["author"] == {"@id": reference}  # the page's own objects are left as they were
    # a list of references, one of which names nothing on the page
    graph["@graph"][0]["author"] = [{"@id": reference}, {"@id": "https://n.example/#/schema/person/gone"}]
    tree = H.parse_html(f'<script type="application/ld+json">{json.dumps(graph)}</script>')
    assert authors(tree, H.ld_article(tree)) == ("Kofi Mensah",)


def test_a_person_publishing_their_own_site_is_its_author():
    ld = {"@type": "BlogPosting", "author": {"@type": "Person", "name": "Andreas Kalt"},
          "publisher": {"@type": ["Person", "Organization"], "name": "Andreas Kalt"}}
    tree = H.parse_html('<html><head><meta property="og:site_name" content="rete-mirabile.net"></head></html>')
    site = site_names(tree, ld, "https://rete-mirabile.net/notizen/x/")
    assert "Andreas Kalt" not in site
    assert authors(tree, ld, site) == ("Andreas Kalt",)
    ld["publisher"] = {"@type": "Organization", "name": "Andreas Kalt"}  # a publication of that name: no author
    assert authors(tree, ld, site_names(tree, ld, "https://rete-mirabile.net/notizen/x/")) == ()


@pytest.mark.parametrize("byline, expected", [
    ("Author Andreas Kalt", ("Andreas Kalt",)),  # a screen reader's label run into the name
    ("Autor: Fritz Imhof", ("Fritz Imhof",)),
    ("Auteur Anna Kubišta", ("Anna Kubišta",)),
    ("Authors: Lea Roth, Max Hahn", ("Lea Roth", "Max Hahn")),
    ("Authority Watch", ("Authority Watch",)),  # a word that only starts like the label stays
])
def test_a_label_naming_the_field_is_no_part_of_the_name(byline, expected):
    assert authors(H.parse_html(f'<span class="byline">{byline}</span>'), {}) == expected


def test_json_ld_names_written_with_html_escapes_are_read_as_text():
    ld = {"@type": "NewsArticle", "author": {"@type": "Person", "name": "Jos&eacute; Mar&iacute;a P&eacute;rez"}}
    assert authors(H.parse_html(""), ld) == ("José María Pérez",)


@pytest.mark.parametrize("h1, stated, expected", [
    # the markup names the kicker: it goes even where the page's titles run it into the headline
    ('<span class="article-heading__kicker">Klimaschutz</span><span class="sep">:</span> '
     '<span class="article-heading__title">Bohren, bis es heiß wird</span>',
     '<meta property="og:title" content="Klimaschutz: Bohren, bis es heiß wird">', "Bohren, bis es heiß wird"),
    ('<span class="overline">Die Zukunft der Arbeit</span>"Wir dekorieren die Liegestühle um"',
     '<meta property="og:title" content="Die Zukunft der Arbeit - &quot;Wir dekorieren die Liegestühle um&quot;">',
     '"Wir dekorieren die Liegestühle um"'),
    ('<a href="/x"><p class="c-topline">27.01.2022</p>Mineral oil sales in November</a>',
     "<title>27.01.2022 Mineral oil sales in November</title>", "Mineral oil sales in November"),
    ('<div class="ts-Roofline">Abstandsregeln und Fieberkontrollen :</div> Wie Firmen ihre Leute schützen',
     "<title>Abstandsregeln und Fieberkontrollen : Wie Firmen ihre Leute schützen</title>", "Wie Firmen ihre Leute schützen"),
    # a label, a topic, text set small (by class, or as a <small> element) over the headline
    ('<span class="label label--blue">Patch Notes</span><span>&nbsp;</span>Patchnotes 4.47.4 - Bugfix Build',
     "<title>Patch Notes - Patchnotes 4.47.4 - Bugfix Build | Forums</title>", "Patchnotes 4.47.4 - Bugfix Build"),
    ('<div class="topic-label">100. Geburtstag</div> Holocaust-Überlebende wird 100 Jahre',
     "<title>100. Geburtstag:  Holocaust-Überlebende wird 100 Jahre</title>", "Holocaust-Überlebende wird 100 Jahre"),
    ('<span class="h1small">Initiative EnergieEffizienz</span> Kostenloser Stromcheck für Haushalte',
     "<title>Initiative EnergieEffizienz - kostenloser Stromcheck</title>", "Kostenloser Stromcheck für Haushalte"),
    ('<span itemprop="headline"><small>Einheit der Woche</small><br>Lagen-Pyramide mit GA2</span>',
     "<title>Einheit der Woche | Lagen-Pyramide mit GA2 - SWIM.DE</title>", "Lagen-Pyramide mit GA2"),
    # small print after the headline, or leaving one word, is no kicker
    ('Storm hits the coast <small>Updated</small>', "<title>Storm hits the coast Updated</title>",
     "Storm hits the coast Updated"),
    ('<small>Weather</small> Storm', "<title>Weather Storm</title>", "Weather Storm"),
    # a kicker class after the headline, or one leaving a single word, leaves the headline whole
    ('Storm hits the coast <span class="kicker">Live</span>', "<title>Storm hits the coast Live</title>",
     "Storm hits the coast Live"),
    ('<span class="eyebrow">Weather</span> Storm', "<title>Weather Storm</title>", "Weather Storm"),
    # text for screen readers only is not the headline shown
    ('Was wir über uns nicht hören wollen<span class="element-invisible"> | FASSETTE.NET</span>',
     '<meta property="og:title" content="Was wir über uns nicht hören wollen">', "Was wir über uns nicht hören wollen"),
    ('<span class="sr-only">Headline:</span> Energiewende und gesellschaftlicher Wandel',
     "<title>Energiewende und gesellschaftlicher Wandel</title>", "Energiewende und gesellschaftlicher Wandel"),
])
def test_a_kicker_the_markup_names_and_text_for_screen_readers_are_no_part_of_the_headline(h1, stated, expected):
    assert headline_under(h1, stated) == expected


def test_a_site_name_with_separators_of_its_own_goes_whole():
    assert without_site_name("Pour le néolibéralisme, la retraite est un archaïsme | AOC media - Analyse Opinion Critique",
                             ["AOC media - Analyse Opinion Critique", "aoc"]) == \
        "Pour le néolibéralisme, la retraite est un archaïsme"
    # ... but the headline's own last segment stays when only the segment after it names the site
    assert without_site_name("Storm - what changes | Daily Planet", ["Daily Planet - News you can trust"]) == "Storm - what changes"


@pytest.mark.parametrize("logo", [
    '<a href="/" title="Liebe geht durch den Magen">Liebe geht durch den Magen</a>',
    '<a href="https://www.rezepte.example/" rel="home"><img alt=""> Liebe geht durch den Magen</a>',
    '<a href="http://www.rezepte.example" title="Liebe geht durch den Magen"><img src="/logo.png" alt=""></a>',
])
def test_a_title_loses_the_motto_the_home_link_shows(logo):
    page = (f"<html><head><title>Rinderleber-Geschnetzeltes mit Apfel | Liebe geht durch den Magen</title></head>"
            f"<body><header><h1>{logo}</h1></header><div><p>Text.</p></div></body></html>")
    assert headline(H.parse_html(page), {}, "https://www.rezepte.example/rezepte/leber.htm") == "Rinderleber-Geschnetzeltes mit Apfel"
    # a home link that names nothing of the title takes nothing from it
    page = page.replace("| Liebe geht durch den Magen</title>", "| Apfel und Zwiebel</title>")
    assert headline(H.parse_html(page), {}, "https://www.rezepte.example/rezepte/leber.htm") == \
        "Rinderleber-Geschnetzeltes mit Apfel | Apfel und Zwiebel"


@pytest.mark.parametrize("h1, expected", [
    ('<span class="article__subheadline">Open Progress</span><br><span itemprop="headline">Why collaborative thinking wins</span>',
     "Why collaborative thinking wins"),
    ('<a href="/series"><b>Letters from Kyiv</b></a> <em itemprop="headline name">The night the lights went out</em>',
     "The night the lights went out"),
    # inside the element microdata names, a kicker the markup names still goes
    ('<span itemprop="headline"><span class="ts-overline">Abstandsregeln :</span> Wie Firmen ihre Leute schützen</span>',
     "Wie Firmen ihre Leute schützen"),
    # the microdata headline is the whole element, or a single word inside it: the element's text
    ('<span itemprop="headline">Storm hits the coast</span>', "Storm hits the coast"),
    ('Storm hits the <span itemprop="headline">coast</span>', "Storm hits the coast"),
])
def test_the_headline_microdata_names_inside_the_headline_element_is_the_title(h1, expected):
    # the page's own <title> runs the series name and the headline together, as the Economist's does
    flat = H.clean_space(H.node_text(H.parse_html(f"<h1>{h1}</h1>").css_first("h1")))
    page = (f"<html><head><title>{flat} | The Paper</title></head>"
            f"<body><article><h1>{h1}</h1><p>Text.</p></article></body></html>")
    assert headline(H.parse_html(page), {}) == expected


@pytest.mark.parametrize("first_lines, expected", [
    (["Von Roland Brockmann und Sebastian Drescher", "Der Streit begann im Herbst."], ("Roland Brockmann", "Sebastian Drescher")),
    (["A headline-like teaser line.", "By Evan Symon, August 14, 2020 2:30 pm"], ("Evan Symon",)),
    (["Por Agencia EFE"], ("Agencia EFE",)),
    (["von Daniela Obers"], ("Daniela Obers",)),
    (["Door Jan van der Berg & Sanne de Vries"], ("Jan van der Berg", "Sanne de Vries")),
    # sentences that start as bylines do name no one
    (["Von Risiken und Nebenwirkungen"], ()),
    (["Von der Planung bis hin zu den Mitbringseln"], ()),
    (["By the time the storm hit, the town had emptied."], ()),
    (["Von Sprachregeln, Gender-Politik und «ganz normalem Deutsch»"], ()),
    # past the first lines a "By ..." line is the article's text
    (["One.", "Two.", "Three.", "By Evan Symon"], ()),
])
def test_a_byline_written_as_the_first_lines_of_the_text_names_its_people(first_lines, expected):
    text = "\n\n".join([*first_lines, "The article goes on at length about what happened in the town."])
    assert people_in_text_byline(text) == expected


def test_the_text_byline_is_read_only_when_the_page_names_no_one_itself():
    paragraphs = "".join(f"<p>Paragraph {i} about the storm and the coast, long enough to count as text.</p>" for i in range(8))

    def parsed(head: str):
        body = (f"<html><head><title>Storm hits the coast</title>{head}</head><body><article><h1>Storm hits the coast</h1>"
                f"<p>Von Claudia Lindner</p>{paragraphs}</article></body></html>").encode()
        page = FetchedPage(url="https://dp.example/storm-hits-the-coast-now", final_url=None, status=200,
                           headers={"content-type": "text/html"}, body=body, fetched_at=datetime.now(timezone.utc).isoformat())
        return Generic("https://dp.example").parse(page)

    assert parsed("").authors == ("Claudia Lindner",)
    assert parsed('<meta name="author" content="Dana Writer">').authors == ("Dana Writer",)


@pytest.mark.parametrize("ld_author, expected", [
    ("Grant Tinsley, PhD", ("Grant Tinsley",)),
    ("Jane Roe, M.D., MPH and Tom Reyes, RDN", ("Jane Roe", "Tom Reyes")),
    ("LD", ("LD",)),  # alone, a degree's letters are someone's initials
    ("'Luana Patriolino', \u201cRaphael Felice\u201d", ("Luana Patriolino", "Raphael Felice")),
    ("Md Rahman", ("Md Rahman",)),  # a name that starts like a degree stays whole
])
def test_degrees_and_quotes_around_names_are_no_names(ld_author, expected):
    assert authors(H.parse_html(""), {"author": ld_author}) == expected


@pytest.mark.parametrize("person, expected", [
    # schema.org's parts of a name stand for it where the whole is not given
    ({"@type": "Person", "givenName": "Ana", "familyName": "Lima"}, ("Ana Lima",)),
    ({"@type": "Person", "givenName": "Jan", "additionalName": "Pieter", "familyName": "de Vries"}, ("Jan Pieter de Vries",)),
    ({"@type": "Person", "name": " ", "givenName": "Ana", "familyName": "Lima"}, ("Ana Lima",)),
    ({"@type": "Person", "name": "Ana Lima Costa", "givenName": "Ana", "familyName": "Lima"}, ("Ana Lima Costa",)),
    ({"@type": "Person", "familyName": "Lima"}, ("Lima",)),
    ({"@type": "Person", "givenName": None}, ()),
])
def test_a_persons_name_given_in_parts_is_the_whole_name(person, expected):
    assert authors(H.parse_html(""), {"author": person}) == expected


def _authors_on(host: str, graph: list[dict], site_name: str, head: str = "") -> tuple[str, ...]:
    ld = json.dumps({"@context": "https://schema.org", "@graph": graph})
    body = (f'<html><head><title>Storm hits the coast</title><meta property="og:site_name" content="{site_name}">{head}'
            f'<script type="application/ld+json">{ld}</script></head><body><article><h1>Storm hits the coast</h1>'
            + "".join(f"<p>Paragraph {i} about the storm and the coast, long enough to count as text.</p>" for i in range(8))
            + "</article></body></html>").encode()
    page = FetchedPage(url=f"https://{host}/2020/04/storm-hits-the-coast/", final_url=None, status=200,
                       headers={"content-type": "text/html"}, body=body, fetched_at=datetime.now(timezone.utc).isoformat())
    return Generic(f"https://{host}").parse(page).authors


def test_a_personal_sites_owner_is_its_author_though_the_site_bears_their_name():
    owner = {"@type": ["Person", "Organization"], "@id": "https://helgabrandt.example/#/schema/person/1", "name": "Helga Brandt"}
    article = {"@type": "Article", "headline": "Storm hits the coast", "author": {"@id": owner["@id"]},
               "publisher": {"@id": owner["@id"]}}
    assert _authors_on("helgabrandt.example", [article, owner], "Helga Brandt") == ("Helga Brandt",)
    # the publisher only referred to, in Yoast's scheme for people, and the author a Person
    article = {"@type": "BlogPosting", "headline": "Storm hits the coast", "publisher": {"@id": "https://wolfschmale.example/#/schema/person/"},
               "author": {"@type": "Person", "name": "Wolf Schmale"}}
    assert _authors_on("wolfschmale.example", [article], "Wolf Schmale") == ("Wolf Schmale",)


def test_a_first_name_alone_is_completed_by_the_persons_own_description():
    person = {"@type": "Person", "@id": "https://kolumne.example/#/schema/person/7", "name": "Nils",
              "description": "Nils Pickert ist freier Autor und Journalist."}
    article = {"@type": "Article", "headline": "Storm hits the coast", "author": {"@id": person["@id"]}}
    assert _authors_on("kolumne.example", [article, person], "Kolumne") == ("Nils Pickert",)
    # the Person given apart from any article, the name from the author meta
    assert _authors_on("kolumne.example", [{"@type": "WebPage", "name": "Storm"}, person], "Kolumne",
                       '<meta name="author" content="Nils">') == ("Nils Pickert",)
    particles = {**person, "name": "Jan", "description": "Jan van der Berg, Redakteur seit 2010"}
    assert _authors_on("kolumne.example", [{**article, "author": particles}], "Kolumne") == ("Jan van der Berg",)
    # a description that goes on otherwise, or names another, leaves the name as given
    for about in ("Nils schreibt über Familien.", "Nilsson Pickert ist Autor", "Über Nils Pickert"):
        assert _authors_on("kolumne.example", [{**article, "author": {**person, "description": about}}], "Kolumne") == ("Nils",)


def test_a_publication_named_as_its_own_author_is_still_no_person():
    article = {"@type": "NewsArticle", "headline": "Storm hits the coast", "author": {"@type": "Person", "name": "Coast News"},
               "publisher": {"@type": "NewsMediaOrganization", "name": "Coast News"}}
    assert _authors_on("coastnews.example", [article], "Coast News") == ()


@pytest.mark.parametrize("stated, published, local, precision", [
    # after midnight in Berlin: the UTC moment falls on the day before; the page's own day is kept beside it
    ('<meta property="article:published_time" content="2020-04-29T00:30:00+02:00">',
     "2020-04-28T22:30:00+00:00", "2020-04-29T00:30:00+02:00", "minute"),
    ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2020-02-18T18:07:56+0900"}</script>',
     "2020-02-18T09:07:56+00:00", "2020-02-18T18:07:56+09:00", "second"),
    ('<meta property="article:published_time" content="2020-03-05">', "2020-03-05", None, "day"),
])
def test_a_moment_is_stored_in_utc_and_as_the_page_states_it(stated, published, local, precision):
    body = (f"<html><head><title>Storm hits the coast</title>{stated}</head><body><article><h1>Storm hits the coast</h1>"
            + "".join(f"<p>Paragraph {i} about the storm and the coast, long enough to count as text.</p>" for i in range(8))
            + "</article></body></html>").encode()
    page = FetchedPage(url="https://dp.example/storm-hits-the-coast-now", final_url=None, status=200,
                       headers={"content-type": "text/html"}, body=body, fetched_at=datetime.now(timezone.utc).isoformat())
    article = Generic("https://dp.example").parse(page)
    assert (article.published, article.extra.get("published_local"), article.extra["published_precision"]) == \
        (published, local, precision)


@pytest.mark.parametrize("h1, stated, expected", [
    # a subtitle marked up apart under the headline the page's titles state exactly
    ('<span>Dezuka Suisan: Fish Cakes, Hot and Fresh</span>\n<small>Welcome to the Flavor Capital of Japan</small>',
     '<meta property="og:title" content="Dezuka Suisan: Fish Cakes, Hot and Fresh">', "Dezuka Suisan: Fish Cakes, Hot and Fresh"),
    ('<span class="title">Tagesschau unterschlägt Demo</span> <span class="sub">Gebührenfinanzierte Verharmlosung</span>',
     '<title>Tagesschau unterschlägt Demo | Reitschuster</title><meta property="og:site_name" content="Reitschuster">',
     "Tagesschau unterschlägt Demo"),
    # a title that starts with the first part and goes on names a kicker, not a headline
    ('<span>Strompreisbremse – Erlösabschöpfung</span><span>:</span> <span>Bundesregierung drosselt Bioenergie, Branche protestiert</span>',
     "<title>Strompreisbremse, Erlösabschöpfung: Bundesregierung drosselt Bioenergie</title>",
     "Strompreisbremse – Erlösabschöpfung: Bundesregierung drosselt Bioenergie, Branche protestiert"),
    # the whole stated: one headline on two lines
    ("<span>Storm hits the coast</span><br><span>and the town empties</span>",
     "<title>Storm hits the coast and the town empties</title>", "Storm hits the coast and the town empties"),
    # parts inside one element wrapping them all are read as the headline element's own
    ('<span class="wrap"><small>Einheit der Woche</small><br>Lagen-Pyramide mit GA2</span>',
     "<title>Lagen-Pyramide mit GA2 - swim.de</title>", "Lagen-Pyramide mit GA2"),
])
def test_a_subtitle_under_the_headline_is_left_out(h1, stated, expected):
    assert headline_under(h1, stated, "https://www.example.org/a/b") == expected


def test_a_wayback_capture_under_its_archive_address_is_named_after_its_site():
    tree = H.parse_html("<html><head><title>Was ist Virales Marketing? | DimidoBlog</title></head></html>")
    url = "https://web.archive.org/web/20080731095558/http://www.dimido.de/2008/07/29/was-ist-virales-marketing/"
    assert site_names(tree, {}, url) == ["dimido"]
    assert headline(tree, {}, url) == "Was ist Virales Marketing?"
    assert site_names(tree, {}, "https://web.archive.org/about/") == ["web", "archive"]
    # the registered domain's label beside the host's first (a forum on its own subdomain)
    assert site_names(tree, {}, "https://foren.myoos.de/viewtopic.php?t=167") == ["foren", "myoos"]
    assert site_names(tree, {}, "https://news.bbc.co.uk/1/hi/world/") == ["news", "bbc"]


def test_a_dateline_under_a_headline_with_its_kicker_is_found():
    from archiver.sites.metadata import headline_as_shown, written_published

    # the headline's line holds the kicker too (inline); the title is the headline alone
    tree = H.parse_html('<html><head><title>Sturm trifft die Küste</title></head><body><article>'
                        '<h1><span class="dachzeile">Unwetter</span> Sturm trifft die Küste</h1><p>Kiel, 12.11.2021</p>'
                        '<p>Der Sturm kam in der Nacht.</p></article></body></html>')
    url = "https://dp.example/sturm-trifft-die-kueste"
    assert headline(tree, {}, url) == "Sturm trifft die Küste"
    for shown in (None, headline_as_shown(tree, {}, url)):
        stamp = written_published(tree, {}, url, shown)
        assert stamp is not None and (stamp.day.isoformat(), stamp.source) == ("2021-11-12", "written")


def authors_in_meta(value: str) -> tuple[str, ...]:
    """The authors a page names whose author meta says VALUE."""
    return authors(H.parse_html(f'<html><head><meta name="author" content="{value}"></head></html>'), {})


@pytest.mark.parametrize("meta_author, expected", [
    # organisations by their legal form or their web address are no people
    ("Perform Media Deutschland GmbH", ()),
    ("Bund der Energieverbraucher e.V.", ()),
    ("Bund der Energieverbraucher e V", ()),  # as trafilatura normalises it
    ("Naturstrom AG", ()),
    ("Acme Widgets Ltd.", ()),
    ("Web Commerce GmbH www.w-commerce.de", ()),
    ("www.koffergepackt.com", ()),
    # people whose names hold the same letters elsewhere stay
    ("Agnes Segal", ("Agnes Segal",)),
    ("Pak Se-ri", ("Pak Se-ri",)),
    ("Giulia e Marco Rossi", ("Giulia", "Marco Rossi")),  # "e" still joins names
    ("José de la Cruz", ("José de la Cruz",)),
])
def test_organisations_are_no_authors(meta_author, expected):
    assert authors_in_meta(meta_author) == expected


@pytest.mark.parametrize("meta_author, expected", [
    ("Finian Cunningham. Sputnik International", ("Finian Cunningham",)),  # the reference page's own meta
    ("Mary-Jane O. Smith-Jones. Reuters. London", ("Mary-Jane O. Smith-Jones",)),
    ("Prof. Anna Weber", ("Prof. Anna Weber",)),
    ("J. R. R. Tolkien", ("J. R. R. Tolkien",)),
    ("Martin Luther King Jr.", ("Martin Luther King Jr.",)),
])
def test_an_affiliation_after_a_full_stop_is_no_part_of_the_name(meta_author, expected):
    assert authors_in_meta(meta_author) == expected


def test_an_organisation_with_its_address_and_the_metas_refused_yield_no_author():
    # the address after an organisation's name names no people either
    tree = H.parse_html('<html><head><meta name="author" content="Olympia-Verlag GmbH, Nürnberg, Germany"></head></html>')
    assert authors(tree, {}) == ()
    # trafilatura's reading of a refused meta (dots and case normalised away) is not asked instead
    tree = H.parse_html('<html><head><meta name="author" content="www.haufe.de"></head></html>')
    assert authors(tree, {}, fallback=["Www Haufe De"]) == ()
    assert authors(H.parse_html("<html></html>"), {}, fallback=["Dana Writer"]) == ("Dana Writer",)
    assert authors(H.parse_html('<span class="byline">C</span>'), {}) == ()  # a letter is no name
    assert authors(H.parse_html('<span class="byline">Follow</span>'), {}) == ()  # nor a button's word


@pytest.mark.parametrize("host, site_name, meta_author, expected", [
    # the site's imprint: its own name, then its address; split at "und"/"and" it read as people
    ("kirche-und-leben.example", "", "Kirche und Leben, Münster, Germany", ()),
    ("giromatch.example", "", "GIROMATCH, Frankfurt a. M., Germany", ()),
    ("herald.example", "Valley Herald and Courier", "Valley Herald and Courier, 12 Main Street, Springfield", ()),
    ("herald.example", "Valley Herald and Courier", "Valley Herald and Courier", ()),
    # a person first, the site after: the person stays
    ("herald.example", "Valley Herald and Courier", "Jane Roe, Valley Herald and Courier", ("Jane Roe",)),
    # co-authors between commas stay
    ("herald.example", "Valley Herald and Courier", "Mara Lind, Jane Roe", ("Mara Lind", "Jane Roe")),
])
def test_the_sites_imprint_in_the_author_meta_names_no_one(host, site_name, meta_author, expected):
    head = f'<meta name="author" content="{meta_author}">'
    assert _authors_on(host, [], site_name or "", head) == expected


@pytest.mark.parametrize("head, expected", [
    # Yoast SEO's label and data pairs for Twitter, the label in the site's language
    ('<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Jane Roe">'
     '<meta name="twitter:label2" content="Est. reading time"><meta name="twitter:data2" content="4 minutes">', ("Jane Roe",)),
    ('<meta name="twitter:label1" content="Verfasst von"><meta name="twitter:data1" content="Anna Weber">', ("Anna Weber",)),
    ('<meta name="twitter:label1" content="Est. reading time"><meta name="twitter:data1" content="Four Minutes">', ()),
    # the account's display name holding the site's name is the publication's
    ('<meta name="twitter:label1" content="Verfasst von"><meta name="twitter:data1" content="OÖ Valley Herald">', ()),
    # co-authors, one meta each
    ('<meta name="parsely-author" content="Jane Roe"><meta name="parsely-author" content="Nora Quist">', ("Jane Roe", "Nora Quist")),
    ('<meta name="author" content="Jane Roe"><meta name="author" content="Jane Roe">', ("Jane Roe",)),
    # the standards that write "Last, First": Highwire's citation_author, Dublin Core's creator
    ('<meta name="citation_author" content="Roe, Jane"><meta name="citation_author" content="Quist, Nora M.">',
     ("Jane Roe", "Nora M. Quist")),
    ('<meta name="DC.creator" content="Roe, Jane">', ("Jane Roe",)),
    ('<meta name="author" content="Jane Roe, Nora Quist">', ("Jane Roe", "Nora Quist")),  # elsewhere a comma parts people
    # an e-mail address beside the name, as feeds write an author
    ('<meta name="author" content="jane@valleyherald.com (Jane Roe)">', ("Jane Roe",)),
    ('<meta name="author" content="Jane Roe &lt;jane@valleyherald.com&gt;">', ("Jane Roe",)),
    ('<meta name="author" content="jane@valleyherald.com">', ()),
])
def test_author_metas_as_the_standards_write_them(head, expected):
    assert _authors_on("herald.example", [], "Valley Herald", head) == expected


TOPICS = ('<a href="/topic/energy/" rel="category tag">Energy</a> / <a href="/topic/solar-power/" rel="tag">Solar Power</a>'
          ' / <a href="/topic/world/" rel="category">World News</a>')


@pytest.mark.parametrize("writer", [
    '<a href="/author/mara-lind/">Mara Lind</a>',
    '<a href="/author/herald/"><img src="/logo.svg" alt="Herald"></a>',  # the desk's logo: no name
])
@pytest.mark.parametrize("block", ['<div class="post-author">{writer} in {topics}</div>',
                                   '<p class="author">{writer}<br>{topics}</p>'])
def test_topic_links_beside_the_writer_in_a_byline_name_no_one(writer, block):
    page = ("<html><head><title>Storm hits the coast</title></head><body><article><h1>Storm hits the coast</h1>"
            + block.format(writer=writer, topics=TOPICS)
            + "".join(f"<p>Paragraph {i} about the storm and the coast, long enough to count as text.</p>" for i in range(8))
            + "</article></body></html>")
    got = Generic("https://herald.example").parse(FetchedPage(
        url="https://herald.example/2020/04/storm/", final_url=None, status=200, headers={"content-type": "text/html"},
        body=page.encode(), fetched_at="2020-04-02T00:00:00+00:00")).authors
    assert not {"Energy", "Solar Power", "World News"} & set(got)
    assert got == (("Mara Lind",) if "Mara" in writer else ())


@pytest.mark.parametrize("title, names, expected", [
    ("Four Years Remaining » Blog Archive » Interning of Small Integers", ["fouryears"], "Interning of Small Integers"),
    ("Daily Planet » World » Middle East » Storm hits the coast", ["Daily Planet"], "Storm hits the coast"),
    # other separators after the site's name: only the name goes
    ("Daily Planet | Storm hits - the coast", ["Daily Planet"], "Storm hits - the coast"),
    ("Daily Planet » Storm hits | the coast", ["Daily Planet"], "Storm hits | the coast"),
])
def test_a_breadcrumb_after_the_site_name_ends_with_the_headline(title, names, expected):
    assert without_site_name(title, names) == expected


def named(tree, site=()) -> tuple[str, ...]:
    """The authors as the generic parser finds them short of the byline search: stated ones,
    else the account an author page link names."""
    from archiver.sites.metadata import account_names

    return authors(tree, {}, site) or account_names(tree)


# Blog engines link a post's author to their own page, under the account's login. Varied as real
# themes vary them: vcard spans, a bare rel=author, an escaped login, another path word, a theme
# that puts "by" inside the link.
@pytest.mark.parametrize("byline, site, expected", [
    ('<span class="author vcard"><a class="url fn n" href="https://creeny.example.com/author/creeny/" '
     'rel="author">Creeny</a></span>', "https://creeny.example.com/2020/01/24/fog/", ("Creeny",)),  # the blog's own name
    ('von <a href="/author/freeman1984/" rel="author">freeman1984</a>', "https://sladi.example/x/", ("freeman1984",)),
    ('<div class="meta"><a href="/autor/flerche">flerche</a></div>', "https://pm.example/x/", ("flerche",)),
    ('<p>Par <a href="/auteur/anne-lise-brun/">Anne-Lise Brun</a> et <a href="/auteur/tom-roy/">Tom Roy</a></p>',
     "https://fr.example/x/", ("Anne-Lise Brun", "Tom Roy")),
    ('<a href="/author/j%C3%BCrgen/">Jürgen</a>', "https://de.example/x/", ("Jürgen",)),
    # the link's text is not the login: a label, a photo, another name for the page
    ('<a href="/author/creeny/">Zeige alle Beiträge von Creeny</a>', "https://c.example/x/", ()),
    ('<a href="/author/creeny/"><img alt="" src="/a.png"></a>', "https://c.example/x/", ()),
    ('<a href="/author/admin/">admin</a>', "https://c.example/x/", ()),
    # links in the readers' comments name commenters
    ('<ol class="comment-list"><li><a href="/author/lurker9/">lurker9</a></li></ol>', "https://c.example/x/", ()),
])
def test_a_link_to_its_author_page_that_reads_as_the_login_names_the_author(byline, site, expected):
    tree = H.parse_html(f"<html><body><article><h1>Fog</h1>{byline}<p>Text.</p></article></body></html>")
    assert named(tree, site_names(tree, {}, site)) == expected


def test_author_links_of_a_related_posts_list_further_down_are_not_the_posts_authors():
    tree = H.parse_html(
        '<article><div class="byline"><span><a href="/author/mira-k/">mira-k</a></span></div><p>Text.</p></article>'
        '<aside><ul><li><div><a href="/author/otto/">otto</a></div></li><li><div><a href="/author/zed/">zed</a></div></li></ul></aside>')
    assert named(tree) == ("mira-k",)


def test_a_stated_author_comes_before_the_author_page_link():
    tree = H.parse_html('<head><meta name="author" content="Dana Writer"></head>'
                        '<body><a href="/author/dwriter/">dwriter</a></body>')
    assert authors(tree, {}) == ("Dana Writer",)


@pytest.mark.parametrize("credit, expected", [
    # the desk a piece is credited to is who the page says wrote it
    ("Redaktion", ("Redaktion",)),
    ("Newsdesk", ("Newsdesk",)),
    ("Staff", ("Staff",)),
    ("Rédaction", ("Rédaction",)),
    # an account's or a template's placeholder names no one
    ("admin", ()),
    ("Administrator", ()),
    ("Anonymous", ()),
    ("Unknown", ()),
    ("No author", ()),
    ("Editor", ()),  # a CMS role's account name
])
def test_a_desk_credit_is_kept_and_a_placeholder_is_not(credit, expected):
    ld = {"@type": "NewsArticle", "author": {"@type": "Person", "name": credit}}
    assert authors(H.parse_html(""), ld) == expected
    assert authors(H.parse_html(f'<span class="byline">von {credit}</span>'), {}) == expected


@pytest.mark.parametrize("byline, expected", [
    # the word that introduces the date a byline runs into goes with the date
    ("Sara Zinnecker Stand: 12.05.2020", ["Sara Zinnecker"]),
    ("José Miguel Wilson hace 3 horas", ["José Miguel Wilson"]),
    ("Jane Doe Updated on March 3, 2020", ["Jane Doe"]),
    ("Marie Dupont, publié le 3 mars 2020", ["Marie Dupont"]),
    ("Jane Doe am 12.03.2020", ["Jane Doe"]),
    ("Mark Smith | March 3, 2020", ["Mark Smith"]),
    # a capitalised particle is a name's; without a date nothing is cut
    ("Tam Le 12.3.2020", ["Tam Le"]),
    ("Anna Vor", ["Anna Vor"]),
    ("Lena Date", ["Lena Date"]),
    # a one-word label before a colon
    ("Interview: Julia Lauter", ["Julia Lauter"]),
    ("Fotos: Kai Wu", ["Kai Wu"]),
])
def test_labels_around_a_byline_are_no_part_of_the_name(byline, expected):
    assert split_names(byline) == expected


@pytest.mark.parametrize("byline, expected", [
    ('<div data-testid="prism-byline"><span>By</span><a href="https://abc.example/about/newsteam/jr-stone">J.R. Stone</a>'
     '<span>November 8, 2023</span></div>', ("J.R. Stone",)),
    ('<p class="article-byline">Von <a href="/profil/detail/A7M7/nikolai-huke?x=1">Nikolai Huke</a></p>', ("Nikolai Huke",)),
    # what else a byline links: the section, a tag, a single word, a top-level page
    ('<p class="c-byline"><a href="/section/world-news/">World News</a></p>', ()),
    ('<p class="c-byline"><a href="/news/tag/city-hall">City Hall</a></p>', ()),
    ('<p class="c-byline"><a href="/people/nora">Nora</a></p>', ()),
    ('<p class="c-byline"><a href="/world-news/">World News</a></p>', ()),
])
def test_a_byline_link_to_the_writers_own_page_names_the_writer(byline, expected):
    assert named(H.parse_html(f"<article><h1>Fire at the mill</h1>{byline}<p>Text.</p></article>")) == expected


def test_soft_hyphens_and_zero_width_spaces_are_no_part_of_the_words_so_search_finds_them(tmp_path):
    body = ("<html><head><title>Deutsch&shy;land hilft | Ministerium</title></head><body><article>"
            "<h1>Deutsch&shy;land hilft dem Welt\u00adernährungs\u00adprogramm</h1>"
            + "".join(f"<p>Absatz {i}: Deutsch&shy;land stockt die Mittel für das Pro\u200bgramm auf, "
                      "wie das Ministerium am Montag mitteilte.</p>" for i in range(6))
            + "</article></body></html>").encode()
    url = "https://bmz.example/de/aktuelles/deutschland-hilft-dem-welternaehrungsprogramm"
    page = FetchedPage(url=url, final_url=None, status=200, headers={"content-type": "text/html; charset=utf-8"},
                       body=body, fetched_at="2024-03-01T00:00:00+00:00")
    adapter = Generic("https://bmz.example")
    article = adapter.parse(page)
    assert article.title == "Deutschland hilft dem Welternährungsprogramm"
    assert "Deutschland stockt die Mittel für das Programm auf" in article.text
    assert not any(hint in article.text + article.title for hint in "\u00ad\u200b")
    from archiver.archive import archive_page
    from archiver.search import run_search

    with Store(tmp_path / "a.db") as store:
        archive_page(store, adapter, page)
        assert [hit["title"] for hit in run_search(store, "Deutschland")] == [article.title]
        assert run_search(store, "Welternährungsprogramm")


def test_an_h1_that_opens_a_title_running_on_into_a_tagline_is_the_headline():
    stated = "<title>Alkohol auf dem Boot – Erfahre mehr zu den Risiken</title>"
    assert headline_under("Alkohol auf dem Boot", stated) == "Alkohol auf dem Boot"
    # a one-word <h1> is no evidence
    assert headline_under("Alkohol", stated) == "Alkohol auf dem Boot – Erfahre mehr zu den Risiken"


def test_a_logo_h1_linking_the_home_page_is_no_headline_in_a_wayback_capture_either():
    url = "https://web.archive.org/web/20150206075900/http://www.steinzeitwissen.de/artefakte/werkzeuge-des-neandertalers"
    for title in ("Werkzeuge des Neandertalers | Steinzeit &amp; Co", "Steinzeit &amp; Co | Werkzeuge des Neandertalers"):
        page = (f'<html><head><title>{title}</title></head><body><h1><a href='
                '"https://web.archive.org/web/20150206075900/http://www.steinzeitwissen.de/">Steinzeit &amp; Co</a></h1>'
                '<article><h1>Werkzeuge des Neandertalers</h1><p>Text.</p></article></body></html>')
        assert headline(H.parse_html(page), {}, url) == "Werkzeuge des Neandertalers"


def test_on_the_home_page_what_links_to_it_is_not_taken_for_the_sites_name():
    page = ('<html><head><title>Welpen kaufen – Tipps zu jeder Hunderasse</title></head><body>'
            '<a href="http://www.welpen.example/" title="Welpen kaufen – Tipps zu jeder Hunderasse">Welpen</a>'
            '<h1>Welpen kaufen – Tipps zu jeder Hunderasse</h1><p>Text.</p></body></html>')
    tree = H.parse_html(page)
    assert headline(tree, {}, "http://www.welpen.example/") == "Welpen kaufen – Tipps zu jeder Hunderasse"
    from archiver.sites.metadata import home_link_names

    assert "Welpen" in home_link_names(tree, "http://www.welpen.example/hunde/dackel")  # on any other page, it is


@pytest.mark.parametrize("byline, expected", [
    ('<a class="author" href="/p/1">View my complete profile</a>', ()),
    ('<span class="author-name">Alle Artikel</span>', ()),
    ('<a rel="author" href="/u/9">Zum Profil von Jesusfreak</a>', ()),
    ('<span class="author-name">Datum</span>', ()),
    # whole words only: a name merely starting like one stays
    ('<span class="author-name">Anna Profilova</span>', ("Anna Profilova",)),
    ('<span class="author-name">Postsen Ruud</span>', ("Postsen Ruud",)),
])
def test_a_links_or_fields_label_in_a_byline_is_no_name(byline, expected):
    assert authors(H.parse_html(f"<article>{byline}<p>Text.</p></article>"), {}) == expected


def test_the_author_page_link_is_the_last_resort_and_never_a_web_address():
    from archiver.sites.metadata import account_names

    tree = H.parse_html('<a href="https://oren.mk.example/author/mkru/">MK.RU</a>'
                        '<a href="https://x.example/author/elvallenc-cat/">ElVallenc.cat</a>')
    assert account_names(tree) == ()
    # a byline the page marks names its writer before the account that posted it
    body = ("<html><head><title>Chinovniki kupyat avtomobili</title></head><body><article>"
            "<h1>Chinovniki kupyat avtomobili</h1><div class='article__authors'>Valeriya Pestryakova</div>"
            "<a href='/author/mkru/'>mkru</a>"
            + "".join(f"<p>Paragraph {i} about the purchase of cars for the city administration.</p>" for i in range(8))
            + "</article></body></html>").encode()
    page = FetchedPage(url="https://oren.mk.example/social/2020/02/18/cars.html", final_url=None, status=200,
                       headers={"content-type": "text/html; charset=utf-8"}, body=body,
                       fetched_at="2024-03-01T00:00:00+00:00")
    assert Generic("https://oren.mk.example").parse(page).authors == ("Valeriya Pestryakova",)


def test_author_links_in_a_sidebar_widget_name_no_author_of_the_post():
    tree = H.parse_html('<article><p>Text.</p></article><div class="sidebar right"><div class="widget">'
                        '<ul class="author_spotlight"><li><a href="/author/lilly-brooks/">Lilly Brooks</a></li>'
                        '<li><a href="/author/stocks-feed/">Stocks Feed</a></li></ul></div></div>'
                        '<aside><p><a href="/author/otto/">otto</a></p></aside>')
    assert named(tree) == ()


@pytest.mark.parametrize("lines, kept_from", [
    (["Politik", "Storm hits the coast", "First paragraph."], 2),  # a section's name, then the headline
    (["15.12.2020 – 14:49", "Storm hits the coast", "First paragraph."], 2),  # a dateline
    (["Unwetter:", "Storm hits the coast", "First paragraph."], 2),
    (["Storm hits", "the coast", "First paragraph."], 2),  # one headline on two lines
    (["Storm hits the coast", "First paragraph."], 1),
    (["A", "B", "C", "Storm hits the coast", "First paragraph."], 0),  # too far in: left alone
    (["The storm came at night and took the roofs of twenty houses, the harbour master said on Monday.",
      "Storm hits the coast", "First paragraph."], 0),  # after prose: a quotation of it, not the headline
])
def test_the_bodys_copy_of_the_headline_goes_with_what_stands_over_it(lines, kept_from):
    from archiver.sites.generic import without_headline

    assert without_headline(lines, ["Storm Hits the Coast"]) == lines[kept_from:]


@pytest.mark.parametrize("byline, expected", [
    # a label naming the field, in the page's language
    ("Автор Олеся Жуковень", ("Олеся Жуковень",)),
    ("Авторы Дмитрий Попов", ("Дмитрий Попов",)),
    ("Piše Petar Mucović prije 2 sata", ("Petar Mucović",)),  # and "ago" before the time
    ("Yazar Ayşe Demir", ("Ayşe Demir",)),
    # a byline whose date was already cut off keeps no date label
    ("AFP publié le", ("AFP",)),
    ("Jane Roe Updated on", ("Jane Roe",)),
    ("Mis À Jour À", ()),
    ("Uppdaterad", ()),
    # an institution, by its noun or its legal form, or a CMS's first account, is no person;
    # a person with their institution after the name is
    ("Bundesministerium für Wirtschaft und Klimaschutz", ()), ("Polizei Steinfurt", ()), ("Besserwisser eG", ()),
    ("Eidgenössisches Departement für Wirtschaft, Bildung und Forschung WBF", ()), ("Super User", ()),
    ("Jane Doe, Institute for Fiscal Studies", ("Jane Doe",)), ("Greg Egan", ("Greg Egan",)),
    # where a script has capitals, a word in lower case before the last makes a phrase, not a name;
    # a carelessly typed surname stays
    ("Iberische Weine in Berlin", ()), ("Un documentaire de Kristen Falchon", ()), ("Tricks für zu Hause", ()),
    ("Mobasir hassan", ("Mobasir hassan",)), ("Jan van der Berg", ("Jan van der Berg",)),
    # a label before "par" or "por", as before "by"
    ("Propos recueillis par Anne Roe", ("Anne Roe",)), ("Texto e fotos por Ana Lima", ("Ana Lima",)),
    # German's "as of" label, its date elsewhere or after it
    ("Sara Zinnecker Stand", ("Sara Zinnecker",)), ("Stand", ()), ("Stand: 12.05.2020", ()),
    # a button's word or a weekday stands where a name would
    ("Megosztom", ()), ("Now", ()), ("Wednesday", ()), ("Mittwoch", ()),
    # an affiliation after a bar, a web address however written
    ("Nathan Bernier | KUT", ("Nathan Bernier",)),
    # an outlet, a place or a title after a spaced dash, in any script
    ("Anne Roe – Senior Editor", ("Anne Roe",)), ("حسام أبو العلا - القاهرة", ("حسام أبو العلا",)),
    # a credit in parentheses, or one the name follows after "=", is the outlet's or the place's
    ("Jane Doe (Reuters)", ("Jane Doe",)), ("(AP)", ()), ("(أبوظبي - البيان)", ()),
    ("(서울=연합뉴스) 홍길동 기자", ("홍길동",)), ("스포츠조선=선수민 기자", ("선수민",)), ("김철수 특파원", ("김철수",)),
    # a job title after a name is no second name; credited alone, it is the desk the page names
    ("Jane Doe, Staff Writer", ("Jane Doe",)), ("Max Muster, Freier Journalist", ("Max Muster",)),
    ("Staff Writer", ("Staff Writer",)),
    # nor a desk's title with its outlet or beat first (the wires' style)
    ("GARY B. GRAVES, AP Sports Writer", ("GARY B. GRAVES",)), ("Hillel Italie, AP National Writer", ("Hillel Italie",)),
    ("Anna Roe, Tagesspiegel Reporter", ("Anna Roe",)), ("Antrim Court Reporter", ("Antrim Court Reporter",)),
    # hyphens inside a name are no spaced dash
    ("Jean-Pierre Dupont", ("Jean-Pierre Dupont",)),
    ("Zone Société - ICI.Radio-Canada.ca", ()),
    ("CNN com", ()),
    # names that only look like these stay whole
    ("Tomomi Date", ("Tomomi Date",)), ("Marta Del Rio", ("Marta Del Rio",)), ("Nowak Jan", ("Nowak Jan",)),
])
def test_labels_buttons_and_affiliations_around_a_byline_are_no_names(byline, expected):
    from archiver.sites.metadata import people

    assert people([byline]) == expected


# A page that titles itself for search engines one way and heads its article another: the
# article's text below is about its headline's words, in any language.
SEO_TITLED = [
    ("<title>Privatkredit-Zinsen: So ermitteln Sie Ihre Kosten | Kreditportal</title>",
     "Wie hoch sind die Zinsen für einen Privatkredit?",
     "Die Zinsen für einen Privatkredit hängen von der Bonität und der Laufzeit ab."),
    ('<meta property="og:title" content="Storm latest: what we know so far">',
     "Coastal towns evacuated as the storm makes landfall",
     "Thousands left coastal towns overnight before the storm reached land near the harbour."),
    ("<title>Siemens und die Kohlemine Adani: Kaeser verarscht Neubauer</title>",
     "Kaeser verarscht Neubauer",
     "Siemens-Chef Joe Kaeser hat Luisa Neubauer einen Sitz angeboten. Ein Kommentar."),
]


@pytest.mark.parametrize("stated, h1, text", SEO_TITLED)
def test_the_pages_one_h1_about_its_article_is_the_headline_where_its_titles_say_otherwise(stated, h1, text):
    page = f"<html><head>{stated}</head><body><div class='top'><h1>{h1}</h1></div><p>{text}</p></body></html>"
    assert headline(H.parse_html(page), {}, "https://news.example/a/b", text) == h1
    # without the article's text to check it against, the stated title stays
    assert headline(H.parse_html(page), {}, "https://news.example/a/b") != h1


@pytest.mark.parametrize("h1, why", [
    ("Comments Form", "a heading over the readers' comments shares no word with the article"),
    ("Webentwicklung . AutoCAD . Schulung", "a motto in segments is no headline"),
    ("OutdoorNews | Eintrag", "a path in segments is no headline"),
    ("Kreditportal Online", "the site's name"),
])
def test_an_h1_that_is_no_headline_leaves_the_stated_title(h1, why):
    stated, text = "<title>Leasing oder Finanzierung? Rechner | Kreditportal</title>", \
        "Leasing oder Finanzierung: Wer ein Auto per AutoCAD-Entwurf plant, vergleicht Raten und Zinsen."
    page = (f"<html><head>{stated}<meta property='og:site_name' content='Kreditportal'></head><body>"
            f"<h1>{h1}</h1><p>{text}</p></body></html>")
    assert headline(H.parse_html(page), {}, "https://kreditportal.example/leasing/", text) == \
        "Leasing oder Finanzierung? Rechner", why


def test_two_h1s_leave_the_stated_title():
    text = "Thousands left coastal towns overnight before the storm reached land."
    page = ("<html><head><title>Storm latest</title></head><body><h1>Coastal towns evacuated</h1>"
            f"<h1>Storm reached land overnight</h1><p>{text}</p></body></html>")
    assert headline(H.parse_html(page), {}, "https://news.example/a", text) == "Storm latest"


@pytest.mark.parametrize("title, headings, expected", [
    # a tagline the site's name did not reveal: the page heads its article with the other part
    ("Alles Neue mach der Mai… | Bibliothek 2.0 und mehr", ["<h2>Alles Neue mach der Mai…</h2>"],
     "Alles Neue mach der Mai…"),
    ("kein App Store mehr über Mobile Daten mit iOS 13 ? | iPhone | Forum",
     ["<h3>Neueste Beiträge</h3>", "<h2 class='Title'>kein App Store mehr über Mobile Daten mit iOS 13 ?</h2>"],
     "kein App Store mehr über Mobile Daten mit iOS 13 ?"),
    # a breadcrumb over the headline: the last part
    ("deutsche zocker e.V. - Neuigkeiten » Die Events der letzten Zeit", ["<h2>Die Events der letzten Zeit</h2>"],
     "Die Events der letzten Zeit"),
    # the whole title as a heading keeps it whole, though a later heading names its first part;
    # it is written as the heading shows it, where only the kind of a mark differs
    ("Kolumne: Queer Royal – Über Dragqueens auf der Bühne",
     ["<h2>Kolumne: Queer Royal - Über Dragqueens auf der Bühne</h2>", "<h3>Kolumne: Queer Royal</h3>"],
     "Kolumne: Queer Royal - Über Dragqueens auf der Bühne"),
    ("Korsetts - Shops, Designer, online kaufen | Pinup Fashion", ["<h2>Korsetts – Shops, Designer, online kaufen</h2>"],
     "Korsetts – Shops, Designer, online kaufen"),
    ('„Wir dekorieren auf der Titanic“ | Kultur', ['<h2>"Wir dekorieren auf der Titanic"</h2>'],
     '"Wir dekorieren auf der Titanic"'),
    # a heading without the title's marks (its parts on two lines) or in other case: the title's
    ("Dateien mit Migrationshintergrund - Ein Ablaufplan | ebene11",
     ["<h2>Dateien mit Migrationshintergrund<br>Ein Ablaufplan</h2>"], "Dateien mit Migrationshintergrund - Ein Ablaufplan"),
    ("Erneuter Verzicht auf Regionallehrgang | DHB", ["<h2>ERNEUTER VERZICHT AUF REGIONALLEHRGANG</h2>"],
     "Erneuter Verzicht auf Regionallehrgang"),
    # no heading names a part: the title as stated
    ("Villa Galaxy - Ferienvilla in Florida", ["<h2>Ausstattung</h2>"], "Villa Galaxy - Ferienvilla in Florida"),
])
def test_the_part_of_a_title_the_page_heads_its_article_with_is_the_headline(title, headings, expected):
    page = f"<html><head><title>{title}</title></head><body>{''.join(headings)}<p>Text.</p></body></html>"
    assert headline(H.parse_html(page), {}, "https://blog.example/2014/05/post/") == expected


def test_a_parsed_article_is_titled_by_the_headline_its_readers_see():
    paragraphs = ("<p>Thousands left the coastal towns overnight, hours before the storm made landfall near the "
                  "harbour, and the shelters inland filled by morning.</p><p>The mayor said the evacuation had "
                  "gone calmly and that buses would run until the wind rose.</p>")
    body = ("<html><head><title>Storm latest: what we know so far | The Daily Planet</title></head><body>"
            "<header><a href='/'>The Daily Planet</a></header><main><h1>Coastal towns evacuated as the storm "
            f"makes landfall</h1>{paragraphs}</main></body></html>").encode()
    page = FetchedPage(url="https://dp.example/2024/05/06/storm-latest", final_url=None, status=200,
                       headers={"content-type": "text/html"}, body=body, fetched_at="2024-05-06T00:00:00+00:00")
    article = Generic("https://dp.example").parse(page)
    assert article.title == "Coastal towns evacuated as the storm makes landfall"
    assert article.text.startswith("Thousands left the coastal towns overnight")


@pytest.mark.parametrize("meta_author, expected", [
    # scripts without capitals write names without them
    ("孔德明", ("孔德明",)),
    ("ضحى عرفة", ("ضحى عرفة",)),
    ("शुभायन चक्रवर्ती", ("शुभायन चक्रवर्ती",)),
    ("あいぎゅ", ("あいぎゅ",)),
    ("Ευάγγελος Παπαδόπουλος", ("Ευάγγελος Παπαδόπουλος",)),
    # where a script has capitals, a name without any is still refused, and so is an outlet's
    # path before a name, in full-width form too
    ("redaktion online", ()),
    ("καλημέρα", ()),
    ("上報快訊／范姜佳鈺", ()),
    # agencies and desks credited together, as wire copy is, in lower case too; single letters are no credit
    ("det/dpa", ("det/dpa",)), ("AFP/The Local", ("AFP/The Local",)), ("dsw / DPA", ("dsw / DPA",)),
    ("a/b/c", ()), ("hessenschau.de/bb", ()),
])
def test_names_in_scripts_without_capitals_are_names(meta_author, expected):
    assert authors_in_meta(meta_author) == expected


@pytest.mark.parametrize("guessed, expected", [
    ("The Daily Planet", "The Daily Planet"),
    # a copyright line, as a site's `copyright` meta gives it (escaped once too often, or not)
    ("&amp;amp;copy; 2016 aryanews.com", None),
    ("© 2021 Example Media GmbH", None),
    ("Copyright 2019 Lokalzeitung", None),
])
def test_a_copyright_line_guessed_as_the_sites_name_is_none(guessed, expected):
    from archiver.sites.metadata import site_name

    assert site_name(H.parse_html("<html><head></head></html>"), {}, guessed) == expected
