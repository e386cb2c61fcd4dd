"""General URL normalisation; per-site identity rules live in the adapters."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import SplitResult, urljoin, urlsplit

from url_normalize import url_normalize
from w3lib.url import canonicalize_url, url_query_cleaner

# Parameters that only say how a reader arrived, never which page it is.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid|ref|ref_src|"
    r"doing_wp_cron|amp|output|share|from|spm|cmpid|ito|ocid|icid)$",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)  # pure, and a page's links repeat (nav, related boxes): normalised once
def normalize_url(url: str) -> str:
    """Scheme and host case, default ports, dot segments, percent-encoding, sorted query
    without tracking parameters, no fragment. Idempotent."""
    url = url.strip()
    cleaned = url_query_cleaner(url, parameterlist=(), remove=True, unique=False, keep_fragments=False)
    parts = urlsplit(cleaned)
    if parts.query:
        kept = "&".join(p for p in parts.query.split("&") if p and not TRACKING_PARAMS.match(p.split("=", 1)[0]))
        cleaned = parts._replace(query=kept).geturl()
    try:
        canonical = canonicalize_url(cleaned, keep_fragments=False)
        normalized = url_normalize(canonical) or canonical
    except (UnicodeError, ValueError):
        # A host IDNA cannot encode (a label over 63 characters, an empty one): not a URL a
        # browser could open, but one a page or a WARC may still name; kept as written.
        normalized = cleaned
    return normalized.split("#", 1)[0]


def absolute(base: str, href: str | None) -> str | None:
    if not href:
        return None
    href = href.strip()
    if href.startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
        return None
    try:
        joined = urljoin(base, href)
        scheme = urlsplit(joined).scheme
    except ValueError:  # "http://ex]ample/": an address urllib cannot read is no link
        return None
    return joined if scheme in ("http", "https") else None


def links_elsewhere(page_url: str | None, href: str | None) -> bool:
    """Whether HREF, a link on the page at PAGE_URL, leads to another page: not to the page
    itself (a permalink), nor to a part of it. A relative link where the page's address is not
    known leads nowhere known."""
    target = absolute(page_url or "", href)
    if target is None:
        return False
    there, here = split_url(target), split_url(page_url)
    return (there.netloc.lower(), there.path.rstrip("/")) != (here.netloc.lower(), here.path.rstrip("/"))


def split_url(url: str | None) -> SplitResult:
    """urlsplit, or an empty split for what is not a URL (e.g. 'http://[::1', or None): a
    malformed URL points nowhere, and the fetch of it says so."""
    try:
        return urlsplit(url or "")
    except ValueError:
        return SplitResult("", "", "", "", "")


# Three views of where a URL points, e.g. for https://Example.org:8443/a:
def host_of(url: str) -> str:
    """The host name alone, lower case, no port: 'example.org'. Which site a link belongs to."""
    return (split_url(url).hostname or "").lower()


def authority_of(url: str) -> str:
    """Host and port as written, lower case: 'example.org:8443'. One server to be polite to:
    two servers on one host answer on different ports."""
    return split_url(url).netloc.lower()


def origin_of(url: str) -> str:
    """Scheme, host and port, lower case: 'https://example.org:8443'. Where robots.txt lives."""
    parts = split_url(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_site(url: str, origin: str) -> bool:
    a, b = host_of(url), host_of(origin)
    strip = lambda h: h[4:] if h.startswith("www.") else h  # noqa: E731
    return bool(a) and strip(a) == strip(b) and _port(url) == _port(origin)


def _port(url: str) -> int | None:
    try:
        return split_url(url).port
    except ValueError:  # out of range
        return -1
