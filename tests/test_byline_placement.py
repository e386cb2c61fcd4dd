"""Where a page's markup marks no byline, its place still does: the short line under the
headline (or just over it) that opens as bylines do. And a writer's page is found under the
directory words newsrooms use, its address spelling the name's accents as addresses do."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from archiver import html as H
from archiver.models import FetchedPage
from archiver.sites.generic import Generic
from archiver.sites.metadata import account_names, byline_near_headline

STORY = "".join(f"<p>Paragraph {i} of the story about the flood and the town council, long enough to be text.</p>"
                for i in range(7))


def parsed(body: str, head: str = "", url: str = "https://news.example/2021/05/04/flood-reaches-the-old-town") -> tuple:
    page = FetchedPage(url=url, final_url=None, status=200, headers={"content-type": "text/html"},
                       body=f"<html><head><title>Flood reaches the old town</title>{head}</head><body>{body}</body></html>".encode(),
                       fetched_at=datetime.now(timezone.utc).isoformat())
    return Generic("https://news.example").parse(page).authors


# Templates vary what wraps the headline and the byline, the byline's language and what follows
# the name: each is found for its place, none for its markup.
@pytest.mark.parametrize("top, expected", [
    ('<div class="head"><h1>Flood reaches the old town</h1><span class="teaser-cat">von Andreas Kürten</span></div>',
     ("Andreas Kürten",)),
    ('<h1 class="t">Flood reaches the old town</h1><div class="x1"><span>Par&nbsp;<a href="/node/m">Matthieu Hy</a></span>\n'
     '  <span>4 mai 2021</span></div>', ("Matthieu Hy",)),
    ('<header><h2>Flood reaches the old town</h2></header><section><p>By Giovanni Gaggero | 04/05/2021</p></section>',
     ("Giovanni Gaggero",)),
    ('<div><h1>Flood reaches the old town</h1><p>Auteur : Kossivi Tiassou</p><p>Date 04.05.2021</p></div>',
     ("Kossivi Tiassou",)),
    ('<h1>Flood reaches the old town</h1><p class="m">Von Volkmar Kabisch, Jan Lukas Strozyk und Benedikt Strunz, NDR</p>',
     ("Volkmar Kabisch", "Jan Lukas Strozyk", "Benedikt Strunz")),
    # over the headline, as a kicker stands
    ('<div class="meta">por Diêgo Holanda, G1 RO</div><h1>Flood reaches the old town</h1>', ("Diêgo Holanda",)),
    # a byline sharing its line with the date, the section, the reading time
    ('<h1>Flood reaches the old town</h1><div class="post-meta"><span class="date">May 4, 2021</span><span>·</span>'
     '<span>By Jane Roe</span></div>', ("Jane Roe",)),
    ('<h1>Flood reaches the old town</h1><p>Politik | Von Anna Weber | 3 Min. Lesezeit</p>', ("Anna Weber",)),
    ('<h1>Flood reaches the old town</h1><p><time>04.05.2021</time> – von Anna Weber</p>', ("Anna Weber",)),
    # a first line naming no one full is passed over for the byline under it
    ('<h1>Flood reaches the old town</h1><p>Posted in Local</p><p>By Nora Quist</p>', ("Nora Quist",)),
])
def test_a_byline_under_the_headline_names_its_people(top, expected):
    assert parsed(f"<div class='page'>{top}<div class='body'>{STORY}</div></div>") == expected


@pytest.mark.parametrize("top", [
    # the picture's credit, however close to the headline
    '<h1>Flood reaches the old town</h1><figure><img src="a.jpg"><figcaption>Photo by Lena Marsh</figcaption></figure>',
    '<h1>Flood reaches the old town</h1><p>Foto: Lena Marsh</p>',
    # a sentence that opens as a byline does
    '<h1>Flood reaches the old town</h1><p>By the time the water rose, the square was empty.</p>',
    # past the header: a teaser's byline once the story's prose has begun, or a dozen lines down
    '<h1>Flood reaches the old town</h1>' + STORY[:300] + '<p>By Lena Marsh</p>',
    '<h1>Flood reaches the old town</h1>' + "".join(f"<p>Short line {i}.</p>" for i in range(13)) + '<p>By Lena Marsh</p>',
    # a heading that opens with the field's label, a template's byline left empty, a placeholder account
    '<h1>Flood reaches the old town</h1><h3>Author Spotlight</h3>',
    '<h1>Flood reaches the old town</h1><p>von am 04.05.2021</p>',
    '<h1>Flood reaches the old town</h1><p>Posted by admin on May 4, 2021</p>',
    # a kicker naming whose words the story reports
    '<p>Rede von Angela Merkel</p><h1>Flood reaches the old town</h1>',
])
def test_a_line_that_is_no_byline_or_stands_far_from_the_headline_names_no_one(top):
    assert parsed(f"<div class='page'>{top}<div class='body'>{STORY}</div></div>") == ()


SHARE_ROW = "".join(f'<li><a href="/share/{i}">{label}</a></li>' for i, label in
                    enumerate(("Facebook", "X", "WhatsApp", "E-Mail", "Drucken", "Vorlesen", "Merken", "3 Min.")))


# The header runs from the headline to the story's prose: what stands between varies by template
# (a row of share buttons, a picture and its caption, a standfirst, the date), the byline's
# markup too (its own element, a label's, a post's meta line).
@pytest.mark.parametrize("top, expected", [
    (f'<h1>Flood reaches the old town</h1><ul class="tools">{SHARE_ROW}</ul><p>Quelle: dpa-AFX</p>'
     '<byline>Von Anna Weber, dpa</byline>', ("Anna Weber",)),
    ('<h1>Flood reaches the old town</h1><figure><img src="f.jpg"><figcaption>The water reached the market square '
     'overnight and stood knee-deep in front of the town hall until the early morning.</figcaption></figure>'
     '<p class="lead">Residents spent the night carrying furniture upstairs as the river rose faster than any forecast '
     'had expected, and the council opened the school gym for those who had to leave.</p>'
     '<div class="meta"><h5>Datum:</h5>04.05.2021<br><h5>Autor:</h5>Peter Maahn/SP-X</div>', ("Peter Maahn",)),
    ('<h1>Flood reaches the old town</h1><dl><dt>Author</dt><dd><a href="/p/nq">Nora Quist</a>,</dd></dl>',
     ("Nora Quist",)),
    ('<h1>Flood reaches the old town</h1><div class="entry-meta">Posted on May 4, 2021 by Jane Roe</div>', ("Jane Roe",)),
    ('<h1>Flood reaches the old town</h1><p>Lokales (1 / 3) 04.05.2021 13:30 von Anna Weber</p>', ("Anna Weber",)),
    ('<h1>Flood reaches the old town</h1><p>Posted in Local News by Nora Quist</p>', ("Nora Quist",)),
    ('<h1>Flood reaches the old town</h1><p>Ein Beitrag von Anna Weber | 04.05.2021 - 12:45</p>', ("Anna Weber",)),
    # a blog's writer by a handle or a first name alone, as the byline writes it
    ('<h1>Flood reaches the old town</h1><p>Posted on 2021-05-04 by marc | Leave a comment</p>', ("marc",)),
    ('<h1>Flood reaches the old town</h1><p>by oz on May 4, 2021</p>', ("oz",)),
    ('<h1>Flood reaches the old town</h1><span>von Olga</span>', ("Olga",)),
])
def test_a_byline_in_the_articles_header_names_its_people(top, expected):
    assert parsed(f"<div class='page'>{top}<div class='body'>{STORY}</div></div>") == expected


def test_the_headings_own_line_is_read_where_a_breadcrumbs_copy_of_the_headline_comes_first():
    headline = "Flood reaches the old town"
    lines = ["Home", "Local", headline, *(f"Section {i}" for i in range(14)), headline, "By Jane Roe",
             "Residents spent the night carrying furniture upstairs as the river rose faster than forecast."]
    assert byline_near_headline(lines, headline) == ("Jane Roe",)


def test_a_full_name_in_the_header_comes_before_a_handle():
    top = '<h1>Flood reaches the old town</h1><p>by marc</p><p>By Jane Roe</p>'
    assert parsed(f"<div class='page'>{top}<div class='body'>{STORY}</div></div>") == ("Jane Roe",)


def test_agencies_credited_together_keep_their_slash():
    body = f"<h1>Flood reaches the old town</h1>{STORY}"
    assert parsed(body, '<meta name="author" content="det/dpa">') == ("det/dpa",)
    assert parsed(body, '<meta name="author" content="Jane Roe / AP">') == ("Jane Roe",)


def test_what_the_page_states_comes_before_the_line_under_its_headline():
    body = f"<h1>Flood reaches the old town</h1><p>By Lena Marsh</p>{STORY}"
    assert parsed(body, '<meta name="author" content="Dana Writer">') == ("Dana Writer",)


def test_only_the_lines_next_to_the_headlines_line_are_read():
    lines = ["By Lena Marsh", "Weather", "Most read", "Flood reaches the old town", "The water rose overnight."]
    assert byline_near_headline(lines, "Flood reaches the old town") == ()  # three lines over it
    assert byline_near_headline(lines, "Weather") == ("Lena Marsh",)  # just over it, as a kicker stands
    assert byline_near_headline(lines, "Not on the page") == ()


def test_a_names_own_middle_dot_does_not_part_the_line():
    # Catalan's "l·l" is a letter, not a separator between a byline and its date
    lines = ["Flood reaches the old town", "Per la redacció · By Núria Gal·la Serra · 4 de maig"]
    assert byline_near_headline(lines, "Flood reaches the old town") == ("Núria Gal·la Serra",)


@pytest.mark.parametrize("link, expected", [
    ('<a href="https://legrand.example/fr/staff/uriel-gadessaud/">Uriel Gadessaud</a>', ("Uriel Gadessaud",)),
    ('<a href="/journalist/clara-loew">Clara Löw</a>', ("Clara Löw",)),
    ('<a href="/reporters/jose-nunez/">José Núñez</a>', ("José Núñez",)),
    ('<a href="/autoren/soeren-frederiksen">Søren Frederiksen</a>', ("Søren Frederiksen",)),
    ('<a href="/contributors/jane-doe">Jane Doe</a>', ("Jane Doe",)),
    # a directory's own link, or a name its address does not spell
    ('<a href="/staff/">Our staff</a>', ()),
    ('<a href="/staff/uriel-gadessaud/">Meet the team</a>', ()),
    ('<a href="/writers/clara-loew">Clara Lowe</a>', ()),
])
def test_a_link_to_the_writers_page_under_a_newsrooms_directory_names_the_writer(link, expected):
    tree = H.parse_html(f"<article><h1>Flood reaches the old town</h1><div><p>{link}</p></div>{STORY}</article>")
    assert account_names(tree) == expected


# A meta line under (or over) the headline that gives its date and a name with no "by": the
# date's writing and separators vary; what else such a line holds (a section, a label, a series'
# title with a number in it) is no one.
@pytest.mark.parametrize("line, expected", [
    ("<p>04.02.2022 | 13:10 Uhr | Uta Helkenberg</p>", ("Uta Helkenberg",)),
    ("<div><span>May 4, 2021</span> – <span>Nora Quist</span></div>", ("Nora Quist",)),
    ("<p>2021-05-04 · Jean-Luc Moreau</p>", ("Jean-Luc Moreau",)),
    ('<p>May 4, 2021 | <a href="/world">World Affairs</a></p>', ()),  # a section's link
    ("<p>04. November 2021 | PAID CONTENT</p>", ()),
    ("<p>Sweet Selfcare - 30 Tage Yoga Challenge</p>", ()),  # a number, no date
    ("<p>Weather Local News Example - May 4, 2021</p>", ()),  # a section credited with the site's name
    ("<p>04.05.2021 | Jane Roe | Berlin Desk</p>", ()),  # two undated parts: which is the name is unsaid
])
def test_a_dated_meta_line_names_the_person_beside_its_date(line, expected):
    top = f"<h1>Flood reaches the old town</h1>{line}"
    page = f"<div class='page'>{top}<div class='body'>{STORY}</div></div>"
    assert parsed(page, '<meta property="og:site_name" content="Local News Example">') == expected


@pytest.mark.parametrize("last, expected", [
    ("<p><em>Von Anna Weber</em></p>", ("Anna Weber",)),  # a regional paper signs its story at the end
    ("<p>By Nora Quist and Jane Roe</p>", ("Nora Quist", "Jane Roe")),
    ("<p>Von Risiken und Nebenwirkungen</p>", ()),  # a sentence's start, no full name
    ("<p>By the end of the night the water had reached the steps of the town hall and stayed there.</p>", ()),
])
def test_a_byline_closing_the_story_names_its_people(last, expected):
    assert parsed(f"<article><h1>Flood reaches the old town</h1>{STORY}{last}</article>") == expected


def test_a_marked_bylines_co_authors_stand_with_it_and_the_teasers_bylines_do_not():
    teasers = "".join(f'<li class="card"><h3><a href="/2021/05/0{i}/story-{i}">Story {i}</a></h3>'
                      f'<div class="byline">By <a href="/writers/w{i}">Writer Number{"ABC"[i]}</a></div></li>' for i in range(3))
    byline = ('<div class="wrap"><span class="byline">By <a href="/writers/jr">Jane Roe</a></span>'
              '<span class="byline"> and <a href="/writers/nq">Nora Quist</a></span></div>')
    page = f'<article><h1>Flood reaches the old town</h1>{byline}{STORY}</article><aside><ul>{teasers}</ul></aside>'
    assert parsed(page) == ("Jane Roe", "Nora Quist")


def test_where_the_page_marks_its_article_a_marked_byline_outside_it_is_a_teasers():
    teasers = "".join(f'<div class="card"><h3><a href="/2024/03/0{i}/otra-{i}">Otra noticia {i}</a></h3>'
                      f'<div class="byline">Por <a href="/autores/jp{i}">Juan Pérez</a></div></div>' for i in range(2))
    article = ('<article><h1>Flood reaches the old town</h1><div class="meta"><time>03/03/2024 10:15</time> | '
               f'<a href="/autores/maria-gonzalez">María González</a></div>{STORY}</article>')
    assert parsed(f"<main>{article}<aside>{teasers}</aside></main>") == ("María González",)


# Related stories' cards, as templates write them: a headline linking to another story, the byline
# under it. Each kind is put after the article (no <article> marks the article's extent).
CARDS = [
    '<aside class="related"><h3>More stories</h3><div class="card"><h4><a href="/2021/05/03/bridge">Bridge vote delayed</a>'
    '</h4><span class="byline">By Peter Quill</span></div></aside>',
    '<ul class="more"><li><a href="/2021/05/02/levee"><h3>Levee holds</h3></a><p class="author">Ana Ruiz</p></li></ul>',
    '<section><article class="teaser"><h2 class="entry-title"><a href="https://news.example/2021/05/01/rain">Rain again</a>'
    '</h2><p class="storyInfo"><span class="author"><a href="/writers/ob">Olive Bott</a></span> 1.5.2021</p></article></section>',
]


@pytest.mark.parametrize("card", CARDS)
@pytest.mark.parametrize("top, expected", [
    # the article's byline, in a line of its own under the headline
    ('<div class="post"><h1>Flood reaches the old town</h1><div class="post-info"><img src="/a.jpg" alt="">'
     ' Written by Ruth Okafor on May 4, 2021</div>', ("Ruth Okafor",)),
    # co-authors, each in an element of their own, in a block marked as the authors'
    ('<main><h1>Flood reaches the old town</h1><div class="author-container"><div data-qa="name">'
     '<a href="/people/kim-nguyen/">Kim Nguyen</a></div><div data-qa="name"><a href="/people/oscar-ruiz/">Oscar Ruiz'
     '</a></div></div>', ("Kim Nguyen", "Oscar Ruiz")),
    # an old theme's single post: its heading an <h2> linking to the post itself (a permalink)
    ('<div class="post"><h2><a href="https://news.example/2021/05/04/flood-reaches-the-old-town/" rel="bookmark">'
     'Flood reaches the old town</a></h2><small class="byline">By Lena Marsh</small>', ("Lena Marsh",)),
    # no byline at all: a card's names are not taken instead
    ('<div class="post"><h1>Flood reaches the old town</h1>', ()),
])
def test_a_related_storys_card_names_its_own_writer_not_the_articles(card, top, expected):
    assert parsed(f"{top}{STORY}</div>{card}") == expected


def test_a_meta_block_with_a_date_in_one_of_its_lines_is_not_read_as_names_apart():
    top = ('<h1>Flood reaches the old town</h1><div class="author"><p class="p-author">From the Desk</p>'
           '<p class="p-author-local">In Springfield</p><p>04/05/2021 16h45</p></div>')
    assert "In Springfield" not in parsed(top + STORY)


@pytest.mark.parametrize("top, expected", [
    # a genre before the "by", as a posting verb stands there
    ("<p>Opinion by Jane Roe</p>", ("Jane Roe",)),
    ("<p>Analysis by Jane Roe | May 4, 2021</p>", ("Jane Roe",)),
    ("<p>Photo by Jane Roe</p>", ()),  # a picture's credit still is none
    # the "by" alone in an element of its own, the name in the next
    ("<dl><dt>Written by</dt><dd>Nora Quist</dd><dt>Published</dt><dd>4 May 2021</dd></dl>", ("Nora Quist",)),
    # a later "by" after lower-case words names more people; not a picture's
    ("<p>By Jane Roe with reporting by Nora Quist</p>", ("Jane Roe", "Nora Quist")),
    ("<p>By Jane Roe; additional reporting by Nora Quist</p>", ("Jane Roe", "Nora Quist")),
    ("<p>Story by Jane Roe and photos by Nora Quist</p>", ("Jane Roe",)),
    # a marked byline's line after the name is a role, a place or a date, unless it names more people
    ('<p class="byline">Jane Roe<br>Politics Editor</p>', ("Jane Roe",)),
    ('<p class="byline">Jane Roe<br>Lagos</p>', ("Jane Roe",)),
    ('<p class="byline">By<br>Jane Roe<br>and Nora Quist<br>May 4, 2021</p>', ("Jane Roe", "Nora Quist")),
    # a wire byline's names in capitals, the outlet after them in other case; initials are capitals too
    ('<div class="byline">By JOSH BOAK and MARY MAJOR Associated Press</div>', ("JOSH BOAK", "MARY MAJOR")),
    ('<div class="byline">By T. V. Raman</div>', ("T. V. Raman",)),
])
def test_what_a_byline_adds_to_its_names_is_not_read_as_names(top, expected):
    assert parsed(f"<h1>Flood reaches the old town</h1>{top}{STORY}") == expected


@pytest.mark.parametrize("top, expected", [
    ("<p>By: Jane Roe</p>", ("Jane Roe",)),  # a colon after the "by"
    ("<p>Written By: Jane Roe | May 4, 2021</p>", ("Jane Roe",)),
    ("<p>di Marco Rossi</p>", ("Marco Rossi",)),  # Italian's "by"
    ("<p>di recente il consiglio</p>", ()),  # and its "of": no handle after it
    ("<p>بقلم: أحمد علي</p>", ("أحمد علي",)),  # Arabic's, and a name in a script without capitals
    ("<p>Door Jan de Vries</p>", ("Jan de Vries",)),
])
def test_bylines_open_as_each_language_writes_them(top, expected):
    assert parsed(f"<h1>Flood reaches the old town</h1>{top}{STORY}") == expected
