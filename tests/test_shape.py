"""The shape the code is held to (issue 10), measured by scripts/shape.py: launch adapters of at
most 150 lines of code, no class over 300 lines, no function over 60 (migrations excepted), no
block over cyclomatic complexity 15, no SQL outside the store."""

from __future__ import annotations

import importlib.util

from .conftest import ROOT


def load_shape():
    spec = importlib.util.spec_from_file_location("shape", ROOT / "scripts" / "shape.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_code_keeps_its_shape():
    shape = load_shape().measure()
    assert shape["sql_outside_store"] == []
    assert {k: v for k, v in shape["over_limits"].items() if v} == {}
    assert set(shape["adapter_sloc"]) == {"alalam", "globalresearch", "sputnik", "generic"}


def test_the_sql_detector_sees_sql(tmp_path):
    shape = load_shape()
    module = tmp_path / "leaky.py"
    module.write_text('"""SELECT x FROM y in a docstring is prose."""\nQUERY = "SELECT id FROM articles WHERE id = ?"\n')
    assert shape.sql_strings(module) == [2]
