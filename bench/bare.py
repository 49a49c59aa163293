"""The baseline of ``bench.crawl``: a bare Scrapy ``CrawlSpider`` over one portal, driven by the
same profile's regexes, with Scrapy's defaults (no item pipelines, no WARC, no database).

    python -m bench.bare <profile.yaml> [-s NAME=VALUE ...]

Run outside the project's settings (``CrawlerProcess`` with plain ``Settings``), one process per
portal, as ``scrapy crawl`` is; the stats dump at the end is what ``bench.crawl`` reads.
"""

from __future__ import annotations

import sys
from typing import Any

import yaml
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.settings import Settings
from scrapy.spiders import CrawlSpider, Rule


def spider_for(profile: dict[str, Any]) -> type[CrawlSpider]:
    """A CrawlSpider: follow list pages, call back on article pages, as the profile says."""
    deny = profile.get("deny") or []

    class BareSpider(CrawlSpider):
        name = profile["id"]
        start_urls = profile["start_urls"]
        rules = (
            Rule(LinkExtractor(allow=profile["articles"], deny=deny), callback="parse_article"),
            Rule(LinkExtractor(allow=profile["follow"], deny=deny), follow=True),
        )

        def parse_article(self, response: Any) -> Any:
            yield {"url": response.url, "title": response.css("title::text").get()}

    return BareSpider


def main(argv: list[str]) -> None:
    path, rest = argv[0], argv[1:]
    with open(path, encoding="utf-8") as handle:
        profile = yaml.safe_load(handle)
    settings = Settings({"ROBOTSTXT_OBEY": True, "LOG_LEVEL": "INFO"})
    while rest:
        flag, pair, *rest = rest
        assert flag == "-s", f"unexpected argument {flag!r}"
        name, value = pair.split("=", 1)
        settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(spider_for(profile))
    process.start()


if __name__ == "__main__":
    main(sys.argv[1:])
