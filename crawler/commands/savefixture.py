"""``scrapy savefixture <id> <warc>:<offset> [--case NAME] [--dir DIR]``: record the response at
that WARC offset as a golden fixture ``tests/sites/<id>/<case>/`` (response.json, body.html,
expected.json) for ``tests/test_sites.py``."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from archive.reader import read_record
from crawler.status import exit_status
from model.fixtures import EXPECTED_FIELDS, expected_of, save_case
from model.items import Page, Skip
from pipelines import cpu_stage

if TYPE_CHECKING:
    import argparse

_CASE = re.compile(r"[^a-z0-9_-]+")


def case_name(url: str) -> str:
    """``article-<last path segment without extension>``, e.g. ``article-032265361``."""
    stem = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return "article-" + (_CASE.sub("-", stem.lower()).strip("-") or "index")


def parse_ref(ref: str) -> tuple[str, int]:
    """``file.warc.gz:1234`` -> (file, offset); raises UsageError on a bad reference."""
    file, sep, offset = ref.rpartition(":")
    if not sep or not file or not offset.isdigit():
        raise UsageError(f"expected <warc>:<offset>, got {ref!r}")
    return file, int(offset)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}  # noqa: RUF012

    def syntax(self) -> str:
        return "<id> <warc>:<offset> [--case NAME] [--dir DIR] [--force]"

    def short_desc(self) -> str:
        return "Save a WARC response record as a golden fixture of a site"

    def long_desc(self) -> str:
        return (
            "Write tests/sites/<id>/<case>/ from the response record at <offset> of <warc>: "
            "response.json (url, status, headers, fetched), body.html (the bytes as served) and "
            "expected.json. expected.json is PRE-FILLED FROM THE CURRENT EXTRACTION: check every "
            "value against the page and fix it by hand before committing, or the fixture only "
            "pins today's mistakes. `pytest tests/test_sites.py -k <id>` then tests each field."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--case", help="case folder name (default: article-<url stem>)")
        parser.add_argument("--dir", default="tests/sites", help="fixtures folder")
        parser.add_argument("--force", action="store_true", help="overwrite an existing case")

    @exit_status
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 2:
            raise UsageError("give a site id and a <warc>:<offset> reference")
        site, ref = args
        assert self.settings is not None
        profiles = getattr(get_spider_loader(self.settings), "profiles", {})
        if site not in profiles:
            raise UsageError(f"unknown site {site!r}; `scrapy list` shows the sites")
        file, offset = parse_ref(ref)
        try:
            capture = read_record(file, offset)
        except (OSError, ValueError) as exc:
            print(f"savefixture: cannot read {ref}: {exc}", file=sys.stderr)
            self.exitcode = 2
            return
        if capture.record_type != "response":
            print(f"savefixture: {ref} is a {capture.record_type} record", file=sys.stderr)
            self.exitcode = 2
            return
        folder = Path(opts.dir) / site / (opts.case or case_name(capture.url))
        if folder.exists() and not opts.force:
            print(f"savefixture: {folder} exists (--force overwrites it)", file=sys.stderr)
            self.exitcode = 2
            return
        page = Page(capture.url, capture.body, capture.headers, capture.status, site, capture.date)
        result = cpu_stage(page, profiles[site])
        if isinstance(result, Skip):
            expected = dict.fromkeys(sorted(EXPECTED_FIELDS))
            print(
                f"savefixture: no article ({result.reason}: {result.detail}); "
                f"fill {folder / 'expected.json'} by hand",
                file=sys.stderr,
            )
            self.exitcode = 1
        else:
            expected = expected_of(result)
        save_case(
            folder,
            capture.url,
            capture.body,
            capture.headers,
            expected,
            capture.status,
            capture.date,
        )
        print(f"{folder}: written; check and fix expected.json by hand")
