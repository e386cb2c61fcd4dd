"""Golden tests: each saved page under tests/golden/<site>/v<N>/ parses to its expected JSON.

A golden is `<name>.html` (the body exactly as served) plus `<name>.json`:
{"url": ..., "headers": {...}, "expected": {...every ParsedArticle field...}}, optionally with
`must_contain` / `must_not_contain` text segments checked independently of the expected block.
Goldens change only with `pytest --update-goldens`, and the diff is reviewed.

The folder names the parser version that must read the page (`v2` holds pages that
`parser_for` gives to the site's version "2", by their capture date). A new parser version
gets goldens of its own in a new folder; the old ones stay pinned to the version of their time.

Every golden says where its page comes from: `"synthetic": true` for a page made by
tests/pagebuilder.py (the page carries the builder's marker too), or `"source"` for a real saved
page. A real page also has `"seen_on_page"`: values written by hand from what the page visibly
shows, not copied from the parser, and checked here one by one. A check the parser is known to
fail is listed in `"parser_disagrees"` with the reason, and runs as a strict xfail.
"""

from __future__ import annotations

import json

import pytest

from archiver.models import FetchedPage
from archiver.sites import adapter_class
from archiver.urls import origin_of

from .conftest import GOLDEN
from .pagebuilder import SYNTHETIC_MARK

CASES = sorted(GOLDEN.glob("*/v*/*.json"))


def case_id(spec_path) -> str:
    return f"{spec_path.parent.parent.name}/{spec_path.parent.name}/{spec_path.stem}"


def load_page(spec_path):
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    body = spec_path.with_suffix(".html").read_bytes()
    headers = {k.lower(): v for k, v in spec.get("headers", {"content-type": "text/html; charset=utf-8"}).items()}
    page = FetchedPage(
        url=spec["url"], final_url=spec["url"], status=200, headers=headers, body=body,
        fetched_at=spec.get("fetched_at", "2026-11-01T00:00:00+00:00"),
    )
    return spec, page


def adapter_for(spec_path, spec):
    site = spec_path.parent.parent.name
    return adapter_class(site)(spec.get("base_url") or origin_of(spec["url"]))


def parsed(spec_path) -> tuple[dict, dict]:
    spec, page = load_page(spec_path)
    return spec, json.loads(json.dumps(adapter_for(spec_path, spec).parse(page).to_dict()))


@pytest.mark.parametrize("spec_path", CASES, ids=[case_id(p) for p in CASES])
def test_golden(spec_path, request):
    spec, got = parsed(spec_path)
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


@pytest.mark.parametrize("spec_path", CASES, ids=[case_id(p) for p in CASES])
def test_golden_is_read_by_the_parser_version_its_folder_names(spec_path):
    spec, page = load_page(spec_path)
    site, folder = spec_path.parent.parent.name, spec_path.parent.name
    version = adapter_for(spec_path, spec).parser_for(page).version
    assert folder == f"v{version}", f"{spec_path.name} is read by {site}/{version}: move it, or date it for its era"
    assert spec["expected"]["parser"] == f"{site}/{version}"


@pytest.mark.parametrize("spec_path", CASES, ids=[case_id(p) for p in CASES])
def test_golden_says_whether_its_page_is_real(spec_path):
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    marked = SYNTHETIC_MARK.encode() in spec_path.with_suffix(".html").read_bytes()[:600]
    if spec.get("synthetic"):
        assert marked, "a synthetic page carries the builder's marker: rebuild it with `python -m tests.pagebuilder`"
    else:
        assert spec.get("source") and not marked, "a real page names its source and carries no synthetic marker"
        assert spec.get("seen_on_page"), "a real page has values checked by hand against it (seen_on_page)"


def _seen(got: dict, check: str):
    """What the parser reports for one hand-checked property of the page."""
    text = " ".join(got["text"].split())
    if check in ("title", "section", "authors", "comments", "related"):
        return got[check]
    if check in ("published", "updated"):  # pages show minutes; the seconds come from metadata
        return (got[check] or "")[:16] or None
    if check == "tags":
        return [tag["name"] for tag in got["tags"]]
    if check == "tag_kinds":
        return [tag["kind"] for tag in got["tags"]]
    if check == "image_credit":
        return (got["image"] or {}).get("credit")
    if check == "text_starts":
        return text[:200]
    if check == "text_ends":
        return text[-200:]
    raise KeyError(check)


def _matches(check: str, seen, got) -> bool:
    if check == "text_starts":
        return got.startswith(" ".join(seen.split())[:200])
    if check == "text_ends":
        return got.endswith(" ".join(seen.split())[-200:])
    if check == "text_lacks":
        return True
    return got == seen


SEEN = [
    (path, check)
    for path in CASES
    for check in json.loads(path.read_text(encoding="utf-8")).get("seen_on_page", {})
    if not check.startswith("_")
]


@pytest.mark.parametrize("spec_path,check", SEEN, ids=[f"{case_id(p)}:{c}" for p, c in SEEN])
def test_real_page_says_what_the_parser_says(spec_path, check, request):
    spec, got = parsed(spec_path)
    reason = spec.get("parser_disagrees", {}).get(check)
    if reason:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))
    seen = spec["seen_on_page"][check]
    if check == "text_lacks":
        text = " ".join(got["text"].split())
        assert not [s for s in seen if " ".join(s.split()) in text], "text carries what the page shows outside the article"
        return
    assert _matches(check, seen, _seen(got, check)), f"page shows {seen!r}, parser says {_seen(got, check)!r}"


def test_the_builder_reproduces_every_committed_synthetic_page(tmp_path):
    """Synthetic pages change only through tests/pages/ and `python -m tests.pagebuilder`, never by hand."""
    import shutil

    from .pagebuilder import BUILDERS, ROOT, Output, build, differences

    out = Output(tmp_path / "cassettes", tmp_path / "golden")
    for site in BUILDERS:  # the real pages a build refers to are copied, never rebuilt
        shutil.copytree(ROOT / "cassettes" / site / "bodies", out.cassettes / site / "bodies")
    build(out)
    assert differences(out) == []
