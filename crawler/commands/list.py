"""``scrapy list``: the site ids (one spider per profile); each refused profile is printed once
on stderr, and then the exit status is 1 (2 when no profile could be read at all)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.commands.list import Command as ScrapyListCommand
from scrapy.spiderloader import get_spider_loader

from crawler.status import DONE_WITH_ERRORS, FAILED, exit_status, fail

if TYPE_CHECKING:
    import argparse


class Command(ScrapyListCommand):
    @exit_status
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        loader = get_spider_loader(self.settings)
        names = sorted(loader.list())
        if names:
            print("\n".join(names))
        errors = getattr(loader, "errors", {})
        for err in errors.values():
            fail(self, f"refused: {err}", DONE_WITH_ERRORS)
        if errors and not names:
            self.exitcode = FAILED
