"""Publication dates of pages no adapter describes (sites.metadata): what the page states for
machines, then what it writes for readers, then htmldate. Small hand-made pages, one clue each;
the figures on real pages come from benchmarks/dates_benchmark.py."""

from __future__ import annotations

from archiver import html as H
from archiver.sites.metadata import (
    labelled_day,
    meta,
    publication,
    published,
    read_stamp,
    updated,
    url_month,
    written_day,
    written_published,
)


def page(head: str = "", body: str = "") -> H.HTMLParser:
    return H.parse_html(f"<html><head>{head}</head><body>{body}</body></html>")


def day(stamp) -> str | None:
    return stamp.day.isoformat() if stamp else None


def test_written_dates_in_the_usual_forms():
    assert written_day("Published 7 April 2020, 10:00").isoformat() == "2020-04-07"
    assert written_day("Erstellt am: 01.11.2023").isoformat() == "2023-11-01"
    assert written_day("am Samstag, 3. Dezember 2011 um").isoformat() == "2011-12-03"
    assert written_day("March 3rd, 2011").isoformat() == "2011-03-03"
    assert written_day("Written: 2023-11-07 15:03:30").isoformat() == "2023-11-07"
    assert written_day("le 30 septembre 2018").isoformat() == "2018-09-30"
    assert written_day("6 de junio de 2020").isoformat() == "2020-06-06"
    # an ordinal before the month; month names declined, in more languages; CJK's signs
    assert written_day("14th March 2023").isoformat() == "2023-03-14"
    assert written_day("14 марта 2023").isoformat() == "2023-03-14"
    assert written_day("14 березня 2023").isoformat() == "2023-03-14"
    assert written_day("14 Μαρτίου 2023").isoformat() == "2023-03-14"
    assert written_day("14. března 2023").isoformat() == "2023-03-14"
    assert written_day("14 Aralık 2023").isoformat() == "2023-12-14"
    assert written_day("14 Maret 2023").isoformat() == "2023-03-14"
    assert written_day("2020年07月12日 | 情報").isoformat() == "2020-07-12"
    assert written_day("2023년 3월 14일").isoformat() == "2023-03-14"
    assert written_day("2023年13月14日") is None  # no thirteenth month
    # Ambiguous or impossible forms say nothing.
    assert written_day("11/01/2023") is None
    assert written_day("31.02.2020") is None
    assert written_day("in 2020 and 2021") is None


def test_a_publication_label_says_which_date_is_the_publications():
    lines = ["Letzte Änderung: 31.10.2023 - 14:49", "Erschienen am: 01.11.2023", "Lesungen: 61"]
    assert labelled_day(lines).isoformat() == "2023-11-01"
    assert labelled_day(["Datum:", "03.02.2022"]).isoformat() == "2022-02-03"  # the label in its own element
    assert labelled_day(["wurde am 19. Mai 2010 um 23:03 Uhr gepostet"]).isoformat() == "2010-05-19"
    assert labelled_day(["Updated: 2 May 2021"]) is None
    assert labelled_day(["The meeting on 2 May 2021 was long"]) is None


def test_the_dateline_by_the_headline():
    tree = page(body="<div>Tuesday, 8 December 2020</div>" + "<p>menu</p>" * 5 +
                "<h1>Storm hits the coast</h1><p>Handball Schweiz • 02.02.2022</p><p>Text of the story.</p>")
    assert day(written_published(tree, {})) == "2022-02-02"
    # An update line under the headline is passed over for the kicker above it.
    tree = page(body="<p>30 septembre 2018</p><h1>Deux ans</h1><p>Article mis à jour le 7 janvier 2020.</p>")
    assert day(written_published(tree, {})) == "2018-09-30"


def test_a_written_date_outside_the_month_the_url_names_is_another_storys():
    tree = page(body="<h1>Review</h1><p>August 14, 2017</p>")
    assert url_month("https://blog.example/2017/09/review.html") == (2017, 9)
    assert written_published(tree, {}, "https://blog.example/2017/09/review.html") is None
    assert day(written_published(tree, {}, "https://blog.example/2017/08/review.html")) == "2017-08-14"


def test_stated_dates_come_before_written_ones_and_htmldate_last():
    tree = page('<meta property="article:published_time" content="2020-03-05T10:00:00+01:00">',
                "<h1>Title</h1><p>Published: 1 January 2019</p>")
    assert day(publication(tree, {}, None)) == "2020-03-05"
    tree = page(body="<h1>Title</h1><p>Published: 1 January 2019</p>")
    assert day(publication(tree, {}, None)).startswith("2019-01-01")


def test_a_utc_moment_is_dated_in_the_zone_the_page_gives_elsewhere():
    ld = {"datePublished": "2023-11-09T06:35:29+00:00"}
    tree = page(body='<article><time datetime="2023-11-08T23:05:04-08:00">Nov 8</time></article>')
    stamp = published(tree, ld)
    assert stamp.day.isoformat() == "2023-11-08"  # 22:35 in Los Angeles
    assert stamp.iso() == "2023-11-09T06:35:29+00:00"  # the moment itself is kept
    assert published(page(), ld).day.isoformat() == "2023-11-09"  # no zone given: UTC's day


