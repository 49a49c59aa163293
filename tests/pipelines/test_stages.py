"""The item pipelines on their own, built with Scrapy's ``get_crawler``: a recorded page of a
site fixture through ExtractPipeline (inline and in a worker process) and StorePipeline into
SQLite, and a page that is no article as a counted skip."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from sqlalchemy import select

from crawler.db.models import ArticleRow
from crawler.extensions.database import Database
from model.fixtures import EXPECTED_FIELDS, iter_cases
from model.items import Article, Page
from pipelines.stages import ExtractPipeline, StorePipeline
from tests.helpers import ROOT

CASES = iter_cases(ROOT / "tests" / "sites")


def run(coro):
    return asyncio.run(coro)


@pytest.mark.parametrize("workers", [-1, 1], ids=["inline", "worker-process"])
def test_extract_pipeline_turns_a_recorded_page_into_its_expected_article(make_crawler, workers):
    case = CASES[0]
    crawler = make_crawler(EXTRACT_WORKERS=workers)
    pipeline = ExtractPipeline.from_crawler(crawler)
    article = run(pipeline.process_item(case.page))
    assert isinstance(article, Article)
    assert {f: getattr(article, f) for f in EXPECTED_FIELDS} == case.expected
    assert article.capture is not None
    assert article.capture["url"] == case.page.url
    assert crawler.stats.get_value("extract/articles") == 1


def test_extract_pipeline_drops_a_page_without_an_article_as_a_counted_skip(make_crawler):
    crawler = make_crawler(EXTRACT_WORKERS=-1)
    pipeline = ExtractPipeline.from_crawler(crawler)
    binary = Page(url="http://county.test/a.html", body=b"\x00\x01PK\x03\x04" * 100)
    with pytest.raises(DropItem, match="no article"):
        run(pipeline.process_item(binary))
    skips = [k for k in crawler.stats.get_stats() if k.startswith("extract/skip/")]
    assert len(skips) == 1
    assert crawler.stats.get_value("extract/articles") is None
    other = object()
    assert run(pipeline.process_item(other)) is other  # not a page: passed through


def test_store_pipeline_stores_once_then_counts_unchanged(make_crawler, tmp_path):
    crawler = make_crawler(EXTRACT_WORKERS=-1)
    extract, store = ExtractPipeline.from_crawler(crawler), StorePipeline.from_crawler(crawler)
    article = run(extract.process_item(CASES[0].page))

    async def twice() -> None:
        await store.process_item(article)
        await store.process_item(article)

    run(twice())
    stats = crawler.stats.get_stats()
    assert (stats.get("store/new"), stats.get("store/unchanged")) == (1, 1)
    assert stats.get("dedup/unique") == 2
    database = crawler.get_extension(Database)
    assert database is not None
    with database.factory() as session:
        rows = session.scalars(select(ArticleRow)).all()
    assert [(r.url, r.title) for r in rows] == [(CASES[0].page.url, CASES[0].expected["title"])]
    assert Path(tmp_path / "articles.db").is_file()
