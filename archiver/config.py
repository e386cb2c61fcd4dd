"""Configuration: TOML into frozen dataclasses, defaults and help declared once here.

A partial file overrides only what it sets; an unknown key or a bad value is a ConfigError
naming the key, raised before any work starts. The config object is passed explicitly.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from .errors import ConfigError

DEFAULT_CONFIG_FILE = "config.toml"
ENV_VAR = "ARCHIVER_CONFIG"


def default_origin(name: str) -> str:
    """The origin adapter NAME declares ('' for none); `base_url` in config points it elsewhere."""
    from .sites import default_origin as declared  # late: the registry imports every adapter

    return declared(name)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> float:
    """'90s', '15m', '6h', '1d', '2w' → seconds."""
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a duration like 30m, 6h or 1d")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


# NewsDiffs-like: often while an article is young or just edited, then ever more rarely.
DEFAULT_REVISIT = ("1h", "6h", "1d", "3d", "7d", "30d")


@dataclass(frozen=True)
class ArchiveConfig:
    db: str = field(default="archive.db", metadata={"help": "SQLite file", "nonempty": True, "line": True})


@dataclass(frozen=True)
class FetchConfig:
    user_agent: str = field(
        default="archiver/0.1 (+https://github.com/archiver-project/archiver)",
        metadata={"help": "User-Agent sent with every request", "nonempty": True, "line": True, "ascii": True},
    )
    concurrency: int = field(default=8, metadata={"help": "requests in flight, all hosts together", "min": 1, "max": 1024})
    per_host_delay: float = field(default=1.0, metadata={"help": "seconds between request starts to one host", "min": 0, "max": 3600})
    timeout: float = field(default=30, metadata={"help": "seconds", "min": 0.001, "max": 3600})
    max_retries: int = field(default=4, metadata={"help": "retries after the first attempt", "min": 0, "max": 100})
    respect_robots: bool = field(default=True, metadata={"help": "obey robots.txt"})
    max_body_bytes: int = field(default=10_000_000, metadata={"help": "larger bodies are refused", "min": 1})
    max_retry_after: float = field(default=300, metadata={"help": "cap on a server's Retry-After, seconds", "min": 0, "max": 86400})


@dataclass(frozen=True)
class DedupConfig:
    # Chosen by measurement (benchmarks/dedup_benchmark.py): at 4-word shingles, 0.35 merged no
    # different-story pair of realistic Syria reports while keeping most heavily edited copies.
    threshold: float = field(default=0.35, metadata={"help": "word-shingle Jaccard at or above which two texts are one story", "min": 0.01, "max": 1.0})
    shingle_size: int = field(default=4, metadata={"help": "words per shingle", "min": 1, "max": 100})
    # Each permutation costs every article's sketch time and space: 100 million hang a crawl.
    num_perm: int = field(default=128, metadata={"help": "MinHash permutations", "min": 16, "max": 4096})


@dataclass(frozen=True)
class SiteConfig:
    enabled: bool = field(default=True, metadata={"help": "crawl this site"})
    base_url: str = field(default="", metadata={"help": "origin every URL the adapter builds or follows uses", "line": True})
    every: str = field(default="6h", metadata={"help": "schedule used by `crawl --due`", "line": True})
    max_pages: int = field(default=200, metadata={"help": "pages fetched per run", "min": 0})
    adapter: str = field(default="", metadata={
        "help": 'the adapter reading the site: "generic" (the default for a name no adapter has) or the site\'s own'})
    revisit: tuple = field(default=DEFAULT_REVISIT, metadata={
        "help": "ages (since an article last changed) at which stored articles are re-checked for edits; [] = never"})

    @property
    def every_seconds(self) -> float:
        return parse_duration(self.every)


@dataclass(frozen=True)
class Config:
    archive: ArchiveConfig = ArchiveConfig()
    fetch: FetchConfig = FetchConfig()
    dedup: DedupConfig = DedupConfig()
    sites: Mapping[str, SiteConfig] = field(default_factory=dict)
    source: str | None = None  # the file it came from, for messages

    def site(self, name: str) -> SiteConfig:
        if name in self.sites:
            return self.sites[name]
        return SiteConfig(base_url=default_origin(name))

    def adapter_name(self, name: str) -> str:
        """The adapter that reads site NAME: the one configured, else its own, else "generic"."""
        from .sites import adapter_names  # late: the registry imports every adapter

        return self.site(name).adapter or (name if name in adapter_names() else "generic")

    def with_db(self, db: str | None) -> "Config":
        return self if not db else replace(self, archive=replace(self.archive, db=db))


# What a TOML value must be for a field of each type, as said in the error. A bool is an int
# to Python, but `true` is no answer to "how many".
_VALUE_RULES: dict[type, tuple[tuple[type, ...], str]] = {
    bool: ((bool,), "true or false"),
    int: ((int,), "an integer"),
    float: ((int, float), "a number"),
    str: ((str,), "a string"),
    tuple: ((list, tuple), "a list"),
}
_TYPE_NAMES = {t.__name__: t for t in _VALUE_RULES}


def _coerce(section: str, key: str, value: Any, spec) -> Any:
    name = f"{section}.{key}"
    expected = spec.type if isinstance(spec.type, type) else _TYPE_NAMES[spec.type]
    value = _typed(name, value, expected)
    _check_range(name, value, spec.metadata.get("min"), spec.metadata.get("max"))
    if isinstance(value, str):
        _check_text(name, value, spec.metadata)
    return value


def _typed(name: str, value: Any, expected: type) -> Any:
    if expected not in _VALUE_RULES:
        return value
    accepted, described = _VALUE_RULES[expected]
    if isinstance(value, bool) != (expected is bool) or not isinstance(value, accepted):
        raise ConfigError(f"config key {name} must be {described}, not {value!r}")
    if expected is tuple:
        return tuple(value)
    if expected is float and not math.isfinite(value):
        raise ConfigError(f"config key {name} must be a finite number, not {value!r}")
    return float(value) if expected is float else value


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _check_text(name: str, value: str, rules: Mapping[str, Any]) -> None:
    """A string that ends up in a header, a URL or a file name: one line, no control characters."""
    if rules.get("nonempty") and not value.strip():
        raise ConfigError(f"config key {name} must not be empty")
    if rules.get("line") and _CONTROL.search(value):
        raise ConfigError(f"config key {name} must not contain control characters (a newline, a NUL, ...): {value!r}")
    if rules.get("ascii") and not value.isascii():
        raise ConfigError(f"config key {name} must be ASCII (it is sent as an HTTP header), not {value!r}")


def _check_range(name: str, value: Any, low: Any, high: Any) -> None:
    if low is not None and value < low:
        raise ConfigError(f"config key {name} must be at least {low}, not {value!r}")
    if high is not None and value > high:
        raise ConfigError(f"config key {name} must be at most {high}, not {value!r}")


def _build(cls, section: str, table: Any, **overrides):
    if not isinstance(table, dict):
        raise ConfigError(f"config key {section} must be a table")
    specs = {f.name: f for f in fields(cls)}
    values = dict(overrides)
    for key, value in table.items():
        if key not in specs:
            known = ", ".join(sorted(specs))
            raise ConfigError(f"unknown config key {section}.{key} (known keys: {known})")
        values[key] = _coerce(section, key, value, specs[key])
    return cls(**values)


def _validate_site(name: str, site: SiteConfig) -> None:
    if site.base_url:
        _check_origin(f"sites.{name}.base_url", site.base_url)
    try:
        if site.every_seconds <= 0:
            raise ValueError(f"{site.every!r} is not a positive duration")
    except ValueError as exc:
        raise ConfigError(f"config key sites.{name}.every: {exc}") from None
    for age in site.revisit:
        try:
            if parse_duration(age) <= 0:
                raise ValueError(f"{age!r} is not a positive duration")
        except ValueError as exc:
            raise ConfigError(f"config key sites.{name}.revisit: {exc}") from None


def _check_origin(name: str, url: str) -> None:
    """An http(s) origin: scheme, host and maybe a valid port; nothing else (no credentials,
    path, query or fragment), since every URL of the site is built on it."""
    problem = None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        problem = str(exc)
    else:
        if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", url):
            problem = "not an http(s) origin"
        elif parts.username is not None or parts.password is not None:
            problem = "credentials do not belong in it"
        elif parts.path or parts.query or parts.fragment or "?" in url or "#" in url:
            problem = "a path, query or fragment does not belong in it"
    if problem:
        raise ConfigError(f"config key {name} must be an http(s) origin like https://example.org ({problem}), not {url!r}")


def _check_adapter(name: str, site: SiteConfig, known_sites: tuple[str, ...]) -> None:
    """A site is read by its own adapter or by the generic one, which needs a base_url to start
    from (so a misspelt adapter name without one is still an error, not a site of nothing)."""
    if site.adapter not in ("", "generic", name):
        raise ConfigError(f"config key sites.{name}.adapter must be \"generic\" or {name!r}, not {site.adapter!r}")
    if site.adapter == name and name not in known_sites:
        raise ConfigError(f"config key sites.{name}.adapter: no adapter named {name!r} (adapters: {', '.join(known_sites)})")
    if (site.adapter == "generic" or name not in known_sites) and not site.base_url:
        unknown = "" if name in known_sites else f"no adapter is named {name!r} (adapters: {', '.join(known_sites)}), so "
        raise ConfigError(f"config key sites.{name}.base_url is needed: {unknown}the generic adapter follows the site from it")


def parse_config(data: dict, source: str | None = None, known_sites: tuple[str, ...] = ()) -> Config:
    allowed = {"archive", "fetch", "dedup", "sites"}
    for key in data:
        if key not in allowed:
            raise ConfigError(f"unknown config key {key} (known sections: {', '.join(sorted(allowed))})")
    sites: dict[str, SiteConfig] = {}
    site_tables = data.get("sites", {})
    if not isinstance(site_tables, dict):
        raise ConfigError("config key sites must be a table of [sites.NAME] tables")
    for name, table in site_tables.items():
        site = _build(SiteConfig, f"sites.{name}", table)
        if known_sites:
            _check_adapter(name, site, known_sites)
        site = replace(site, base_url=(site.base_url or default_origin(name)).rstrip("/"))
        _validate_site(name, site)
        sites[name] = site
    return Config(
        archive=_build(ArchiveConfig, "archive", data.get("archive", {})),
        fetch=_build(FetchConfig, "fetch", data.get("fetch", {})),
        dedup=_build(DedupConfig, "dedup", data.get("dedup", {})),
        sites=sites,
        source=source,
    )


def load_config(path: str | os.PathLike | None = None, known_sites: tuple[str, ...] = ()) -> Config:
    """Read PATH, else $ARCHIVER_CONFIG, else ./config.toml if present, else pure defaults."""
    explicit = path or os.environ.get(ENV_VAR)
    candidate = Path(explicit) if explicit else Path(DEFAULT_CONFIG_FILE)
    if not candidate.exists():
        if explicit:
            raise ConfigError(f"config file {candidate} does not exist")
        return parse_config({}, None, known_sites)
    try:
        data = tomllib.loads(candidate.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {candidate} is not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {candidate} cannot be read: {exc}") from None
    return parse_config(data, str(candidate), known_sites)


def documented_keys() -> dict[str, str]:
    """Every config key with its help text, for docs and the meta-test."""
    out: dict[str, str] = {}
    for section, cls in (("archive", ArchiveConfig), ("fetch", FetchConfig), ("dedup", DedupConfig), ("sites.NAME", SiteConfig)):
        for spec in fields(cls):
            out[f"{section}.{spec.name}"] = spec.metadata.get("help", "")
    return out
