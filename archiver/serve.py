"""`archiver serve`: Datasette on the archive, read-only, with the shipped configuration.

Datasette opens a database it may not modify with `mode=ro`, not `immutable=1`: the crawler
may keep writing through WAL while we serve, and an immutable connection would read past its
writes. The database is always mounted as "archive" so that URLs and the metadata in
archiver/datasette/ do not depend on the file's name.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import StoreError, UsageError
from .store import Store

log = logging.getLogger(__name__)

DATABASE_NAME = "archive"


def _config_text(name: str) -> str:
    return resources.files("archiver").joinpath("datasette", name).read_text(encoding="utf-8")


def datasette_metadata() -> dict[str, Any]:
    from datasette.utils import parse_metadata

    return parse_metadata(_config_text("metadata.yml"))


def datasette_settings() -> dict[str, Any]:
    return json.loads(_config_text("settings.json"))


def prepare_database(path: str | Path) -> Path:
    """Check PATH is an archive and bring its schema up to date (the views Datasette facets on
    come from a migration), then close it: the server itself only ever reads."""
    path = Path(path)
    if not path.exists():
        raise StoreError(f"database {path} does not exist; run `archiver crawl` first")
    Store(path, readonly=True).close()
    try:
        Store(path).close()
    except StoreError as exc:
        # A read-only file or directory: serve what is there, views may be missing.
        log.warning("could not update the schema of %s (%s); serving it as it is", path, exc)
    return path


def build_datasette(path: str | Path):
    from datasette.app import Datasette
    from datasette.database import Database
    from datasette.plugins import pm

    from . import datasette_plugin

    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="archiver")
    templates = resources.files("archiver").joinpath("datasette", "templates")
    ds = Datasette(metadata=datasette_metadata(), settings=datasette_settings(), template_dir=str(templates))
    if "_memory" in ds.databases:  # Datasette adds an empty in-memory one when given no files
        ds.remove_database("_memory")
    ds.add_database(Database(ds, path=str(path), is_mutable=True), name=DATABASE_NAME)
    return ds


def check_host(host: str) -> None:
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        log.warning("serving on %s: anyone who can reach this address can read the archive", host)


def serve(path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    import uvicorn

    if not 1 <= port <= 65535:
        raise UsageError(f"--port {port} is not a TCP port")
    path = prepare_database(path)
    check_host(host)
    ds = build_datasette(path)
    asyncio.run(ds.invoke_startup())  # a bad metadata file fails here, not on the first request
    print(f"Serving {path} read-only at http://{host}:{port}/{DATABASE_NAME}/article_list (Ctrl-C stops)", flush=True)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
