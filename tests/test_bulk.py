"""Bulk imports (archiver/bulk.py): WARC shards prepared in worker processes or on Dask, one
writer, and the same archive as a single-process import."""

from __future__ import annotations

import concurrent.futures
import importlib.util
import io
import json
import sys
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver import bulk
from archiver.cli import cli
from archiver.config import Config
from archiver.ingest import Shard, import_warc, record_offsets
from archiver.store import Store

from .conftest import CASSETTES, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from compare_archives import differences, snapshot  # noqa: E402

needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="dask[distributed] not installed")


def run(*args, db):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def _response(writer: WARCWriter, url: str, body: bytes, date: str, headers: dict) -> None:
    http = StatusAndHeaders("200 OK", list(headers.items()), protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                                  warc_headers_dict={"WARC-Date": date}))


@pytest.fixture(scope="module")
def warcs(tmp_path_factory) -> list[Path]:
    """Every recorded exchange of the bundled cassettes as WARC response records, the sites
    spread over two files, and at the end copies of a story of the first file (a duplicate
    cluster across shards)."""
    folder = tmp_path_factory.mktemp("warcs")
    exchanges = []
    for cassette in sorted(CASSETTES.glob("*/cassette.json")):
        for n, exchange in enumerate(json.loads(cassette.read_text())["interactions"]):
            stamp = exchange["headers"].get("date")
            date = parsedate_to_datetime(stamp).strftime("%Y-%m-%dT%H:%M:%SZ") if stamp else f"2020-01-01T00:{n // 60:02d}:{n % 60:02d}Z"
            exchanges.append((exchange["url"], (cassette.parent / exchange["body_file"]).read_bytes(), date,
                              {"Content-Type": exchange["headers"].get("content-type", "text/html")}))
    files = [folder / "one.warc.gz", folder / "two.warc.gz"]
    half = len(exchanges) // 2
    for path, part in zip(files, (exchanges[:half], exchanges[half:])):
        with open(path, "wb") as out:
            writer = WARCWriter(out, gzip=True)
            for exchange in part:
                _response(writer, *exchange)
    with open(files[1], "ab") as out:
        writer = WARCWriter(out, gzip=True)
        story = (CASSETTES / "alalam" / "bodies" / "news-1825441.html").read_bytes()
        for url in ("https://en.alalam.ir/news/9825441", "https://mirror.example/syria/raqqa-advance.html"):
            _response(writer, url, story, "2016-07-01T00:00:00Z", {"Content-Type": "text/html; charset=utf-8"})
    return files