def test_the_url_day_wins_only_where_some_zone_puts_the_moment_on_it():
    ld = {"datePublished": "2020-02-19T18:37:32+01:00"}
    assert published(page(), ld, "https://elpais.example/2020/02/18/ciencia/x.html").day.isoformat() == "2020-02-19"
    ld = {"datePublished": "2020-02-19T01:37:32+00:00"}  # 18 February in the Americas
    assert published(page(), ld, "https://news.example/2020/02/18/story/").day.isoformat() == "2020-02-18"


def test_email_style_and_case_insensitive_metas():
    stamp = read_stamp("Sat, 19 Oct 2019 00:04:00 +0200")
    assert (stamp.day.isoformat(), stamp.precision) == ("2019-10-19", "minute")
    assert read_stamp("Sat, 19 Oct 2019 00:04:00 -0000").precision == "day"  # zone unknown
    tree = page('<meta name="DC.date" content="2020-01-02"><meta name="Author" content="Jane Roe">')
    assert meta(tree, "dc.date") == "2020-01-02" and meta(tree, "author") == "Jane Roe"
    assert day(published(tree, {})) == "2020-01-02"


def test_a_web_pages_dates_stand_where_no_article_is_described():
    graph = ('<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "Site"}, {"@type": "WebPage", '
             '"datePublished": "2019-10-19T13:07:47+00:00", "dateModified": "2019-10-19T13:20:31+00:00"}]}</script>')
    tree = page(graph)
    assert published(tree, H.ld_article(tree)).iso() == "2019-10-19T13:07:47+00:00"
    # the article's own statement, or the page's metas, come first
    article = graph.replace('"name": "Site"}', '"name": "Site"}, {"@type": "NewsArticle", "datePublished": "2019-10-18T08:00:00+00:00"}')
    tree = page(article)
    assert published(tree, H.ld_article(tree)).iso() == "2019-10-18T08:00:00+00:00"
    tree = page(graph + '<meta property="article:published_time" content="2019-10-19T15:00:00+02:00">')
    assert published(tree, H.ld_article(tree)).iso() == "2019-10-19T13:00:00+00:00"
    # a listing's own type is no page's statement of itself
    tree = page(graph.replace('"WebPage"', '"CollectionPage"'))
    assert published(tree, H.ld_article(tree)) is None


def test_a_padded_midnight_gives_way_to_a_time_of_that_day():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2020-01-23T00:00:00+00:00"}</script>'
    tree = page(ld + '<meta property="article:published_time" content="2020-01-23T11:53:11+00:00">')
    assert published(tree, H.ld_article(tree)).iso() == "2020-01-23T11:53:11+00:00"
    # alone, a midnight is what the page states
    tree = page(ld)
    assert published(tree, H.ld_article(tree)).iso() == "2020-01-23T00:00:00+00:00"
    # the day alone, then a midnight of that day: the day, never a fabricated time
    tree = page(ld.replace("2020-01-23T00:00:00+00:00", "2020-01-23") + '<meta property="article:published_time" content="2020-01-23T00:00:00Z">')
    stamp = published(tree, H.ld_article(tree))
    assert stamp.moment is None and stamp.day.isoformat() == "2020-01-23"
    # a time of another day does not displace it
    tree = page(ld + '<meta property="article:published_time" content="2020-01-24T11:53:11+00:00">')
    assert published(tree, H.ld_article(tree)).iso() == "2020-01-23T00:00:00+00:00"


def test_the_one_video_a_page_describes_dates_it_where_no_article_is_described():
    def video(upload: str) -> str:
        return ('{"@type": "VideoObject", "name": "Trailer", "uploadDate": "%s", "thumbnailUrl": "https://v.example/t.jpg"}'
                % upload)
    one = f'<script type="application/ld+json">{{"@graph": [{{"@type": "Organization", "name": "Site"}}, {video("2019-10-19T07:49:00+02:00")}]}}</script>'
    tree = page(one)
    assert published(tree, H.ld_article(tree)).iso() == "2019-10-19T05:49:00+00:00"
    # a page of several videos (a playlist, a listing) is dated by none of them
    two = one.replace("]}", ", " + video("2019-10-12T10:00:00+02:00") + "]}")
    tree = page(two)
    assert published(tree, H.ld_article(tree)) is None
    # an article's own date comes first: a video embedded in it was uploaded when it was
    article = one.replace("]}", ', {"@type": "NewsArticle", "headline": "H", "datePublished": "2019-10-20T09:00:00+00:00"}]}')
    tree = page(article)
    assert published(tree, H.ld_article(tree)).iso() == "2019-10-20T09:00:00+00:00"


def test_the_hatom_microformats_published_and_updated_moments_are_read():
    # as Blogger and older WordPress themes write them: the moment in the abbreviation's title
    body = ("<article><h2>Post</h2><abbr class='published' title='2016-12-23T05:11:00-05:00'>Friday, December 23, 2016</abbr>"
            " <abbr class='updated' title='2016-12-24T08:00:00-05:00'>Dec 24</abbr></article>")
    tree = page(body=body)
    assert published(tree, {}).iso() == "2016-12-23T10:11:00+00:00"
    assert updated(tree, {}).iso() == "2016-12-24T13:00:00+00:00"
    # an abbreviation of another kind ("Untertitel") dates nothing
    assert published(page(body="<abbr class='tag' title='Untertitel'>UT</abbr>"), {}) is None
