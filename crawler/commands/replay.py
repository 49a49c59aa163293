"""``scrapy replay [--all] <warc or dir> ...``: extract -> normalize -> dedup -> store from WARC
files, with no network. A record whose URL matches a profile's ``articles`` is extracted with
that profile; with ``--all`` every other HTML response is tried too (site = host name).
CPU work runs on every core (one ``cpu_stage`` trip per page); dedup and store run here, with the
same functions the crawl pipelines use.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from crawler.db.repository import capture_of
from crawler.db.session import open_database
from crawler.extensions.workers import make_pool
from crawler.settings import database_url
from crawler.status import DONE_WITH_ERRORS, CommandError, exit_status
from model.items import Article, Page, Skip
from pipelines import cpu_stage
from pipelines.store import store

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterator

    from sqlalchemy.orm import Session

    from model.profiles import SiteProfile

BATCH = 64


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
        row = rows.get(aid)
        if row is None:
            counts["added"] += 1
            continue
        changed = [f for f in DIFF_FIELDS if getattr(row, f) != getattr(article, f)]
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
            profile = next((p for p in profiles.values() if p.is_article(capture.url)), None)
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
        loader = get_spider_loader(self.settings)
        profiles: dict[str, SiteProfile] = getattr(loader, "profiles", {})
        site_names = {pid: p.name for pid, p in profiles.items()}
        from archive import ReadStats
        from archive.progress import ReadProgress

        files = warc_files(args)
        self.read_progress = ReadProgress(files)
        self.read_stats = ReadStats()
        self.replayed_files: set[str] = set()
        self.counts: Counter[str] = Counter()
        factory = open_database(database_url(self.settings))
        workers = self.settings.getint("EXTRACT_WORKERS", 0)
        self.workers = max(0, workers)
        self.pool = make_pool(self.workers)
        started = last_report = time.monotonic()
        stream = self.pages([str(f) for f in files], profiles, opts)
        try:
            with factory() as session:
                fresh: dict[str, Article] = {}
                pending = None
                # the next batch is extracted in the workers while this one is stored here
                while True:
                    batch = list(islice(stream, BATCH))
                    submitted = None
                    if batch:
                        submitted = (batch, self.pool.map(cpu_stage, *zip(*batch, strict=True)))
                    if pending is not None:
                        pending = self.results(*pending)
                    if pending is not None and opts.diff:
                        for _page, result in pending:
                            if isinstance(result, Skip):
                                self.counts[f"extract/skip/{result.reason}"] += 1
                            else:
                                fresh[result.id] = result
                    elif pending is not None:
                        self.ingest_batch(session, pending, site_names)
                    pending = submitted
                    if pending is None:
                        break
                    if time.monotonic() - last_report > 5:
                        last_report = time.monotonic()
                        self.progress(started)
                if opts.diff:
                    print(diff_report(session, fresh, self.replayed_files))
        finally:
            self.pool.shutdown(cancel_futures=True)
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
                out.append((page, self.pool.submit(cpu_stage, page, profile).result()))
                continue
            except BrokenProcessPool:
                print(f"extraction worker died on {page.url}", file=sys.stderr)
            out.append((page, Skip(page.url, "worker_died", "the extraction process died")))
        return out

    def ingest_batch(
        self, session: Session, batch: list[tuple[Page, Article | Skip]], site_names: dict[str, str]
    ) -> None:
        """Store a batch in one transaction; if an article fails, store the batch again one
        article per savepoint, so only the bad one is skipped."""
        counts: Counter[str] = Counter()
        try:
            for page, result in batch:
                self.ingest(session, page, result, site_names, counts)
                session.flush()  # the next article's duplicate lookup must see this one
            session.commit()
        except Exception:
            session.rollback()
            counts = Counter()
            for page, result in batch:
                self.ingest(session, page, result, site_names, counts, savepoint=True)
            session.commit()
        self.counts.update(counts)

    def ingest(  # type: ignore[no-untyped-def]
        self, session, page: Page, result: Article | Skip, site_names: dict[str, str],
        counts: Counter[str], savepoint: bool = False,
    ) -> None:  # fmt: skip
        if isinstance(result, Skip):
            counts[f"extract/skip/{result.reason}"] += 1
            return
        from pipelines.dedup.index import assign

        article = result
        article.capture = capture_of(page)
        nested = session.begin_nested() if savepoint else None
        try:
            kind = assign(session, article, site_names)
            outcome = store(session, article)
        except Exception as exc:
            if nested is None:
                raise  # ingest_batch retries the batch article by article
            nested.rollback()
            counts["store/error"] += 1
            print(f"cannot store {page.url}: {exc!r}", file=sys.stderr)
            return
        if nested is not None:
            nested.commit()
        counts[f"dedup/{kind}"] += 1
        counts[f"store/{outcome}"] += 1

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