def two_per_file(warcs: list[Path]) -> int:
    """Records per shard that cut each file in two: four shards."""
    return -(-max(len(record_offsets(Shard(str(path)))) for path in warcs) // 2)


@pytest.fixture(scope="module")
def single(warcs, tmp_path_factory) -> dict:
    db = tmp_path_factory.mktemp("single") / "single.db"
    with Store(db) as store:
        import_warc(store, Config(), warcs, workers=0)
    found = snapshot(str(db))
    assert len(found) > 30 and any(entry["duplicate_of"] for entry in found.values())
    return found


@needs_dask
def test_a_local_dask_cluster_over_four_shards_builds_the_single_process_archive(warcs, single, tmp_path):
    db = tmp_path / "dask.db"
    with Store(db) as store:
        result = bulk.dask_import(store, Config(), warcs, "local", workers=2, records_per_shard=two_per_file(warcs))
    assert result.failed_shards == []
    assert differences(single, snapshot(str(db))) == []
    journal = [json.loads(line) for line in Path(f"{db}.shards.jsonl").read_text().splitlines()]
    assert [entry["status"] for entry in journal] == ["done"] * 4
    assert len({entry["label"] for entry in journal}) == 4


@needs_dask
def test_import_warc_scheduler_local_on_the_command_line_then_a_rerun_skips_finished_shards(warcs, single, tmp_path):
    db = tmp_path / "dask.db"
    first = run("import-warc", "--scheduler", "local", "--workers", "1", *map(str, warcs), db=db)
    assert first.exit_code == 0, first.output
    assert differences(single, snapshot(str(db))) == []
    again = run("import-warc", "--scheduler", "local", "--workers", "1", *map(str, warcs), db=db)
    assert again.exit_code == 0, again.output
    assert "shard finished by an earlier import 2" in again.output
    assert "0 records read" in again.output


def test_worker_processes_build_the_single_process_archive(warcs, single, tmp_path):
    db = tmp_path / "pool.db"
    shards = [Shard(str(path)) for path in warcs]
    with Store(db) as store:
        result = bulk.local_import(store, Config(), shards, workers=2, min_records=0)
    assert result is not None and result.failed_shards == []
    assert differences(single, snapshot(str(db))) == []
    # Too few records to pay for starting processes: the caller imports in-process.
    with Store(tmp_path / "small.db") as store:
        assert bulk.local_import(store, Config(), shards, workers=2) is None


def test_workers_fork_from_a_server_that_has_warmed_the_parsing_code():
    from archiver import worker_start
    from archiver.models import ParsedArticle

    context = bulk.worker_context()
    assert context.get_start_method() == "forkserver"  # never a fork of the writer's process
    # The warm pages must reach what a worker pays for once: the parse of an undated page in an
    # undeclared language (htmldate's text search, dateparser, the language guess) and of a
    # usual dated one. A warm-up that stopped parsing would only cost time, silently.
    first, second = worker_start.warm()
    assert isinstance(first.article, ParsedArticle) and first.article.published == "2020-03-03"
    assert isinstance(second.article, ParsedArticle) and second.article.authors == ("Jane Roe",)
    assert second.article.published.startswith("2020-03-03T10:00")


class FlakyWorkers:
    """An executor stand-in: prepares shards in this process; each shard named in FAILING
    fails that many times first."""

    def __init__(self, failing: dict[int, int]):
        self.failing = dict(failing)
        self.attempts: list[int] = []

    def submit(self, shard: Shard) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()
        self.attempts.append(shard.start)
        if self.failing.get(shard.start, 0) > 0:
            self.failing[shard.start] -= 1
            future.set_exception(MemoryError("worker ran out of memory"))
        else:
            future.set_result(bulk.prepare_shard(shard, Config(), None))
        return future


def test_a_failed_shard_is_retried_then_recorded_and_a_rerun_tries_only_it_again(warcs, single, tmp_path):
    db = tmp_path / "flaky.db"
    shards = [part for path in warcs for part in bulk.split_shard(Shard(str(path)), two_per_file(warcs))]
    assert len(shards) == 4
    broken, flaky = shards[1].start, shards[3].start
    workers = FlakyWorkers({broken: 99, flaky: 1})
    with Store(db) as store:
        result = bulk.write_shards(store, Config(), shards, workers.submit, window=2, retries=2)
    assert len(result.failed_shards) == 1 and "MemoryError: worker ran out of memory" in result.failed_shards[0]
    assert workers.attempts.count(broken) == 3 and workers.attempts.count(flaky) == 2
    assert 0 < len(snapshot(str(db))) < len(single)

    workers = FlakyWorkers({})
    with Store(db) as store:
        again = bulk.write_shards(store, Config(), shards, workers.submit, window=2)
    assert workers.attempts == [broken] and again.failed_shards == []
    assert again.skipped["shard finished by an earlier import"] == 3
    # Applied out of file order, so first-seen may differ; the articles themselves are all there.
    assert snapshot(str(db)).keys() == single.keys()


def test_scheduler_without_dask_installed_names_the_extra(warcs, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails as if not installed
    result = run("import-warc", "--scheduler", "local", str(warcs[0]), db=tmp_path / "a.db")
    assert result.exit_code == 2
    assert "pip install 'archiver[dask]'" in result.output and "Traceback" not in result.output


@needs_dask
def test_a_scheduler_that_is_no_address_is_a_usage_error(warcs, tmp_path):
    result = run("import-warc", "--scheduler", "10.0.0.5", str(warcs[0]), db=tmp_path / "a.db")
    assert result.exit_code == 2
    assert "tcp://HOST:PORT" in result.output


def test_record_ranges_read_every_record_once_in_file_order(tmp_path):
    from collections import Counter

    from archiver.ingest import read_shard

    warc = tmp_path / "many.warc.gz"
    with open(warc, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n in range(103):
            _response(writer, f"https://news.example/{n}", b"<p>%d</p>" % n, f"2020-01-01T00:{n // 60:02d}:{n % 60:02d}Z",
                      {"Content-Type": "text/html"})
    shards = bulk.plan_shards([warc], slots=1)
    assert [shard.records for shard in shards] == [25, 25, 25, 25, 3]  # small ranges, none under 25 but the rest

    def urls(shard_list):
        return [item.page.url for shard in shard_list for item in read_shard(shard, Counter(), 1000)]

    assert urls(shards) == urls([Shard(str(warc))]) == [f"https://news.example/{n}" for n in range(103)]
