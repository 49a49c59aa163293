"""CrawlResume: a crawl that did not finish (SIGKILL, a double Ctrl-C, a full disk, a power cut)
is finished by running the same command again, with or without ``JOBDIR``.

Each running crawl holds a marker ``<DATA_DIR>/runs/<site>-<host>-<pid>.json`` under an
exclusive ``fcntl.flock`` (as the WARC writer holds its ``.open`` file). A marker that is not
locked belongs to a crawl that ended without finishing; the next crawl of that site claims it:

- it resumes: article pages stored since the unfinished crawl started are not fetched again
  (the database is the source of truth, ``crawler.middlewares.resume``), and those it
  downloaded into its WARCs but did not store are read back from their records
  (``crawler.middlewares.warc_resume``): only its requests in flight are fetched again;
- if that crawl was killed while running with the same ``JOBDIR``, Scrapy's job state there is
  inconsistent (``requests.seen`` is written as it goes, the queue only at a clean stop), so it
  is removed and the crawl starts over from its start URLs, skipping the stored articles.

A crawl that finishes removes its marker; a clean stop (one Ctrl-C) leaves it as ``shutdown``,
with Scrapy's ``JOBDIR`` state intact.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import pickle
import re
import shutil
import socket
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals

from archive.records import warc_date
from crawler.settings import data_dir

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

RUNNING = "running"
JOB_STATE = ("requests.seen", "requests.queue")  # what Scrapy's JOBDIR keeps of the frontier


def stored_since(crawler: Crawler, site: str, since: str) -> set[str]:
    """URLs of ``site``'s article captures stored at or after ``since`` (a WARC date)."""
    from sqlalchemy import select

    from crawler.db.models import CaptureRow
    from crawler.extensions.database import Database

    database = crawler.get_extension(Database)
    if database is None:
        return set()
    with database.factory() as session:
        query = select(CaptureRow.url).where(
            CaptureRow.site == site,
            CaptureRow.article_id.is_not(None),
            CaptureRow.fetched >= since,
        )
        return set(session.scalars(query))


def claim_unfinished(directory: Path, site: str) -> list[dict[str, Any]]:
    """Read and remove the markers of ``site`` whose crawl is gone (their lock is free)."""
    found = []
    for path in sorted(directory.glob(f"{site}-*.json")):
        if not re.fullmatch(rf"{re.escape(site)}-[^-]+-\d+\.json", path.name):
            continue  # another site whose id starts with this one
        try:
            with path.open("r+") as fh:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a live crawl of the same site (another distributed worker)
                try:
                    found.append(json.loads(fh.read() or "{}"))
                except ValueError:
                    found.append({"state": RUNNING})
                path.unlink()
        except FileNotFoundError:
            continue
    return found


def clear_job_state(jobdir: Path) -> list[str]:
    """Remove Scrapy's frontier state from ``jobdir`` (seen set and queue); return what went."""
    removed = []
    for name in JOB_STATE:
        path = jobdir / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        else:
            continue
        removed.append(name)
    return removed


def check_spider_state(jobdir: Path) -> bool:
    """Remove ``jobdir/spider.state`` if it cannot be read (a second Ctrl-C cut its writing
    short; Scrapy would fail to open the spider on every later run). True if removed."""
    path = jobdir / "spider.state"
    if not path.exists():
        return False
    try:
        with path.open("rb") as fh:
            pickle.load(fh)  # our own job directory
    except Exception:
        path.unlink()
        return True
    return False


class CrawlResume:
    """Marks a running crawl and resumes an unfinished one.

    Settings: ``DATA_DIR``, ``JOBDIR``. Stats: ``resume/unfinished_runs``,
    ``resume/job_state_cleared``. :attr:`since` (the WARC date at which the oldest unfinished
    crawl started, or None) and :meth:`stored` tell ``ResumeMiddleware`` which stored articles
    to skip and ``WarcResumeMiddleware`` which archived pages to read back.
    """

    def __init__(self, crawler: Crawler, directory: Path, site: str, jobdir: str | None) -> None:
        self.crawler = crawler
        self.directory = directory
        self.site = site
        self.since: str | None = None
        self._stored: set[str] | None = None
        self._stored_lock = threading.Lock()
        self.jobdir = str(Path(jobdir).resolve()) if jobdir else None
        directory.mkdir(parents=True, exist_ok=True)
        unfinished = claim_unfinished(directory, site)
        started = warc_date(datetime.now(UTC))
        if unfinished:
            self.since = min(str(u.get("started") or started) for u in unfinished)
            self._stat("resume/unfinished_runs", len(unfinished))
            logger.warning(
                "%s: resuming %d unfinished crawl(s) started %s: articles stored since then "
                "are not fetched again",
                site,
                len(unfinished),
                self.since,
            )
        killed = any(u.get("state") == RUNNING and u.get("jobdir") for u in unfinished)
        if self.jobdir and killed and any(u.get("jobdir") == self.jobdir for u in unfinished):
            removed = clear_job_state(Path(self.jobdir))
            if removed:
                self._stat("resume/job_state_cleared")
                logger.warning(
                    "%s: the crawl using JOBDIR %s was killed, its %s is not consistent and "
                    "was removed; starting again from the start URLs",
                    site,
                    self.jobdir,
                    " and ".join(removed),
                )
        if self.jobdir and check_spider_state(Path(self.jobdir)):
            self._stat("resume/job_state_cleared")
            logger.warning("%s: JOBDIR %s/spider.state was cut short; removed", site, self.jobdir)
        host = re.sub(r"[^A-Za-z0-9.]+", "_", socket.gethostname()) or "host"
        self.path = directory / f"{site}-{host}-{os.getpid()}.json"
        self._fh = self.path.open("w")
        fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        # an unfinished crawl's start carries over, so a second kill loses nothing either
        self.marker = {"site": site, "started": self.since or started, "jobdir": self.jobdir}
        self._write(RUNNING)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlResume:
        spider = crawler.spider or crawler.spidercls  # the class names it before it is made
        site = getattr(spider, "name", None) or "crawl"
        ext = cls(
            crawler, data_dir(crawler.settings) / "runs", site, crawler.settings.get("JOBDIR")
        )
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def stored(self) -> set[str]:
        """URLs of the site's article pages stored since :attr:`since` (read from the database
        once, by whichever thread asks first; empty when nothing is resumed)."""
        with self._stored_lock:
            if self._stored is None:
                since = self.since
                self._stored = stored_since(self.crawler, self.site, since) if since else set()
            return self._stored

    def _stat(self, key: str, value: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, value)

    def _write(self, state: str) -> None:
        self._fh.seek(0)
        self._fh.truncate()
        self._fh.write(json.dumps({**self.marker, "state": state}))
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def spider_closed(self, reason: str) -> None:
        """Remove the marker of a finished crawl; keep it (unlocked) for any other ending."""
        if self._fh.closed:
            return
        if reason == "finished":
            self.path.unlink(missing_ok=True)
        else:
            self._write(reason)
        self._fh.close()
