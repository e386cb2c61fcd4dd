"""The command line: each command parses options, loads config, calls one library function,
and formats the result. Errors become one sentence on stderr and the contract's exit code."""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .config import Config, load_config
from .errors import ArchiverError, UsageError
from .launch import DB_ENV

if TYPE_CHECKING:  # the store (sqlite-utils, numpy) loads only for a command that opens it
    from .store import Store

log = logging.getLogger("archiver")


# Commands that only read the archive: a site's settings never matter to them, so the config's
# [sites.NAME] tables are not checked against the adapters (loading every adapter module would
# double a search's start-up).
SITELESS_COMMANDS = frozenset({"search", "show", "stats", "export"})


class Context:
    def __init__(self, config_path: str | None, db: str | None, verbosity: int, check_sites: bool = True):
        self.config_path = config_path
        self.db_override = db
        self.verbosity = verbosity
        self.check_sites = check_sites
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            config = load_config(self.config_path)
            if config.sites and self.check_sites:
                from .sites import adapter_names

                config = load_config(self.config_path, known_sites=adapter_names())
            self._config = config.with_db(self.db_override)
        return self._config

    def store(self, readonly: bool = False) -> Store:
        from .store import Store

        return Store(self.config.archive.db, readonly=readonly, dedup=self.config.dedup)

    @contextmanager
    def writer(self):
        """The store for a command that writes, once no other archiver writer (a crawl, an
        import...) runs on it: such commands queue behind each other instead of failing with
        "database is locked". Runs left 'running' by a killed writer are closed then."""
        from .lock import CrawlLock

        db = self.config.archive.db

        def waiting(holder: str) -> None:
            if self.verbosity >= 0:
                pid, _, since = holder.partition(" ")
                click.echo(f"another archiver run is writing to {db} (pid {pid}, since {since or '?'}); "
                           "waiting for it to finish", err=True)

        with CrawlLock(db) as lock:
            lock.wait(waiting)
            with self.store() as store:
                store.runs.close_all_stale()
                yield store


# Options of the whole program a user may also give after the command's name
# (`archiver search Raqqa --db other.db`); they are moved in front of it before parsing.
GLOBAL_VALUE_OPTIONS = ("--db", "--config")


def hoist_global_options(args: list[str]) -> list[str]:
    """ARGS with every GLOBAL_VALUE_OPTIONS option (`--db X` or `--db=X`) moved to the front;
    nothing after a `--` moves."""
    front: list[str] = []
    rest: list[str] = []
    position = 0
    while position < len(args):
        arg = args[position]
        if arg == "--":
            rest += args[position:]
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_VALUE_OPTIONS and ("=" in arg or position + 1 < len(args)):
            taken = 1 if "=" in arg else 2
            front += args[position:position + taken]
            position += taken
            continue
        rest.append(arg)
        position += 1
    return front + rest


