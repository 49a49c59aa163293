"""Crawler and archiver for Chinese county and municipal news portals (the Scrapy project)."""

__version__ = "0.1.0"
