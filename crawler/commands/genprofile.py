"""``scrapy genprofile <home URL> [--id ID] [--pages N] [--force]``: draft a site profile from a
portal's home page. Samples the site (``spiders.sampler.SampleSpider``: robots.txt obeyed,
every fetch in the WARC), drafts ``follow``/``articles``/``deny`` and the rest
(``model.draft``), writes ``<SITES_DIR>/<id>.yaml`` once it validates, and prints a
verification table: the sampled articles as the draft extracts them, and the share of list
pages that paginate. Exit status 0 drafted, 1 drafted with something to check, 2 no draft.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.settings import SETTINGS_PRIORITIES

from crawler.status import DONE, DONE_WITH_ERRORS, CommandError, exit_status, fail
from model.items import Page, Skip
from model.profiles import DEFAULT_SITES_DIR, ProfileError, SiteProfile, load_profile
from pipelines import cpu_stage

# the drafting modules (model.draft, spiders.sampler) are imported where used: Scrapy imports
# every command module at the start of every command, a crawl's included (~20 ms)
if TYPE_CHECKING:
    import argparse

    from model.draft.builder import Draft, Sample
    from model.draft.table import Row
    from spiders.sampler import Fetched, SampleSpider

TABLE_ROWS = 8


def _server(headers: list[tuple[str, str]]) -> str:
    return " ".join(v for k, v in headers if k.lower() in ("server", "x-powered-by"))


def _is_html(headers: list[tuple[str, str]], body: bytes) -> bool:
    ctype = next((v for k, v in headers if k.lower() == "content-type"), "").lower()
    if ctype and "html" not in ctype and "xml" not in ctype and "text/plain" not in ctype:
        return False
    return b"<" in body[:4096]


def to_sample(f: Fetched) -> Sample:
    """A fetched page decoded as the extractor decodes it (charset from bytes and headers)."""
    from model.draft.builder import Sample

    if f.body is None or not _is_html(f.headers, f.body):
        return Sample(f.requested, f.url, f.status, None, _server(f.headers))
    # imported here: the extractor's package loads OpenCC and pinyin
    from pipelines.extract.charset import decide, decode

    codec, how = decide(f.body, f.headers)
    return Sample(
        f.requested, f.url, f.status, decode(f.body, codec), _server(f.headers), codec, how
    )


def verify(fetched: list[Fetched], draft: Draft, profile: SiteProfile) -> list[Row]:
    """The sampled article pages as the drafted profile extracts them."""
    from model.draft.table import Row

    rows: list[Row] = []
    articles = [f for f in fetched if f.body is not None and f.status == 200]
    for f in articles:
        if not profile.is_article(f.url) or len(rows) >= TABLE_ROWS:
            continue
        page = Page(f.url, f.body or b"", f.headers, f.status, profile.id, "")
        result = cpu_stage(page, profile)
        if isinstance(result, Skip):
            rows.append(Row(f.url, skipped=f"{result.reason}"))
        else:
            rows.append(
                Row(
                    f.url,
                    title=result.title,
                    published=result.published,
                    author=result.author,
                    source=result.source,
                    editor=result.editor,
                    length=len(result.text or ""),
                )
            )
    return rows


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = True

    def syntax(self) -> str:
        return "<home URL> [--id ID] [--pages N] [--force]"

    def short_desc(self) -> str:
        return "Draft a site profile from a portal's home page"

    def long_desc(self) -> str:
        return (
            "Fetch the home page, robots.txt (obeyed), the sitemaps and feeds it can find and a "
            "bounded sample of pages (into the WARC, like any crawl); cluster the URLs by shape "
            "and the pages by kind (list or article); write <SITES_DIR>/<id>.yaml and print a "
            "verification table of the sampled articles. Check the table before a full crawl."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--id", help="profile id (default: from the host name)")
        parser.add_argument("--pages", type=int, default=40, help="pages to sample (default 40)")
        parser.add_argument("--force", action="store_true", help="overwrite an existing profile")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        if (self.settings.getpriority("LOG_LEVEL") or 0) < SETTINGS_PRIORITIES["cmdline"]:
            self.settings.set("LOG_LEVEL", "WARNING", priority="cmdline")

    @exit_status
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give the portal's home URL")
        home = args[0]
        parts = urlsplit(home)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"not an absolute http(s) URL: {home!r}")
        if not parts.path:
            home += "/"
        if opts.pages < 1:
            raise UsageError("--pages must be at least 1")
        from model.draft.builder import build, site_id, to_yaml
        from model.draft.table import verification_table

        ident = opts.id or site_id(home)
        if not re.fullmatch(r"[a-z0-9_]+", ident):
            raise UsageError(f"--id {ident!r}: use [a-z0-9_]+")
        assert self.settings is not None
        folder = Path(self.settings.get("SITES_DIR") or DEFAULT_SITES_DIR)
        path = folder / f"{ident}.yaml"
        if path.exists() and not opts.force:
            raise CommandError(f"{path} exists (--force overwrites it)")

        spider = self._sample(home, ident, opts.pages)
        fetched = spider.fetched
        home_fetch = next((f for f in fetched if f.requested == home), None)
        if home_fetch is None or home_fetch.status != 200:
            why = "robots.txt disallows it" if not spider.robots.allowed(home) else (
                f"status {home_fetch.status}" if home_fetch and home_fetch.status
                else (home_fetch.reason if home_fetch else "not fetched")
            )  # fmt: skip
            raise CommandError(f"cannot read the home page {home}: {why}; nothing drafted")
        draft = build(
            home,
            [to_sample(f) for f in fetched],
            spider.robots,
            ident=ident,
            sitemaps=spider.sitemaps,
            feeds=spider.feeds,
        )
        if not draft.profile["articles"]:
            raise CommandError(
                f"no article pages recognized among {len(fetched)} sampled pages of {home}; "
                "nothing drafted (try --pages with a larger sample)"
            )
        when = datetime.now(UTC).strftime("%Y-%m-%d")
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(to_yaml(draft, home, when), encoding="utf-8")
        try:
            profile = load_profile(path)
        except ProfileError as exc:
            path.unlink()
            raise CommandError(f"the draft does not validate: {exc}") from None
        rows = verify(fetched, draft, profile)
        print(verification_table(draft, rows, path, len(fetched)))
        failed = [f for f in fetched if f.status == 0 or f.status >= 500]
        problems = list(draft.notes)
        if failed:
            problems.append(f"{len(failed)} fetches failed")
        skipped = [r for r in rows if r.skipped]
        if skipped:
            problems.append(f"{len(skipped)} of {len(rows)} sampled articles not extracted")
        if problems:
            fail(self, f"{path} drafted; check: {'; '.join(problems)}", DONE_WITH_ERRORS)
        else:
            self.exitcode = DONE

    def _sample(self, home: str, ident: str, pages: int) -> SampleSpider:
        from spiders.sampler import SampleSpider

        assert self.crawler_process is not None
        crawler = self.crawler_process.create_crawler(SampleSpider)
        self.crawler_process.crawl(crawler, home=home, pages=pages, name=ident)
        self.crawler_process.start()
        if crawler.spider is None:
            raise CommandError(f"the sample of {home} could not start")
        assert isinstance(crawler.spider, SampleSpider)
        return crawler.spider
