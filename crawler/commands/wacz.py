"""``scrapy wacz -o FILE.wacz [<warc or dir> ...]``: package WARCs (default: all of
``WARC_DIR``) with their CDXJ index, pages list and datapackage.json as a WACZ 1.1.1 file, for
sharing an archive with replayweb.page, pywb or any WACZ reader."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.settings import warc_dir

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "-o FILE.wacz [<warc or dir> ...]"

    def short_desc(self) -> str:
        return "Package WARC files as a WACZ archive"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", required=True, help="the .wacz file to write")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from archive.wacz import WaczError, package_wacz, validate_wacz

        assert self.settings is not None
        if not opts.output.endswith(".wacz"):
            raise UsageError("the output file must end in .wacz")
        sources = args or [str(warc_dir(self.settings))]
        try:
            out = package_wacz(sources, opts.output)
        except WaczError as exc:
            print(f"cannot package: {exc}", file=sys.stderr)
            self.exitcode = 1
            return
        valid, report = validate_wacz(out)
        print(f"{out}: {'valid' if valid else 'INVALID'} WACZ", file=sys.stderr)
        if not valid:
            print(report, file=sys.stderr)
            self.exitcode = 1
