"""Every error archiver raises on purpose, in one tree.

    ArchiverError
    ├── ConfigError        a bad config file, key or value (CLI exit 2)
    ├── UsageError         a bad command-line request, e.g. malformed search syntax (exit 2)
    ├── QueryError         a search the full-text index rejects (exit 2)
    ├── UnknownSiteError   a site name no adapter answers to (exit 2)
    ├── FetchError         a request that failed after its retries; carries `.url`, `.reason`
    │   ├── RetryableFetch one attempt failed in a way worth another (`Fetcher.fetch_once`)
    │   └── CassetteMiss   a replay asked for a page its recording lacks (`.attempted` False)
    ├── ParseError         a page an adapter cannot turn into an article; carries `.url`
    ├── CassetteError      a missing or malformed cassette directory
    └── StoreError         the database cannot be opened or written

Normal outcomes (a duplicate, an unchanged page, a parse warning) are return values, not
exceptions. The CLI turns each of these into one sentence on stderr.
"""

from __future__ import annotations


class ArchiverError(Exception):
    exit_code = 1


class ConfigError(ArchiverError):
    exit_code = 2


class UsageError(ArchiverError):
    exit_code = 2


class UnknownSiteError(ArchiverError):
    exit_code = 2


class FetchError(ArchiverError):
    # False when no request reached the site, so the failure says nothing about it: the crawl
    # reports the reason but records no failure and leaves the page for a later run.
    attempted = True

    def __init__(self, url: str, reason: str, status: int | None = None):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


class RetryableFetch(FetchError):
    """A failure worth another attempt; `retry_after` is the server's wish, in seconds."""

    def __init__(self, url: str, reason: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(url, reason, status)
        self.retry_after = retry_after


class CassetteMiss(FetchError):
    """A replayed crawl asked for a URL the recording does not hold: not the site's failure."""

    attempted = False

    def __init__(self, url: str):
        super().__init__(url, "not in the cassette")


class ParseError(ArchiverError):
    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason

    def __reduce__(self):
        # Pickled from its fields (by default __init__ would get the message alone), so a
        # parse worker process can send it back to the crawl.
        return type(self), (self.url, self.reason), self.__dict__


class CassetteError(ArchiverError):
    exit_code = 2


class StoreError(ArchiverError):
    pass


class QueryError(ArchiverError):
    """A search the full-text index rejects (the store's word for it; the CLI exits 2)."""

    exit_code = 2
