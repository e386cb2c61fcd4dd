"""Site adapters, one module each, found rather than listed.

Every module of this package is imported, and each `@register`-ed Adapter in it is known by its
name. A separate package adds a site through the entry-point group `archiver.sites`: the entry
names a module (which registers its adapters) or an Adapter class. Each adapter declares its
own default origin (`origin`); configuration only overrides it.
"""

from __future__ import annotations

import importlib
import pkgutil
from importlib.metadata import entry_points

from archiver.errors import UnknownSiteError

from .base import Adapter

ENTRY_POINT_GROUP = "archiver.sites"
# Shared machinery, not adapters: importing them registers nothing.
_FRAMEWORK = frozenset({"base", "fields", "discovery"})

REGISTRY: dict[str, type[Adapter]] = {}
_loaded = False


def register(cls: type[Adapter]) -> type[Adapter]:
    if REGISTRY.get(cls.name, cls) is not cls:
        raise ValueError(f"two adapters are named {cls.name!r}")
    REGISTRY[cls.name] = cls
    return cls


def _load() -> None:
    # Done on first use, not at import, so `import archiver.sites.base` stays light. A flag, not
    # `if REGISTRY`: importing one adapter module directly registers only that one.
    # Loaded only once every module is: a module that fails to import raises here again on the
    # next use, never leaving a registry that silently lacks the sites after it.
    global _loaded
    if _loaded:
        return
    for module in pkgutil.iter_modules(__path__):
        if module.name not in _FRAMEWORK and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        loaded = entry.load()
        if isinstance(loaded, type) and issubclass(loaded, Adapter):
            register(loaded)
    _loaded = True


def adapter_names() -> tuple[str, ...]:
    _load()
    return tuple(REGISTRY)


def adapter_class(name: str) -> type[Adapter]:
    _load()
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownSiteError(f"no adapter named {name!r} (adapters: {', '.join(REGISTRY)})") from None


def default_origin(name: str) -> str:
    """The origin adapter NAME declares ('' for none, or for a name no adapter has)."""
    _load()
    cls = REGISTRY.get(name)
    return cls.origin if cls is not None else ""
