"""archiver: an archival scraper and deduplicating store for news sites."""

__version__ = "0.1.0"