class ArchiverGroup(click.Group):
    """Turns ArchiverError into one clear sentence and its exit code; takes the global
    --db/--config wherever they stand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(list(args)))

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ArchiverError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted; everything stored so far is kept and the next run resumes", err=True)
            sys.exit(130)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except (OSError, sqlite3.Error) as exc:
            # The disk, the permissions or the database file: the user's to fix, in one sentence.
            log.debug("details", exc_info=True)
            click.echo(f"error: {type(exc).__name__}: {exc}", err=True)
            sys.exit(1)
        except Exception as exc:
            log.error("unexpected error (a bug in archiver; please report it)", exc_info=ctx.obj is not None and ctx.obj.verbosity > 1)
            click.echo(f"error: unexpected {type(exc).__name__}: {exc} (run with -vv for the traceback)", err=True)
            sys.exit(1)


def _setup_logging(verbosity: int) -> None:
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@click.group(cls=ArchiverGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="config file (default: $ARCHIVER_CONFIG, else ./config.toml)")
@click.option("--db", type=click.Path(dir_okay=False), envvar=DB_ENV, show_envvar=True,
              help="database file, overriding [archive] db (before or after the command)")
@click.option("-v", "--verbose", count=True, help="more log output (-vv for debug)")
@click.option("-q", "--quiet", is_flag=True, help="only errors")
@click.version_option(__version__, prog_name="archiver")
@click.pass_context
def cli(ctx: click.Context, config_path, db, verbose, quiet):
    """Archive news sites: crawl, deduplicate, store raw HTML and clean text, search.

    \b
    Example:
      archiver crawl --replay cassettes/ && archiver search Raqqa
    """
    verbosity = -1 if quiet else verbose
    _setup_logging(verbosity)
    ctx.obj = Context(config_path, db, verbosity, check_sites=ctx.invoked_subcommand not in SITELESS_COMMANDS)
    ctx.obj.config  # fail on a bad config before any work starts


def _selected_sites(config: Config, requested: tuple[str, ...], available: list[str] | None = None) -> list[str]:
    from .adapters import known_sites
    from .errors import UnknownSiteError

    if requested:
        # A replayed cassette names its site and origin: enough for the generic adapter to follow it.
        known = list(dict.fromkeys([*known_sites(config), *(available or ())]))
        for name in requested:
            if name not in known:
                raise UnknownSiteError(f"no adapter or configured site named {name!r} (sites: {', '.join(known)}); "
                                       f"to follow a site by configuration, add [sites.{name}] with its base_url")
        return list(requested)
    names = available if available is not None else known_sites(config)
    return [n for n in names if config.site(n).enabled]


def _print_summary(reports, quiet: bool) -> None:
    from .progress import summary_lines

    if not quiet:
        for line in summary_lines(reports):
            click.echo(line, err=True)


@cli.command()
@click.argument("sites", nargs=-1)
@click.option("--max-pages", type=click.IntRange(min=0), help="pages to fetch per site in this run")
@click.option("--due", is_flag=True, help="only sites whose `every` has elapsed since their last successful run")
@click.option("--replay", type=click.Path(exists=True, file_okay=False), help="serve HTTP from recorded cassettes, no network")
@click.option("--record", type=click.Path(file_okay=False), help="also write every fetched page into cassettes under DIR")
@click.option("--revisit", is_flag=True, help="re-check every stored article of the sites for edits now")
@click.pass_obj
def crawl(obj: Context, sites, max_pages, due, replay, record, revisit):
    """Discover, fetch, parse, deduplicate and store articles.

    \b
    Examples:
      archiver crawl --replay cassettes/          # the bundled recordings, offline
      archiver crawl alalam --max-pages 50        # live, one site
      archiver crawl --due                        # from cron: only sites that are due
      archiver crawl sputnik --revisit            # re-check every stored Sputnik article for edits
    """
    from .cassettes import Recorder
    from .fetch import Fetcher
    from .interrupts import graceful
    from .lock import CrawlLock
    from .pipeline import crawl as run_crawl, due_sites
    from .progress import reporter

    config = obj.config
    base_urls: dict[str, str] = {}
    quiet = obj.verbosity < 0
    with ExitStack() as stack:
        lock = stack.enter_context(CrawlLock(config.archive.db))
        if not lock.acquire():
            # Overlap is normal under cron: the running crawl covers this tick too.
            pid, _, since = lock.holder.partition(" ")
            click.echo(f"another crawl is running on {config.archive.db} (pid {pid}, since {since or '?'}); "
                       "this one exits, the next scheduled run will continue", err=True)
            return
        if lock.stale:
            log.warning("took over the crawl lock left by a process that is gone (%s)", lock.stale)
        # SIGTERM (systemd stop, shutdown) ends a crawl like Ctrl-C: the runs are recorded as
        # interrupted and the next run resumes; a batch being committed finishes first.
        stack.enter_context(graceful())
        if replay:
            config, base_urls, chosen = _replay(stack, config, sites, Path(replay))
        else:
            chosen = _selected_sites(config, sites)
        store = stack.enter_context(obj.store())
        if due:
            chosen = due_sites(store, config, chosen)
            if not chosen:
                if not quiet:
                    click.echo("no site is due", err=True)
                return
        recorder = Recorder(Path(record)) if record else None
        fetcher = stack.enter_context(Fetcher(config.fetch))
        update = stack.enter_context(reporter(interactive=not quiet and sys.stderr.isatty()))
        # A replay is ordered: the same cassettes always give the same archive, ids included.
        reports = run_crawl(store, config, chosen, fetcher, max_pages, update, recorder, base_urls, revisit_all=revisit,
                            ordered=bool(replay))
    _print_summary(reports, quiet)
    if reports and all(r.status == "failed" for r in reports):
        sys.exit(1)


def _replay(stack: ExitStack, config: Config, sites, directory: Path) -> tuple[Config, dict[str, str], list[str]]:
    """Serve HTTP from the cassettes in DIRECTORY for the rest of STACK: the config to crawl
    with, each site's recorded origin, and the sites to crawl."""
    from .cassettes import load_cassettes, replaying

    cassettes = load_cassettes(directory)
    stack.enter_context(replaying(cassettes))
    # Nobody to be polite to: the "server" is a file on disk.
    config = replace(config, fetch=replace(config.fetch, per_host_delay=0.0, respect_robots=False))
    return config, {name: c.origin for name, c in cassettes.items()}, _selected_sites(config, sites, list(cassettes))


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@click.pass_obj
def fetch(obj: Context, urls):
    """Archive the given URLs (or saved HTML files) through their site's adapter; the generic
    adapter takes any host without one.

    \b
    Example:
      archiver fetch https://en.alalam.ir/news/1825428 ./saved-page.html
    """
    from .fetch import Fetcher
    from .ingest import fetch_urls

    with obj.writer() as store, Fetcher(obj.config.fetch) as fetcher:
        results = fetch_urls(store, obj.config, urls, fetcher)
    for r in results:
        detail = f" (article {r['article_id']})" if r.get("article_id") else ""
        reason = f": {r['reason']}" if r.get("reason") else ""
        click.echo(f"{r['status']}{detail} [{r['site']}] {r['url']}{reason}")
    if results and all(r["status"] == "failed" for r in results):
        sys.exit(1)


