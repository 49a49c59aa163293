"""Exit statuses, one rule for every command (cron and systemd read them):

- 0 ``DONE``: the work is done;
- 1 ``DONE_WITH_ERRORS``: done, with errors worth a look (some fetches or records failed);
- 2 ``FAILED``: bad usage, or nothing could be done (a refused profile, an unreachable
  database, every fetch failed).

A command says why in one line on stderr, never with a traceback. Commands wrap ``run`` in
:func:`exit_status` and raise :class:`CommandError`; a crawl's status is decided from its stats
by :func:`crawl_status` when the spider closes (``crawler.extensions.progress``), and any
component may raise it earlier with :func:`raise_status` (stats ``exit/status``, ``exit/reason``).
"""

from __future__ import annotations

import functools
import sys
import traceback
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterator, Mapping

    from scrapy.statscollectors import StatsCollector

DONE, DONE_WITH_ERRORS, FAILED = 0, 1, 2
INTERRUPTED = 130  # 128 + SIGINT, what shells report for a Ctrl-C


class CommandError(Exception):
    """Ends a command with one line on stderr and an exit status (default 2)."""

    def __init__(self, message: str, status: int = FAILED) -> None:
        super().__init__(message)
        self.status = status


def fail(command: Any, message: str, status: int) -> None:
    """Print ``scrapy <command>: <message>`` on stderr and raise the command's exit status."""
    name = type(command).__module__.rpartition(".")[2]
    print(f"scrapy {name}: {' '.join(message.split())}", file=sys.stderr)
    command.exitcode = max(getattr(command, "exitcode", 0), status)


def exit_status(
    run: Callable[[Any, list[str], argparse.Namespace], None],
) -> Callable[[Any, list[str], argparse.Namespace], None]:
    """Wrap a command's ``run``: a :class:`CommandError`, a usage error or any unexpected
    exception ends it with one line on stderr and its status (the traceback only with
    ``LOG_LEVEL=DEBUG``)."""
    from scrapy.exceptions import UsageError

    @functools.wraps(run)
    def guarded(self: Any, args: list[str], opts: argparse.Namespace) -> None:
        try:
            run(self, args, opts)
        except CommandError as exc:
            fail(self, str(exc), exc.status)
        except UsageError as exc:
            if not str(exc):
                raise  # Scrapy prints the command's usage
            fail(self, f"{exc} (see scrapy {type(self).__module__.rpartition('.')[2]} -h)", 2)
        except KeyboardInterrupt:
            fail(self, "interrupted", INTERRUPTED)
        except Exception as exc:
            settings = getattr(self, "settings", None)
            if settings is not None and settings.get("LOG_LEVEL") == "DEBUG":
                traceback.print_exc()
            fail(self, f"failed: {type(exc).__name__}: {exc} (LOG_LEVEL=DEBUG shows where)", 2)

    return guarded


@contextmanager
def exit_on_error(command: Any) -> Iterator[None]:
    """For checks made before ``run`` (in ``process_options``, before Scrapy starts a crawler
    process and logs its banner): a :class:`CommandError` prints its line and exits at once."""
    try:
        yield
    except CommandError as exc:
        fail(command, str(exc), exc.status)
        sys.exit(command.exitcode)


def raise_status(stats: StatsCollector | None, status: int, reason: str) -> None:
    """Record that a crawl ends with at least ``status``, for ``reason`` (the worst one wins)."""
    if stats is None:
        return
    if status > (stats.get_value("exit/status") or 0):
        stats.set_value("exit/status", status)
        stats.set_value("exit/reason", reason)


def crawl_status(stats: Mapping[str, Any]) -> tuple[int, str]:
    """The exit status of one site's crawl from its stats, and why.

    Fetch outcomes are counted by ``FetchOutcomeMiddleware`` (``fetch/ok``, ``fetch/missing``
    for 404/410, ``fetch/failed/<reason>``; robots.txt left out). A dead link (404) is the
    web's normal state, not an error. Every fetch failing is status 2; some fetches failing,
    an article that could not be stored, a dead extraction worker or an ERROR log line is 1,
    and so is a crawl stopped by a signal (``finish_reason`` ``shutdown``) before its end, or
    paused because the server asked for a longer wait than ``RETRY_AFTER_MAX``.
    A status raised by a component (``exit/status``) wins when it is worse.
    """
    ok = stats.get("fetch/ok", 0)
    missing = stats.get("fetch/missing", 0)
    failed = {
        k.removeprefix("fetch/failed/"): v
        for k, v in stats.items()
        if k.startswith("fetch/failed/")
    }
    n_failed = sum(failed.values())
    status, reason = DONE, "done"
    if ok == 0 and n_failed + missing > 0:
        causes = ", ".join(f"{v} {k}" for k, v in sorted(failed.items(), key=lambda kv: -kv[1]))
        status = FAILED
        reason = f"every fetch failed ({causes or f'{missing} not found'})"
    elif ok == 0 and stats.get("robotstxt/forbidden"):
        status, reason = FAILED, "robots.txt forbids every page"
    elif ok == 0:
        # a distributed worker whose peers took every request has nothing to do
        reason = "nothing to fetch"
    else:
        problems = []
        if n_failed:
            problems.append(f"{n_failed} fetches failed")
        if stats.get("store/error"):
            problems.append(f"{stats['store/error']} articles could not be stored")
        if stats.get("extract/skip/worker_died"):
            problems.append(f"{stats['extract/skip/worker_died']} pages killed their worker")
        if stats.get("log_count/ERROR") and not problems:
            problems.append(f"{stats['log_count/ERROR']} errors logged")
        if problems:
            status, reason = DONE_WITH_ERRORS, "; ".join(problems)
    stopped = stats.get("finish_reason")
    if stopped == "paused":  # crawler.middlewares.retry: the server asked for a long pause
        wait = stats.get("site/paused_for", 0)
        status = max(status, DONE_WITH_ERRORS)
        reason = (
            f"paused: the server asked to retry after {wait} s, more than RETRY_AFTER_MAX; "
            "run the same command later to resume"
        )
    if stopped == "shutdown" and status < DONE_WITH_ERRORS:
        # stopped by a signal before the end: not done; the same command finishes it
        status, reason = DONE_WITH_ERRORS, "interrupted before the end; run it again to resume"
    raised = stats.get("exit/status") or 0
    if raised > status:
        return raised, str(stats.get("exit/reason") or reason)
    return status, reason
