"""The entry point's quick search (archiver/launch.py): the same output, errors and exit codes
as the full `search` command for every search it takes on, and the full command line for
everything else."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.launch import quick_search_args

from .conftest import CASSETTES, ROOT


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("launch") / "demo.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "-q", "crawl", "--replay", str(CASSETTES)])
    assert result.exit_code == 0, result.output
    return db


def run(entry: str, args: list[str], cwd, env_extra: dict | None = None) -> tuple[int, str, str]:
    """ENTRY 'quick': the program as installed (`python -m archiver`, archiver.launch);
    'full': archiver.cli's command line itself."""
    code = "import sys; from archiver.launch import main; main()" if entry == "quick" else \
        "import sys; from archiver.cli import main; main()"
    env = {k: v for k, v in os.environ.items() if k not in ("ARCHIVER_DB", "ARCHIVER_CONFIG")}
    env.update({"PYTHONPATH": str(ROOT), **(env_extra or {})})
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout, done.stderr


def same_as_full(args, cwd, env_extra=None) -> tuple[int, str, str]:
    quick = run("quick", args, cwd, env_extra)
    assert quick == run("full", args, cwd, env_extra)
    return quick


@pytest.mark.parametrize("options", [
    ["--format", "json"],
    ["--format", "jsonl", "--limit", "3", "--offset", "2"],
    ["--format", "csv", "--site", "globalresearch"],
    ["--since", "2016-06", "--until", "2017", "--sort", "newest", "--format", "json"],
    ["--all-duplicates", "--format=json", "--limit=50"],
    [],  # plain text (not a terminal)
])
def test_a_quick_search_prints_what_the_search_command_prints(demo, tmp_path, options):
    code, out, _ = same_as_full(["--db", str(demo), "search", "Raqqa", *options], tmp_path)
    assert code == 0 and "raqqa" in out.lower()


@pytest.mark.parametrize("args", [
    ["search", "zzzznotaword", "--format", "table"],  # no results
    ["search", '"unclosed'],  # a query FTS5 rejects
    ["search", "the", "of"],  # only common words
    ["search", "Raqqa", "--since", "2016-13"],  # not a date
    ["search", "Raqqa", "--limit", "0"],
])
def test_errors_and_empty_results_read_the_same(demo, tmp_path, args):
    same_as_full(["--db", str(demo), *args], tmp_path)


def test_a_missing_archive_and_the_environment_and_a_config_file(demo, tmp_path):
    code, _, err = same_as_full(["--db", str(tmp_path / "none.db"), "search", "Raqqa"], tmp_path)
    assert code != 0 and "does not exist" in err
    code, out, _ = same_as_full(["search", "Raqqa", "--format", "json"], tmp_path, {"ARCHIVER_DB": str(demo)})
    assert code == 0 and out.startswith("[")
    # A config file is read (and checked) as the full command line reads it.
    (tmp_path / "config.toml").write_text(f'[archive]\ndb = "{demo}"\n')
    code, out, _ = same_as_full(["search", "Raqqa", "--format", "json"], tmp_path)
    assert code == 0 and out.startswith("[")
    (tmp_path / "config.toml").write_text("[archive]\ndb = 5\n")
    code, _, err = same_as_full(["search", "Raqqa"], tmp_path)
    assert code != 0 and "config" in err.lower()


def test_the_quick_path_looks_for_the_config_file_the_full_command_line_reads():
    from archiver import config, launch

    assert (launch.CONFIG_FILE, launch.CONFIG_ENV) == (config.DEFAULT_CONFIG_FILE, config.ENV_VAR)


def test_what_the_quick_path_takes_on():
    assert quick_search_args(["search", "Raqqa", "--db", "a.db", "--limit", "5"]) == \
        {"query": ["Raqqa"], "--db": "a.db", "--limit": 5}
    assert quick_search_args(["--db=a.db", "search", "Tabqa", "airbase", "--sort=newest"]) == \
        {"query": ["Tabqa", "airbase"], "--db": "a.db", "--sort": "newest"}
    for args in (["search", "Raqqa", "--help"], ["-q", "search", "Raqqa"], ["show", "1"], ["search"],
                 ["search", "Raqqa", "--all-versions"], ["search", "Raqqa", "--limit", "many"],
                 ["search", "Raqqa", "--sort", "loudest"], ["search", "Raqqa", "--offset", "-1"],
                 ["search", "Raqqa", "--site", "a", "--site", "b"], ["search", "Raqqa", "--limit"],
                 ["search", "--", "-Homs"], ["search", "Raqqa", "-Homs"], ["--version"], []):
        assert quick_search_args(args) is None, args


def test_the_full_command_line_answers_what_the_quick_path_does_not(demo, tmp_path):
    code, out, _ = run("quick", ["search", "--help"], tmp_path)
    assert code == 0 and "--all-versions" in out
    code, out, _ = run("quick", ["--db", str(demo), "stats"], tmp_path)
    assert code == 0 and "articles" in out.lower()


def test_a_plain_search_loads_neither_click_nor_the_command_line(demo, tmp_path):
    # Else every comparison above would pass by the quick path always handing over.
    code = ("import sys; from archiver.launch import main; main(); "
            "sys.stderr.write(repr(sorted(m for m in ('click', 'archiver.cli', 'archiver.config', 'dataclasses', 'typing') "
            "if m in sys.modules)))")
    env = {**{k: v for k, v in os.environ.items() if k != "ARCHIVER_CONFIG"}, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code, "--db", str(demo), "search", "Raqqa", "--format", "json"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("[")
    assert done.stderr == "[]"


def test_ctrl_c_ends_a_quick_search_as_it_ends_any_command(monkeypatch, capsys):
    import archiver.launch as launch

    def interrupted(options):
        raise KeyboardInterrupt

    monkeypatch.setattr(launch, "run_quick_search", interrupted)
    monkeypatch.setattr(sys, "argv", ["archiver", "--db", "a.db", "search", "Raqqa"])
    with pytest.raises(SystemExit) as ended:
        launch.main()
    assert ended.value.code == 130  # not started over by the full command line
    assert capsys.readouterr().err.startswith("interrupted")