@cli.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--site", help="only this site")
@click.option("--since", help="published on or after (YYYY, YYYY-MM, YYYY-MM-DD or ISO)")
@click.option("--until", help="published on or before (same forms; the whole day/month/year)")
@click.option("--limit", type=int, default=20, show_default=True, help="results per page")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True,
              help="results to skip: --offset 20 --limit 20 is the second page")
@click.option("--all-duplicates", is_flag=True, help="show every copy, not one row per story")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance", show_default=True,
              help="best match first, or by publication date")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv"]), default="table", show_default=True,
              help="jsonl: one JSON object a line")
@click.option("--all-versions", is_flag=True, help="search every text version articles had, not only the newest")
@click.pass_obj
def search(obj: Context, query, site, since, until, limit, offset, all_duplicates, sort, fmt, all_versions):
    """Full-text search over titles and article text (FTS5, best match first).

    All words must match; "quotes" match a phrase; raqq* matches a prefix; AND, OR, NOT
    (upper case), -word and parentheses combine; title:word or text:"a phrase" search one
    column. Common words (the, of, ...) outside quotes are ignored.

    \b
    Examples:
      archiver search Raqqa
      archiver search '"Tabqa airbase" OR Khanasser' --since 2016 --format json
      archiver search 'title:Raqqa -Homs' --sort newest
      archiver search Raqqa --offset 20 --format jsonl   # the second page, a line each
      archiver search Monday --all-versions              # also words an edit removed
    """
    from contextlib import closing

    from .search import printed, run_search, terminal_width
    from .store.search import open_search

    if all_versions:
        rows = _search_versions(obj, " ".join(query), site, limit, offset)
    else:
        with closing(open_search(obj.config.archive.db)) as index:
            rows = run_search(index, " ".join(query), site, since, until, limit, all_duplicates, sort, offset)
    out, note = printed(rows, fmt, terminal_width())
    click.echo(note, err=True, nl=False)
    click.echo(out, nl=False)


def _search_versions(obj: Context, query: str, site: str | None, limit: int, offset: int) -> list[dict]:
    """Matches in any text version (an edit may have removed the words from the newest)."""
    from .search import fts_query

    with obj.store(readonly=True) as store:
        return store.versions.search(fts_query(query), site, limit, offset)


@cli.command()
@click.argument("id_or_url")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def show(obj: Context, id_or_url, fmt):
    """One article (archive id, URL, or SITE:KEY): metadata, text, related items, tags, captures, copies.
    Any form of an archived URL finds it (tracking parameters, http or https, ...).

    \b
    Example:
      archiver show 3
      archiver show https://en.alalam.ir/news/1825428 --format json
    """
    with obj.store(readonly=True) as store:
        article_id = _find_article(obj, store, id_or_url)
        if article_id is None:
            raise UsageError(f"no article with id or URL {id_or_url!r}")
        article = store.article(article_id)
    if fmt == "json":
        article.pop("raw_sha256", None)
        click.echo(json.dumps(article, ensure_ascii=False, indent=2))
        return
    from .render import article_text

    click.echo(article_text(article))


