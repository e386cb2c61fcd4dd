"""Bulk imports (archiver/bulk.py): WARC shards prepared in worker processes or on Dask, one
writer, and the same archive as a single-process import."""

from __future__ import annotations

import concurrent.futures
import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
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


@pytest.fixture(scope="module")
def warcs(tmp_path_factory) -> list[Path]:
    """The bundled replay crawl's captures, exported as WARC and cut in two files."""
    folder = tmp_path_factory.mktemp("warcs")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("ARCHIVER_CONFIG", raising=False)
        patch.chdir(folder)
        db, whole = folder / "crawl.db", folder / "all.warc.gz"
        assert run("crawl", "--replay", str(CASSETTES), db=db).exit_code == 0
        assert run("export", "--format", "warc", str(whole), db=db).exit_code == 0
    data = whole.read_bytes()
    with open(whole, "rb") as stream:
        records = ArchiveIterator(stream)
        offsets = [records.get_record_offset() for _ in records]
    cut = offsets[len(offsets) // 2]
    first, second = folder / "one.warc.gz", folder / "two.warc.gz"
    first.write_bytes(data[:cut])
    second.write_bytes(data[cut:])
    with open(second, "ab") as out:  # copies of a story in the first file: a duplicate cluster across shards
        writer = WARCWriter(out, gzip=True)
        story = (CASSETTES / "alalam" / "bodies" / "news-1825441.html").read_bytes()
        for url in ("https://en.alalam.ir/news/9825441", "https://mirror.example/syria/raqqa-advance.html"):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(story), http_headers=http,
                                                          warc_headers_dict={"WARC-Date": "2016-07-01T00:00:00Z"}))
    return [first, second]


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
