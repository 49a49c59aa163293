"""extract(): whole pages -> Article | Skip; never raises; profile selectors override."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.items import Article, Page, Skip
from model.profiles import Selectors, SiteProfile
from pipelines.extract import EXTRACTOR_VERSION, article_id, extract
from tests.helpers import ROOT

# the shared real corpus, beside the project folder (../shared from the project root)
CORPUS = ROOT.parent / "shared" / "corpus" / "real"
URL = "http://127.0.0.1:8801/system/2020/02/25/032265361.shtml"
PARAS = [
    "昨日下午，市委常委会会议暨市疫情防控工作领导小组（扩大）会议召开，传达学习贯彻中央精神。",
    "会议指出，习近平总书记的重要讲话深刻分析了当前疫情形势和对经济社会发展的影响。",
    "会议强调，要坚持问题导向，针对工作中暴露出的问题和短板，有针对性地研究解决。",
    "市领导李堃、张喆等参加会议。",
]
ARTICLE_HTML = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    "<title>市委常委会会议召开_嵊州新闻网</title></head><body>"
    '<div class="nav"><a href="/">首 页</a> | <a href="/n">新闻频道</a> | <a href="/z">今日嵊州</a></div>'
    "<h1>市委常委会会议召开</h1>"
    '<div class="info">来源:嵊州新闻网-今日嵊州 作者:记者 金斌 2020年02月25日08:43:34</div>'
    '<div class="content">' + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>"
    '<div class="editor">编辑:何东铭</div>'
    '<div class="share">分享到：微信 微博 【打印本页】【关闭窗口】</div>'
    '<div class="related"><h3>相关阅读</h3><ul><li><a href="/1">复工复产有序推进</a></li>'
    '<li><a href="/2">疫情防控取得阶段性重要成果</a></li></ul></div>'
    '<div class="footer">版权所有 嵊州新闻网 浙ICP备05000000号</div>'
    "</body></html>"
).encode("gbk")


def _page(body: bytes, url: str = URL, headers=None) -> Page:
    return Page(
        url=url,
        body=body,
        headers=headers or [("Content-Type", "text/html")],
        site="demo_shengzhou",
        fetched="2020-02-25T09:00:00Z",
        warc={"file": "a.warc.gz", "offset": 0, "length": 10},
    )


def test_full_article():
    art = extract(_page(ARTICLE_HTML), None)
    assert isinstance(art, Article)
    assert art.id == "055e1f6d310cdf8b"  # sha1(URL)[:16], pinned: ids must never change
    assert art.title == "市委常委会会议召开"
    assert art.published == "2020-02-25T08:43:34+08:00"
    assert (art.author, art.source, art.editor) == ("金斌", "嵊州新闻网-今日嵊州", "何东铭")
    assert art.text == "\n".join(PARAS)
    assert art.charset == "gb18030 (meta gb2312)"
    assert art.extractor_version == EXTRACTOR_VERSION
    assert (art.site, art.fetched, art.warc["file"]) == (
        "demo_shengzhou",
        "2020-02-25T09:00:00Z",
        "a.warc.gz",
    )
    assert art.flags == []


@pytest.mark.parametrize(
    ("url", "known"),
    [
        (URL, "055e1f6d310cdf8b"),
        ("http://xw.example.test/新闻/2020/1.html?id=3", "5255d525f0fcf3a7"),
    ],
)
def test_article_ids_are_pinned(url, known):
    # stable across replays and versions: an export's ids must never change
    assert article_id(url) == known


def test_same_page_twice_gives_same_article():
    # trafilatura's process-wide dedup cache once emptied the second copy of a text
    first, second = extract(_page(ARTICLE_HTML), None), extract(_page(ARTICLE_HTML), None)
    assert isinstance(second, Article)
    assert first.text == second.text


def test_no_date_flag():
    html = ARTICLE_HTML.replace("2020年02月25日08:43:34".encode("gbk"), b"")
    art = extract(_page(html, url="http://x.test/news/show.php?id=3"), None)
    assert art.published is None
    assert "no_date" in art.flags


def test_selector_override():
    profile = SiteProfile(
        id="demo_shengzhou",
        name="嵊州新闻网",
        start_urls=("http://127.0.0.1:8801/",),
        articles=(r"/system/",),
        selectors=Selectors(
            title="div.nav",
            body="div.content",
            author="//div[@class='editor']",
            published="div.footer",
        ),
    )
    html = ARTICLE_HTML.replace("版权所有".encode("gbk"), "2021-01-02 03:04 版权所有".encode("gbk"))
    art = extract(_page(html), profile)
    assert art.title == "首 页 | 新闻频道 | 今日嵊州"
    assert art.text == "\n".join(PARAS)
    assert art.published == "2021-01-02T03:04:00+08:00"
    assert art.author == "何东铭"


def test_profile_encoding_override():
    profile = SiteProfile(
        id="x", name="x", start_urls=("http://x.test/",), articles=("x",), encoding="gbk"
    )
    body = ARTICLE_HTML.replace(b"charset=gb2312", b"charset=utf-8")
    art = extract(_page(body), profile)
    assert art.charset.startswith("gb18030")
    assert "李堃" in art.text


@pytest.mark.parametrize(
    ("body", "headers", "reason"),
    [
        (b"", None, "empty_body"),
        (b"   \n ", None, "empty_body"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), None, "binary_body"),
        (b"<html><body>\x00\x00\x00<p>x</p></body></html>", None, "binary_body"),
        (b'{"code": 0, "data": []}', [("Content-Type", "application/json")], "not_html"),
        (b"plain words, no markup at all", [("Content-Type", "text/plain")], "not_html"),
        (b"<html><body><p>\xe7\x9f\xad</p></body></html>", None, "no_text"),
    ],
)
def test_skips(body, headers, reason):
    result = extract(_page(body, headers=headers), None)
    assert isinstance(result, Skip)
    assert result.reason == reason
    assert result.url == URL


def test_too_large_is_skipped():
    result = extract(_page(ARTICLE_HTML), None, max_bytes=1000)
    assert isinstance(result, Skip)
    assert result.reason == "too_large"


def test_ten_megabyte_page_finishes():
    filler = "".join(f"<div><a href='/{i}'>链接{i}</a></div>" for i in range(260_000))
    body = ARTICLE_HTML.replace(b"</body>", filler.encode("gbk") + b"</body>")
    assert len(body) > 10_000_000
    result = extract(_page(body), None)
    assert isinstance(result, Article)
    assert result.title == "市委常委会会议召开"
    assert result.text == "\n".join(PARAS)


def test_unexpected_error_becomes_skip():
    page = _page(ARTICLE_HTML)
    page.headers = None  # type: ignore[assignment]  # broken input must not raise
    result = extract(page, None)
    assert isinstance(result, Skip)
    assert result.reason == "error"
    assert "TypeError" in result.detail


def _corpus_files() -> list[Path]:
    files = sorted(CORPUS.glob("cwced/original/*.html")) + sorted(CORPUS.glob("gne_tests/*.html"))
    files += sorted(CORPUS.glob("trafilatura_eval/eval/*.html"))
    return files + sorted((CORPUS / "daniel_waddle" / "html").glob("*"))


def test_corpus_pages_never_raise_and_yield_articles():
    files = _corpus_files()
    if not files:
        pytest.skip(f"the shared corpus {CORPUS} is absent or holds no page")
    skipped = []
    for path in files:
        result = extract(_page(path.read_bytes(), url=f"http://corpus.test/{path.name}"), None)
        if isinstance(result, Skip):  # the skip list below fails on any other skip, errors too
            skipped.append((path.name, result.reason))
            continue
        assert result.text, path
        assert "\ufffd" not in (result.title or ""), path
    # gov.cn loads that article's body with JavaScript: the HTML holds only the menu
    assert skipped == [("other_1.html", "no_text")]


def test_utf16_page_with_bom():
    html = ARTICLE_HTML.decode("gbk").replace("charset=gb2312", "charset=utf-16")
    art = extract(_page(html.encode("utf-16")), None)
    assert isinstance(art, Article)
    assert art.charset == "utf-16 (bom)"
    assert art.title == "市委常委会会议召开"
