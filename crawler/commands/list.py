"""``scrapy list``: the site ids (one spider per profile); refused profiles go to stderr."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scrapy.commands.list import Command as ScrapyListCommand
from scrapy.spiderloader import get_spider_loader

if TYPE_CHECKING:
    import argparse


class Command(ScrapyListCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        loader = get_spider_loader(self.settings)
        names = sorted(loader.list())
        if names:
            print("\n".join(names))
        for err in getattr(loader, "errors", {}).values():
            print(f"refused: {err.file}: field {err.field!r}: {err.reason}", file=sys.stderr)
        if getattr(loader, "errors", {}):
            self.exitcode = 1
