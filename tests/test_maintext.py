"""Offline tests for the generic adapter's main-text extraction."""

from __future__ import annotations

import pytest

from archiver.maintext import MainText, extract_main_text

PARAGRAPHS = [
    "The city council voted on Tuesday evening to approve the long-debated plan for a new "
    "tram line connecting the harbour district with the university campus, ending a dispute "
    "that had divided residents and local businesses for almost a decade.",
    "Supporters argued that the line would cut commuting times in half and relieve the "
    "congested ring road, while opponents warned that construction would disrupt trade in "
    "the old town for at least three years and that the budget was unrealistic.",
    "Mayor Elena Fischer said after the vote that the council had listened carefully to both "
    "sides and that an independent committee would monitor the costs every quarter until the "
    "first trams run, which is currently planned for the spring of 2027.",
    "Construction is expected to begin next autumn, starting with the bridge over the river, "
    "which engineers described as the most technically demanding part of the whole project.",
]

NAV = "Home Politics Economy Sports Culture Weather Subscribe now"
FOOTER = "Imprint and privacy policy of the Harbour Town Gazette publishing house"
COMMENT = "This is a terrible waste of taxpayer money and nobody will ever ride that tram anyway."
COOKIE = "We use cookies to improve your experience on our website. Accept all cookies"
RELATED = "Related: Harbour festival draws record crowds despite the rain"

ARTICLE_PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Council approves tram line | Harbour Town Gazette</title>
  <link rel="canonical" href="https://gazette.example.com/2024/05/14/council-approves-tram-line">
  <meta property="og:title" content="Council approves new tram line after decade of debate">
  <meta property="og:site_name" content="Harbour Town Gazette">
  <meta property="og:image" content="https://gazette.example.com/img/tram.jpg">
  <meta name="description" content="The council backed the harbour-to-campus tram line.">
  <meta name="author" content="Jane Miller">
  <meta property="article:published_time" content="2024-05-14T18:30:00+02:00">
  <meta name="keywords" content="transport, city council">
