"""Running site crawls from a command (``crawl``, ``refresh``): refuse bad profiles, unknown
sites and an unusable database before any request, then run, and end with the worst status of
the sites' crawls."""

from __future__ import annotations

import atexit
import contextlib
import inspect
import os
import sys
from typing import TYPE_CHECKING, Any

from scrapy.spiderloader import get_spider_loader

from crawler.settings import database_url
from crawler.status import FAILED, CommandError, fail

if TYPE_CHECKING:
    from types import FrameType

    from scrapy.commands import BaseRunSpiderCommand
    from scrapy.crawler import Crawler


def check_database(settings: Any) -> None:
    """Open (and migrate) ``DATABASE_URL`` once, so a bad URL stops a run before it fetches.
    A SQLite file at head is only read (``sqlite3``): the crawl's process then never imports
    SQLAlchemy, which the store process has to itself (0.2-0.3 s of CPU a crawl); a SQLite
    file yet to be made is left to the store process to create and migrate."""
    from crawler.db.head import sqlite_at_head, sqlite_to_create

    url = database_url(settings)
    if sqlite_at_head(url) or sqlite_to_create(url):
        return
    from crawler.db.session import open_engine

    open_engine(url).dispose()


def crawl_exit_status(crawler: Crawler) -> int:
    """The status ``CrawlProgress`` decided when the spider closed (2 if it never opened)."""
    if crawler.stats is None:
        return FAILED
    status = crawler.stats.get_value("exit/status")
    return FAILED if status is None else int(status)


def check_run(settings: Any, names: list[str]) -> None:
    """Refuse a run (:class:`CommandError`, nothing crawled) of a refused profile, an unknown
    site, or with a database that cannot be opened: before any request is made. The crawl's
    fork server starts first, so its imports overlap these checks."""
    from crawler.processes import start_forkserver

    start_forkserver()
    loader = get_spider_loader(settings)
    refused = getattr(loader, "refusal", lambda _names: None)(names)
    if refused is not None:
        raise CommandError(f"refused: {refused}. Nothing was crawled.")
    knows = getattr(loader, "knows", None) or (lambda name: name in loader.list())
    unknown = [name for name in names if not knows(name)]
    if unknown:
        raise CommandError(f"unknown site {unknown[0]!r}; `scrapy list` shows the sites")
    check_database(settings)


HTTP_HANDLER = "scrapy.core.downloader.handlers.http11"


def import_http_handler() -> None:
    """Import Scrapy's HTTP download handler with ``inspect.stack`` made cheap for the moment.
    Its modules define deprecated aliases with ``scrapy.utils.deprecate.create_deprecated_class``,
    which calls ``inspect.stack()`` only to take its caller's frame and name the alias's module:
    the real one reads the source lines of every frame on the stack and scans ``sys.modules``
    for each, 0.1-0.3 s of a crawl process's CPU before its first request (imported deep in the
    reactor's stack, ~1,100 modules loaded). The stand-in gives the same frames without their
    source lines, all that function uses."""
    if HTTP_HANDLER in sys.modules:
        return
    real = inspect.stack

    def frames_only(context: int = 1) -> list[inspect.FrameInfo]:
        found: list[inspect.FrameInfo] = []
        frame: FrameType | None = sys._getframe(1)
        while frame is not None:
            code = frame.f_code
            found.append(
                inspect.FrameInfo(frame, code.co_filename, frame.f_lineno, code.co_name, None, None)
            )
            frame = frame.f_back
        return found

    inspect.stack = frames_only
    try:
        __import__(HTTP_HANDLER)
    finally:
        inspect.stack = real


def run_crawls(
    command: BaseRunSpiderCommand, names: list[str], spargs: dict[str, Any], **kwargs: Any
) -> list[Crawler]:
    """Crawl the sites ``names`` (checked by :func:`check_run`) in ``command``'s crawler
    process; set its exit status to the worst of theirs."""
    assert command.crawler_process is not None
    crawlers = []
    for name in names:
        crawler = command._create_crawler(name)
        command.crawler_process.crawl(crawler, **spargs, **kwargs)
        crawlers.append(crawler)
    import_http_handler()
    command.crawler_process.start()
    for crawler in crawlers:
        status = crawl_exit_status(crawler)
        if status:
            site = getattr(crawler.spider, "name", "?")
            reason = crawler.stats.get_value("exit/reason") if crawler.stats else None
            if reason is None and crawler.stats and crawler.stats.get_value("start_time"):
                # opened but never closed: a second Ctrl-C, or a crash of the crawl itself
                reason = "stopped before its end; run the same command again to resume"
            fail(command, f"{site}: exit status {status} ({reason or 'did not run'})", status)
        command.exitcode = max(command.exitcode, status)
    if command.crawler_process.bootstrap_failed:
        command.exitcode = FAILED
    exit_without_teardown(command)
    return crawlers


def exit_without_teardown(command: Any) -> None:
    """When the process exits, run every exit handler as usual (logging flushed,
    multiprocessing's helpers joined), flush stdout and stderr, then end with the command's
    exit status without the interpreter's teardown: freeing every module and object of a crawl
    (Scrapy, Twisted, the crawl's own state) costs 0.3 s of CPU and writes nothing (our files
    are closed when the spider closes, the database is the store process's). Left to the normal
    teardown when CPython has no ``atexit._run_exitfuncs`` or an uncaught exception ends the
    process."""
    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_handlers is None:
        return

    def exit_now() -> None:
        atexit.unregister(exit_now)
        run_handlers()  # the others, last registered first, as the interpreter would
        if hasattr(sys, "last_value"):  # an uncaught exception: exit status 1, as usual
            return
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(command.exitcode)

    atexit.register(exit_now)
