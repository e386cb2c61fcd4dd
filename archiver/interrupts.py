"""Ctrl-C and SIGTERM end a run between two steps, never inside one.

A signal arriving while a batch commits (the commit, and the run's note of what is now
stored) is held until that step is done, then raised as KeyboardInterrupt: otherwise a commit
could succeed while the run's counts roll back, and the counts would not say what the archive
holds.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

_held = 0
_pending = False


def _handler(signum, frame) -> None:
    global _pending
    if _held:
        _pending = True
        return
    raise KeyboardInterrupt


@contextmanager
def graceful():
    """For the rest of the block, SIGINT and SIGTERM raise KeyboardInterrupt between steps."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def held():
    """A step no signal may cut in two; one that came meanwhile is raised when it is done."""
    global _held, _pending
    _held += 1
    try:
        yield
    finally:
        _held -= 1
        if not _held and _pending:
            _pending = False
            raise KeyboardInterrupt
