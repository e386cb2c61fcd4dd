"""Site adapters, one module each. The registry is an explicit dict that refuses duplicates."""

from __future__ import annotations

from archiver.errors import UnknownSiteError

from .base import Adapter

REGISTRY: dict[str, type[Adapter]] = {}
_loaded = False


def register(cls: type[Adapter]) -> type[Adapter]:
    if cls.name in REGISTRY:
        raise ValueError(f"two adapters are named {cls.name!r}")
    REGISTRY[cls.name] = cls
    return cls


def _load() -> None:
    # Imported here, not at module import, so `import archiver.sites.base` stays light.
    # A flag, not `if REGISTRY`: importing one adapter module directly registers only it.
    global _loaded
    if _loaded:
        return
    from . import alalam, generic, globalresearch, sputnik  # noqa: F401

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
