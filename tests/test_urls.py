from __future__ import annotations

from hypothesis import given, strategies as st

from archiver.urls import authority_of, host_of, normalize_url, origin_of, same_site

segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=12)
paths = st.lists(segment, min_size=0, max_size=4).map(lambda parts: "/" + "/".join(parts))
params = st.lists(st.tuples(segment, segment), max_size=3)
tracking = st.lists(st.tuples(st.sampled_from(["utm_source", "utm_medium", "fbclid", "gclid", "doing_wp_cron"]), segment), max_size=3)


def build(host, path, query, fragment=""):
    q = "&".join(f"{k}={v}" for k, v in query)
    return f"https://{host}{path}" + (f"?{q}" if q else "") + (f"#{fragment}" if fragment else "")


@given(paths, params)
def test_idempotent(path, query):
    url = normalize_url(build("Example.ORG", path, query))
    assert normalize_url(url) == url


@given(paths, params, tracking, segment)
def test_fragment_and_tracking_never_matter(path, query, noise, fragment):
    plain = normalize_url(build("example.org", path, query))
    assert normalize_url(build("EXAMPLE.org:443", path, query + noise, fragment)) == plain


def test_examples():
    assert normalize_url("HTTP://Example.org:80/a/./b/../c?b=2&a=1#x") == "http://example.org/a/c?a=1&b=2"
    assert normalize_url("https://example.org/p?q=1&utm_source=x") == "https://example.org/p?q=1"


def test_host_authority_and_origin():
    url = "https://Example.ORG:8443/a?b=1"
    assert (host_of(url), authority_of(url), origin_of(url)) == ("example.org", "example.org:8443", "https://example.org:8443")
    assert (host_of("http://example.org/"), authority_of("http://example.org/")) == ("example.org", "example.org")
    assert same_site("https://www.example.org/a", "https://example.org") and not same_site("https://example.org:8443/", "https://example.org")


def test_a_host_idna_cannot_encode_is_kept_as_written_not_a_crash():
    long_label = "https://" + "a" * 70 + ".example/story?utm_source=x#top"
    assert normalize_url(long_label) == "https://" + "a" * 70 + ".example/story"
