"""Golden tests: each saved page under tests/golden/<site>/ parses to its expected JSON.

A golden is `<name>.html` (the body exactly as served) plus `<name>.json`:
{"url": ..., "headers": {...}, "expected": {...every ParsedArticle field...}}, optionally with
`must_contain` / `must_not_contain` text segments checked independently of the expected block.
Goldens change only with `pytest --update-goldens`, and the diff is reviewed.
"""

from __future__ import annotations

import json

import pytest

from archiver.models import FetchedPage
from archiver.sites import adapter_class
from archiver.urls import origin_of

from .conftest import GOLDEN

CASES = sorted(GOLDEN.glob("*/*.json"))


def load_page(spec_path):
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    body = spec_path.with_suffix(".html").read_bytes()
    headers = {k.lower(): v for k, v in spec.get("headers", {"content-type": "text/html; charset=utf-8"}).items()}
    page = FetchedPage(
        url=spec["url"], final_url=spec["url"], status=200, headers=headers, body=body,
        fetched_at=spec.get("fetched_at", "2026-11-01T00:00:00+00:00"),
    )
    return spec, page


@pytest.mark.parametrize("spec_path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_golden(spec_path, request):
    spec, page = load_page(spec_path)
    adapter = adapter_class(spec_path.parent.name)(spec.get("base_url") or origin_of(spec["url"]))
    got = json.loads(json.dumps(adapter.parse(page).to_dict()))
    if request.config.getoption("--update-goldens"):
        spec["expected"] = got
        spec_path.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    text = " ".join(got["text"].split())
    for segment in spec.get("must_contain", []):
        assert " ".join(segment.split()) in text, f"text lacks {segment!r}"
    for segment in spec.get("must_not_contain", []):
        assert " ".join(segment.split()) not in text, f"text contains boilerplate {segment!r}"
    expected = spec["expected"]
    for field in expected:
        assert got[field] == expected[field], f"{spec_path.name}: field {field!r} differs"
    assert set(got) == set(expected), "a golden must pin every field; rerun with --update-goldens and review"