</head>
<body>
  <div id="cookie-banner" class="cookie-consent">
    <p>{COOKIE}</p><button>Accept</button>
  </div>
  <header>
    <nav class="main-nav"><ul>
      {"".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in NAV.split())}
    </ul></nav>
  </header>
  <main>
    <article>
      <h1>Council approves new tram line after decade of debate</h1>
      <p class="byline">By <span class="author">Jane Miller</span>,
        <time datetime="2024-05-14T18:30:00+02:00">May 14, 2024</time></p>
      {"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
    </article>
    <aside class="related"><h3>Related articles</h3>
      <ul><li><a href="/festival">{RELATED}</a></li></ul>
    </aside>
    <section id="comments" class="comments">
      <h3>3 Comments</h3>
      <div class="comment"><p class="comment-author">Grumpy Resident</p><p>{COMMENT}</p></div>
    </section>
  </main>
  <footer class="site-footer"><p>{FOOTER}</p><p>© 2024 Harbour Town Gazette. All rights reserved.</p></footer>
</body>
</html>
"""


@pytest.fixture(scope="module")
def article() -> MainText:
    return extract_main_text(ARTICLE_PAGE, url="https://gazette.example.com/?p=1234")


def test_article_paragraphs_are_extracted_in_order(article: MainText) -> None:
    assert article.text.split("\n\n") == PARAGRAPHS


def test_boilerplate_and_comments_are_left_out(article: MainText) -> None:
    for unwanted in ("Subscribe now", "Politics", FOOTER, COMMENT, "Grumpy Resident", COOKIE, RELATED, "©"):
        assert unwanted not in article.text


def test_metadata(article: MainText) -> None:
    assert article.title == "Council approves new tram line after decade of debate"
    assert article.authors == ("Jane Miller",)
    assert article.canonical_url == "https://gazette.example.com/2024/05/14/council-approves-tram-line"
    assert article.sitename == "Harbour Town Gazette"
    assert article.image == "https://gazette.example.com/img/tram.jpg"
    assert article.description == "The council backed the harbour-to-campus tram line."
    assert article.tags == ("transport", "city council")


def test_costly_guesses_read_the_same_parse(article: MainText) -> None:
    from sites.metadata import guessed_day

    assert guessed_day(article.tree, None).day.isoformat() == "2024-05-14"
    assert "Jane Miller" in article.guessed_authors()


def test_article_body_marks_where_the_article_ends() -> None:
    teaser = "Sign up for our newsletter and get the best stories of the week in your inbox every Friday"
    page = ARTICLE_PAGE.replace("</article>", f"<p>{teaser}</p></article>")
    assert teaser in extract_main_text(page).text
    body = " ".join(PARAGRAPHS)
    assert extract_main_text(page, article_body=body).text.split("\n\n") == PARAGRAPHS


def test_article_body_not_containing_the_text_is_ignored() -> None:
    other = "An unrelated summary of some other story that the page's structured data carries. " * 5
    assert extract_main_text(ARTICLE_PAGE, article_body=other).text.split("\n\n") == PARAGRAPHS


def test_article_body_stands_in_for_a_script_rendered_page() -> None:
    page = "<html><head><title>T</title></head><body><div id=app></div></body></html>"
    body = "<p>" + "</p><p>".join(PARAGRAPHS) + "</p>"
    assert extract_main_text(page, article_body=body).text.split("\n\n") == PARAGRAPHS


def test_deterministic() -> None:
    assert extract_main_text(ARTICLE_PAGE) == extract_main_text(ARTICLE_PAGE)


def test_url_is_the_canonical_fallback() -> None:
    page = f"<html><body><article>{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}</article></body></html>"
    result = extract_main_text(page, url="https://example.org/news/1")
    assert result.canonical_url == "https://example.org/news/1"
    assert result.text.startswith("The city council voted")


def test_several_authors_are_split() -> None:
    page = ARTICLE_PAGE.replace('content="Jane Miller"', 'content="Jane Miller; Omar Haddad"')
    assert extract_main_text(page).authors == ("Jane Miller", "Omar Haddad")


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   \n\t ",
        "}}}{{{ ;;; <<>> ---",
        "<<<>>><html><body></",
        "<html><body></body></html>",
        "<html><head><title>Only a title</title></head><body><div></div></body></html>",
        "\x00\x01\x02<p>\ufffd</p>",
        "<" * 5000,
        "<div>" * 3000,
        b"\xff\xfe\x00<html>",
    ],
)
def test_garbage_gives_empty_text_without_raising(garbage) -> None:
    result = extract_main_text(garbage)
    assert isinstance(result, MainText)
    assert result.text == ""
    assert result.authors == () and result.tags == ()


TEASERS = ["Harbour festival draws record crowds despite the rain", "New ferry timetable from June",
           "Schools close early for the summer", "Stadium roof to be replaced next year"]


def _with_body(body: str) -> str:
    """ARTICLE_PAGE with BODY in place of its paragraphs (headline kept)."""
    start, end = ARTICLE_PAGE.index("<article>"), ARTICLE_PAGE.index("</article>")
    return (ARTICLE_PAGE[:start] + "<article><h1>Council approves new tram line after decade of debate</h1>"
            f"<div class='body'>{body}</div>" + ARTICLE_PAGE[end:])


def _links(items: list[str]) -> list[str]:
    return [f'<a href="/story/{n}">{text}</a>' for n, text in enumerate(items)]


# Shapes in which trafilatura keeps a closing list as text: a body of <br>-separated lines (a
# CMS's one rich-text field, links and a linked heading in it), and links in one paragraph.
CLOSING_SHAPES = {
    "br body": lambda heading, items: "<br><br>".join(PARAGRAPHS) + "<br><br>"
    + (f'<a href="/topic/"><h3>{heading}</h3></a><br><br>' if heading else "") + "<br>".join(_links(items)),
    "one paragraph": lambda heading, items: "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "<p>" + (f"<strong>{heading}</strong><br>" if heading else "") + "<br>".join(_links(items)) + "</p>",
}


@pytest.mark.parametrize("shape", CLOSING_SHAPES)
@pytest.mark.parametrize("heading, items", [
    ("MORE COVERAGE", TEASERS), ("Lire aussi", TEASERS[:3]), (None, TEASERS), ("Weitere Artikel zum Thema", TEASERS[1:]),
])
def test_a_list_of_links_closing_the_article_is_no_part_of_it(shape, heading, items) -> None:
    page = _with_body(CLOSING_SHAPES[shape](heading, items))
    assert extract_main_text(page).text.split("\n\n") == PARAGRAPHS


def test_a_closing_list_of_plain_lines_stays() -> None:
    steps = ["Twelve new stops", "A bridge over the river", "Night service", "Level boarding"]
    page = _with_body("<br><br>".join(PARAGRAPHS) + "<br><br><b>What the plan includes</b><br>" + "<br>".join(steps))
    assert extract_main_text(page).text.split("\n\n") == PARAGRAPHS + ["What the plan includes"] + steps


@pytest.mark.parametrize("closing, kept", [
    (["Related", "- " + TEASERS[0], "- " + TEASERS[1], "- " + TEASERS[2]], 0),
    (["Related", "- " + TEASERS[0], "- " + TEASERS[1]], 3),  # two links: a reference, not a list
    (["It ends here.", "Related", TEASERS[0], TEASERS[1], TEASERS[2]], 1),  # the last sentence stays
    (["Related", TEASERS[0], "Twelve new stops", "Night service", TEASERS[1]], 5),  # mostly no links
])
def test_the_closing_link_list_rule(closing, kept) -> None:
    from lxml import html as lxml_html

    from archiver.maintext import PageLinks, without_closing_link_list

    tree = lxml_html.fromstring("<div>" + "".join(f'<a href="/{n}">{t}</a>' for n, t in enumerate(TEASERS)) + "</div>")
    lines = PARAGRAPHS + closing
    assert without_closing_link_list(lines, PageLinks(tree)) == PARAGRAPHS + closing[:kept]


def test_links_between_paragraphs_stay() -> None:
    page = _with_body("<br><br>".join(PARAGRAPHS[:-1]) + "<br><br>" + "<br>".join(_links(TEASERS)) + "<br><br>" + PARAGRAPHS[-1])
    assert extract_main_text(page).text.split("\n\n") == PARAGRAPHS[:-1] + TEASERS + PARAGRAPHS[-1:]


OPENING_LINKS = ["Home", "World", "Europe", "Politics"]


@pytest.mark.parametrize("opening", [
    "<br>".join(_links(OPENING_LINKS)) + "<br><br>",  # a breadcrumb read into the body
    "<b>Your region:</b><br>" + "<br>".join(_links(["Berlin", "Hamburg", "Munich", "Cologne", "Leipzig"])) + "<br><br>",
])
def test_a_list_of_links_opening_the_article_is_no_part_of_it(opening) -> None:
    page = _with_body(opening + "<br><br>".join(PARAGRAPHS))
    assert extract_main_text(page).text.split("\n\n") == PARAGRAPHS


def test_opening_lines_that_are_no_links_stay() -> None:
    dateline = ["HARBOUR TOWN", "14 May 2024", "By Jane Miller"]
    page = _with_body("<br>".join(dateline) + "<br><br>" + "<br><br>".join(PARAGRAPHS))
    assert extract_main_text(page).text.split("\n\n") == dateline + PARAGRAPHS


def test_a_fast_pass_that_found_a_menu_is_read_again_with_the_other_algorithms(monkeypatch) -> None:
    import archiver.maintext as maintext

    menu = [f"Region {n}" for n in range(150)]  # over a thousand characters, all links
    page = _with_body("<br>".join(_links(menu)) + "<br><br>" + "<br><br>".join(PARAGRAPHS))
    passes = []

    def run(tree, url, **mode):
        passes.append(mode)
        return "\n".join(menu) if mode.get("fast") else "\n".join(PARAGRAPHS)

    monkeypatch.setattr(maintext, "_run", run)
    assert extract_main_text(page).text.split("\n\n") == PARAGRAPHS and passes == [{"fast": True}, {}]
    # prose found by the fast pass is trusted, however many links come with it
    passes.clear()
    monkeypatch.setattr(maintext, "_run", lambda tree, url, **mode: passes.append(mode) or "\n".join(PARAGRAPHS * 2 + menu))
    extract_main_text(page)
    assert passes == [{"fast": True}]


def test_ruby_readings_are_no_part_of_the_text_nor_the_headline():
    # Furigana over kanji (Japanese), pinyin over hanzi: <rt> reads the word aloud, <rp> wraps
    # the reading for browsers without ruby. Left in, they ran into the words ("子こども").
    from archiver.models import FetchedPage
    from archiver.sites.generic import Generic

    sentence = ("<ruby>子<rt>こ</rt></ruby>どもへの<ruby>体罰<rp>(</rp><rt>たいばつ</rt><rp>)</rp></ruby>を"
                "<ruby>禁止<rt>きんし</rt></ruby>する<ruby>法律<RT>ほうりつ</RT></ruby>ができました。")
    body = ("<html lang='ja'><head><title>NEWS WEB EASY|子どもへの体罰を禁止する法律ができる</title></head><body><article>"
            f"<h1><ruby>子<rt>こ</rt></ruby>どもへの<ruby>体罰<rt>たいばつ</rt></ruby>を禁止する法律ができる</h1>"
            f"<p>{sentence * 4}</p><p>{sentence * 3}</p></article></body></html>").encode()
    page = FetchedPage(url="https://news.example.jp/easy/k1001.html", final_url=None, status=200,
                       headers={"content-type": "text/html; charset=utf-8"}, body=body,
                       fetched_at="2020-03-01T00:00:00+00:00")
    article = Generic("https://news.example.jp").parse(page)
    assert "子どもへの体罰を禁止する法律ができました。" in article.text
    assert "こ" not in article.text and "たいばつ" not in article.text and "(" not in article.text
    assert article.title == "子どもへの体罰を禁止する法律ができる"