@cli.command()
@click.argument("id_or_url")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def history(obj: Context, id_or_url, fmt):
    """An article's text versions over time and what changed: headline, words removed and
    added, the share of the text changed, and when the page went away or came back.

    \b
    Example:
      archiver history https://sputniknews.com/middleeast/201702261051032012-aleppo-raqqa-border/
      archiver history 3 --format json
    """
    from .history import history as article_history, history_text

    with obj.store(readonly=True) as store:
        article_id = _find_article(obj, store, id_or_url)
        if article_id is None:
            raise UsageError(f"no article with id or URL {id_or_url!r}")
        article = store.articles.row(article_id)
        story = article_history(store.versions.of_article(article_id), store.versions.events_of(article_id))
    if fmt == "json":
        click.echo(json.dumps({"id": article_id, "url": article["url"], "removed_at": article.get("removed_at"), **story},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(history_text(article, story))


def _find_article(obj: Context, store: Store, id_or_url: str) -> int | None:
    """By id, URL or SITE:KEY as given; else a URL as the crawl normalises it; else the
    article its site's adapter reads from the URL (another slug, another host spelling)."""
    if id_or_url.isdigit() and int(id_or_url) >= 2**63:
        return None  # beyond any SQLite row id
    found = store.find_article(id_or_url)
    if found is not None or not id_or_url.lower().startswith(("http://", "https://")):
        return found
    from .urls import normalize_url

    found = store.find_article(normalize_url(id_or_url))
    if found is not None:
        return found
    from .adapters import adapter_for_url

    adapter = adapter_for_url(obj.config, id_or_url)
    key = adapter.article_key(id_or_url) if adapter.name != "generic" else None
    return store.find_article(f"{adapter.name}:{key}") if key else None


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def stats(obj: Context, fmt):
    """Per-site counts, duplicate rates and last runs.

    \b
    Example:
      archiver stats --format json
    """
    with obj.store(readonly=True) as store:
        data = store.stats()
        edits = store.versions.counts()
        warnings = {row["site"]: store.runs.last_warnings(row["site"]) for row in data["sites"]}
    for row in data["sites"]:
        row.update(edits.get(row["site"], {"edited": 0, "removed": 0}), layout_warnings=warnings[row["site"]])
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo("  ".join(f"{k}: {v}" for k, v in data["totals"].items()))
    for row in data["sites"]:
        click.echo(f"{row['site']:<16} articles {row['articles']:>6}  duplicates {row['duplicates'] or 0:>5} "
                   f"({row['duplicate_rate']:.1%}; exact {row['exact_duplicates'] or 0}, near {row['near_duplicates'] or 0}, "
                   f"of other sites {row['copies_of_other_sites'] or 0})  captures {row['captures']:>6}  related {row['related_items']:>6}  "
                   f"edited {row['edited']}  removed {row['removed']}  "
                   f"published {(row['oldest'] or '?')[:10]} .. {(row['newest'] or '?')[:10]}")
    for row in data["sites"]:
        for warning in row["layout_warnings"]:
            click.echo(f"warning: {row['site']} last run: {warning}")
    for run in data["last_runs"]:
        click.echo(f"last run {run['site']:<14} {run['started']}  {run['status']:<8} fetched {run['fetched']} new {run['new']} failed {run['failed']}")


@cli.command()
@click.pass_obj
def sites(obj: Context):
    """List the site adapters and their settings.

    \b
    Example:
      archiver sites
    """
    from .adapters import known_sites

    config = obj.config
    for name in known_sites(config) + ["generic"]:
        site = config.site(name)
        if name == "generic":
            click.echo(f"{name:<16} any URL without its own adapter (used by `archiver fetch`)")
            continue
        by = f"  adapter={config.adapter_name(name)}" if config.adapter_name(name) != name else ""
        click.echo(f"{name:<16} enabled={str(site.enabled).lower():<5} base_url={site.base_url}  every={site.every}  "
                   f"max_pages={site.max_pages}  revisit={','.join(site.revisit) or 'never'}{by}")


@cli.command()
@click.argument("sites", nargs=-1)
@click.pass_obj
def reparse(obj: Context, sites):
    """Re-run the adapters on stored raw HTML (no network), e.g. after an adapter fix.

    \b
    Example:
      archiver reparse alalam
    """
    from .reparse import reparse as run_reparse

    with obj.writer() as store:
        counts = run_reparse(store, obj.config, sites or None)
    click.echo(", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing to reparse")


@cli.command()
@click.argument("sites", nargs=-1)
@click.option("--learn", is_flag=True, help="count the sites' blocks again from their articles first")
@click.option("--all", "show_all", is_flag=True, help="also blocks counted but below the threshold")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def boilerplate(obj: Context, sites, learn, show_all, fmt):
    """What was learned as each site's boilerplate: blocks recurring across its articles, with
    the number of articles (near-duplicate clusters) that have them. `reparse` learns and then
    removes them from every stored article.

    \b
    Example:
      archiver boilerplate globalresearch --learn
    """
    with (obj.writer() if learn else obj.store(readonly=True)) as store:
        chosen = list(sites) or store.boilerplate.sites()
        if learn:
            for site in chosen:
                store.boilerplate.learn(site)
        counted = {site: store.boilerplate.counts(site) for site in chosen}
    rows = _boilerplate_rows(counted, show_all)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from .render import printable

    for site, c in counted.items():
        click.echo(f"{site}: {len(c.blocks)} blocks learned over {c.articles} articles")
    for row in rows:
        mark = "" if row["learned"] else "  (below threshold)"
        click.echo(f"  {row['site']:<16} {row['count']:>6}/{row['articles']:<6} {printable((row['example'] or row['key'])[:100])}{mark}")


def _boilerplate_rows(counted: dict, show_all: bool) -> list[dict]:
    return [{"site": site, "articles": c.articles, "count": n, "learned": key in c.blocks, "key": key,
             "example": c.examples.get(key)} for site, c in counted.items() for key, n in c.counts.items()
            if show_all or key in c.blocks]


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["warc", "jsonl"]), required=True, help="warc: raw captures; jsonl: articles")
@click.argument("out", type=click.Path(dir_okay=False))
@click.pass_obj
def export(obj: Context, fmt, out):
    """Write raw captures as WARC or articles as JSON lines.

    \b
    Examples:
      archiver export --format warc archive.warc.gz
      archiver export --format jsonl articles.jsonl
    """
    from .export import export as run_export

    with obj.store(readonly=True) as store:
        count = run_export(store, fmt, Path(out))
    click.echo(f"wrote {count} {'records' if fmt == 'warc' else 'articles'} to {out}", err=True)


