"""Charset decision: BOM > header > meta > detection; GB family read as gb18030."""

from __future__ import annotations

import codecs

from pipelines.extract.charset import decide, decode, normalize_codec

GBK_PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    "<title>李堃在嵊州调研_嵊州新闻网</title></head><body><p>市领导李堃、张喆等参加活动。</p>"
    "</body></html>"
).encode("gbk")


def test_gb2312_meta_over_gbk_bytes_reads_gb18030_without_replacement():
    codec, how = decide(GBK_PAGE, [])
    assert codec == "gb18030"
    assert how == "meta gb2312"
    text = decode(GBK_PAGE, codec)
    assert "李堃" in text  # 堃 is GBK, not GB2312: a gb2312 decoder would fail here
    assert "\ufffd" not in text


def test_header_only_charset():
    body = "<html><body><p>红安县融媒体中心发布。</p></body></html>".encode("gbk")
    codec, how = decide(body, [("Content-Type", "text/html; charset=GBK")])
    assert codec == "gb18030"
    assert how == "header gbk"
    assert "红安县融媒体中心" in decode(body, codec)


def test_header_wins_over_meta_when_valid():
    body = '<meta charset="gbk"><p>宿豫区</p>'.encode()
    assert decide(body, [("content-type", "text/html; charset=utf-8")])[0] == "utf-8"


def test_bom_wins():
    body = codecs.BOM_UTF8 + '<meta charset="gbk"><p>宿豫区</p>'.encode()
    assert decide(body, [("Content-Type", "text/html; charset=gbk")]) == ("utf-8", "bom")


def test_utf8_declared_on_gbk_bytes_falls_back_to_gb18030():
    body = '<meta charset="utf-8"><p>嵊州新闻网今日嵊州</p>'.encode("gbk")
    codec, how = decide(body, [])
    assert codec == "gb18030"
    assert "utf-8 invalid" in how
    assert "嵊州新闻网" in decode(body, codec)


def test_gb2312_declared_on_utf8_bytes_reads_utf8():
    body = '<meta charset="gb2312"><p>红安网新闻中心发布消息</p>'.encode()
    codec, how = decide(body, [])
    assert codec == "utf-8"
    assert "mis-declared" in how


def test_latin1_header_on_cjk_bytes_is_ignored():
    body = "<p>枣庄日报记者林峰报道</p>".encode("gbk")
    codec, how = decide(body, [("Content-Type", "text/html; charset=ISO-8859-1")])
    assert codec == "gb18030"
    assert "ignored" in how


def test_no_declaration_detects_and_is_deterministic():
    body = ("<p>" + "会议指出，要统筹推进疫情防控和经济社会发展工作。" * 5 + "</p>").encode("gbk")
    first = decide(body, [])
    assert first[0] == "gb18030"
    assert all(decide(body, []) == first for _ in range(3))


def test_normalize_codec_aliases():
    assert normalize_codec("GB_2312-80") == "gb18030"
    assert normalize_codec("x-gbk") == "gb18030"
    assert normalize_codec("UTF8") == "utf-8"
    assert normalize_codec("no-such-charset") is None


def test_decode_replaces_only_as_last_resort():
    assert decode(b"\xff\xfe\x00bad", "ascii")  # never raises
    assert decode("堃".encode("gb18030"), "gb18030") == "堃"


def test_xml_declaration_encoding():
    body = '<?xml version="1.0" encoding="gb2312"?><html><p>盐阜大众报</p></html>'.encode("gbk")
    codec, how = decide(body, [])
    assert (codec, how) == ("gb18030", "meta gb2312")
