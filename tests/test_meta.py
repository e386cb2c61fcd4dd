"""Meta-tests: the project's promises about itself."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.sites import adapter_names

from .conftest import CASSETTES, GOLDEN, ROOT

SITE_ADAPTERS = [name for name in adapter_names() if name != "generic"]


@pytest.mark.parametrize("site", SITE_ADAPTERS)
def test_every_site_adapter_has_a_cassette(site):
    manifest = CASSETTES / site / "cassette.json"
    assert manifest.exists(), f"adapter {site} has no cassette at {manifest}"


@pytest.mark.parametrize("site", adapter_names())
def test_every_adapter_has_golden_tests(site):
    goldens = list((GOLDEN / site).glob("**/*.json"))
    assert goldens, f"adapter {site} has no golden test under {GOLDEN / site}"


def test_launch_adapters_are_registered():
    assert {"alalam", "globalresearch", "sputnik", "generic"} <= set(adapter_names())


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"`archiver {command} --help` shows no example"
    assert f"`{command}`" in (ROOT / "README.md").read_text(), f"README does not document `{command}`"


def test_sites_package_is_not_installed_top_level():
    import importlib.util

    assert importlib.util.find_spec("archiver.sites") is not None
    text = (ROOT / "pyproject.toml").read_text()
    assert '"archiver.sites" = "sites"' in text
