"""Rebuild the Global Research cassette bodies and golden pages from articles.py.

    /tmp/venv/bin/python cassettes/globalresearch/build_bodies.py

The real 2017 markup is not preserved (sites.md): only the page text (the naive scrape in
shared/samples), the `<title>` suffix and a 2025 scraper's selectors are known. So there are
two plausible WordPress templates, with the clutter such pages carry:

- `theme_2017`: a 2017 custom theme. Title, byline, `Global Research, <date>`, source line and
  Region/Theme/In-depth Report lines in `header.entry-header`; the footer lines (appeal,
  featured-image credit, original source, copyright, Facebook and membership prompts,
  "Articles by", disclaimer, fair use, media inquiries) INSIDE `div.entry-content`, which is
  what made the naive scrape run them together. A sticky title bar repeats title and byline
  (the sample text starts with them twice). No published_time meta, no JSON-LD.
- `theme_2025`: the layout of the 2025 scraper's selectors: `div.title > h2[itemprop=headline]`,
  `div[itemprop=articleBody]`, `img.attachment-single-post-thumbnail`; Yoast metas and JSON-LD
  (whose author is the WordPress post author only); reader prompts at the top of the body;
  Region/Theme lines and most footer lines after the body.

Listing pages and the feed are WordPress-shaped (`/page/N/`, `rel=next`, RSS 2.0 with
`?p=` guids). The body files are what the tests and `--replay` serve; rerun this script only
to change them on purpose, then rerun the golden update and review the diff.
"""

from __future__ import annotations

import html
import json
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from articles import ARTICLES, BY_ID  # noqa: E402

ORIGIN = "https://www.globalresearch.ca"
GOLDEN = HERE.parent.parent / "tests" / "golden" / "globalresearch"
CAPTURED = "Mon, 12 Jun 2017 07:{m:02d}:{s:02d} GMT"
GR_OFFSET = "-04:00"


def url(a: dict) -> str:
    return f"{ORIGIN}/{a['slug']}/{a['id']}"


