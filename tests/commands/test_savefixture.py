"""``scrapy savefixture <id> <warc>:<offset>``: a WARC response becomes a fixture folder."""

from __future__ import annotations

import json

from model.fixtures import load_case
from tests.archive.factory import gzip_response, make_writer, plain_response, request
from tests.helpers import scrapy

URL = "http://127.0.0.1:8803/xwzx/202010/t20201020_3456789.html"
HTML = (
    "<html><head><title>宿豫区召开疫情防控工作会议_宿豫区人民政府</title></head><body>"
    '<div class="nav"><a href="/">首页</a></div><h1>宿豫区召开疫情防控工作会议</h1>'
    "<div>发布日期：2020-10-20　来源：宿豫区融媒体中心　作者：王芳</div>"
    '<div class="TRS_Editor"><p>10月20日，宿豫区召开疫情防控工作会议，部署下一阶段工作。</p></div>'
    "</body></html>"
)


def _warc(tmp_path, body: bytes, url: str = URL):
    with make_writer(tmp_path / "warc") as writer:
        ref = writer.write_exchange(request(url), plain_response(url, body))
    return tmp_path / "warc" / ref.file, ref.offset


def test_saves_response_body_and_prefilled_expected(tmp_path):
    body = HTML.encode("gbk")
    warc, offset = _warc(tmp_path, body)
    out = tmp_path / "sites"
    result = scrapy("savefixture", "demo_suyu", f"{warc}:{offset}", "--dir", str(out))
    assert "check and fix expected.json by hand" in result.stdout
    case = load_case(out / "demo_suyu" / "article-t20201020_3456789")
    assert case.page.body == body  # the bytes as served, GBK kept
    assert case.page.url == URL
    assert ("Content-Type", "text/html; charset=gbk") in case.page.headers
    raw = (case.folder / "expected.json").read_text(encoding="utf-8")
    assert list(json.loads(raw)) == sorted(json.loads(raw))
    assert case.expected["title"] == "宿豫区召开疫情防控工作会议"
    assert case.expected["author"] == "王芳"
    assert case.expected["text"] == "10月20日，宿豫区召开疫情防控工作会议，部署下一阶段工作。"
    again = scrapy("savefixture", "demo_suyu", f"{warc}:{offset}", "--dir", str(out), check=False)
    assert again.returncode == 2
    assert "exists" in again.stderr


def test_content_encoding_is_undone_in_body(tmp_path):
    with make_writer(tmp_path / "warc") as writer:
        ref = writer.write_exchange(request(URL), gzip_response(URL, HTML))
    out = tmp_path / "sites"
    scrapy("savefixture", "demo_suyu", f"{tmp_path / 'warc' / ref.file}:{ref.offset}",
           "--dir", str(out), "--case", "gz")  # fmt: skip
    assert (out / "demo_suyu" / "gz" / "body.html").read_bytes() == HTML.encode("utf-8")


def test_page_without_article_is_written_for_hand_filling_and_exit_1(tmp_path):
    warc, offset = _warc(tmp_path, b"<html><body><p>x</p></body></html>")
    out = tmp_path / "sites"
    result = scrapy("savefixture", "demo_suyu", f"{warc}:{offset}", "--dir", str(out), check=False)
    assert result.returncode == 1
    assert "by hand" in result.stderr
    expected = json.loads(next(out.glob("demo_suyu/*/expected.json")).read_text(encoding="utf-8"))
    assert set(expected.values()) == {None}


def test_bad_usage_exits_2_with_one_line(tmp_path):
    warc, offset = _warc(tmp_path, HTML.encode("utf-8"))
    for args in (
        ("no_such_site", f"{warc}:{offset}"),
        ("demo_suyu", str(warc)),
        ("demo_suyu", f"{warc}:{offset + 1}"),
        ("demo_suyu", f"{tmp_path / 'missing.warc.gz'}:0"),
    ):
        result = scrapy("savefixture", *args, "--dir", str(tmp_path / "s"), check=False)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
