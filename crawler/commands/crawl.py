"""``scrapy crawl <id>``: Scrapy's crawl, refusing a bad site profile with file, field and reason
before anything is fetched."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError
        assert self.settings is not None
        loader = get_spider_loader(self.settings)
        error = getattr(loader, "errors", {}).get(args[0]) or getattr(loader, "errors", {}).get(
            "(SITES_DIR)"
        )
        if error is not None:
            print(
                f"Refused: site profile {error.file}: field {error.field!r}: {error.reason}. "
                "Nothing was crawled.",
                file=sys.stderr,
            )
            self.exitcode = 2
            return
        if args[0] not in loader.list():
            print(f"Unknown site {args[0]!r}; `scrapy list` shows the sites.", file=sys.stderr)
            self.exitcode = 2
            return
        super().run(args, opts)
