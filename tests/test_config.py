from __future__ import annotations

import pytest

from archiver.config import documented_keys, load_config, parse_config
from archiver.errors import ConfigError
from archiver.sites import adapter_names

from .conftest import ROOT


def test_missing_file_means_defaults(tmp_path):
    config = load_config(None)
    assert config.archive.db == "archive.db"
    assert config.fetch.per_host_delay == 1.0
    assert config.site("alalam").base_url == "https://en.alalam.ir"


def test_partial_file_overrides_only_what_it_sets(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[fetch]\ntimeout = 5\n[sites.alalam]\nbase_url = "http://127.0.0.1:8765/"\n')
    config = load_config(path)
    assert config.fetch.timeout == 5.0 and config.fetch.concurrency == 8
    assert config.site("alalam").base_url == "http://127.0.0.1:8765"
    assert config.site("alalam").max_pages == 200


def test_env_var_selects_file(tmp_path, monkeypatch):
    path = tmp_path / "env.toml"
    path.write_text('[archive]\ndb = "other.db"\n')
    monkeypatch.setenv("ARCHIVER_CONFIG", str(path))
    assert load_config(None).archive.db == "other.db"


@pytest.mark.parametrize(
    "text, key",
    [
        ("[fetch]\ntimeout_s = 5\n", "fetch.timeout_s"),
        ("[fetch]\nconcurrency = 0\n", "fetch.concurrency"),
        ("[fetch]\nconcurrency = 'many'\n", "fetch.concurrency"),
        ("[fetch]\nrespect_robots = 1\n", "fetch.respect_robots"),
        ("[sites.alalam]\nevery = 'often'\n", "sites.alalam.every"),
        ("[sites.alalam]\nbase_url = 'en.alalam.ir'\n", "sites.alalam.base_url"),
        ("[sites.nosuchsite]\nenabled = true\n", "sites.nosuchsite"),
        ("[archivee]\ndb = 'x'\n", "archivee"),
        ("[dedup]\nthreshold = 1.5\n", "dedup.threshold"),
    ],
)
def test_bad_key_or_value_names_the_key(tmp_path, text, key):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path, known_sites=adapter_names())
    assert key in str(info.value)


def test_invalid_toml_is_a_config_error(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[fetch\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_explicit_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


def test_shipped_config_is_valid_and_documents_every_key():
    text = (ROOT / "config.toml").read_text()
    config = load_config(ROOT / "config.toml", known_sites=adapter_names())
    assert set(config.sites) >= {"alalam", "globalresearch", "sputnik"}
    for key in documented_keys():
        assert key.split(".")[-1] in text, f"config.toml does not document {key}"


def test_durations():
    config = parse_config({"sites": {"alalam": {"every": "90m"}}})
    assert config.site("alalam").every_seconds == 5400


@pytest.mark.parametrize(
    "text, key",
    [
        ("[fetch]\nper_host_delay = nan\n", "fetch.per_host_delay"),
        ("[fetch]\nper_host_delay = inf\n", "fetch.per_host_delay"),
        ("[fetch]\nper_host_delay = 1e308\n", "fetch.per_host_delay"),
        ("[fetch]\ntimeout = inf\n", "fetch.timeout"),
        ("[fetch]\ntimeout = nan\n", "fetch.timeout"),
        ("[fetch]\nmax_retry_after = -inf\n", "fetch.max_retry_after"),
        ("[dedup]\nthreshold = nan\n", "dedup.threshold"),
        ("[dedup]\nnum_perm = 100000000\n", "dedup.num_perm"),
        ('[fetch]\nuser_agent = "archiver\\r\\nX-Injected: yes"\n', "fetch.user_agent"),
        ('[fetch]\nuser_agent = ""\n', "fetch.user_agent"),
        ('[fetch]\nuser_agent = "archivér"\n', "fetch.user_agent"),
        ("[sites.alalam]\nbase_url = 'http://en.alalam.ir:99999'\n", "sites.alalam.base_url"),
        ("[sites.alalam]\nbase_url = 'https://user:secret@en.alalam.ir'\n", "sites.alalam.base_url"),
        ("[sites.alalam]\nbase_url = 'https://en.alalam.ir?x=1'\n", "sites.alalam.base_url"),
        ("[sites.alalam]\nbase_url = 'https://en.alalam.ir#top'\n", "sites.alalam.base_url"),
        ('[sites.alalam]\nbase_url = "https://en.alalam.ir\\u0000"\n', "sites.alalam.base_url"),
        ("[sites.alalam]\nbase_url = 'https://en.alalam.ir/news'\n", "sites.alalam.base_url"),
        ("[sites.alalam]\nbase_url = 'ftp://en.alalam.ir'\n", "sites.alalam.base_url"),
        ("[sites.alalam]\nevery = '0s'\n", "sites.alalam.every"),
        ("[archive]\ndb = ''\n", "archive.db"),
        ('[archive]\ndb = "a\\u0000.db"\n', "archive.db"),
    ],
)
def test_values_that_would_break_later_are_refused_at_load(tmp_path, text, key):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path, known_sites=adapter_names())
    assert key in str(info.value)


def test_a_refused_value_is_exit_2_naming_the_key(tmp_path):
    from click.testing import CliRunner

    from archiver.cli import cli

    path = tmp_path / "bad.toml"
    path.write_text("[fetch]\nper_host_delay = nan\n")
    result = CliRunner().invoke(cli, ["--config", str(path), "stats"])
    assert result.exit_code == 2 and "fetch.per_host_delay" in result.output and "finite" in result.output


def test_local_and_ported_origins_are_still_fine():
    config = parse_config({"sites": {"alalam": {"base_url": "http://127.0.0.1:8765/"},
                                     "sputnik": {"base_url": "https://[::1]:8443"}}})
    assert config.site("alalam").base_url == "http://127.0.0.1:8765"
    assert config.site("sputnik").base_url == "https://[::1]:8443"
