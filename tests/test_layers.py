"""STYLE.md "Scrapy only at the edges": every module that turns bytes into articles imports
neither Scrapy nor Twisted, and the CPU stage runs on a Page with Scrapy blocked."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT

PURE = [
    "crawler.items", "crawler.profiles", "archive", "archive.reader", "archive.writer",
    "archive.recovery", "archive.cdxj", "archive.wacz", "archive.parse", "pipelines", "pipelines.extract", "pipelines.extract.body",
    "pipelines.extract.charset", "pipelines.extract.dates", "pipelines.extract.people",
    "pipelines.extract.title", "pipelines.normalize", "pipelines.dedup.hashing",
    "pipelines.dedup.canonical",
]  # fmt: skip
SCRIPT = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("scrapy", "twisted"):
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
import importlib
for name in {modules!r}:
    importlib.import_module(name)
from crawler.items import Article, Page
from pipelines import cpu_stage
html = "<html><head><title>标题_测试网</title></head><body><h1>标题</h1>" + (
    "<p>" + "县里召开会议部署春耕生产工作，要求各乡镇抓好落实。" * 4 + "</p>") * 5 + "</body></html>"
result = cpu_stage(Page(url="http://a.test/2020/0323/1.html", body=html.encode()), None)
assert isinstance(result, Article), result
assert result.minhash and result.content_hash
print("ok")
"""


def test_pure_layers_import_and_run_without_scrapy_or_twisted():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(modules=PURE)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "ok"