def _print_skipped(skipped: dict, quiet: bool) -> None:
    if skipped and not quiet:
        click.echo("not ingested: " + ", ".join(f"{reason} {n}" for reason, n in sorted(skipped.items())), err=True)


@cli.command("import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--scheduler", metavar="ADDRESS",
              help="parse on a Dask cluster: tcp://HOST:PORT of its scheduler, or local for one on this machine")
@click.option("--workers", type=click.IntRange(min=0), metavar="N",
              help="worker processes (this machine's, or the local Dask cluster's); 0: parse in this process")
@click.option("--queue-links", is_flag=True,
              help="also queue for crawling the links of pages of no configured site (off by default)")
@click.pass_obj
def import_warc(obj: Context, files, scheduler, workers, queue_links):
    """Ingest WARC response records (from archiver or any other tool, gzipped or not; WACZ
    files too) through the site adapters, each on its own capture date; records already
    archived are skipped. Large imports are parsed in worker processes, or on Dask.

    \b
    Examples:
      archiver import-warc archive.warc.gz other-crawl.warc collection.wacz
      archiver import-warc --scheduler local CC-NEWS-*.warc.gz
      archiver import-warc --scheduler tcp://10.0.0.5:8786 /shared/warcs/*.warc.gz
    """
    from .ingest import import_warc as run_import

    quiet = obj.verbosity < 0
    paths = [Path(f) for f in files]
    if scheduler:
        from .bulk import check_scheduler, dask_import

        check_scheduler(scheduler)
    with obj.writer() as store:
        if scheduler:
            result = dask_import(store, obj.config, paths, scheduler, workers, generic_links=queue_links)
        else:
            result = run_import(store, obj.config, paths, workers, generic_links=queue_links)
    _print_summary(result.reports, quiet)
    _print_skipped(result.skipped, quiet)
    if not quiet:
        click.echo(f"{result.records} records read", err=True)
    if result.failed_shards:
        click.echo(f"error: {len(result.failed_shards)} shards failed (a rerun tries them again): "
                   + "; ".join(result.failed_shards), err=True)
        sys.exit(1)
    if result.reports and all(r.status == "failed" for r in result.reports):
        sys.exit(1)


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--into", "into", metavar="DB", type=click.Path(dir_okay=False),
              help="the archive to merge into (created if missing); default: --db / the config's")
@click.option("--workers", type=click.IntRange(min=0), metavar="N",
              help="processes parsing the pages (default: one per core); 0: parse in this process")
