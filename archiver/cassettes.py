"""Cassettes: recorded HTTP exchanges, replayed through respx or recorded from live runs.

Format (see cassettes/README.md): <dir>/<site>/cassette.json plus raw body files.
"""

from __future__ import annotations

import hashlib
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import httpx
import respx

from .errors import CassetteError, CassetteMiss
from .models import FetchedPage


def _miss(request: httpx.Request):
    raise CassetteMiss(str(request.url))


@dataclass(frozen=True)
class Interaction:
    method: str
    url: str
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Cassette:
    site: str
    origin: str
    interactions: tuple[Interaction, ...]


def load_cassette(directory: Path) -> Cassette:
    manifest = directory / "cassette.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        interactions = tuple(
            Interaction(
                method=item.get("method", "GET").upper(),
                url=item["url"],
                status=int(item.get("status", 200)),
                headers={k.lower(): str(v) for k, v in item.get("headers", {}).items()},
                body=(directory / item["body_file"]).read_bytes() if item.get("body_file") else b"",
            )
            for item in data["interactions"]
        )
        return Cassette(site=data.get("site", directory.name), origin=data["origin"].rstrip("/"), interactions=interactions)
    except FileNotFoundError as exc:
        raise CassetteError(f"cassette {directory} is incomplete: {exc.filename} is missing") from None
    except (KeyError, ValueError, TypeError) as exc:
        raise CassetteError(f"cassette {manifest} is malformed: {exc}") from None


def load_cassettes(root: Path) -> dict[str, Cassette]:
    """Every site cassette under ROOT (ROOT itself may be one site's directory)."""
    root = Path(root)
    if (root / "cassette.json").exists():
        cassette = load_cassette(root)
        return {cassette.site: cassette}
    if not root.is_dir():
        raise CassetteError(f"cassette directory {root} does not exist")
    found = {c.site: c for c in (load_cassette(d) for d in sorted(root.iterdir()) if (d / "cassette.json").exists())}
    if not found:
        raise CassetteError(f"no cassettes (*/cassette.json) under {root}")
    return found


@contextmanager
def replaying(cassettes: dict[str, Cassette] | Iterator[Cassette]) -> Iterator[respx.MockRouter]:
    """Serve the cassettes' exchanges to every httpx client; anything else raises CassetteMiss
    (a FetchError whose `attempted` is False: no request reached the site) and never reaches
    the network. Redirects and bodies come back exactly as recorded."""
    items = cassettes.values() if isinstance(cassettes, dict) else cassettes
    router = respx.mock(assert_all_called=False, assert_all_mocked=True)
    with router:
        for cassette in items:
            for exchange in cassette.interactions:
                router.route(method=exchange.method, url=exchange.url).mock(
                    return_value=httpx.Response(exchange.status, headers=exchange.headers, content=exchange.body)
                )
        router.route().mock(side_effect=_miss)
        yield router


class Recorder:
    """Writes every fetched page of a live run into <dir>/<site>/ in cassette format."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._cassettes: dict[str, dict] = {}

    def add(self, site: str, origin: str, page: FetchedPage) -> None:
        data = self._cassettes.setdefault(site, {"site": site, "origin": origin, "note": "recorded by archiver crawl --record", "interactions": []})
        directory = self.root / site / "bodies"
        directory.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9]+", "-", page.url.split("://", 1)[-1]).strip("-")[:80]
        name = f"{stem}-{hashlib.sha256(page.body).hexdigest()[:10]}.body"
        (directory / name).write_bytes(page.body)
        # Each redirect hop is an exchange of its own, so a replay follows the same path.
        hops = [*page.redirects, page.final_url] if page.redirects else [page.url]
        for hop, target in zip(hops, hops[1:]):
            data["interactions"].append({"method": "GET", "url": hop, "status": 301, "headers": {"location": target}})
        data["interactions"].append({"method": "GET", "url": hops[-1], "status": page.status, "headers": page.headers,
                                     "body_file": f"bodies/{name}"})
        self.flush(site)

    def flush(self, site: str) -> None:
        path = self.root / site / "cassette.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._cassettes[site], indent=1, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
