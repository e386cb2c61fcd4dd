from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser):
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/golden/*/*.json from the adapters' current output (review the diff!)",
    )


@pytest.fixture(autouse=True)
def _isolated_config(monkeypatch, tmp_path):
    # No test may pick up a developer's config.toml or ARCHIVER_CONFIG by accident.
    monkeypatch.delenv("ARCHIVER_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "archive.db"
