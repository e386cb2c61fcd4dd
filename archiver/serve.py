"""`archiver serve`: Datasette on the archive, read-only, with the shipped configuration.

Datasette opens a database it may not modify with `mode=ro`, not `immutable=1`: the crawler
may keep writing through WAL while we serve, and an immutable connection would read past its
writes. The database is always mounted as "archive" so that URLs and the metadata in
archiver/datasette/ do not depend on the file's name.

The address is bound before anything says "Serving", so a bad host or a busy port is one
error line. Arbitrary SQL stays on for loopback only: from the network one recursive query
keeps a worker busy for the whole SQL time limit, so elsewhere it needs --allow-sql.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import json
import logging
import socket
import types
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ArchiverError, StoreError, UsageError
from .store import Store

log = logging.getLogger(__name__)

DATABASE_NAME = "archive"
# Datasette 0.65's own handler prints every error, 404s included, with rich's traceback and
# local variables (and fails with a 500 when called outside an except block): serve replaces it.
DEFAULT_ERROR_HANDLER = "datasette.handle_exception"
ERROR_PLUGIN = "archiver_serve_errors"
READ_METHODS = frozenset({"GET", "HEAD"})


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


def build_datasette(path: str | Path, allow_sql: bool = True):
    from datasette.app import Datasette
    from datasette.database import Database
    from datasette.plugins import pm

    from . import datasette_plugin

    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="archiver")
    templates = resources.files("archiver").joinpath("datasette", "templates")
    settings = {**datasette_settings(), "default_allow_sql": allow_sql}
    ds = Datasette(metadata=datasette_metadata(), settings=settings, template_dir=str(templates))
    if "_memory" in ds.databases:  # Datasette adds an empty in-memory one when given no files
        ds.remove_database("_memory")
    ds.add_database(Database(ds, path=str(path), is_mutable=True), name=DATABASE_NAME)
    return ds


def use_short_error_lines() -> None:
    """Answer errors with Datasette's error page and status, logging one line per client error
    (a plain traceback only for a real server error)."""
    from datasette import hookimpl
    from datasette.plugins import pm

    if pm.get_plugin(ERROR_PLUGIN) is None:
        default = pm.get_plugin(DEFAULT_ERROR_HANDLER)
        if default is not None:
            pm.unregister(default)
        # Datasette lists its plugins by module name, so the hook lives in a module of its own.
        plugin = types.ModuleType(ERROR_PLUGIN)
        plugin.handle_exception = hookimpl(_error_response)
        pm.register(plugin, name=ERROR_PLUGIN)


def error_status(exception: BaseException) -> int:
    """The HTTP status an exception from a Datasette view deserves."""
    from datasette.utils.asgi import Base400
    from datasette.views.base import DatasetteError

    if isinstance(exception, Base400):
        return exception.status
    if isinstance(exception, DatasetteError):
        # Datasette 0.65 raises DatasetteError with its default 500 for bad request arguments
        # (`_sort=nope`, a bad `_through`); one wrapping another exception is a real failure.
        wraps = exception.__cause__ or exception.__context__
        return 400 if exception.status >= 500 and wraps is None else exception.status
    return 500


async def _error_response(datasette, request, exception):
    from datasette.utils import add_cors_headers
    from datasette.utils.asgi import Response
    from datasette.views.base import DatasetteError
    from markupsafe import Markup

    status = error_status(exception)
    message, title = (exception.args[0] if exception.args else str(exception)), None
    if isinstance(exception, DatasetteError):
        message = Markup(exception.message) if exception.message_is_html else exception.message
        title = exception.title
    where = f"{request.method} {request.path}"
    if status >= 500:
        log.error("%s %s: %s", status, where, exception, exc_info=exception)
    else:
        log.warning("%s %s: %s", status, where, " ".join(str(message).split())[:200])
    info = {**(exception.error_dict if isinstance(exception, DatasetteError) else {}),
            "ok": False, "error": message, "status": status, "title": title}
    headers: dict[str, str] = {}
    if datasette.cors:
        add_cors_headers(headers)
    if request.path.endswith(".json"):
        return Response.json(info, status=status, headers=headers)
    template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
    page = await template.render_async(dict(info, urls=datasette.urls, app_css_hash=datasette.app_css_hash(),
                                            menu_links=lambda: []))
    return Response.html(page, status=status, headers=headers)


def read_only(app):
    """The ASGI APP answering every request that could change something with 405: the archive
    is served for reading, whatever plugin or Datasette version would accept a write."""

    async def guarded(scope, receive, send):
        if scope["type"] == "http" and scope["method"] not in READ_METHODS:
            log.warning("405 %s %s: the archive is served read-only", scope["method"], scope.get("path", ""))
            body = b"this archive is served read-only\n"
            await send({"type": "http.response.start", "status": 405, "headers": [
                (b"allow", b"GET, HEAD"), (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return guarded


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on HOST:PORT, or one clear error: a host that is no address of this
    machine is the user's typo (exit 2), a busy or forbidden port the machine's state (exit 1)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise UsageError(f"--host {host} is not an address to serve on ({exc})") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ArchiverError(f"port {port} on {host} is in use (another server?); choose another with --port") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise UsageError(f"--host {host} is not an address of this machine") from None
        raise ArchiverError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    sock.setblocking(False)
    return sock


def is_loopback(sock: socket.socket) -> bool:
    try:
        return ipaddress.ip_address(sock.getsockname()[0]).is_loopback
    except ValueError:
        return False


def serve(path: str | Path, host: str = "127.0.0.1", port: int = 8001, allow_sql: bool = False) -> None:
    import uvicorn

    if not 1 <= port <= 65535:
        raise UsageError(f"--port {port} is not a TCP port")
    path = prepare_database(path)
    sock = bind(host, port)
    try:
        local = is_loopback(sock)
        if not local:
            log.warning("serving on %s: anyone who can reach this address can read the archive", host)
        use_short_error_lines()
        ds = build_datasette(path, allow_sql=local or allow_sql)
        asyncio.run(ds.invoke_startup())  # a bad metadata file fails here, not on the first request
        shown = f"[{host}]" if ":" in host else host
        print(f"Serving {path} read-only at http://{shown}:{port}/{DATABASE_NAME}/article_list (Ctrl-C stops)", flush=True)
        if not (local or allow_sql):
            print(f"Arbitrary SQL is off on {host} (search, tables and canned queries work); "
                  "--allow-sql turns it on", flush=True)
        config = uvicorn.Config(read_only(ds.app()), log_config=None, access_log=False, lifespan="on")
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
