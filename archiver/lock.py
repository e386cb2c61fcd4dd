"""One writer at a time per database: an advisory lock on `<db>.lock`.

A crawl takes it or, when another writer holds it, leaves the tick to that one (cron overlap is
normal). Every other command that writes (fetch, import-warc, reparse, dedup --rebuild, wayback)
waits for it: SQLite allows one writer anyway, and a long writer beside a crawl made the other
fail with "database is locked" or left the near-duplicate index incomplete.

The lock is an OS file lock (flock / msvcrt), so it dies with its process: a writer killed by
kill -9 or a reboot leaves the file behind but not the lock, and the next run takes it over.
The file holds the holder's pid and start time, for the messages. It sits beside the database's
real file (symlinks resolved), so two paths to one archive share one lock.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

from .models import utc_now

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


class CrawlLock:
    def __init__(self, db_path: str | os.PathLike):
        self.path = Path(f"{Path(db_path).resolve()}.lock")
        self._fd: int | None = None
        self.holder: str = ""  # who holds it, when acquire() failed
        self.stale: str = ""  # the dead holder we took over from, if any

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            self.holder = self._read(fd) or "another process"
            os.close(fd)
            return False
        previous = self._read(fd)
        if previous:
            pid = previous.split()[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
                self.stale = previous
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {utc_now()}\n".encode())
        os.fsync(fd)
        self._fd = fd
        return True

    def wait(self, on_wait: Callable[[str], None] | None = None, poll: float = 0.2,
             timeout: float | None = None) -> bool:
        """Acquire, waiting while another writer holds the lock (ON_WAIT is told who, once)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        told = False
        while not self.acquire():
            if not told and on_wait is not None:
                on_wait(self.holder)
                told = True
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(poll)
        return True

    @staticmethod
    def _read(fd: int) -> str:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 200).decode("utf-8", "replace").strip()

    def release(self) -> None:
        if self._fd is None:
            return
        os.ftruncate(self._fd, 0)  # an empty file says: nobody crawling
        if fcntl is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> "CrawlLock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()
