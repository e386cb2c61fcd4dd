"""`archiver search`: the query language (phrases, prefixes, AND/OR/NOT, column filters),
sorting, the JSON contract, terminal output, and clear errors for bad queries."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.errors import UsageError
from archiver.search import fts_query, run_search, to_table, to_text
from archiver.store import Store

from .sample_archive import COPY_TITLE, TITLES, build_archive


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    db = tmp_path_factory.mktemp("search") / "archive.db"
    expected = build_archive(db)
    return db, expected


@pytest.fixture
def store(archive):
    with Store(archive[0], readonly=True) as store:
        yield store


def ids(store, query, **kw) -> set[int]:
    return {r["id"] for r in run_search(store, query, limit=50, all_duplicates=True, **kw)}


def containing(store, word: str, column: str = "title || ' ' || text") -> set[int]:
    return {r[0] for r in store.db.execute(f"SELECT id FROM articles WHERE lower({column}) LIKE ?", [f"%{word.lower()}%"])}


def test_words_phrases_and_prefixes(store, archive):
    first = archive[1]["ids"]["1797706"]
    assert ids(store, '"Tabqa Airbase"') == {first}
    assert ids(store, "Tabqa Airbase") == containing(store, "tabqa") & containing(store, "airbase")
    assert ids(store, "Khanass*") == containing(store, "khanass") == {first, archive[1]["ids"]["1051069089"]}
    assert ids(store, "Aleppo-Raqqa") == ids(store, '"Aleppo Raqqa"') != set()
    assert ids(store, "the Latakia of") == containing(store, "latakia")  # common words are ignored


def test_and_or_not_and_parentheses(store):
    assert ids(store, "Latakia OR Khanasser") == containing(store, "latakia") | containing(store, "khanasser")
    assert ids(store, "Raqqa AND Homs") == containing(store, "raqqa") & containing(store, "homs")
    without = containing(store, "raqqa") - containing(store, "aleppo")
    assert ids(store, "Raqqa NOT Aleppo") == ids(store, "Raqqa -Aleppo") == without != set()
    grouped = (containing(store, "latakia") | containing(store, "homs")) - containing(store, "hezbollah")
    assert ids(store, "(Latakia OR Homs) -Hezbollah") == grouped


def test_column_filters(store, archive):
    assert ids(store, "title:Latakia") == {archive[1]["ids"]["1800676"]}
    assert ids(store, "text:Latakia") == containing(store, "latakia", "text")
    assert ids(store, 'title:"Aleppo-Raqqa Border"') == containing(store, "aleppo-raqqa border", "title")
    assert ids(store, "title:(Latakia OR Countdown)") == containing(store, "latakia", "title") | containing(store, "countdown", "title")


def test_json_contract_and_sorting(archive):
    db, _ = archive
    result = CliRunner().invoke(cli, ["--db", str(db), "search", "Raqqa", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and all({"id", "site", "url", "title", "published", "snippet", "score"} <= set(r) for r in rows)
    assert rows == sorted(rows, key=lambda r: (-r["score"], r["id"]))
    # One row per story by default: the copy that matches best stands for the original and its copy.
    story = {TITLES[2], COPY_TITLE}  # alalam 1825428, republished word for word
    assert [len(story & {r["title"]}) for r in rows].count(1) == 1
    assert {r["title"] for r in rows} - story == set(TITLES) - story
    assert [r["copies"] for r in rows if r["title"] in story] == [2]
    assert all("<mark>Raqqa</mark>" in r["snippet"] for r in rows if "Raqqa" in r["snippet"])

    every = ["--all-duplicates", "--format", "json"]
    newest = json.loads(CliRunner().invoke(cli, ["--db", str(db), "search", "Raqqa", "--sort", "newest", *every]).output)
    assert [r["published"] for r in newest] == sorted((r["published"] for r in newest), reverse=True)
    oldest = json.loads(CliRunner().invoke(cli, ["--db", str(db), "search", "Raqqa", "--sort", "oldest", *every]).output)
    assert [r["id"] for r in oldest] == [r["id"] for r in newest][::-1]


def test_terminal_table_highlights_matches(store):
    rows = run_search(store, "Tabqa", limit=5)
    table = to_table(rows, width=120, color=True)
    assert "\x1b[" in table and re.search(r"\x1b\[[0-9;]*43m" + "Tabqa", table)  # yellow background on the match
    plain = re.sub(r"\x1b\[[0-9;]*m", "", table)
    assert all(r["title"] in plain for r in rows) and "title and best passage" in plain
    assert "[Tabqa]" in to_text(rows) and "<mark>" not in to_text(rows)


def test_piped_output_is_plain_lines(archive):
    result = CliRunner().invoke(cli, ["--db", str(archive[0]), "search", "Tabqa", "Airbase"])
    assert result.exit_code == 0 and "\x1b[" not in result.output
    assert f"{TITLES[0]}" in result.output and "[Tabqa] [Airbase]" in result.output


@pytest.mark.parametrize("query, message", [
    ("", "empty"),
    ("   ", "empty"),
    ("the of and", "only common words (the, of, and)"),
    ('"Tabqa airbase', "unclosed quote"),
    ('Raqqa "', "unclosed quote"),
    ("author:Smith", "no column 'author'"),
    ("site:alalam", "--site filters by site"),
    ("title:", "title: needs a word"),
    ("Raqqa OR", "OR needs a search term on each side"),
    ("AND Raqqa", "AND needs a search term on each side"),
    ("Raqqa AND", "AND needs a search term on each side"),
    ("Raqqa AND OR Homs", "AND needs a search term on each side"),
    ("Raqqa NOT", "NOT needs a search term after it"),
    ("Raqqa -AND Homs", "'-' needs a search term right after it"),
    ("() Raqqa", "nothing to search for before a ')'"),
    ("NOT Aleppo", "only excludes"),
    ("-Aleppo", "only excludes"),
    ("(Raqqa OR Homs", "never closed"),
    ("Raqqa)", "')' without its '('"),
])
def test_bad_queries_are_one_clear_sentence_and_exit_2(archive, query, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        fts_query(query)
    result = CliRunner().invoke(cli, ["--db", str(archive[0]), "search", "--", query])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert result.output.startswith("error: ") and result.output.count("\n") == 1


def test_bad_sort_and_limit(store):
    with pytest.raises(UsageError, match="cannot sort by 'date'"):
        run_search(store, "Raqqa", sort="date")
    with pytest.raises(UsageError, match="--limit"):
        run_search(store, "Raqqa", limit=0)


@pytest.mark.parametrize("args, message", [
    (["search", "--since", "0000", "Raqqa"], "not a valid date"),
    (["search", "--until", "9999-12-31T23:00:00-05:00", "Raqqa"], "out of the range of dates"),
    (["search", "(" * 5000 + "Raqqa" + ")" * 5000], "at most 1,000"),
    (["search", "(" * 40 + "Raqqa" + ")" * 40], "nest more than 32 deep"),
    (["search", " ".join(f"word{n}" for n in range(20_000))], "at most 1,000"),
    (["show", "99999999999999999999999"], "no article with id or URL"),
])
def test_usage_errors_are_usage_errors(archive, args, message):
    """Each was "unexpected ... (a bug in archiver)" with exit 1, or ran for a minute."""
    result = CliRunner().invoke(cli, ["--db", str(archive[0]), *args])
    assert result.exit_code == 2 and message in result.output and "unexpected" not in result.output


def test_until_the_last_year_is_no_upper_bound(store):
    assert run_search(store, "Raqqa", until="9999") == run_search(store, "Raqqa")


def test_parentheses_within_the_limit_still_work(store):
    assert run_search(store, "(" * 32 + "Raqqa" + ")" * 32) == run_search(store, "Raqqa")


@contextmanager
def dated_search(path, dated: dict[str, str]):
    """An archive of one article per key of DATED, published as it says, and a search of it
    bounded as asked: the keys found, sorted."""
    from archiver.models import ParsedArticle
    from archiver.store import Store

    with Store(path) as store:
        for n, (key, published) in enumerate(dated.items()):
            url = f"https://news.example/{key}"
            article = ParsedArticle(url=url, canonical_url=url, key=key, title=f"Ceasefire report {key}",
                                    text=f"Ceasefire report number {n} " + " ".join(f"w{n}x{i}" for i in range(60)),
                                    published=published, parser="generic:test")
            store.save_article("news", article, None, f"2024-01-0{n + 1}T00:00:00+00:00", None)
        yield lambda **bounds: sorted(row["url"].rsplit("/", 1)[1]
                                      for row in run_search(store, "ceasefire", limit=50, **bounds))


def test_date_bounds_take_articles_known_only_to_the_day(tmp_path):
    # The generic adapter stores a date a page gives without a time as the day ("2020-03-05",
    # never a made-up midnight); --since/--until must treat it as that day, beside articles
    # with a time.
    dated = {"day4": "2020-03-04", "late4": "2020-03-04T23:59:00+00:00", "day5": "2020-03-05",
             "noon5": "2020-03-05T12:00:00+00:00", "day6": "2020-03-06", "midnight6": "2020-03-06T00:00:00+00:00"}
    with dated_search(tmp_path / "days.db", dated) as keys:

        assert keys(since="2020-03-05", until="2020-03-05") == ["day5", "noon5"]
        assert keys(since="2020-03-05") == ["day5", "day6", "midnight6", "noon5"]
        assert keys(until="2020-03-05") == ["day4", "day5", "late4", "noon5"]
        assert keys(since="2020-03", until="2020-03") == sorted(dated)
        # a day holding the bound's moment may be after it: kept, as UNTIL keeps it before one
        assert keys(since="2020-03-05T06:00:00Z") == ["day5", "day6", "midnight6", "noon5"]
        assert keys(until="2020-03-05T06:00:00Z") == ["day4", "day5", "late4"]
        assert keys(until="2020-03-06T00:00:00Z") == ["day4", "day5", "late4", "noon5"]  # the day starts there


def test_date_bounds_keep_articles_known_only_to_the_month_or_year_within_them(tmp_path):
    # htmldate's month or year ("2016-04", "2019") is stored as just that: a range that overlaps
    # it keeps it, --since 2016 included (the shorter date sorts before its days).
    dated = {"feb": "2020-02", "mar": "2020-03", "year": "2020", "mar9": "2020-03-09T08:00:00+00:00",
             "before": "2019", "after": "2021-01"}
    with dated_search(tmp_path / "months.db", dated) as keys:

        assert keys(since="2020") == ["after", "feb", "mar", "mar9", "year"]
        assert keys(since="2020-03-05") == ["after", "mar", "mar9", "year"]
        assert keys(since="2020-03-10T00:00:00Z") == ["after", "mar", "year"]
        assert keys(since="2020-04") == ["after", "year"]
        assert keys(until="2020-02-15") == ["before", "feb", "year"]
        assert keys(since="2020-03-01", until="2020-03-31") == ["mar", "mar9", "year"]
        assert keys(until="2019-12-31") == ["before"]
