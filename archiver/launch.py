"""The `archiver` program's entry point: a plain search goes straight to the index.

A search is what people and scripts run most, often in loops, and on an archive of any size
its answer is a few milliseconds of FTS5: the command line around it would otherwise cost
several times that (click, the config's dataclasses, the CLI's own module). So a search made
only of options this module understands is run here with the same library calls and the same
output as the `search` command; anything else (help, another command, an option it does not
know, a value it cannot take, any error) goes to the full command line in archiver.cli, which
then does the whole work and reports exactly as it always does. A search is read-only, so
starting it over there is safe.
"""

from __future__ import annotations

import os
import sys

VALUE_OPTIONS = {"--site", "--since", "--until", "--limit", "--offset", "--sort", "--format", "--db", "--config"}
GLOBAL_OPTIONS = {"--db", "--config"}  # may stand before the command too
FLAGS = {"--all-duplicates"}
CHOICES = {"--sort": ("relevance", "newest", "oldest"), "--format": ("table", "json", "jsonl", "csv")}
# archiver.config's DEFAULT_CONFIG_FILE and ENV_VAR, not imported: that module loads dataclasses
# (tests/test_launch.py holds them equal).
CONFIG_FILE, CONFIG_ENV = "config.toml", "ARCHIVER_CONFIG"
DB_ENV = "ARCHIVER_DB"  # the database file, as --db gives it (the full command line reads this name too)


class NotQuick(Exception):
    """The arguments need the full command line."""


def quick_search_args(argv: list[str]) -> dict | None:
    """ARGV as the search it asks for ({option: value}, "query": [...]), or None when it asks
    for anything this module does not take on."""
    try:
        return _typed(_read(argv))
    except NotQuick:
        return None


def _read(argv: list[str]) -> dict:
    options: dict = {"query": []}
    command = None
    args = iter(argv)
    for arg in args:
        if not arg.startswith("-") or arg == "-":
            command = _word(options, command, arg)
            continue
        name, equals, value = arg.partition("=")
        if name in FLAGS and not equals and command:
            options[name] = True
        elif name in VALUE_OPTIONS and (command or name in GLOBAL_OPTIONS):
            _take(options, name, value if equals else next(args, None))
        else:  # -h, --help, -v, -q, --version, --all-versions, `--`, a query word click reads as an option
            raise NotQuick
    if command is None or not options["query"]:
        raise NotQuick
    return options


def _word(options: dict, command: str | None, word: str) -> str:
    """The command (a word before it), or a query word (after it)."""
    if command is None and word != "search":
        raise NotQuick  # another command
    if command:
        options["query"].append(word)
    return "search"


def _take(options: dict, name: str, value: str | None) -> None:
    if value is None or name in options or (name in CHOICES and value not in CHOICES[name]):
        raise NotQuick  # a missing value, an option given twice, a choice click refuses
    options[name] = value


def _typed(options: dict) -> dict:
    for name in ("--limit", "--offset"):
        if name in options:
            try:
                options[name] = int(options[name])
            except ValueError:
                raise NotQuick from None
    if options.get("--offset", 0) < 0:
        raise NotQuick
    return options


def _database(options: dict) -> str:
    db = options.get("--db") or os.environ.get(DB_ENV) or None
    if db and not options.get("--config") and not os.environ.get(CONFIG_ENV) and not os.path.exists(CONFIG_FILE):
        return db  # no config file would be read: nothing in one to check
    from .config import load_config  # the full command line's reading, errors and all

    return str(load_config(options.get("--config")).with_db(db).archive.db)


def run_quick_search(options: dict) -> None:
    from contextlib import closing

    from .search import printed, run_search, terminal_width
    from .store.search import open_search

    with closing(open_search(_database(options))) as index:
        rows = run_search(index, " ".join(options["query"]), options.get("--site"), options.get("--since"),
                          options.get("--until"), options.get("--limit", 20), bool(options.get("--all-duplicates")),
                          options.get("--sort", "relevance"), options.get("--offset", 0))
    out, note = printed(rows, options.get("--format", "table"), terminal_width())
    sys.stderr.write(note)
    sys.stdout.write(out)
    sys.stdout.flush()


def main() -> None:
    options = quick_search_args(sys.argv[1:])
    if options is not None:
        try:
            run_quick_search(options)
            return
        except KeyboardInterrupt:  # as the full command line ends on Ctrl-C; never started over
            sys.stderr.write("interrupted; everything stored so far is kept and the next run resumes\n")
            sys.exit(130)
        except BrokenPipeError:  # the reader went away (`| head`): nothing to start over for
            raise
        except Exception:  # the full command line says what went wrong, as it always does
            pass
    from .cli import main as cli_main

    cli_main()
