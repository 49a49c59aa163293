"""``scrapy wacz -o FILE.wacz [<warc or dir> ...]``: package WARCs (default: all of
``WARC_DIR``) with their CDXJ index, pages list and datapackage.json as a WACZ 1.1.1 file, for
sharing an archive with replayweb.page, pywb or any WACZ reader."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.settings import warc_dir
from crawler.status import DONE_WITH_ERRORS, CommandError, exit_status

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

    @exit_status
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from archive.wacz import WaczError, package_wacz, validate_wacz

        assert self.settings is not None
        if not opts.output.endswith(".wacz"):
            raise UsageError("the output file must end in .wacz")
        sources = args or [str(warc_dir(self.settings))]
        try:
            out = package_wacz(sources, opts.output)
        except WaczError as exc:
            raise CommandError(f"cannot package: {exc}") from None
        except OSError as exc:
            raise CommandError(f"cannot write {opts.output}: {exc.strerror or exc}") from None
        valid, report = validate_wacz(out)
        if not valid:
            print(report, file=sys.stderr)
            raise CommandError(f"{out}: INVALID WACZ (the report above says why)", DONE_WITH_ERRORS)
        print(f"{out}: valid WACZ", file=sys.stderr)
