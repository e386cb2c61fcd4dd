"""Every error archiver raises on purpose is drawn in archiver/errors.py."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import archiver
import archiver.cassettes
import archiver.errors
import archiver.fetch
from archiver.errors import ArchiverError


def test_every_error_class_lives_in_the_errors_module_and_its_tree():
    modules = [importlib.import_module(info.name) for info in pkgutil.walk_packages(archiver.__path__, "archiver.")
               if not info.name.endswith(".__main__")]  # importing __main__ runs the CLI
    for module in modules:
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, ArchiverError):
                assert value.__module__ == "archiver.errors", f"{module.__name__}.{name}"
    tree = archiver.errors.__doc__
    for name, value in vars(archiver.errors).items():
        if inspect.isclass(value) and issubclass(value, ArchiverError) and value is not ArchiverError:
            assert f"── {name} " in tree, name


def test_moved_errors_are_still_importable_from_their_old_modules():
    assert archiver.fetch.RetryableFetch is archiver.errors.RetryableFetch
    assert archiver.cassettes.CassetteMiss is archiver.errors.CassetteMiss
