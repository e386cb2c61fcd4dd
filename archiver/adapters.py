"""Which adapter handles a site or a URL, at which origin (config overrides a site's own)."""

from __future__ import annotations

from .config import Config
from .sites import adapter_class, adapter_names
from .sites.base import Adapter
from .urls import origin_of


def make_adapter(config: Config, site: str, base_url: str | None = None) -> Adapter:
    """SITE's adapter: its own, or the one its config names (a site followed by configuration
    alone reads through the generic adapter, under its own name)."""
    name = config.adapter_name(site)
    base = base_url or config.site(site).base_url
    cls = adapter_class(name)
    return cls(base) if name == site else cls.for_site(site, base)


def known_sites(config: Config) -> list[str]:
    """Every site archiver can crawl: the adapters' own, and the sites configured without one."""
    return [n for n in adapter_names() if n != "generic"] + [n for n in config.sites if n not in adapter_names()]


def adapter_for_url(config: Config, url: str) -> Adapter:
    """The adapter of the site owning URL, else the generic one for URL's origin."""
    for name in adapter_names():
        if name == "generic":
            continue
        adapter = make_adapter(config, name)
        if adapter.owns(url):
            return adapter
    return make_adapter(config, "generic", origin_of(url) if url.startswith("http") else "http://localhost")
