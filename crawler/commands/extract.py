"""``scrapy extract FILE ... [--url URL] [--site ID]``: the article extracted from local HTML
files, printed as JSON lines (the export fields less ``warc``). For checking a profile or a page."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from crawler.status import FAILED, exit_status
from model.items import Page, Skip
from pipelines import cpu_stage

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}  # noqa: RUF012

    def syntax(self) -> str:
        return "FILE ... [--url URL] [--site ID]"

    def short_desc(self) -> str:
        return "Print the article extracted from local HTML files as JSON lines"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--url", help="the page's URL (default: file:// URL of the file)")
        parser.add_argument("--site", help="extract with this site profile")

    @exit_status
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give one or more HTML files")
        assert self.settings is not None
        profile = None
        if opts.site:
            loader = get_spider_loader(self.settings)
            profile = getattr(loader, "profiles", {}).get(opts.site)
            if profile is None:
                raise UsageError(f"unknown site {opts.site!r}; `scrapy list` shows the sites")
        extracted = 0
        for name in args:
            path = Path(name)
            try:
                body = path.read_bytes()
            except OSError as exc:
                print(f"{name}: cannot read: {exc}", file=sys.stderr)
                self.exitcode = 1
                continue
            url = opts.url or path.resolve().as_uri()
            page = Page(url=url, body=body, site=opts.site or "")
            result = cpu_stage(page, profile)
            if isinstance(result, Skip):
                print(f"{name}: no article: {result.reason} {result.detail}", file=sys.stderr)
                self.exitcode = 1
                continue
            record = result.export()
            record.pop("warc")
            print(json.dumps(record, ensure_ascii=False))
            extracted += 1
        if not extracted:
            self.exitcode = FAILED  # nothing could be done: no file gave an article
