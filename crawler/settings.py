"""Project settings, grouped by concern. The only module that reads environment variables.

Every setting below can be given as ``-s NAME=value`` or as an environment variable of the
same name (README "Settings"). Paths derived from ``DATA_DIR`` are resolved at use time by
:func:`data_dir`, :func:`warc_dir` and :func:`database_url`, so ``-s DATA_DIR=x`` moves them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from scrapy.settings import default_settings

from archive.writer import DEFAULT_MAX_SIZE
from crawler import __version__
from model.items import EXPORT_FIELDS, MAX_BODY_BYTES

BOT_NAME = "countynews"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
SPIDER_LOADER_CLASS = "crawler.spiderloader.SitesSpiderLoader"
COMMANDS_MODULE = "crawler.commands"
ADDONS = {
    "crawler.addons.ArchiveAddon": 100,
    "crawler.addons.DistributedAddon": 200,
}


def _env(name: str, default: Any = None) -> Any:
    value = os.environ.get(name)
    return default if value in (None, "") else value


# --- where things go -------------------------------------------------------------------------
DATA_DIR = _env("DATA_DIR", "data")
WARC_DIR = _env("WARC_DIR")  # default: <DATA_DIR>/warc
DATABASE_URL = _env("DATABASE_URL")  # default: sqlite:///<DATA_DIR>/articles.db
SITES_DIR = _env("SITES_DIR")  # default: the built-in spiders/sites
REDIS_URL = _env("REDIS_URL")  # unset: single process; set: scrapy-redis scheduler + dupefilter
CRAWL_RUN = _env("CRAWL_RUN")  # workers with the same value share a queue (default: UTC date)

# --- WARC capture ----------------------------------------------------------------------------
WARC_ENABLED = True
WARC_MAX_SIZE = int(_env("WARC_MAX_SIZE", DEFAULT_MAX_SIZE))  # bytes per WARC file
# merge: each crawl's WARCs indexed into <DATA_DIR>/index.cdxj when it closes; parts: only one
# part per WARC in <DATA_DIR>/indexes/ (archives too large to rewrite the index per crawl); off
WARC_CDXJ = _env("WARC_CDXJ", "merge")
WARC_PREFIX = _env("WARC_PREFIX", "crawl")

# --- extraction workers ----------------------------------------------------------------------
EXTRACT_WORKERS = int(_env("EXTRACT_WORKERS", 0))  # 0: one process per core
# added to the niceness of the crawl's helper processes (extraction workers, store process), so
# that on cores busy with other work the crawl process, its one serial part, runs first. 0 (the
# crawl's own priority) by default: on idle cores niced helpers fell behind and held downloads
# (bench.crawl's portals: 0.76x of bare's pages/s with 10 against 0.85x with 0, 3 December)
HELPER_NICE = int(_env("HELPER_NICE", 0))
EXTRACT_MAX_BODY = int(_env("EXTRACT_MAX_BODY", MAX_BODY_BYTES))  # bytes; larger: too_large skip

# --- politeness: small government servers ----------------------------------------------------
CONTACT = _env("CONTACT", "https://github.com/county-news-crawler")
USER_AGENT = f"countynews/{__version__} (+{CONTACT}; research crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_AFTER_MAX = float(_env("RETRY_AFTER_MAX", 120))  # seconds; a longer Retry-After: give up
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# items of one response in the item pipelines at once: a callback yields one at most (an
# article page's Page); its requests are scheduled by ScheduleRequestsMiddleware. Scrapy's 100
# starts 101 asyncio tasks per response: 0.3-0.9 ms of the reactor thread per page
CONCURRENT_ITEMS = 4
# Scrapy's check that a generator callback returns no value reads and parses the callback's
# source for every response: its cache is keyed weakly by the bound method, a new object on
# every Request (0.3 ms a page). Our callbacks are tested code; a spider developer's aid only
WARN_ON_GENERATOR_RETURN_VALUE = False

# --- pipelines: extract -> normalize -> dedup -> store ---------------------------------------
# extract -> normalize -> signature in worker processes; dedup -> store in a store process
ITEM_PIPELINES = {
    "pipelines.stages.ExtractPipeline": 100,
    "pipelines.stages.StorePipeline": 400,
}
# articles per transaction at most: 1,000 cost ~20 % less CPU an article than 200 in the dedup
# writer (bench.dedup, docs/scale.md: a fifth of the statements, round trips and commits)
STORE_BATCH_SIZE = int(_env("STORE_BATCH_SIZE", 1000))
# seconds a batch waits to fill: a batch's statements and commit cost ~6 ms of the store
# process's CPU whatever its size, and 0.05 made ~100 batches of a 480-article portal, 0.1 ~65
STORE_BATCH_WAIT = float(_env("STORE_BATCH_WAIT", 0.1))
# article pages downloaded but not yet stored before downloads wait (0: CONCURRENT_REQUESTS).
# A killed crawl costs only its in-flight requests whatever this is: the pages it downloaded
# and did not store are read back from its WARC records on resume. 256 against 32: downloads
# held far less often, the full crawl ~10 % faster (0.84x bare against 0.74x, 4 December)
STORE_MAX_PENDING = int(_env("STORE_MAX_PENDING", 256))
# --- refresh: conditional GET, stop paging at known articles (active in `scrapy refresh`) ---
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.refresh.ConditionalGetMiddleware": 580,
    # hostile servers: Retry-After honoured (bounded), decompression bombs and HTTP 200
    # anti-bot challenge pages counted as failed fetches
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry.RetryAfterMiddleware": 550,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.middlewares.compression.CountedCompressionMiddleware": 590,
    "crawler.middlewares.challenge.ChallengeMiddleware": 585,
    # next to the engine: sees each fetch's final outcome, after retries and redirects
    "crawler.middlewares.outcome.FetchOutcomeMiddleware": 10,
    # before anything else: a request waits while the pages not yet stored fill the backlog
    "crawler.middlewares.backlog.BacklogMiddleware": 5,
}
SPIDER_MIDDLEWARES = {
    # a callback's requests scheduled as they come out, not through the Scraper's item queue
    "crawler.middlewares.scheduling.ScheduleRequestsMiddleware": 10,
    "crawler.middlewares.refresh.KnownArticlesMiddleware": 800,
    # nearer the engine than KnownArticlesMiddleware: a resumed refresh skips stored revisits too
    "crawler.middlewares.resume.ResumeMiddleware": 700,
}
# list pages holding only known articles read beyond the first, before paging stops
REFRESH_KNOWN_PAGES = int(_env("REFRESH_KNOWN_PAGES", 1))
REFRESH_REVISIT_KNOWN = True  # conditional GET for known articles, so edits are found
SCHEDULE_MAX_RUNNING = int(_env("SCHEDULE_MAX_RUNNING", 0))  # crawls at once; 0: one per core
REFRESH_REVISIT_DAYS = int(_env("REFRESH_REVISIT_DAYS", 7))  # ...downloaded within; 0: all

EXTENSIONS = {
    "crawler.extensions.workers.WorkerPool": 0,
    "crawler.extensions.database.Database": 0,
    "crawler.extensions.backlog.Backlog": 0,
    # made before the engine opens the scheduler: it may clear a killed crawl's JOBDIR state
    "crawler.extensions.resume.CrawlResume": 0,
    "crawler.extensions.figures.CrawlFigures": 10,
    # per-site status lines, end-of-crawl summary and exit status, in place of LogStats
    "scrapy.extensions.logstats.LogStats": None,
    "crawler.extensions.progress.CrawlProgress": 20,
}
# off like telnet: Scrapy 2.19's remote control runs posted Python code from a local HTTP port.
# Dropped from the base list, not only disabled: Scrapy imports every listed extension (even
# one set to None here), and this one imports aiohttp, 0.2 s of every crawl's start.
REMOTE_CONTROL_ENABLED = False
EXTENSIONS_BASE = {
    name: order
    for name, order in default_settings.EXTENSIONS_BASE.items()
    if name.rsplit(".", 1)[-1] not in ("RemoteControl", "TelnetConsole")
}
LOGSTATS_INTERVAL = float(_env("LOGSTATS_INTERVAL", 60.0))  # seconds between status lines
DISTRIBUTED_IDLE_CLOSE = float(_env("DISTRIBUTED_IDLE_CLOSE", 10))  # idle seconds before closing
# seconds a dead worker's leased requests wait before another worker requeues them
DISTRIBUTED_LEASE_TTL = float(_env("DISTRIBUTED_LEASE_TTL", 30))
# seconds a CRAWL_RUN's Redis keys stay once its last worker closed (0: kept for good)
DISTRIBUTED_RUN_TTL = int(_env("DISTRIBUTED_RUN_TTL", 7 * 24 * 3600))

LOG_LEVEL = _env("LOG_LEVEL", "INFO")
# Scrapy's "Versions:" start-up line, without the packages whose version is looked up in the
# installed distributions' metadata (a scan of site-packages: 0.1-0.2 s of every start)
LOG_VERSIONS = ["libxml2", "Python", "pyOpenSSL", "Platform"]
FEED_EXPORT_ENCODING = "utf-8"
# `scrapy crawl <id> -O items.jsonl` writes what `scrapy export` writes, not internal fields
FEED_EXPORT_FIELDS = list(EXPORT_FIELDS)


def data_dir(settings: Any) -> Path:
    """``DATA_DIR`` as a Path (created on first use by the writers, not here)."""
    return Path(settings.get("DATA_DIR") or "data")


def warc_dir(settings: Any) -> Path:
    """``WARC_DIR``, default ``<DATA_DIR>/warc``."""
    value = settings.get("WARC_DIR")
    return Path(value) if value else data_dir(settings) / "warc"


def database_url(settings: Any) -> str:
    """``DATABASE_URL``, default ``sqlite:///<DATA_DIR>/articles.db``."""
    return settings.get("DATABASE_URL") or f"sqlite:///{data_dir(settings) / 'articles.db'}"
