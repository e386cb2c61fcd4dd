"""Any news site without an adapter of its own.

Two uses. `archiver fetch URL` archives the pages it is given (every URL is an article). A
site configured with `adapter = "generic"` and a `base_url` is followed like the launch sites:
its robots.txt sitemaps, /sitemap.xml (indexes and news sitemaps), the feeds its pages announce,
its home and section pages; article pages are told by their URL's shape (a date, a long id,
a headline-like slug; courlan's filters for the rest), and a page that says it is no article
(og:type website, no JSON-LD article) is not stored as one.

The body is trafilatura's reading of one parse of the page (archiver.maintext), ended where the
page's JSON-LD articleBody ends; every other field comes from what the page states
(sites.metadata), htmldate's and trafilatura's guesses only when it states nothing.
"""

from __future__ import annotations

from dataclasses import replace

from archiver.errors import ParseError
from archiver.models import PageLinks, ParsedArticle
from archiver.urls import normalize_url

from . import metadata as M
from . import register
from .base import Adapter, D, H, Image, PageContext, Parser, Tag


class GenericV10(Parser):
    """Metadata from the page's own statements (dates to the minute with their zone, or the
    day alone; the article's headline; people as authors), body by trafilatura. Not bound to
    a date: it reads any site of any era, so a reparse gives every capture the newest reading."""

    # 3: a headline without its kicker, a title keeping its own dashes. 4: nor a kicker its markup
    # names, a subtitle, or text for screen readers only; a site name with separators cut whole.
    # 5: a label, topic or small print over the headline is a kicker too; an <h1> that opens a
    # title running on into a tagline is the headline; no soft hyphens or zero-width spaces.
    # 6: no list of links (related stories, a breadcrumb, a menu) closing or opening the body; a
    # fast pass that found mostly links is read again by trafilatura's other algorithms; the
    # body's copy of the headline goes with the kicker, section name or dateline over it.
    # 7: the page's one <h1>, about the article's text, is the headline where the titles the page
    # states say something else; else the part of a title the page heads something with.
    # 8: what a byline adds to a name is no part of it: an outlet, place or title after a spaced
    # dash, a credit in parentheses or before "=", a Korean reporter's title; a job title after a name.
    # And a personal site's owner (the publisher a Person) is its author though the site bears their name;
    # agencies credited together ("det/dpa") are who wrote it. A title's part a heading shows is
    # written as the heading writes it where only the kind of its marks differs ("–" for "-").
    # Dates written in the Solar Hijri calendar (Iran's, Afghanistan's) are read. A first name alone
    # is completed by the JSON-LD Person's own description when it opens with the whole name. An
    # institution (a ministry, a university, the police) is no person, nor a phrase with a word in
    # lower case before its last.
    # 9: where nothing the page states names anyone, a byline line under the headline (or just over
    # it) does ("von Andreas Kürten", "Auteur : Kossivi Tiassou"); a writer's page is found under a
    # newsroom's directory words too (/staff/, /journalist/...), its address spelling accents as
    # addresses do ("clara-loew" for Clara Löw). A byline sharing its line with the date ("May 4, 2021 ·
    # By Jane Roe") is read from its part; a desk's title after a name ("AP Sports Writer") is no second
    # name; a JSON-LD Person given by givenName and familyName is named by them. JSON-LD is read as
    # leniently as search engines read it (raw line breaks in strings, "//" comments, trailing commas,
    # a stray brace); a WebPage's dates stand where no article is described; a padded midnight gives
    # way to a time of that day another statement gives.
    # 10: the byline is looked for in the article's header, from the headline to its prose (a caption
    # and a standfirst may come first; a widget row of share and read-aloud buttons too), under each of
    # the headline's first copies (a breadcrumb's comes first); a label alone on its line names the
    # line after it ("Autor:" / "Peter Maahn"); a byline may follow a date or a posting verb ("Posted on
    # May 4, 2021 by Jane Roe", "Ein Artikel von..."); where no full name is written, a blog's one-word
    # handle or first name is ("Posted by marc", "von Olga"); an agency after a full name's slash goes
    # ("Peter Maahn/SP-X"). Microdata of another work the page cites or lists (a reference, a comment,
    # a review, a related list's entry) is not the article's: its author and dates are not read. A
    # dated meta line in the header names the one full name beside its date ("04.02.2022 | Uta Helkenberg"),
    # and a byline closing the story ("Von Ulrich Nitsche") as one opening it does. Of the elements marked
    # as bylines, the next ones after the first count only where they stand with it, not a teaser's; none
    # outside the <article> the headline stands in.
    # 11: the site's imprint in an author meta names no one ("Kirche und Leben, Münster, Germany":
    # the site's own name, then its address), and the site's name between a byline's commas is no
    # person's ("Jane Roe, Valley Herald and Courier"); links to topics (rel="tag"/"category") in a
    # byline's block are not read, nor the preposition they leave ("By Mara Lind in Energy"); a byline
    # under a teaser's headline (the nearest heading before it, beside its line, linking to another
    # page) is a related story's; co-authors each in an element of their own are two names. The
    # hAtom microformat's published and updated moments are read (<abbr class="published" title=...>),
    # and, where no article is described, the one video's uploadDate. What a byline adds to its names
    # is not read as names: a genre before its "by" ("Opinion by"), a later "by" after lower-case words
    # ("with reporting by" names more people), a marked byline's role line, a wire byline's outlet.
    # Author metas as their standards write them: every value of a repeated one, "Last, First" in
    # citation_author and Dublin Core, Yoast's twitter:label/data pair, an e-mail address beside a name.
    # A colon may follow a byline's "by"; Italian's "di" and Arabic's "بقلم" open one; a name in a
    # script without capitals is a full name as a capitalised one is. Dates written for readers in more
    # forms: an ordinal day before the month, month names in more languages, CJK's year-month-day signs.
    version = "11"

    def parse(self, ctx: PageContext) -> ParsedArticle:
        # Named after the code that read it, whichever configured site it was read for.
        return replace(super().parse(ctx), parser=f"generic/{self.version}")

    def read_main(self, ctx: PageContext):
        # Imported here: trafilatura takes ~0.3 s to import, and every command lists the adapters.
        from archiver.maintext import extract_main_text

        body = ctx.field("ld").get("articleBody")
        main = extract_main_text(ctx.source, ctx.url, article_body=body if isinstance(body, str) else None)
        if not main.text:
            raise ParseError(ctx.url, "no main text found")
        return main

    def read_ld(self, ctx: PageContext) -> dict:
        return H.ld_article(ctx.tree)

    def read_key(self, ctx: PageContext) -> str:
        if ctx.adapter.follows_site and (reason := M.says_not_article(ctx.tree, ctx.field("ld"))):
            raise ParseError(ctx.url, reason)
        return ctx.field("canonical_url")

    def read_canonical_url(self, ctx: PageContext) -> str:
        canonical = ctx.absolute(ctx.field("main").canonical_url) or ctx.url
        return canonical if canonical.startswith("file:") else normalize_url(canonical)

    def read_headline(self, ctx: PageContext) -> tuple[str | None, str | None]:
        main = ctx.field("main")
        article = "\n".join(t for t in (main.description, main.text) if t)
        return M.headline_as_shown(ctx.tree, ctx.field("ld"), ctx.url, article)

    def read_title(self, ctx: PageContext) -> str | None:
        return ctx.field("headline")[1] or ctx.field("main").title

    def read_body(self, ctx: PageContext) -> list[str]:
        lines = ctx.field("main").text.split("\n\n")
        stated = (ctx.field("title"), ctx.field("headline")[0], ctx.field("main").title, ctx.field("ld").get("headline"))
        return without_headline(lines, [t for t in stated if isinstance(t, str)])

    def read_lead(self, ctx: PageContext) -> str | None:
        return ctx.field("main").description

    def read_dates(self, ctx: PageContext) -> tuple[str | None, str | None]:
        ld = ctx.field("ld")
        # htmldate's search (on the body's lxml tree) only when the page states and writes no date.
        published = M.publication(ctx.tree, ld, ctx.url, ctx.field("main").tree, shown=ctx.field("headline"),
                                  lines=lambda: ctx.field("lines"))
        updated = M.updated(ctx.tree, ld)
        if not published:
            ctx.warn("no publication date found")
        for name, stamp in (("published", published), ("updated", updated)):
            if stamp is None:
                continue
            ctx.extra[f"{name}_precision"] = stamp.precision
            if stated := stamp.as_stated():
                ctx.extra[f"{name}_local"] = stated
        return (published.iso() if published else None), (updated.iso() if updated else None)

    def read_authors(self, ctx: PageContext) -> tuple[str, ...]:
        # A site its owner publishes is named after them: their name is no publication's there.
        site = [] if M.published_by_person(ctx.field("ld")) else M.site_names(ctx.tree, ctx.field("ld"), ctx.url)
        main = ctx.field("main")
        # The byline search only when the page names nobody plainly: it walks the whole page.
        named = M.authors(ctx.tree, ctx.field("ld"), site, fallback=main.authors, url=ctx.field("canonical_url"))
        named = named or M.people_in_text_byline(main.text, site)
        named = named or M.byline_near_headline(ctx.field("lines"), ctx.field("headline"), site,
                                                links=lambda: M.link_texts(ctx.tree))
        named = named or (M.people(main.guessed_authors(ctx.field("canonical_url")), site)
                          if M.byline_marked(ctx.tree) else ())
        # Last: the account a link to its author page names (a handle, the site's own account).
        return named or M.account_names(ctx.tree)

    def read_section(self, ctx: PageContext) -> str | None:
        return M.section(ctx.tree, ctx.field("ld"))

    def read_image(self, ctx: PageContext) -> Image | None:
        image = ctx.field("main").image
        return Image(url=ctx.absolute(image)) if image else None

    def read_tags(self, ctx: PageContext) -> tuple[Tag, ...]:
        return tuple(Tag(name=t, kind="keyword") for t in ctx.field("main").tags)

    def read_extra(self, ctx: PageContext) -> dict[str, str]:
        sitename = M.site_name(ctx.tree, ctx.field("ld"), ctx.field("main").sitename)
        found = {"sitename": sitename, "language": M.language(ctx.tree)}
        return {name: value for name, value in found.items() if value}