def long_date(d: date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def utc_time(a: dict) -> str:
    h, m, s = map(int, a["time"].split(":"))
    return f"{h + 4:02d}:{m:02d}:{s:02d}"  # local EDT → UTC; all times are before 20:00


def local_iso(a: dict) -> str:
    return f"{a['day'].isoformat()}T{a['time']}{GR_OFFSET}"


def plain(text: str) -> str:
    return html.unescape(text).replace("&", "&amp;").replace('"', "&quot;")


def author_links(a: dict, cls: str = "") -> str:
    links = [f'<a href="{ORIGIN}/author/{slug}"{cls}>{name}</a>' for name, slug in a["authors"]]
    return links[0] if len(links) == 1 else ", ".join(links[:-1]) + " and " + links[-1]


def author_names(a: dict) -> str:
    names = [n for n, _ in a["authors"]]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def paragraphs(a: dict, wrap_spans: bool) -> str:
    out = []
    for i, p in enumerate(a["paras"]):
        if p.startswith("<h"):
            out.append(p)
        elif wrap_spans and i % 3 == 1:
            out.append(f'<p><span style="font-weight: 400;">{p}</span></p>')
        else:
            out.append(f"<p>{p}</p>")
    return "\n".join(out)


def tag_links(items, kind: str) -> str:
    return ", ".join(f'<a href="{ORIGIN}/{kind}/{slug}">{name}</a>' for name, slug in items)


def copyright_line(a: dict) -> str:
    if a["source"]:
        name, src, _ = a["source"]
        holders = f'{author_links(a)}, <a href="{src}">{name}</a>'
    else:
        holders = f'{author_links(a)}, <a href="{ORIGIN}">Global Research</a>'
    return f"Copyright &copy; {holders}, {a['day'].year}"


def original_source(a: dict) -> str:
    if a["source"]:
        name, src, _ = a["source"]
        return f'The original source of this article is <a href="{src}">{name}</a>'
    return f'The original source of this article is <a href="{ORIGIN}">Global Research</a>'


DISCLAIMER = (
    "Disclaimer: The contents of this article are of sole responsibility of the author(s). The Centre for "
    "Research on Globalization will not be responsible for any inaccurate or incorrect statement in this "
    "article. The Centre of Research on Globalization grants permission to cross-post Global Research "
    "articles on community internet sites as long the source and copyright are acknowledged together with a "
    "hyperlink to the original Global Research article. For publication of Global Research articles in print "
    "or other forms including commercial internet sites, contact: "
    '<a href="mailto:publications@globalresearch.ca">publications@globalresearch.ca</a>'
)
FAIR_USE = (
    '<a href="https://www.globalresearch.ca">www.globalresearch.ca</a> contains copyrighted material the use '
    "of which has not always been specifically authorized by the copyright owner. We are making such material "
    "available to our readers under the provisions of \"fair use\" in an effort to advance a better "
    "understanding of political, economic and social issues. The material on this site is distributed without "
    "profit to those who have expressed a prior interest in receiving it for research and educational "
    "purposes. If you wish to use copyrighted material for purposes other than \"fair use\" you must request "
    "permission from the copyright owner."
)
MEDIA = 'For media inquiries: <a href="mailto:publications@globalresearch.ca">publications@globalresearch.ca</a>'


# -- 2017 theme ----------------------------------------------------------------------------

HEAD_2017 = """<!DOCTYPE html>
<html lang="en-US" prefix="og: http://ogp.me/ns#">
<head>
<meta charset="UTF-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{title_text} | Global Research - Centre for Research on Globalization</title>
<link rel="profile" href="http://gmpg.org/xfn/11" />
<link rel="pingback" href="https://www.globalresearch.ca/xmlrpc.php" />
{extra_head}
<link rel="alternate" type="application/rss+xml" title="Global Research &raquo; Feed" href="https://www.globalresearch.ca/feed" />
<script type="text/javascript">
window._wpemojiSettings = {{"baseUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/2.2.1\\/72x72\\/","ext":".png","source":{{"concatemoji":"https:\\/\\/www.globalresearch.ca\\/wp-includes\\/js\\/wp-emoji-release.min.js?ver=4.7.5"}}}};
!function(a,b,c){{var d=b.createElement("canvas");a.wpemoji=c}}(window,document,window._wpemojiSettings);
</script>
<style type="text/css">img.wp-smiley,img.emoji{{display:inline!important;border:none!important;height:1em!important;width:1em!important}}</style>
<link rel='stylesheet' id='gr-style-css' href='https://www.globalresearch.ca/wp-content/themes/globalresearch/style.css?ver=3.2.1' type='text/css' media='all' />
<link rel='stylesheet' id='addthis_all_pages-css' href='https://www.globalresearch.ca/wp-content/plugins/addthis/frontend/build/addthis_wordpress_public.min.css?ver=4.7.5' type='text/css' media='all' />
<script type='text/javascript' src='https://www.globalresearch.ca/wp-includes/js/jquery/jquery.js?ver=1.12.4'></script>
<script type='text/javascript' src='https://www.globalresearch.ca/wp-includes/js/jquery/jquery-migrate.min.js?ver=1.4.1'></script>
<link rel='https://api.w.org/' href='https://www.globalresearch.ca/wp-json/' />
<meta name="generator" content="WordPress 4.7.5" />
<script>
  (function(i,s,o,g,r,a,m){{i['GoogleAnalyticsObject']=r;i[r]=i[r]||function(){{(i[r].q=i[r].q||[]).push(arguments)}},i[r].l=1*new Date();a=s.createElement(o),m=s.getElementsByTagName(o)[0];a.async=1;a.src=g;m.parentNode.insertBefore(a,m)}})(window,document,'script','https://www.google-analytics.com/analytics.js','ga');
  ga('create', 'UA-1448545-1', 'auto');
  ga('send', 'pageview');
</script>
</head>
"""

TOP_2017 = """<div id="fb-root"></div>
<div id="page" class="hfeed site">
<div id="top-bar">
 <ul class="top-links">
  <li><a href="https://www.globalresearch.ca">Home</a></li>
  <li><a href="https://www.globalresearch.ca/about-us">About</a></li>
  <li><a href="https://www.globalresearch.ca/contact-us">Contact</a></li>
  <li><a href="https://store.globalresearch.ca/donate/">Donate</a></li>
  <li><a href="https://store.globalresearch.ca/membership/">Membership</a></li>
  <li><a href="https://store.globalresearch.ca/my-account/">Login</a></li>
 </ul>
 <form role="search" method="get" class="search-form" action="https://www.globalresearch.ca/">
  <label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search &hellip;" value="" name="s" /></label>
  <input type="submit" class="search-submit" value="Search" />
 </form>
</div>
<header id="masthead" class="site-header" role="banner">
 <div class="site-branding"><a href="https://www.globalresearch.ca/" rel="home"><img src="https://www.globalresearch.ca/wp-content/themes/globalresearch/images/logo.png" alt="Global Research - Centre for Research on Globalization" width="421" height="90" /></a></div>
 <div class="lang-bar">Languages: <a href="https://www.mondialisation.ca">Fran&ccedil;ais</a> <a href="https://www.globalizacion.ca">Espa&ntilde;ol</a> <a href="https://www.globalresearch.ca/italiano">Italiano</a> <a href="https://www.globalresearch.ca/deutsch">Deutsch</a> <a href="https://www.globalresearch.ca/portugues">Portugu&ecirc;s</a></div>
</header>
<nav id="site-navigation" class="main-navigation" role="navigation">
 <ul id="menu-main" class="menu">
  <li class="menu-item menu-item-has-children"><a href="#">Regions</a>
   <ul class="sub-menu">
    <li><a href="https://www.globalresearch.ca/region/usa">USA</a></li>
    <li><a href="https://www.globalresearch.ca/region/canada">Canada</a></li>
    <li><a href="https://www.globalresearch.ca/region/latin-america-caribbean">Latin America &amp; Caribbean</a></li>
    <li><a href="https://www.globalresearch.ca/region/europe">Europe</a></li>
    <li><a href="https://www.globalresearch.ca/region/sub-saharan-africa">sub-Saharan Africa</a></li>
    <li><a href="https://www.globalresearch.ca/region/russia-and-fsu">Russia and FSU</a></li>
    <li><a href="https://www.globalresearch.ca/region/middle-east">Middle East &amp; North Africa</a></li>
    <li><a href="https://www.globalresearch.ca/region/asia">Asia</a></li>
   </ul>
  </li>
  <li class="menu-item menu-item-has-children"><a href="#">Themes</a>
   <ul class="sub-menu">
    <li><a href="https://www.globalresearch.ca/theme/us-nato-war-agenda">US NATO War Agenda</a></li>
    <li><a href="https://www.globalresearch.ca/theme/terrorism">Terrorism</a></li>
    <li><a href="https://www.globalresearch.ca/theme/global-economy">Global Economy</a></li>
    <li><a href="https://www.globalresearch.ca/theme/crimes-against-humanity">Crimes against Humanity</a></li>
    <li><a href="https://www.globalresearch.ca/theme/oil-and-energy">Oil and Energy</a></li>
    <li><a href="https://www.globalresearch.ca/theme/law-and-justice">Law and Justice</a></li>
   </ul>
  </li>
  <li class="menu-item menu-item-has-children"><a href="#">In-depth Reports</a>
   <ul class="sub-menu">
    <li><a href="https://www.globalresearch.ca/indepthreport/syria-nato-s-next-war">SYRIA</a></li>
    <li><a href="https://www.globalresearch.ca/indepthreport/iraq-report">IRAQ REPORT</a></li>
    <li><a href="https://www.globalresearch.ca/indepthreport/the-war-on-terror">THE WAR ON TERROR</a></li>
   </ul>
  </li>
  <li class="menu-item"><a href="https://www.globalresearch.ca/latest-news-and-top-stories">Latest News</a></li>
  <li class="menu-item"><a href="https://www.globalresearch.ca/videos">Videos</a></li>
  <li class="menu-item"><a href="https://store.globalresearch.ca/">Books</a></li>
 </ul>
</nav>
"""


def sidebar_2017(exclude: int | None) -> str:
    latest = [a for a in ARTICLES if a["id"] != exclude][:5]
    items = "\n".join(f'   <li><a href="{url(a)}">{a["title"]}</a></li>' for a in latest)
    return f"""<aside id="secondary" class="widget-area sidebar" role="complementary">
 <section id="newsletter" class="widget widget_newsletter">
  <h3 class="widget-title">Get Our Free Newsletter</h3>
  <p>Stay informed: subscribe to Global Research's daily newsletter.</p>
  <form action="https://visitor.constantcontact.com/manage/optin" method="post"><input type="email" name="ea" placeholder="Your email address" /><input type="submit" value="Subscribe" /></form>
 </section>
 <section id="latest" class="widget widget_recent_entries">
  <h3 class="widget-title">Latest Global Research Articles</h3>
  <ul>
{items}
  </ul>
 </section>
 <section id="donate" class="widget widget_text">
  <h3 class="widget-title">Support Independent Media</h3>
  <div class="textwidget"><p>Global Research relies on the support of its readers.</p><p><a href="https://store.globalresearch.ca/donate/"><img src="https://www.globalresearch.ca/wp-content/uploads/2016/01/donate-button.png" alt="Donate" /></a></p></div>
 </section>
 <section id="books" class="widget widget_text">
  <h3 class="widget-title">Global Research Publishers</h3>
  <div class="textwidget"><p><a href="https://store.globalresearch.ca/store/the-globalization-of-war/">The Globalization of War: America's &quot;Long War&quot; against Humanity</a></p></div>
 </section>
</aside>
"""


FOOTER_2017 = """<footer id="colophon" class="site-footer" role="contentinfo">
 <div class="footer-links"><a href="https://www.globalresearch.ca/about-us">About Global Research</a> | <a href="https://www.globalresearch.ca/privacy-policy">Privacy Policy</a> | <a href="https://www.globalresearch.ca/feed">RSS</a></div>
 <div class="site-info">Copyright &copy; 2005-2017 GlobalResearch.ca</div>
</footer>
</div><!-- #page -->
<script type="text/javascript">var addthis_config = {"data_track_clickback":true,"ui_atversion":300};</script>
<script type="text/javascript" src="https://s7.addthis.com/js/300/addthis_widget.js#pubid=ra-4f6c3d5a2e8b6b1a"></script>
<script type='text/javascript' src='https://www.globalresearch.ca/wp-includes/js/wp-embed.min.js?ver=4.7.5'></script>
</body>
</html>
"""


def article_2017(a: dict) -> str:
    title_text = html.unescape(a["title"])
    extra_head = "\n".join([
        f'<meta name="description" content="{plain(a["excerpt"])}"/>',
        f'<link rel="canonical" href="{url(a)}" />',
        '<meta property="og:locale" content="en_US" />',
        '<meta property="og:type" content="article" />',
        f'<meta property="og:title" content="{plain(a["title"])}" />',
        f'<meta property="og:description" content="{plain(a["excerpt"])}" />',
        f'<meta property="og:url" content="{url(a)}" />',
        '<meta property="og:site_name" content="Global Research" />',
        f'<meta property="og:image" content="{ORIGIN}/wp-content/uploads/2017/06/{a["image"]}" />',
        '<meta name="twitter:card" content="summary_large_image" />',
        '<meta name="twitter:site" content="@CRG_CRM" />',
        f"<link rel='shortlink' href='{ORIGIN}/?p={a['id']}' />",
    ])
    source = ""
    if a["source"]:
        name, src, when = a["source"]
        source = f'   <div class="source-line"><a href="{src}" target="_blank" rel="noopener">{name}</a> {when}</div>\n'
    lines = [f'    <div class="region">Region: {tag_links(a["regions"], "region")}</div>']
    if a["themes"]:
        lines.append(f'    <div class="theme">Theme: {tag_links(a["themes"], "theme")}</div>')
    if a["reports"]:
        lines.append(f'    <div class="report">In-depth Report: {tag_links(a["reports"], "indepthreport")}</div>')
    video = ""
    if a.get("video"):
        video = (f'<p><iframe width="640" height="360" src="https://www.youtube.com/embed/{a["video"]}?feature=oembed" '
                 'frameborder="0" allowfullscreen></iframe></p>\n')
    tail = []
    if a.get("voiceover"):
        tail.append(f'<p>Voiceover by <strong>{a["voiceover"]}</strong></p>')
    if a.get("appeal"):
        tail.append(f'<p><em>{a["appeal"]}</em></p>')
    if a.get("featured"):
        tail.append(f'<p><em>Featured image: {a["featured"]}</em></p>')
    related = ""
    if a["related"]:
        items = "\n".join(
            f'   <li><a href="{url(BY_ID[r])}">{BY_ID[r]["title"]}</a> <span class="rel-by">By {author_names(BY_ID[r])}, {long_date(BY_ID[r]["day"])}</span></li>'
            for r in a["related"]
        )
        related = f"""  <div class="related-articles">
   <h3>Related Articles</h3>
   <ul>
{items}
   </ul>
  </div>
"""
    share = f"""   <div class="addthis_sharing_toolbox share-top" data-url="{url(a)}">
    <a class="share-print" href="{url(a)}?print=1" rel="nofollow">Print</a>
    <a class="share-email" href="mailto:?subject={plain(title_text)}&amp;body={url(a)}" rel="nofollow">Email</a>
    <span class="font-size">Font Size <a href="#" class="font-plus">A+</a> <a href="#" class="font-minus">A-</a></span>
   </div>
"""
    return HEAD_2017.format(title_text=html.escape(title_text, quote=False), extra_head=extra_head) + f"""<body class="post-template-default single single-post postid-{a['id']} single-format-standard">
{TOP_2017}<div id="sticky-title" class="sticky-title">
 <span class="st-title">{a['title']}</span>
 <span class="st-by">By {author_links(a)}</span>
</div>
<div id="main" class="site-main container">
 <div id="primary" class="content-area col-main">
  <article id="post-{a['id']}" class="post-{a['id']} post type-post status-publish format-standard has-post-thumbnail hentry">
   <header class="entry-header">
    <h1 class="entry-title">{a['title']}</h1>
{share}    <div class="author-name">By {author_links(a, ' rel="author"')}</div>
    <div class="date-line"><span class="gr-date">Global Research, {long_date(a['day'])}</span></div>
{source}    <div class="article-tags">
{chr(10).join(lines)}
    </div>
   </header>
   <div class="entry-content">
    <div class="featured-image"><img width="400" height="225" src="{ORIGIN}/wp-content/uploads/2017/06/{a['image']}" class="attachment-large size-large wp-post-image" alt="" /></div>
{paragraphs(a, wrap_spans=True)}
{video}{chr(10).join(tail)}
<p>&nbsp;</p>
    <div class="original-source">{original_source(a)}<br />
{copyright_line(a)}</div>
    <p class="fb-comment"><a href="https://www.facebook.com/GlobalResearchCRG" target="_blank">Comment on Global Research Articles on our Facebook page</a></p>
    <p class="member-link"><a href="https://store.globalresearch.ca/membership/">Become a Member of Global Research</a></p>
    <div class="articles-by">Articles by: <strong>{author_links(a)}</strong></div>
    <div class="disclaimer">
     <p>{DISCLAIMER}</p>
     <p>{FAIR_USE}</p>
     <p>{MEDIA}</p>
    </div>
   </div><!-- .entry-content -->
{related}  </article>
  <div class="fb-comments" data-href="{url(a)}" data-numposts="5" data-width="100%"></div>
 </div><!-- #primary -->
{sidebar_2017(a['id'])}</div><!-- #main -->
{FOOTER_2017}"""


def listing_2017(items: list[dict], page: int) -> str:
    """A region page. The theme's pagination shows the neighbours and always a "Next" link
    (it does not know the last page): past the end it serves an empty page with status 200."""
    base = f"{ORIGIN}/region/middle-east/"

    def at(n: int) -> str:
        return base if n == 1 else f"{base}page/{n}/"

    head_links = [f'<link rel="canonical" href="{at(page)}" />']
    if page > 1:
        head_links.append(f'<link rel="prev" href="{at(page - 1)}" />')
    head_links.append(f'<link rel="next" href="{at(page + 1)}" />')
    blocks = []
    for i, a in enumerate(items):
        link = url(a) + ("?doing_wp_cron=1497253892.4176349639892578125000" if (page, i) == (1, 2) else "")
        blocks.append(f"""  <div class="article">
   <div class="thumbnail"><a href="{link}"><img src="{ORIGIN}/wp-content/uploads/2017/06/{a['image']}" width="150" height="84" alt="" /></a></div>
   <strong class="title"><a href="{link}">{a['title']}</a></strong>
   <span class="author-date">By {author_links(a)}, {long_date(a['day'])}</span>
   <p class="excerpt">{a['excerpt']}</p>
  </div>""")
    if not blocks:
        blocks.append('  <p class="no-results">Sorry, no posts matched your criteria.</p>')
    nav = []
    if page > 1:
        nav.append(f'<a class="prev page-numbers" href="{at(page - 1)}">&laquo; Previous</a>')
        nav.append(f'<a class="page-numbers" href="{at(page - 1)}">{page - 1}</a>')
    nav.append(f'<span class="page-numbers current">{page}</span>')
    nav.append(f'<a class="page-numbers" href="{at(page + 1)}">{page + 1}</a>')
    nav.append(f'<a class="next page-numbers" href="{at(page + 1)}">Next &raquo;</a>')
    return HEAD_2017.format(title_text="Middle East &amp; North Africa", extra_head="\n".join(head_links)) + f"""<body class="archive tax-region term-middle-east paged-{page}">
{TOP_2017}<div id="main" class="site-main container">
 <div id="primary" class="content-area col-main">
  <h1 class="page-title">Region: Middle East &amp; North Africa</h1>
{chr(10).join(blocks)}
  <div class="pagination">
   {' '.join(nav)}
  </div>
 </div>
{sidebar_2017(None)}</div>
{FOOTER_2017}"""


def feed(items: list[dict]) -> str:
    out = []
    for a in items:
        cats = "".join(f"\n\t\t<category><![CDATA[{html.unescape(n)}]]></category>" for n, _ in a["regions"] + a["themes"])
        d = a["day"]
        pub = f"{d:%a}, {d.day:02d} {d:%b} {d.year} {utc_time(a)} +0000"
        out.append(f"""	<item>
		<title>{a['title']}</title>
		<link>{url(a)}</link>
		<pubDate>{pub}</pubDate>
		<dc:creator><![CDATA[{author_names(a)}]]></dc:creator>{cats}
		<guid isPermaLink="false">{ORIGIN}/?p={a['id']}</guid>
		<description><![CDATA[{html.unescape(a['excerpt'])} [&#8230;]]]></description>
	</item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>

<channel>
	<title>Global Research</title>
	<atom:link href="{ORIGIN}/feed" rel="self" type="application/rss+xml" />
	<link>{ORIGIN}</link>
	<description>Centre for Research on Globalization</description>
	<lastBuildDate>Sun, 11 Jun 2017 18:40:12 +0000</lastBuildDate>
	<language>en-US</language>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<sy:updateFrequency>1</sy:updateFrequency>
	<generator>https://wordpress.org/?v=4.7.5</generator>
{chr(10).join(out)}
</channel>
</rss>
"""


# -- 2025 layout ---------------------------------------------------------------------------

def article_2025(a: dict, modified: str) -> str:
    title_text = html.unescape(a["title"])
    first_author = a["authors"][0]
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "Article", "@id": f"{url(a)}#article",
                "isPartOf": {"@id": url(a)},
                "author": {"name": first_author[0], "@id": f"{ORIGIN}/#/schema/person/{first_author[1]}"},
                "headline": title_text, "datePublished": local_iso(a), "dateModified": modified,
                "mainEntityOfPage": {"@id": url(a)},
                "publisher": {"@id": f"{ORIGIN}/#organization"},
                "image": {"@id": f"{url(a)}#primaryimage"},
                "thumbnailUrl": f"{ORIGIN}/wp-content/uploads/2017/06/{a['image']}",
                "articleSection": [html.unescape(n) for n, _ in a["regions"] + a["themes"] + a["reports"]],
                "inLanguage": "en-US",
            },
            {"@type": "WebPage", "@id": url(a), "url": url(a), "name": f"{title_text} - Global Research",
             "datePublished": local_iso(a), "dateModified": modified, "inLanguage": "en-US"},
            {"@type": "BreadcrumbList", "@id": f"{url(a)}#breadcrumb", "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{ORIGIN}/"},
                {"@type": "ListItem", "position": 2, "name": title_text}]},
            {"@type": "Organization", "@id": f"{ORIGIN}/#organization", "name": "Global Research",
             "url": f"{ORIGIN}/", "sameAs": ["https://www.facebook.com/GlobalResearchCRG", "https://x.com/CRG_CRM"]},
        ],
    }
    source = ""
    if a["source"]:
        name, src, when = a["source"]
        source = f'      <div class="source"><a href="{src}" target="_blank" rel="noopener">{name}</a> {when}</div>\n'
    terms = [f'       <li><strong>Region:</strong> {tag_links(a["regions"], "region")}</li>']
    if a["themes"]:
        terms.append(f'       <li><strong>Theme:</strong> {tag_links(a["themes"], "theme")}</li>')
    if a["reports"]:
        terms.append(f'       <li><strong>In-depth Report:</strong> {tag_links(a["reports"], "indepthreport")}</li>')
    video = ""
    if a.get("video"):
        video = (f'<div class="video-container"><iframe title="{plain(title_text)}" width="800" height="450" '
                 f'src="https://www.youtube.com/embed/{a["video"]}?feature=oembed" frameborder="0" allowfullscreen></iframe></div>\n')
    tail = []
    if a.get("voiceover"):
        tail.append(f'<p>Voiceover by <strong>{a["voiceover"]}</strong></p>')
    if a.get("appeal"):
        tail.append(f"<p>{a['appeal']}</p>")
    if a.get("featured"):
        tail.append(f'<p><em>Featured image: {a["featured"]}</em></p>')
    related = ""
    if a["related"]:
        cards = "\n".join(
            f"""     <div class="related-item">
      <a href="{url(BY_ID[r])}"><img width="300" height="169" src="{ORIGIN}/wp-content/uploads/2017/06/{BY_ID[r]['image']}" class="attachment-medium size-medium" alt="" loading="lazy" /></a>
      <h3><a href="{url(BY_ID[r])}">{BY_ID[r]['title']}</a></h3>
      <span class="byline">By {author_names(BY_ID[r])}, {long_date(BY_ID[r]['day'])}</span>
     </div>""" for r in a["related"])
        related = f"""    <div class="related-posts">
     <h4>Related Articles</h4>
{cards}
    </div>
"""
    popular = "\n".join(f'      <li><a href="{url(b)}">{b["title"]}</a></li>' for b in ARTICLES[:4] if b["id"] != a["id"])
    ld = json.dumps(graph, ensure_ascii=False).replace("/", "\\/")
    return f"""<!doctype html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="profile" href="https://gmpg.org/xfn/11">
<title>{html.escape(title_text, quote=False)} | Global Research - Centre for Research on Globalization</title>
<meta name="description" content="{plain(a['excerpt'])}" />
<meta name="robots" content="index, follow, max-snippet:-1, max-image-preview:large, max-video-preview:-1" />
<link rel="canonical" href="{url(a)}" />
<meta property="og:locale" content="en_US" />
<meta property="og:type" content="article" />
<meta property="og:title" content="{plain(a['title'])}" />
<meta property="og:description" content="{plain(a['excerpt'])}" />
<meta property="og:url" content="{url(a)}" />
<meta property="og:site_name" content="Global Research" />
<meta property="article:publisher" content="https://www.facebook.com/GlobalResearchCRG" />
<meta property="article:published_time" content="{local_iso(a)}" />
<meta property="article:modified_time" content="{modified}" />
<meta property="og:image" content="{ORIGIN}/wp-content/uploads/2017/06/{a['image']}" />
<meta property="og:image:width" content="400" />
<meta property="og:image:height" content="225" />
<meta name="author" content="{first_author[0]}" />
<meta name="twitter:card" content="summary_large_image" />
<meta name="twitter:creator" content="@CRG_CRM" />
<meta name="twitter:label1" content="Written by" />
<meta name="twitter:data1" content="{first_author[0]}" />
<script type="application/ld+json" class="yoast-schema-graph">{ld}</script>
<link rel='stylesheet' id='bootstrap-css' href='https://www.globalresearch.ca/wp-content/themes/gr2021/assets/css/bootstrap.min.css?ver=6.6.2' media='all' />
<link rel='stylesheet' id='gr-main-css' href='https://www.globalresearch.ca/wp-content/themes/gr2021/style.css?ver=1.8.4' media='all' />
<script src="https://www.globalresearch.ca/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
<link rel="https://api.w.org/" href="https://www.globalresearch.ca/wp-json/" />
<link rel="alternate" title="JSON" type="application/json" href="https://www.globalresearch.ca/wp-json/wp/v2/posts/{a['id']}" />
<link rel='shortlink' href='{ORIGIN}/?p={a['id']}' />
<script async src="https://www.googletagmanager.com/gtag/js?id=G-3K9QZ1Y7LM"></script>
<script>window.dataLayer = window.dataLayer || [];function gtag(){{dataLayer.push(arguments);}}gtag('js', new Date());gtag('config', 'G-3K9QZ1Y7LM');</script>
</head>
<body class="post-template-default single single-post postid-{a['id']} single-format-standard">
<a class="skip-link screen-reader-text" href="#main">Skip to content</a>
<header class="site-header">
 <div class="container header-top">
  <a class="logo" href="https://www.globalresearch.ca/"><img src="https://www.globalresearch.ca/wp-content/themes/gr2021/assets/images/logo-gr.svg" alt="Global Research - Centre for Research on Globalization" width="330" height="70"></a>
  <div class="header-actions"><a class="btn btn-donate" href="https://www.globalresearch.ca/donate">Donate</a> <a class="btn btn-login" href="https://www.globalresearch.ca/my-account">Login</a> <a class="btn btn-newsletter" href="https://lp.constantcontactpages.com/su/IJiNQuW">Newsletter</a></div>
 </div>
 <nav class="main-menu navbar navbar-expand-lg">
  <ul class="navbar-nav">
   <li class="nav-item"><a class="nav-link" href="https://www.globalresearch.ca/latest-news-and-top-stories">Latest</a></li>
   <li class="nav-item dropdown"><a class="nav-link dropdown-toggle" href="#">Regions</a>
    <ul class="dropdown-menu">
     <li><a class="dropdown-item" href="https://www.globalresearch.ca/region/usa">USA</a></li>
     <li><a class="dropdown-item" href="https://www.globalresearch.ca/region/europe">Europe</a></li>
     <li><a class="dropdown-item" href="https://www.globalresearch.ca/region/middle-east">Middle East &amp; North Africa</a></li>
     <li><a class="dropdown-item" href="https://www.globalresearch.ca/region/asia">Asia</a></li>
    </ul>
   </li>
   <li class="nav-item dropdown"><a class="nav-link dropdown-toggle" href="#">Themes</a>
    <ul class="dropdown-menu">
     <li><a class="dropdown-item" href="https://www.globalresearch.ca/theme/us-nato-war-agenda">US NATO War Agenda</a></li>
     <li><a class="dropdown-item" href="https://www.globalresearch.ca/theme/terrorism">Terrorism</a></li>
     <li><a class="dropdown-item" href="https://www.globalresearch.ca/theme/global-economy">Global Economy</a></li>
    </ul>
   </li>
   <li class="nav-item"><a class="nav-link" href="https://www.globalresearch.ca/videos">Videos</a></li>
   <li class="nav-item"><a class="nav-link" href="https://www.globalresearch.ca/about-us">About</a></li>
  </ul>
  <form class="search-form" action="https://www.globalresearch.ca/" method="get"><input type="search" name="s" placeholder="Search"><button type="submit">Search</button></form>
 </nav>
</header>
<main id="main" class="site-main">
 <div class="container">
  <div class="row">
   <div class="col-lg-8 content-area">
    <div class="post" itemscope itemtype="https://schema.org/Article">
     <div class="title"><h2 itemprop="headline">{a['title']}</h2></div>
     <div class="post-meta">
      <div class="author-info"><span class="by">By </span><span class="author" itemprop="author">{author_links(a)}</span></div>
      <div class="translate-widget"><div id="google_translate_element"></div></div>
      <div class="date"><span itemprop="datePublished" content="{a['day'].isoformat()}">Global Research, {long_date(a['day'])}</span></div>
{source}     </div>
     <div class="share-buttons">
      <a class="share-facebook" href="https://www.facebook.com/sharer/sharer.php?u={url(a)}" rel="nofollow"><span>Facebook</span></a>
      <a class="share-x" href="https://x.com/intent/tweet?url={url(a)}" rel="nofollow"><span>X</span></a>
      <a class="share-telegram" href="https://t.me/share/url?url={url(a)}" rel="nofollow"><span>Telegram</span></a>
      <a class="share-email" href="mailto:?body={url(a)}" rel="nofollow"><span>Email</span></a>
      <a class="share-print" href="javascript:window.print()"><span>Print</span></a>
     </div>
     <figure class="post-thumbnail"><img width="400" height="225" src="{ORIGIN}/wp-content/uploads/2017/06/{a['image']}" class="attachment-single-post-thumbnail size-single-post-thumbnail wp-post-image" alt="" decoding="async" fetchpriority="high" /></figure>
     <div class="entry-content" itemprop="articleBody">
<p><em>All Global Research articles can be read in 51 languages by activating the Translate Website button below the author&#8217;s name (only available in desktop version).</em></p>
<p><em>To receive Global Research&#8217;s Daily Newsletter (selected articles), <a href="https://lp.constantcontactpages.com/su/IJiNQuW">click here</a>.</em></p>
<p><em>Click the share button above to email/forward this article to your friends and colleagues. Follow us on <a href="https://www.instagram.com/crg_globalresearch/">Instagram</a> and <a href="https://x.com/CRG_CRM">Twitter</a> and subscribe to our <a href="https://t.me/gr_crg">Telegram Channel</a>. Feel free to repost and share widely Global Research articles.</em></p>
<p>&nbsp;</p>
{paragraphs(a, wrap_spans=False)}
{video}{chr(10).join(tail)}
<div class="donation-box">
<p><strong>Global Research is a reader-funded media. We do not accept any funding from corporations or governments. Help us stay afloat. Click the image below to make a one-time or recurring donation.</strong></p>
<p><a href="https://www.globalresearch.ca/donate"><img src="https://www.globalresearch.ca/wp-content/uploads/2023/03/donate-gr.png" alt="" width="300" height="100" /></a></p>
</div>
     </div>
     <div class="post-footer">
      <p class="original-source">{original_source(a)}</p>
      <p class="copyright">{copyright_line(a)}</p>
      <ul class="post-terms">
{chr(10).join(terms)}
      </ul>
      <div class="fb-prompt"><a href="https://www.facebook.com/GlobalResearchCRG">Comment on Global Research Articles on our Facebook page</a></div>
      <div class="member-prompt"><a href="https://www.globalresearch.ca/members">Become a Member of Global Research</a></div>
     </div>
     <div class="author-box">
      <h4>Articles by: {author_links(a)}</h4>
     </div>
{related}     <div class="disclaimer">
      <p><strong>Disclaimer:</strong> {DISCLAIMER[len("Disclaimer: "):]}</p>
      <p>{FAIR_USE}</p>
      <p>{MEDIA}</p>
     </div>
    </div>
   </div>
   <aside class="col-lg-4 sidebar">
    <div class="widget subscribe"><h3>Subscribe to Global Research</h3><form action="https://lp.constantcontactpages.com/su/IJiNQuW"><input type="email" placeholder="Email"><button>Subscribe</button></form></div>
    <div class="widget most-popular"><h3>Most Popular</h3>
     <ul>
{popular}
     </ul>
    </div>
    <div class="widget featured-book"><h3>Featured Book</h3><p><a href="https://store.globalresearch.ca/store/">Towards a World War III Scenario</a></p></div>
   </aside>
  </div>
 </div>
</main>
<footer class="site-footer">
 <div class="container"><p>Copyright &copy; Centre for Research on Globalization. All rights reserved. <a href="https://www.globalresearch.ca/privacy-policy">Privacy Policy</a> | <a href="https://www.globalresearch.ca/terms-of-use">Terms of Use</a></p></div>
</footer>
<script src="https://translate.google.com/translate_a/element.js?cb=googleTranslateElementInit"></script>
<script src="https://www.globalresearch.ca/wp-content/themes/gr2021/assets/js/main.js?ver=1.8.4" id="gr-main-js"></script>
</body>
</html>
"""


