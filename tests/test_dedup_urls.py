"""URL identity through the real adapters: one article row per story per site, whatever URL it came by."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from archiver.models import ParsedArticle
from archiver.sites import adapter_class
from archiver.store import Store

ids = st.integers(min_value=1_000_000, max_value=9_999_999)
slugs = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=30).filter(lambda s: not s.isdigit())
fragments = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=10)
tracking = st.lists(st.tuples(st.sampled_from(["utm_source", "utm_medium", "utm_campaign", "fbclid", "gclid"]), fragments),
                    min_size=1, max_size=3)
hosts = st.sampled_from(["en.alalam.ir", "EN.ALALAM.IR", "en.alalam.ir:443"])


def noisy(url: str, params, fragment: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params)
    return url + ("&" if "?" in url else "?") + query + f"#{fragment}"


def alalam_url(host: str, news_id: int, slug: str | None) -> str:
    return f"https://{host}/news/{news_id}" + (f"/{slug}" if slug else "")


alalam = adapter_class("alalam")("https://en.alalam.ir")
globalresearch = adapter_class("globalresearch")("https://www.globalresearch.ca")
sputnik = adapter_class("sputnik")("https://sputniknews.com")


@given(hosts, ids, st.none() | slugs, tracking, fragments)
def test_alalam_identity_ignores_slug_tracking_fragment_and_host_case(host, news_id, slug, params, fragment):
    plain = alalam.canonical_url(f"https://en.alalam.ir/news/{news_id}")
    url = noisy(alalam_url(host, news_id, slug), params, fragment)
    assert alalam.article_key(url) == str(news_id)
    assert alalam.canonical_url(url) == plain
    assert alalam.canonical_url(plain) == plain  # idempotent


@given(ids, ids)
def test_alalam_different_ids_never_merge(a, b):
    if a != b:
        assert alalam.canonical_url(f"https://en.alalam.ir/news/{a}") != alalam.canonical_url(f"https://en.alalam.ir/news/{b}")
        assert alalam.article_key(f"https://en.alalam.ir/news/{a}/x") != alalam.article_key(f"https://en.alalam.ir/news/{b}/x")


@given(ids, slugs, tracking, fragments)
def test_globalresearch_post_id_is_the_identity(post_id, slug, params, fragment):
    canonical = globalresearch.canonical_url(f"https://www.globalresearch.ca/{slug}/{post_id}")
    assert globalresearch.canonical_url(canonical) == canonical
    assert globalresearch.canonical_url(noisy(canonical, params, fragment)) == canonical
    for variant in (canonical, noisy(canonical, params, fragment), f"https://www.globalresearch.ca/?p={post_id}"):
        assert globalresearch.article_key(variant) == str(post_id)


@given(ids, ids)
def test_globalresearch_different_ids_never_merge(a, b):
    if a != b:
        assert globalresearch.article_key(f"https://www.globalresearch.ca/s/{a}") != globalresearch.article_key(f"https://www.globalresearch.ca/s/{b}")


@settings(max_examples=50)
@given(st.integers(min_value=1_000_000_000, max_value=9_999_999_999), slugs, tracking, fragments)
def test_sputnik_article_id_is_the_identity(article_id, slug, params, fragment):
    url = f"https://sputniknews.com/middleeast/20160605{article_id}-{slug}/"
    canonical = sputnik.canonical_url(url)
    assert sputnik.canonical_url(canonical) == canonical
    assert sputnik.canonical_url(noisy(url, params, fragment)) == canonical
    assert sputnik.article_key(noisy(url, params, fragment)) == str(article_id)
    assert sputnik.article_key(f"https://sputniknews.com/middleeast/20160605{article_id + 1}-{slug}/") != str(article_id)


def test_url_variants_collapse_into_one_article(db_path):
    variants = ["https://en.alalam.ir/news/1825428", "https://en.alalam.ir/news/1825428/some-slug",
                "https://en.alalam.ir/news/1825428?utm_source=x", "https://EN.alalam.ir:443/news/1825428#comments"]
    with Store(db_path) as store:
        for i, url in enumerate(variants):
            key = alalam.article_key(url)
            article = ParsedArticle(url=url, canonical_url=alalam.canonical_url(url), key=key, title="t",
                                    text="Syrian Army Troops, NDF Continue to Advance against ISIS in Raqqa Province.")
            store.save_article("alalam", article, None, f"2016-06-0{i + 5}T00:00:00+00:00", None, also_urls=[url])
        assert store.db["articles"].count == 1
        urls = {r[0] for r in store.db.execute("SELECT url FROM article_urls")}
        assert urls == {*variants}
        assert all(store.find_article(u) == 1 for u in variants)
        assert store.article(1)["canonical_url"] == "https://en.alalam.ir/news/1825428"
