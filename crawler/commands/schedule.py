"""``scrapy schedule [--once] [--interval S]``: run each profile's ``schedule`` cron expression.

One ``scrapy refresh <id>`` process per due site, its output in
``<DATA_DIR>/logs/<id>/<time>.log``. A per-site lock file (``<DATA_DIR>/locks/<id>.lock``,
``flock``) is held by the crawl process itself, so a site never runs twice at once, and the
kernel releases the lock when that process dies, even by SIGKILL: nothing stays locked.
At most ``SCHEDULE_MAX_RUNNING`` crawls run at once (default: one per core); due sites beyond
that wait for a free slot, in profile order, so 6,000 portals on one cron line do not start
6,000 processes.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.spiderloader import get_spider_loader

from crawler.settings import data_dir, database_url
from crawler.status import FAILED, exit_status

if TYPE_CHECKING:
    import argparse

    from model.profiles import SiteProfile


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def is_due(expression: str, last_start: datetime | None, now: datetime) -> bool:
    """A site is due when a cron time has passed since its last start (or it never ran)."""
    if last_start is None:
        return True
    from croniter import croniter

    return croniter(expression, last_start).get_next(datetime) <= now


def try_lock(path: Path) -> int | None:
    """An open, exclusively locked fd on ``path``, or None when another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[--once] [--interval SECONDS]"

    def short_desc(self) -> str:
        return "Run the profiles' schedule crons: one crawl process per due site"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--once", action="store_true", help="start due sites, wait, exit")
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between checks")

    def last_starts(self) -> dict[str, datetime]:
        from sqlalchemy import func, select

        from crawler.db.models import CrawlRunRow

        with self.factory() as session:
            rows = session.execute(
                select(CrawlRunRow.site, func.max(CrawlRunRow.started)).group_by(CrawlRunRow.site)
            )
            return {site: _parse(started) for site, started in rows}

    def launch(self, profile: SiteProfile, lock_fd: int) -> subprocess.Popen[bytes]:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        log = data_dir(self.settings) / "logs" / profile.id / f"{stamp}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "scrapy", "refresh", profile.id]
        command += [f"-s{key}={value}" for key, value in self.passed_settings.items()]
        with open(log, "wb") as out:
            process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, pass_fds=(lock_fd,)
            )
        os.close(lock_fd)  # the child holds the lock now; it ends with the child
        print(f"started {profile.id} (pid {process.pid}), log {log}", file=sys.stderr)
        return process

    def tick(self, running: dict[str, subprocess.Popen[bytes]], done: set[str]) -> int:
        """Reap finished crawls, then start due sites (not in ``done``) while a slot is free.
        Returns how many due sites wait for a slot."""
        now = datetime.now(UTC)
        for site, process in list(running.items()):
            code = process.poll()
            if code is not None:
                print(f"finished {site}: exit {code}", file=sys.stderr)
                # a crawl killed by a signal (negative code) did not finish: the worst
                self.exitcode = max(self.exitcode, FAILED if code < 0 else code)
                del running[site]
        starts = self.last_starts()
        waiting = 0
        for profile in self.profiles.values():
            if not profile.schedule or profile.id in running or profile.id in done:
                continue
            if not is_due(profile.schedule, starts.get(profile.id), now):
                continue
            if len(running) >= self.max_running:
                waiting += 1
                continue
            fd = try_lock(data_dir(self.settings) / "locks" / f"{profile.id}.lock")
            if fd is None:
                print(f"skipped {profile.id}: a crawl of it is running", file=sys.stderr)
                done.add(profile.id)
                continue
            running[profile.id] = self.launch(profile, fd)
            done.add(profile.id)
        return waiting

    @exit_status
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        loader = get_spider_loader(self.settings)
        self.profiles: dict[str, SiteProfile] = getattr(loader, "profiles", {})
        # settings given on this command line (-s) go to every crawl process too
        self.passed_settings = {
            key: value
            for key, value in self.settings.copy_to_dict().items()
            if self.settings.getpriority(key) == 40  # "cmdline"
        }
        from crawler.db.session import open_database

        self.factory = open_database(database_url(self.settings))
        self.max_running = self.settings.getint("SCHEDULE_MAX_RUNNING") or os.cpu_count() or 1
        running: dict[str, subprocess.Popen[bytes]] = {}
        # --once: each due site once (started or skipped), then wait for the last to finish
        done: set[str] = set()
        announced = 0
        while True:
            waiting = self.tick(running, done if opts.once else set())
            if waiting and waiting != announced:
                print(f"{waiting} due site(s) wait for a free slot "
                      f"(SCHEDULE_MAX_RUNNING={self.max_running})", file=sys.stderr)  # fmt: skip
            announced = waiting
            if opts.once:
                if not running:
                    return
                time.sleep(0.5)
                continue
            time.sleep(opts.interval)