MUST_NOT_CONTAIN = [
    "If you're able, and if you like our content", "Voiceover by", "Featured image", "The original source of this article is",
    "Copyright ©", "Comment on Global Research Articles on our Facebook page", "Become a Member of Global Research",
    "Articles by:", "Disclaimer:", "fair use", "For media inquiries", "Region:", "Theme:", "In-depth Report:",
    "Global Research, June", "Translate Website", "Daily Newsletter", "Click the share button above", "reader-funded media",
]


# -- writing -------------------------------------------------------------------------------

def main() -> None:
    bodies = HERE / "bodies"
    bodies.mkdir(exist_ok=True)
    interactions = []
    html_headers = {"content-type": "text/html; charset=UTF-8", "server": "nginx", "x-powered-by": "PHP/5.6.30"}
    clock = iter(range(0, 3600, 13))

    def add(page_url: str, name: str, body: str, status: int = 200, ctype: str | None = None) -> None:
        (bodies / name).write_text(body, encoding="utf-8")
        s = next(clock)
        headers = dict(html_headers)
        if ctype:
            headers["content-type"] = ctype
        headers["date"] = CAPTURED.format(m=50 + s // 60, s=s % 60)
        interactions.append({"method": "GET", "url": page_url, "status": status, "headers": headers, "body_file": f"bodies/{name}"})

    add(f"{ORIGIN}/feed", "feed.xml", feed(ARTICLES[:5]), ctype="application/rss+xml; charset=UTF-8")
    add(f"{ORIGIN}/region/middle-east/", "region-middle-east.html", listing_2017(ARTICLES[:7], 1))
    add(f"{ORIGIN}/region/middle-east/page/2/", "region-middle-east-page-2.html", listing_2017(ARTICLES[7:], 2))
    add(f"{ORIGIN}/region/middle-east/page/3/", "region-middle-east-page-3.html", listing_2017([], 3))
    for a in ARTICLES:
        add(url(a), f"{a['id']}.html", article_2017(a))

    manifest = {
        "site": "globalresearch",
        "origin": ORIGIN,
        "note": (
            "Captured (constructed) 12 June 2017. The sample article 5594563 carries the real page text of "
            "shared/samples/globalresearch-2017-06-10-southfront-raqqa.txt; the other eleven are plausible June 2017 "
            "Syria coverage written for this cassette (articles.py; invented authors and outlets). The 2017 markup is "
            "unknown: this is a plausible WordPress theme (build_bodies.py explains it), with the footer lines inside "
            "the body div as the naive scrape suggests. /feed lists the five newest posts, /region/middle-east/ "
            "seven, page/2/ the other five; page/3/ is past the end: status 200, no posts, only sidebar links to posts "
            "already seen, and a Next link to page/4/, which is not recorded: a crawl must stop there because page 3 "
            "added nothing new. South Front's donation appeal recurs on both of its "
            "pieces (5594563, 5593987) as the outlet's own boilerplate; it is cut from the text. Daniel Mercer's "
            "one-line author bio ends both of his pieces (5594702, 5593298) and is article text."
        ),
        "interactions": interactions,
    }
    (HERE / "cassette.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    GOLDEN.mkdir(parents=True, exist_ok=True)
    served_2017 = {i["url"]: i["headers"]["date"] for i in interactions}  # goldens = the cassette's bytes and date
    goldens = [
        ("2017-southfront-raqqa", BY_ID[5594563], "2017", served_2017[url(BY_ID[5594563])], None),
        ("2017-raqqa-civilians-two-authors", BY_ID[5594288], "2017", served_2017[url(BY_ID[5594288])], None),
        ("2017-homs-convoy-three-authors", BY_ID[5593420], "2017", served_2017[url(BY_ID[5593420])], None),
        ("2025-southfront-raqqa", BY_ID[5594563], "2025", "Tue, 14 Oct 2025 10:12:03 GMT", "2023-02-27T18:05:12-05:00"),
        ("2025-raqqa-civilians-two-authors", BY_ID[5594288], "2025", "Tue, 14 Oct 2025 10:14:47 GMT", "2017-06-09T16:48:02-04:00"),
    ]
    for name, a, era, served, modified in goldens:
        body = article_2017(a) if era == "2017" else article_2025(a, modified)
        (GOLDEN / f"{name}.html").write_text(body, encoding="utf-8")
        spec_path = GOLDEN / f"{name}.json"
        spec = json.loads(spec_path.read_text(encoding="utf-8")) if spec_path.exists() else {}
        spec.update({"url": url(a), "headers": {"content-type": "text/html; charset=UTF-8", "date": served}})
        spec["must_contain"] = [a["paras"][0], a["paras"][-1].replace("<em>", "").replace("</em>", "")]
        spec["must_not_contain"] = MUST_NOT_CONTAIN
        spec.setdefault("expected", {})
        spec_path.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
