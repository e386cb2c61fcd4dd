"""Which adapter handles a site or a URL, at which origin (config overrides a site's own)."""

from __future__ import annotations

from .config import Config
from .sites import adapter_class, adapter_names
from .sites.base import Adapter
from .urls import origin_of


def make_adapter(config: Config, site: str, base_url: str | None = None) -> Adapter:
    cls = adapter_class(site)
    return cls(base_url or config.site(site).base_url)


def adapter_for_url(config: Config, url: str) -> Adapter:
    """The adapter of the site owning URL, else the generic one for URL's origin."""
    for name in adapter_names():
        if name == "generic":
            continue
        adapter = make_adapter(config, name)
        if adapter.owns(url):
            return adapter
    return make_adapter(config, "generic", origin_of(url) if url.startswith("http") else "http://localhost")
