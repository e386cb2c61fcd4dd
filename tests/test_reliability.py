"""Archives in awkward places and states: names holding `?` and `#`, a directory the reader
cannot write, an archive from a newer archiver, hostile text in `history`, ids beyond range."""

from __future__ import annotations

import os
import sqlite3

import pytest
from click.testing import CliRunner

from archiver.cli import cli

from .conftest import CASSETTES


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "archive.db"
    assert run("--db", db, "-q", "crawl", "--replay", CASSETTES, "sputnik").exit_code == 0
    return db


def test_names_with_question_marks_and_hashes_are_one_file_for_readers_and_writers(tmp_path):
    db = tmp_path / "what?#100%.db"
    assert run("--db", db, "-q", "crawl", "--replay", CASSETTES, "sputnik").exit_code == 0
    found = run("--db", db, "search", "Raqqa", "--format", "csv")
    assert found.exit_code == 0 and "sputnik" in found.output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("what")) == [
        "what?#100%.db", "what?#100%.db-shm", "what?#100%.db-wal", "what?#100%.db.lock"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to any directory")
def test_read_commands_work_on_an_archive_in_a_directory_the_user_cannot_write(tmp_path, demo):
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    copy = shelf / "archive.db"
    conn = sqlite3.connect(demo)
    conn.execute(f"VACUUM INTO '{copy}'")
    conn.close()
    shelf.chmod(0o555)
    try:
        for command in (["search", "Raqqa"], ["stats"], ["show", "1"], ["history", "1"]):
            result = run("--db", copy, *command)
            assert result.exit_code == 0, (command, result.output)
    finally:
        shelf.chmod(0o755)


def test_where_nobody_can_write_the_archive_is_read_as_immutable(tmp_path, demo, monkeypatch):
    # Root may write anywhere, so the directory test above cannot run as root: here the check
    # says "not writable" and the immutable connection must read the archive all the same.
    from archiver.store import readonly

    opened = []
    real_connect = sqlite3.connect
    monkeypatch.setattr(readonly.sqlite3, "connect", lambda database, **kw: opened.append(database) or real_connect(database, **kw))
    monkeypatch.setattr(readonly.os, "access", lambda path, mode: False)
    conn = readonly.connect_readonly(demo)
    assert opened[-1].endswith("?mode=ro&immutable=1")
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 10
    conn.close()


def test_an_archive_from_a_newer_archiver_is_refused_not_written(tmp_path, demo):
    newer = tmp_path / "newer.db"
    conn = sqlite3.connect(demo)
    conn.execute(f"VACUUM INTO '{newer}'")
    conn.close()
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('archiver', 'm999_future', 'x')")
    conn.commit()
    conn.close()
    before = newer.read_bytes()
    for command in (["stats"], ["reparse"], ["-q", "crawl", "--replay", CASSETTES, "sputnik"]):
        result = run("--db", newer, *command)
        assert result.exit_code == 1, (command, result.output)
        assert "written by a newer archiver" in result.output and "m999_future" in result.output
        assert "Traceback" not in result.output
    assert newer.read_bytes() == before


def test_history_escapes_control_characters_and_ids_beyond_range_are_not_found(tmp_path, demo):
    hostile = tmp_path / "hostile.db"
    conn = sqlite3.connect(demo)
    conn.execute(f"VACUUM INTO '{hostile}'")
    conn.close()
    conn = sqlite3.connect(hostile)
    conn.execute("UPDATE article_versions SET title = 'Raqqa \x1b]0;owned\x07\x1b[2J' WHERE article_id = 1")
    conn.execute("UPDATE articles SET title = 'Raqqa \x1b]0;owned\x07\x1b[2J' WHERE id = 1")
    conn.commit()
    conn.close()
    shown = run("--db", hostile, "history", "1")
    assert shown.exit_code == 0 and "\x1b" not in shown.output and "\x07" not in shown.output
    assert "\\x1b]0;owned\\x07" in shown.output
    far = run("--db", hostile, "history", "99999999999999999999999")
    assert far.exit_code == 2 and "no article" in far.output and "bug" not in far.output


def test_export_writes_whole_files_only_and_dash_is_standard_output(tmp_path, demo, monkeypatch):
    out = tmp_path / "articles.jsonl"
    assert run("--db", demo, "export", "--format", "jsonl", out).exit_code == 0
    good = out.read_bytes()
    assert good.count(b"\n") == 10

    import archiver.export as export

    def failing(store, stream):
        stream.write("half an article")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "export_jsonl", failing)
    result = run("--db", demo, "export", "--format", "jsonl", out)
    assert result.exit_code == 1 and "No space left" in result.output
    assert out.read_bytes() == good and [p.name for p in tmp_path.iterdir()] == ["articles.jsonl"]
    monkeypatch.undo()

    dash = run("--db", demo, "export", "--format", "jsonl", "-")
    assert dash.exit_code == 0 and dash.stdout.count("\n") == 10 and not (tmp_path / "-").exists()


def test_fetch_of_a_local_file_has_the_download_cap(tmp_path):
    big = tmp_path / "big.html"
    big.write_bytes(b"<html><body>" + b"<p>word word word</p>" * 60_000 + b"</body></html>")  # ~1.3 MB
    config = tmp_path / "config.toml"
    config.write_text("[fetch]\nmax_body_bytes = 1000000\n")
    result = run("--config", config, "--db", tmp_path / "a.db", "fetch", big)
    assert result.exit_code == 1 and "body too large" in result.output
