"""The command line: each command parses options, loads config, calls one library function,
and formats the result. Errors become one sentence on stderr and the contract's exit code."""

from __future__ import annotations

import json
import logging
import sys
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import click

from . import __version__
from .config import Config, load_config
from .errors import ArchiverError, UsageError
from .store import Store

log = logging.getLogger("archiver")


class Context:
    def __init__(self, config_path: str | None, db: str | None, verbosity: int):
        self.config_path = config_path
        self.db_override = db
        self.verbosity = verbosity
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            from .sites import adapter_names

            self._config = load_config(self.config_path, known_sites=adapter_names()).with_db(self.db_override)
        return self._config

    def store(self, readonly: bool = False) -> Store:
        return Store(self.config.archive.db, readonly=readonly)


class ArchiverGroup(click.Group):
    """Turns ArchiverError into one clear sentence and its exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ArchiverError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted; everything stored so far is kept and the next run resumes", err=True)
            sys.exit(130)


def _setup_logging(verbosity: int) -> None:
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@click.group(cls=ArchiverGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="config file (default: $ARCHIVER_CONFIG, else ./config.toml)")
@click.option("--db", type=click.Path(dir_okay=False), help="database file, overriding [archive] db")
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
    ctx.obj = Context(config_path, db, verbosity)
    ctx.obj.config  # fail on a bad config before any work starts


def _selected_sites(config: Config, requested: tuple[str, ...], available: list[str] | None = None) -> list[str]:
    from .sites import adapter_class, adapter_names

    if requested:
        for name in requested:
            adapter_class(name)
        return list(requested)
    names = available if available is not None else [n for n in adapter_names() if n != "generic"]
    return [n for n in names if config.site(n).enabled]


def _progress_printer(quiet: bool):
    if quiet or not sys.stderr.isatty():
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[url]}"),
                        transient=False, console=None)
    tasks: dict[str, int] = {}

    def update(site: str, url: str, done: int, total: int) -> None:
        if site not in tasks:
            tasks[site] = progress.add_task(site, total=total, url="")
        progress.update(tasks[site], completed=done, url=url[-60:])

    return progress, update


def _print_summary(reports) -> None:
    for r in reports:
        d = r.as_dict()
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(d["errors"].items())) or "none"
        click.echo(
            f"{d['site']}: {d['status']} - fetched {d['fetched']}, new {d['new']}, updated {d['updated']}, "
            f"unchanged {d['unchanged']}, duplicates {d['duplicate']}, failed {d['failed']} (problems: {errors})",
            err=True,
        )


@cli.command()
@click.argument("sites", nargs=-1)
@click.option("--max-pages", type=click.IntRange(min=0), help="pages to fetch per site in this run")
@click.option("--due", is_flag=True, help="only sites whose `every` has elapsed since their last successful run")
@click.option("--replay", type=click.Path(exists=True, file_okay=False), help="serve HTTP from recorded cassettes, no network")
@click.option("--record", type=click.Path(file_okay=False), help="also write every fetched page into cassettes under DIR")
@click.pass_obj
def crawl(obj: Context, sites, max_pages, due, replay, record):
    """Discover, fetch, parse, deduplicate and store articles.

    \b
    Examples:
      archiver crawl --replay cassettes/          # the bundled recordings, offline
      archiver crawl alalam --max-pages 50        # live, one site
      archiver crawl --due                        # from cron: only sites that are due
    """
    from .cassettes import Recorder, load_cassettes, replaying
    from .fetch import Fetcher
    from .pipeline import crawl as run_crawl

    config = obj.config
    base_urls: dict[str, str] = {}
    with ExitStack() as stack:
        if replay:
            cassettes = load_cassettes(Path(replay))
            available = [name for name in cassettes]
            base_urls = {name: c.origin for name, c in cassettes.items()}
            stack.enter_context(replaying(cassettes))
            # Nobody to be polite to: the "server" is a file on disk.
            config = replace(config, fetch=replace(config.fetch, per_host_delay=0.0, respect_robots=False))
            chosen = _selected_sites(config, sites, available)
        else:
            chosen = _selected_sites(config, sites)
        store = stack.enter_context(obj.store())
        if due:
            chosen = _due_sites(store, config, chosen)
            if not chosen:
                click.echo("no site is due", err=True)
                return
        recorder = Recorder(Path(record)) if record else None
        fetcher = stack.enter_context(Fetcher(config.fetch))
        progress, update = _progress_printer(obj.verbosity < 0)
        if progress:
            stack.enter_context(progress)
        reports = run_crawl(store, config, chosen, fetcher, max_pages, update, recorder, base_urls)
    _print_summary(reports)
    if reports and all(r.status == "failed" for r in reports):
        sys.exit(1)


def _due_sites(store: Store, config: Config, sites: list[str]) -> list[str]:
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    due = []
    for site in sites:
        last = store.last_successful_run(site)
        if last is None or (now - datetime.fromisoformat(last)).total_seconds() >= config.site(site).every_seconds:
            due.append(site)
    return due


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
    from .pipeline import fetch_urls

    with obj.store() as store, Fetcher(obj.config.fetch) as fetcher:
        results = fetch_urls(store, obj.config, urls, fetcher)
    for r in results:
        detail = f" (article {r['article_id']})" if r.get("article_id") else ""
        reason = f": {r['reason']}" if r.get("reason") else ""
        click.echo(f"{r['status']}{detail} [{r['site']}] {r['url']}{reason}")
    if results and all(r["status"] == "failed" for r in results):
        sys.exit(1)


@cli.command()
@click.argument("query")
@click.option("--site", help="only this site")
@click.option("--since", help="published on or after (YYYY, YYYY-MM, YYYY-MM-DD or ISO)")
@click.option("--until", help="published on or before (same forms; the whole day/month/year)")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--all-duplicates", is_flag=True, help="show every copy, not one row per story")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_obj
def search(obj: Context, query, site, since, until, limit, all_duplicates, fmt):
    """Full-text search over titles and article text (FTS5, best match first).

    \b
    Examples:
      archiver search Raqqa
      archiver search '"Tabqa airbase" OR Khanasser' --since 2016 --format json
    """
    from .search import run_search, to_csv, to_json

    with obj.store(readonly=True) as store:
        rows = run_search(store, query, site, since, until, limit, all_duplicates)
    if fmt == "json":
        click.echo(to_json(rows))
    elif fmt == "csv":
        click.echo(to_csv(rows), nl=False)
    else:
        _print_table(rows)


def _print_table(rows: list[dict]) -> None:
    if not rows:
        click.echo("no results", err=True)
        return
    for row in rows:
        copies = f"  ({row['copies']} copies)" if (row.get("copies") or 1) > 1 else ""
        click.echo(f"[{row['id']}] {row['site']}  {(row['published'] or '?')[:16]}  {row['title']}{copies}")
        click.echo(f"    {row['url']}")
        snippet = (row["snippet"] or "").replace("<mark>", click.style("", bold=True, reset=False) if sys.stdout.isatty() else "[").replace(
            "</mark>", click.style("", reset=True) if sys.stdout.isatty() else "]")
        click.echo(f"    {snippet}")


@cli.command()
@click.argument("id_or_url")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def show(obj: Context, id_or_url, fmt):
    """One article: metadata, text, related items, tags, captures and copies.

    \b
    Example:
      archiver show 3
      archiver show https://en.alalam.ir/news/1825428 --format json
    """
    with obj.store(readonly=True) as store:
        article_id = store.find_article(id_or_url)
        if article_id is None:
            raise UsageError(f"no article with id or URL {id_or_url!r}")
        article = store.article(article_id)
    if fmt == "json":
        article.pop("raw_sha256", None)
        click.echo(json.dumps(article, ensure_ascii=False, indent=2))
        return
    lines = [
        f"#{article['id']}  {article['title']}",
        f"site: {article['site']}   published: {article['published'] or 'unknown'}   section: {article['section'] or '-'}",
        f"url: {article['canonical_url']}",
        f"authors: {', '.join(article['authors']) or '-'}",
    ]
    for key, value in sorted(article["extra"].items()):
        lines.append(f"{key}: {value}")
    if article["tags"]:
        lines.append("tags: " + ", ".join(f"{t['name']} ({t['kind']})" if t["kind"] else t["name"] for t in article["tags"]))
    if article["warnings"]:
        lines.append("warnings: " + "; ".join(article["warnings"]))
    lines += ["", article["text"] or "(no text)", ""]
    if article["related"]:
        lines.append(f"related ({len(article['related'])}):")
        for item in article["related"]:
            archived = f" → article {item['article_id']}" if item["article_id"] else ""
            lines.append(f"  {item['position']:>2}. [{item['kind']}] {item['title']}  {item['url']}{archived}")
    if article["comments"]:
        lines.append(f"comments ({len(article['comments'])}):")
        for c in article["comments"]:
            reply = f" (reply to {c['reply_to']})" if c["reply_to"] else ""
            lines.append(f"  {c['position']}. {c['author'] or 'anonymous'}{reply}: {c['text']}")
    lines.append(f"captures ({len(article['captures'])}):")
    for c in article["captures"]:
        lines.append(f"  {c['fetched_at']}  HTTP {c['status']}  {c['url']}  sha256 {(c['sha256'] or '-')[:12]}")
    if article["copies"]:
        lines.append(f"copies ({len(article['copies'])}):")
        for c in article["copies"]:
            lines.append(f"  #{c['id']} {c['site']} first seen {c['first_seen']}  {c['url']}")
    click.echo("\n".join(lines))


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
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo("  ".join(f"{k}: {v}" for k, v in data["totals"].items()))
    for row in data["sites"]:
        click.echo(f"{row['site']:<16} articles {row['articles']:>6}  duplicates {row['duplicates'] or 0:>5} "
                   f"({row['duplicate_rate']:.1%})  captures {row['captures']:>6}  related {row['related_items']:>6}  "
                   f"published {(row['oldest'] or '?')[:10]} .. {(row['newest'] or '?')[:10]}")
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
    from .sites import adapter_names

    config = obj.config
    for name in adapter_names():
        site = config.site(name)
        if name == "generic":
            click.echo(f"{name:<16} any URL without its own adapter (used by `archiver fetch`)")
            continue
        click.echo(f"{name:<16} enabled={str(site.enabled).lower():<5} base_url={site.base_url}  every={site.every}  max_pages={site.max_pages}")


@cli.command()
@click.argument("sites", nargs=-1)
@click.pass_obj
def reparse(obj: Context, sites):
    """Re-run the adapters on stored raw HTML (no network), e.g. after an adapter fix.

    \b
    Example:
      archiver reparse alalam
    """
    from .pipeline import reparse as run_reparse

    with obj.store() as store:
        counts = run_reparse(store, obj.config, sites or None)
    click.echo(", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing to reparse")


def main() -> None:
    cli(prog_name="archiver")


if __name__ == "__main__":
    main()
