"""The adapter registry: adapters are found, not listed, and declare their own origin.

A site is added by a separate package through the `archiver.sites` entry-point group: the test
writes one into a temporary directory (a module and its dist-info), puts it on the path of an
`archiver sites` subprocess, and sees the site listed with the base_url it declares.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from archiver.config import load_config, parse_config
from archiver.errors import UnknownSiteError
from archiver.sites import ENTRY_POINT_GROUP, adapter_class, adapter_names, default_origin
from archiver.sites.base import Adapter

from .conftest import ROOT

SITE_MODULE = '''
import re

from archiver.sites.base import Adapter, Parser, Meta


class ExampleV1(Parser):
    title = ("h1.headline", Meta("og:title"))
    body = ("div.story",)


class Example(Adapter):
    name = "example"
    origin = "https://news.example.org"
    article_pattern = re.compile(r"^/story/(?P<id>\\d+)$")
    parsers = (ExampleV1,)

    def article_url(self, key):
        return f"{self.base_url}/story/{key}"
'''


@pytest.fixture
def site_package(tmp_path) -> Path:
    """A separately installed package adding the site `example` through the entry point."""
    root = tmp_path / "site-packages"
    (root / "example_site").mkdir(parents=True)
    (root / "example_site" / "__init__.py").write_text(SITE_MODULE)
    info = root / "example_site-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: example-site\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nexample = example_site:Example\n")
    return root


def archiver(*args, pythonpath: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(pythonpath), str(ROOT)])}
    env.pop("ARCHIVER_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "archiver.cli", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def test_launch_adapters_are_found_by_scanning_the_package():
    assert {"alalam", "globalresearch", "sputnik", "generic"} <= set(adapter_names())
    for name in ("alalam", "globalresearch", "sputnik"):
        assert adapter_class(name).origin.startswith("https://")
        assert default_origin(name) == adapter_class(name).origin
    assert default_origin("generic") == "" and default_origin("no-such-site") == ""
    with pytest.raises(UnknownSiteError):
        adapter_class("no-such-site")


def test_config_only_overrides_the_declared_origin():
    assert load_config(None, known_sites=adapter_names()).site("sputnik").base_url == "https://sputniknews.com"
    config = parse_config({"sites": {"sputnik": {"base_url": "http://127.0.0.1:8765/"}}}, None, adapter_names())
    assert config.site("sputnik").base_url == "http://127.0.0.1:8765"
    assert parse_config({"sites": {"sputnik": {"every": "1h"}}}, None, adapter_names()).site("sputnik").base_url == "https://sputniknews.com"


def test_an_adapter_without_a_base_url_uses_its_origin():
    assert adapter_class("sputnik")().base_url == "https://sputniknews.com"


def test_a_site_added_by_a_separate_package_is_listed_with_its_origin(site_package, tmp_path):
    result = archiver("sites", pythonpath=site_package, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert "example" in lines, result.stdout
    assert "base_url=https://news.example.org" in lines["example"]
    assert {"alalam", "globalresearch", "sputnik"} <= set(lines)


def test_the_added_site_can_be_configured_and_parses_pages(site_package, tmp_path):
    (tmp_path / "config.toml").write_text('[sites.example]\nbase_url = "http://127.0.0.1:9"\n')
    script = textwrap.dedent('''
        from archiver.config import load_config
        from archiver.models import FetchedPage
        from archiver.sites import adapter_class, adapter_names

        config = load_config("config.toml", known_sites=adapter_names())
        adapter = adapter_class("example")(config.site("example").base_url)
        url = adapter.base_url + "/story/42"
        body = b"<html><body><h1 class=headline>Hello</h1><div class=story><p>One line.</p></div></body></html>"
        article = adapter.parse(FetchedPage(url, url, 200, {"content-type": "text/html"}, body, "2026-01-01T00:00:00+00:00"))
        print(article.key, article.title, article.text, article.parser, article.canonical_url)
    ''')
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site_package), str(ROOT)])}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["42", "Hello", "One", "line.", "example/1", "http://127.0.0.1:9/story/42"]


def test_two_adapters_with_one_name_are_refused():
    from archiver import sites

    class Impostor(Adapter):
        name = "sputnik"

    with pytest.raises(ValueError):
        sites.register(Impostor)
    assert sites.register(adapter_class("sputnik")) is adapter_class("sputnik")  # the same class twice is fine


def test_a_site_module_that_fails_to_import_fails_every_use_never_a_partial_registry(monkeypatch):
    import importlib

    import archiver.sites as sites

    real_import = importlib.import_module

    def broken(name, *args):
        if name.endswith(".sputnik"):
            raise SyntaxError("invalid syntax (sputnik.py, line 1)")
        return real_import(name, *args)

    monkeypatch.setattr(sites, "_loaded", False)
    monkeypatch.setattr(sites.importlib, "import_module", broken)
    for _ in range(2):  # the second use too: not "no adapter named 'sputnik'" over what did load
        with pytest.raises(SyntaxError, match="sputnik.py"):
            adapter_class("sputnik")
    monkeypatch.setattr(sites.importlib, "import_module", real_import)
    assert adapter_class("sputnik").name == "sputnik" and sites._loaded