@click.pass_obj
def merge(obj: Context, sources, into, workers):
    """Merge archives made on other machines, or one per shard of a backfill, into one: every
    capture of every source archived again in capture-time order, so bodies are stored once,
    articles are matched by site and key, versions and near-duplicate clusters are computed
    across sources. Captures already in the target are skipped.

    \b
    Examples:
      archiver merge shard-1.db shard-2.db shard-3.db --into all.db
      archiver --db main.db merge laptop.db
    """
    from .bulk import local_workers
    from .merge import merge_archives

    quiet = obj.verbosity < 0
    target = Context(obj.config_path, into, obj.verbosity, obj.check_sites) if into else obj
    with target.writer() as store:
        result = merge_archives(store, target.config, sources, local_workers() if workers is None else workers)
    _print_summary(result.reports, quiet)
    _print_skipped(result.skipped, quiet)
    if not quiet:
        click.echo(f"{sum(result.captures.values())} captures read from {len(sources)} archives", err=True)


@cli.command()
@click.argument("site_or_url")
@click.option("--from", "since", metavar="YYYY[MMDD]", help="captures from this date on")
@click.option("--to", "until", metavar="YYYY[MMDD]", help="captures up to this date (inclusive)")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True,
              help="captures fetched in this run; a rerun skips what is stored and goes on")
@click.pass_obj
def wayback(obj: Context, site_or_url, since, until, limit):
    """Backfill historical captures from the Wayback Machine: a site's article pages (or one
    URL; end it with * for a prefix), each stored as a capture of the original URL on its
    Wayback date.

    \b
    Examples:
      archiver wayback alalam --from 2016 --to 2017
      archiver wayback https://en.alalam.ir/news/1825441
    """
    from .fetch import Fetcher
    from .progress import reporter
    from .wayback import backfill

    quiet = obj.verbosity < 0
    with obj.writer() as store, Fetcher(obj.config.fetch) as fetcher, \
            reporter(interactive=not quiet and sys.stderr.isatty()) as update:
        result = backfill(store, obj.config, site_or_url, fetcher, since, until, limit, update)
    _print_summary(result.reports, quiet)
    _print_skipped(result.skipped, quiet)
    if not result.reports and not quiet:
        click.echo(f"the Wayback Machine lists no new capture of {site_or_url}", err=True)
    if result.reports and all(r.status == "failed" for r in result.reports):
        sys.exit(1)


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True, help="TCP port")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to bind; anything but loopback exposes the archive")
@click.option("--allow-sql", is_flag=True, help="allow arbitrary SQL on a non-loopback host too (always on for loopback)")
@click.pass_obj
def serve(obj: Context, port, host, allow_sql):
    """Browse and search the archive in Datasette, read-only (a crawl may keep writing).

    Faceted full-text search is at /archive/article_list; canned queries (stories on several
    sites, crawl health, ...) are listed on /archive.

    \b
    Example:
      archiver serve --port 8001     # then open http://127.0.0.1:8001/archive/article_list
    """
    from .serve import serve as run_serve

    run_serve(obj.config.archive.db, host=host, port=port, allow_sql=allow_sql)


@cli.command()
@click.option("--rebuild", is_flag=True, help="recompute signatures, band keys and clusters from stored text")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def dedup(obj: Context, rebuild, fmt):
    """Near-duplicate index status; --rebuild re-clusters every article after a [dedup] change, no refetching.

    \b
    Examples:
      archiver dedup
      archiver dedup --rebuild
    """
    with (obj.writer() if rebuild else obj.store(readonly=True)) as store:
        status = store.rebuild_dedup() if rebuild else store.dedup_status()
    if fmt == "json":
        click.echo(json.dumps(status, indent=2))
        return
    index, config = status["index"], status["config"]
    describe = lambda p: (f"threshold {p['threshold']}, {p['shingle_size']}-word shingles, {p['num_perm']} permutations "  # noqa: E731
                          f"in {p['bands']} bands of {p['rows']}") if p else "not built yet"
    click.echo(f"index: {describe(index)}")
    if status["stale"]:
        click.echo(f"config: {describe(config)} - run `archiver dedup --rebuild` to apply it")
    click.echo(f"articles {status['articles']} ({status['indexed']} indexed): {status['stories']} stories, "
               f"{status['exact_duplicates']} exact and {status['near_duplicates']} near copies "
               f"in {status['clusters_with_copies']} clusters")


def main() -> None:
    cli(prog_name="archiver")


if __name__ == "__main__":
    main()
