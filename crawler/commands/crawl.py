"""``scrapy crawl <id>``: Scrapy's crawl, refusing a bad site profile (file, field and reason)
or an unusable database before anything is fetched, and exiting with the crawl's status
(``crawler.status``: 0 done, 1 some fetches or records failed, 2 nothing could be done)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler.status import exit_on_error, exit_status

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        from crawler.runs import check_run

        super().process_options(args, opts)
        if len(args) == 1:
            with exit_on_error(self):
                check_run(self.settings, args)

    @exit_status
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from crawler.runs import run_crawls

        if len(args) != 1:
            raise UsageError
        run_crawls(self, args, opts.spargs)