# Lines before the body's copy of the headline: a kicker, the section's name, a date, a slider's
# "Previous/Next". No more than this many lines, each short (H.is_short_line).
_BEFORE_HEADLINE = 2


def without_headline(lines: list[str], titles: list[str]) -> list[str]:
    """LINES without their copy of the headline, which is the title already: the first line,
    or a line after a few short ones (which go with it), or the first lines that together read
    as a title (a kicker and headline on two lines)."""
    for end in range(1, min(_BEFORE_HEADLINE + 1, len(lines)) + 1):
        head = lines[:end]
        if not all(H.is_short_line(line) for line in head[:-1]):
            break
        if any(M.same_line(head[-1], t) or M.same_line(" ".join(head), t) for t in titles):
            return lines[end:]
    return lines


@register
class Generic(Adapter):
    name = "generic"
    origin = ""  # any site: the URL given is the origin
    parsers = (GenericV10,)

    def __init__(self, base_url: str | None = None, site: str | None = None):
        super().__init__(base_url)
        self.follows_site = self.learns_shapes = site is not None
        if site is not None:
            self.name = site  # a configured site's pages and articles are filed under its own name

    @classmethod
    def for_site(cls, site: str, base_url: str) -> "Generic":
        """The adapter following SITE at BASE_URL by configuration alone."""
        return cls(base_url, site)

    def load(self) -> None:
        import archiver.maintext  # noqa: F401  trafilatura, imported lazily: ~0.3 s every command would pay

    def owns(self, url: str) -> bool:
        return super().owns(url) if self.follows_site else True

    def article_key(self, url: str) -> str | None:
        if url.startswith("file:"):
            return url
        if self.follows_site and not (self.owns(url) and D.looks_like_article(url)):
            return None
        return normalize_url(url)

    def canonical_url(self, url: str) -> str:
        return url if url.startswith("file:") else normalize_url(url)

    def is_listing(self, url: str) -> bool:
        return self.follows_site and self.owns(url) and D.looks_like_listing(url)

    # -- following a site ------------------------------------------------------------------
    def start_urls(self) -> list[str]:
        return [self.base_url + "/", *sorted(self.guessed_urls())]

    def guessed_urls(self) -> frozenset[str]:
        # Many sites name their sitemaps elsewhere (robots.txt, /sitemap_index.xml) or have none.
        return frozenset({self.base_url + "/sitemap.xml"}) if self.follows_site else frozenset()

    def sitemaps_from_robots(self, robots_txt: str) -> list[str]:
        """The site's sitemaps its robots.txt names (moved onto base_url), to start from too."""
        return self.named_sitemaps(D.robots_sitemaps(robots_txt))

    def named_sitemaps(self, urls) -> list[str]:
        """Of the sitemaps a robots.txt names, the site's own, moved onto base_url."""
        return [self.rebase(u) for u in urls if self.owns(u)] if self.follows_site else []

    def links(self, ctx: PageContext) -> PageLinks:
        found = super().links(ctx)
        if not self.follows_site or D.is_xml(ctx):
            return found
        feeds = [self.rebase(u) for u in D.feed_hrefs(ctx) if self.owns(u)]
        return replace(found, listings=tuple(dict.fromkeys([*found.listings, *feeds])), says_article=says_article(ctx))

    def sort_links(self, urls) -> PageLinks:
        urls = list(urls)
        found = super().sort_links(urls)
        if not self.follows_site:
            return found
        # What the rules take for neither, unless no article at all (files, tags, feeds):
        # the crawl learns from these which shapes are the site's articles'.
        known = {*found.articles, *found.listings}
        others = dict.fromkeys(u for u in (normalize_url(self.rebase(x)) for x in urls if self.owns(x))
                               if u not in known and not D.never_article(u))
        return replace(found, others=tuple(others))


def says_article(ctx: PageContext) -> bool | None:
    """What a page says it is: an article (JSON-LD article, og:type article), something else
    (og:type website, profile...), or nothing."""
    ld = H.ld_article(ctx.tree)
    if ld or any((M.meta(ctx.tree, "og:type") or "").lower().startswith(t) for t in M.ARTICLE_OG_TYPES):
        return True
    return False if M.says_not_article(ctx.tree, ld) else None
