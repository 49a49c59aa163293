"""``scrapy refresh [<id> ...]``: incremental crawl of all (or the named) portals.

Known article pages are asked for with If-None-Match / If-Modified-Since (an unchanged page is
archived as a revisit record), list paging stops at known articles, new articles are fetched,
and an edited article is stored as a new version. A summary per site is printed at the end.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scrapy.commands import BaseRunSpiderCommand
from scrapy.spiderloader import get_spider_loader

from crawler.settings import database_url
from crawler.status import DONE_WITH_ERRORS, exit_on_error, exit_status, fail

if TYPE_CHECKING:
    import argparse

    from crawler.db.models import CrawlRunRow

COLUMNS = ("fetched", "not_modified", "new", "changed", "duplicates", "errors")


def summary_table(runs: list[CrawlRunRow]) -> str:
    """The per-site figures of ``runs`` as an aligned text table."""
    head = f"{'site':<20}" + "".join(f"{c:>13}" for c in COLUMNS)
    lines = [head]
    for run in runs:
        lines.append(f"{run.site:<20}" + "".join(f"{run.figures.get(c, 0):>13}" for c in COLUMNS))
        for flag in run.figures.get("drift", []):
            lines.append(f"  DRIFT {run.site}: {flag}")
    return "\n".join(lines)


class Command(BaseRunSpiderCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[<id> ...]"

    def short_desc(self) -> str:
        return "Incremental crawl of all (or the named) portals"

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        from crawler.runs import check_run

        super().process_options(args, opts)
        assert self.settings is not None
        with exit_on_error(self):
            check_run(self.settings, args or sorted(get_spider_loader(self.settings).list()))

    @exit_status
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from sqlalchemy import select

        from crawler.db.models import CrawlRunRow
        from crawler.db.session import open_database
        from crawler.runs import run_crawls

        assert self.settings is not None
        loader = get_spider_loader(self.settings)
        names = args or sorted(loader.list())
        if not args:
            # refreshing every site: a refused profile is reported, the others are refreshed
            for name, error in sorted(getattr(loader, "errors", {}).items()):
                if name != "(SITES_DIR)":
                    fail(self, f"refused: {error}. Not refreshed.", DONE_WITH_ERRORS)
        started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        run_crawls(self, names, opts.spargs, run_kind="refresh")
        factory = open_database(database_url(self.settings))
        with factory() as session:
            runs = list(
                session.scalars(
                    select(CrawlRunRow)
                    .where(CrawlRunRow.started >= started, CrawlRunRow.site.in_(names))
                    .order_by(CrawlRunRow.site)
                )
            )
        print(summary_table(runs))
