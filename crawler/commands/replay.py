"""``scrapy replay [--all] <warc or dir> ...``: extract -> normalize -> dedup -> store from WARC
files, with no network. A record whose URL matches a profile's ``articles`` is extracted with
that profile; with ``--all`` every other HTML response is tried too (site = host name).
CPU work runs on every core (one ``cpu_stage`` trip per page); dedup and store run in a writer
thread, a batch per transaction (``pipelines.store.BatchWriter``, as in a crawl).
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from collections import Counter, deque
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.extensions.workers import make_pool, warm_up
from crawler.settings import database_url
from crawler.status import DONE_WITH_ERRORS, CommandError, exit_status
from model.items import Article, Page, Skip, capture_of
from pipelines import cpu_stage

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable, Iterator

    from sqlalchemy.orm import Session, sessionmaker

    from model.profiles import SiteProfile
    from pipelines.store import BatchWriter

BATCH = 64  # pages read before they go to the workers (at least; see MAX_STEP)
# pages read at once at most, whatever STORE_BATCH_SIZE: the last step's store does not overlap
# extraction, so a step of a whole batch of 1,000 made a longer tail; the writer joins the
# steps that queue up while it writes into one transaction anyway (up to STORE_BATCH_SIZE)
MAX_STEP = 200
CHUNK = 25  # pages per trip to a worker (fewer, larger messages between the processes)
MAX_QUEUED = 2000  # articles waiting for the writer before reading pauses


def _is_html(headers: list[tuple[str, str]], body: bytes) -> bool:
    for key, value in headers:
        if key.lower() == "content-type":
            return "html" in value.lower()
    return body.lstrip()[:1] == b"<"


DIFF_FIELDS = (
    "title", "published", "author", "source", "editor", "text", "text_original", "script",
)  # fmt: skip


def diff_report(session: Session, fresh: dict[str, Article], files: set[str]) -> str:
    """What storing ``fresh`` would change, per site: articles added or lost, fields changed.

    "Lost" are stored articles whose response record is in the replayed files but which the
    extractor no longer produces.
    """
    from sqlalchemy import select

    from crawler.db.models import ArticleRow

    rows = {
        row.id: row
        for row in session.scalars(select(ArticleRow).where(ArticleRow.warc_file.in_(files)))
    }
    for row in session.scalars(select(ArticleRow).where(ArticleRow.id.in_(list(fresh)))):
        rows[row.id] = row
    table: dict[str, Counter[str]] = {}
    for aid, article in fresh.items():
        counts = table.setdefault(article.site, Counter())
        stored = rows.get(aid)
        if stored is None:
            counts["added"] += 1
            continue
        changed = [f for f in DIFF_FIELDS if getattr(stored, f) != getattr(article, f)]
        counts["changed"] += bool(changed)
        counts["same"] += not changed
        for name in changed:
            counts[f"field/{name}"] += 1
    for aid, row in rows.items():
        if aid not in fresh:
            table.setdefault(row.site, Counter())["lost"] += 1
    lines = ["site                 added   lost  changed   same  fields changed"]
    for site, c in sorted(table.items()):
        fields = ", ".join(
            f"{k.removeprefix('field/')} {v}"
            for k, v in sorted(c.items())
            if k.startswith("field/")
        )
        lines.append(
            f"{site:<20} {c['added']:>5} {c['lost']:>6} {c['changed']:>8} {c['same']:>6}  {fields}"
        )
    return "\n".join(lines)


@functools.cache
def literal_prefix(pattern: str) -> str:
    """What every URL ``pattern`` matches starts with: the literal characters that follow its
    leading ``^`` (``^http://www\\.example\\.cn/art/\\d+`` -> ``http://www.example.cn/art/``);
    "" when it is not anchored so, or has flags (``(?i)``, ``(?m)``, ``(?x)``) or does not parse."""
    import warnings
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = sre_parse.parse(pattern)
    except Exception:  # a pattern only the regex module reads: no shortcut
        return ""
    if parsed.state.flags & ~sre_constants.SRE_FLAG_UNICODE:
        return ""
    items = list(parsed)
    if not items or items[0] != (sre_constants.AT, sre_constants.AT_BEGINNING):
        return ""
    prefix = []
    for op, av in items[1:]:
        if op is not sre_constants.LITERAL:
            break
        prefix.append(chr(av))
    return "".join(prefix)


def article_profile(profiles: Iterable[SiteProfile], url: str) -> SiteProfile | None:
    """The first profile whose ``articles`` match ``url`` and whose ``deny`` does not: the
    profile ``SiteProfile.is_article`` picks, with a profile's ``deny`` patterns tried only
    where its ``articles`` match, and its ``follow`` patterns never (replay reads each URL
    once: nothing to remember). A pattern whose :func:`literal_prefix` the URL does not start
    with cannot match: it is not run (one profile in a thousand is, not every one)."""
    from model.patterns import search_bounded

    for profile in profiles:
        if any(
            url.startswith(literal_prefix(r.pattern)) and search_bounded(r, url)
            for r in profile.article_res
        ) and not any(search_bounded(r, url) for r in profile.deny_res):
            return profile
    return None


def warc_files(args: list[str]) -> list[Path]:
    """The WARC files named or found in the folders named; a missing path or a folder with no
    WARC file is a usage error."""
    from archive.reader import iter_files

    for name in args:
        if not Path(name).exists():
            raise CommandError(f"no such file or folder: {name}")
    files = list(iter_files(args))
    if not files:
        raise CommandError(f"no WARC files (*.warc, *.warc.gz) in {', '.join(args)}")
    return files


def open_in_background(url: str) -> Future[sessionmaker[Session]]:
    """The database opened (and migrated) in a thread of its own, the store's imports with it
    (SQLAlchemy's ORM): a replay into a fresh database reads and extracts meanwhile. The
    future holds :class:`crawler.db.session.DatabaseUnavailable` when it cannot be opened."""
    opened: Future[sessionmaker[Session]] = Future()

    def run() -> None:
        try:
            from crawler.db.session import open_database

            factory = open_database(url)
            import pipelines.store  # noqa: F401
        except BaseException as exc:  # reported by the caller's result()
            opened.set_exception(exc)
        else:
            opened.set_result(factory)

    threading.Thread(target=run, name="countynews-open-database", daemon=True).start()
    return opened


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[--all] [--diff] <warc or dir> ..."

    def short_desc(self) -> str:
        return "Re-extract and store articles from WARC files (no network)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--all", action="store_true", help="also try every HTML response no profile matches"
        )
        parser.add_argument(
            "--diff",
            action="store_true",
            help="report what re-extraction changes against the stored articles; store nothing",
        )

    def pages(
        self, paths: list[str], profiles: dict[str, SiteProfile], opts: argparse.Namespace
    ) -> Iterator[tuple[Page, SiteProfile | None]]:
        from archive import iter_captures

        for capture in iter_captures(paths, self.read_stats):
            self.read_progress.update(capture.file, capture.offset + capture.length)
            if capture.record_type != "response" or capture.status != 200:
                self.counts["replay/skip/not_ok_response"] += 1
                continue
            profile = article_profile(profiles.values(), capture.url)
            if profile is None and not (opts.all and _is_html(capture.headers, capture.body)):
                self.counts["replay/skip/not_article"] += 1
                continue
            self.replayed_files.add(capture.file)
            site = profile.id if profile else (urlsplit(capture.url).hostname or "")
            page = Page(
                url=capture.url,
                body=capture.body,
                headers=capture.headers,
                status=capture.status,
                site=site,
                fetched=capture.date,
                warc={"file": capture.file, "offset": capture.offset, "length": capture.length},
            )
            yield page, profile

    @exit_status
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give WARC files or folders")
        assert self.settings is not None
        files = warc_files(args)
        self.workers = max(0, self.settings.getint("EXTRACT_WORKERS"))
        self.max_bytes = self.settings.getint("EXTRACT_MAX_BODY")
        self.pool = make_pool(self.workers)
        # the workers start (fork server, imports) while the profiles load, and the database
        # opens while the first pages are read: the first results wait for the database, not
        # the reading for it
        warming = threading.Thread(target=warm_up, args=(self.pool, self.workers), daemon=True)
        warming.start()
        try:
            # the profiles alone: the spider loader would import and build every spider too
            from model.profiles import read_profiles

            profiles, _ = read_profiles(self.settings.get("SITES_DIR"))
        except BaseException:
            self.pool.shutdown(wait=False, cancel_futures=True)
            raise
        site_names = {pid: p.name for pid, p in profiles.items()}
        database = open_in_background(database_url(self.settings))
        from archive import ReadStats
        from archive.progress import ReadProgress

        self.read_progress = ReadProgress(files)
        self.read_stats = ReadStats()
        self.replayed_files: set[str] = set()
        self.counts: Counter[str] = Counter()
        self.site_counts: dict[str, Counter[str]] = {}
        # imports SQLAlchemy: after the fork server started, not before
        from crawler.extensions.figures import figures_from_stats, record_run, utc_now

        batch_size = self.settings.getint("STORE_BATCH_SIZE")
        # a step of pages fills a store batch: smaller steps made smaller transactions
        step = min(max(BATCH, batch_size), MAX_STEP)
        writer: BatchWriter | None = None
        self.stored: deque[tuple[str, Future[tuple[str, str]]]] = deque()
        run_started = utc_now()
        started = last_report = time.monotonic()
        stream = self.pages([str(f) for f in files], profiles, opts)
        fresh: dict[str, Article] = {}
        try:
            pending = None
            # the next batch is extracted in the workers while this one goes to the writer
            while True:
                batch = list(islice(stream, step))
                submitted = None
                if batch:
                    pages, chosen = zip(*batch, strict=True)
                    limits = [self.max_bytes] * len(batch)
                    mapped = self.pool.map(cpu_stage, pages, chosen, limits, chunksize=CHUNK)
                    submitted = (batch, mapped)
                if pending is not None:
                    if writer is None and not opts.diff:
                        from pipelines.store import BatchWriter

                        writer = BatchWriter(
                            database.result(),
                            site_names,
                            batch_size,
                            self.settings.getfloat("STORE_BATCH_WAIT"),
                        )
                    for page, result in self.results(*pending):
                        if isinstance(result, Skip):
                            self.count(page.site, f"extract/skip/{result.reason}")
                        elif writer is None:
                            fresh[result.id] = result
                        else:
                            result.capture = capture_of(page)
                            self.stored.append((page.site, writer.submit(result)))
                    self.collect(block_over=MAX_QUEUED)
                pending = submitted
                if pending is None:
                    break
                if time.monotonic() - last_report > 5:
                    last_report = time.monotonic()
                    self.progress(started)
        finally:
            self.pool.shutdown(cancel_futures=True)
            if writer is not None:
                writer.close()
        self.collect(block_over=0)
        with database.result()() as session:
            if opts.diff:
                print(diff_report(session, fresh, self.replayed_files))
            else:
                for site, counts in sorted(self.site_counts.items()):
                    figures = figures_from_stats(dict(counts))
                    record_run(session, site, "replay", run_started, figures)
        self.progress(started, final=True)
        self.exit_with_status()

    def exit_with_status(self) -> None:
        """2 when no WARC record could be read; 1 when records were damaged or articles could
        not be stored or killed their worker."""
        stats = self.read_stats
        if stats.records == 0 and stats.errors:
            raise CommandError(f"no WARC record could be read: {stats.errors[0]}")
        problems = [
            f"{n} {what}"
            for n, what in (
                (len(stats.errors), "damaged records skipped"),
                (self.counts["store/error"], "articles not stored"),
                (self.counts["extract/skip/worker_died"], "pages killed their worker"),
            )
            if n
        ]
        if problems:
            raise CommandError("; ".join(problems), DONE_WITH_ERRORS)

    def count(self, site: str, key: str) -> None:
        self.counts[key] += 1
        self.site_counts.setdefault(site, Counter())[key] += 1

    def collect(self, block_over: int) -> None:
        """Count the stored articles' outcomes, oldest first; wait while more than
        ``block_over`` are queued (back-pressure: the writer sets the pace)."""
        while self.stored and (len(self.stored) > block_over or self.stored[0][1].done()):
            site, future = self.stored.popleft()
            try:
                kind, outcome = future.result()
            except Exception as exc:
                self.count(site, "store/error")
                print(f"cannot store an article of {site}: {exc!r}", file=sys.stderr)
                continue
            self.count(site, f"dedup/{kind}")
            self.count(site, f"store/{outcome}")

    def results(
        self, batch: list[tuple[Page, SiteProfile | None]], mapped: Iterator[Article | Skip]
    ) -> list[tuple[Page, Article | Skip]]:
        """The CPU stage's results for a batch. If a worker died (killed, out of memory, a crash
        in a C extension), a fresh pool redoes the batch page by page, and a page that kills its
        worker again is a ``worker_died`` skip: one page is lost, not the replay."""
        try:
            return list(zip((page for page, _ in batch), mapped, strict=True))
        except BrokenProcessPool:
            pass
        out: list[tuple[Page, Article | Skip]] = []
        for page, profile in batch:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = make_pool(self.workers)
            try:
                result = self.pool.submit(cpu_stage, page, profile, self.max_bytes).result()
                out.append((page, result))
                continue
            except BrokenProcessPool:
                print(f"extraction worker died on {page.url}", file=sys.stderr)
            out.append((page, Skip(page.url, "worker_died", "the extraction process died")))
        return out

    def progress(self, started: float, final: bool = False) -> None:
        stats = self.read_stats
        elapsed = time.monotonic() - started
        stored = sum(
            v for k, v in self.counts.items() if k.startswith("store/") and k != "store/error"
        )
        line = (
            f"{'replayed' if final else 'replaying'}: {stats.records} records, "
            f"{stored} articles stored, {elapsed:.1f}s ({stored / max(elapsed, 1e-9):.1f}/s)"
        )
        if not final:
            line += f"; {self.read_progress.describe(elapsed)}"
        print(line, file=sys.stderr)
        if final:
            for key, value in sorted((self.counts + stats.skipped).items()):
                print(f"  {key}: {value}", file=sys.stderr)
            for message in stats.errors:
                print(f"  damaged: {message}", file=sys.stderr)
