from __future__ import annotations

import hashlib
import json
import zipfile

from archive.records import HttpResponseData
from archive.wacz import package_wacz, validate_wacz
from tests.archive.factory import gzip_response, make_writer, plain_response, request


def make_warcs(tmp_path):
    w = make_writer(tmp_path / "warc", max_size=1200)
    w.write_exchange(request(), gzip_response())
    w.write_exchange(
        request("http://example.test/b.shtml"),
        plain_response("http://example.test/b.shtml", b"<html>b</html>" * 50),
    )
    w.write_exchange(
        request("http://example.test/logo.png"),
        HttpResponseData(
            "http://example.test/logo.png", 200, [("Content-Type", "image/png")], b"\x89PNG"
        ),
    )
    w.close()
    return w


def check_wacz(path, expected_pages: set[str]) -> None:
    ok, output = validate_wacz(path)
    assert ok, output
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert "pages/pages.jsonl" in names
        assert any(n.startswith("indexes/") for n in names)
        for info in zf.infolist():
            if info.filename.startswith("archive/"):
                assert info.compress_type == zipfile.ZIP_STORED
        package = json.loads(zf.read("datapackage.json"))
        assert package["profile"] == "data-package"
        assert package["wacz_version"] == "1.1.1"
        for res in package["resources"]:
            data = zf.read(res["path"])
            assert res["bytes"] == len(data)
            assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        lines = [json.loads(x) for x in zf.read("pages/pages.jsonl").splitlines()]
    assert lines[0]["format"] == "json-pages-1.0"
    assert {p["url"] for p in lines[1:]} == expected_pages
    assert all(p["ts"].endswith("Z") for p in lines[1:])


def test_wacz_default_pages_are_html_responses(tmp_path):
    w = make_warcs(tmp_path)
    assert len(w.files) > 1
    out = package_wacz([tmp_path / "warc"], tmp_path / "out.wacz")
    url = "http://example.test/%E6%96%B0%E9%97%BB/2020/02/25/1.shtml?%E6%A0%8F%E7%9B%AE=%E8%A6%81%E9%97%BB"
    check_wacz(out, {url, "http://example.test/b.shtml"})


def test_wacz_given_pages_and_no_pages(tmp_path):
    w = make_warcs(tmp_path)
    pages = [{"url": "http://example.test/b.shtml", "ts": "2020-02-25T01:00:04Z", "title": "B"}]
    check_wacz(
        package_wacz(w.files, tmp_path / "a.wacz", pages=pages), {"http://example.test/b.shtml"}
    )
    check_wacz(package_wacz(w.files, tmp_path / "b.wacz", pages=[]), set())
