"""A Hanweb JCMS (大汉) portal: its column pages hold the article list in a
``<script type="text/xml">`` datastore, and each group of records links the next one through
``/module/web/jpage/dataproxy.jsp``. A profile with ``follow``/``articles`` only crawls every
article, from a real HTTP server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.helpers import FAST, scrapy

ARTICLES = 8
GROUPS = [[1, 2, 3], [4, 5, 6], [7, 8]]  # the column page, then two dataproxy answers
PROXY = "/module/web/jpage/dataproxy.jsp?page={page}&webid=3&path=/&columnid=77&unitid=901"


def article_path(n: int) -> str:
    return f"/art/2020/3/{n}/art_77_{1000 + n}.html"


def datastore(group: int) -> str:
    records = "".join(
        f'<record><![CDATA[<li><a href="{article_path(n)}" target="_blank">第{n}条新闻</a>'
        f"<span>2020-03-0{n % 9 + 1}</span></li>]]></record>\n"
        for n in GROUPS[group]
    )
    following = PROXY.format(page=group + 1) if group + 1 < len(GROUPS) else ""
    link = f'<a href="{following.replace("&", "&amp;")}"></a>' if following else ""
    return (f"<datastore><nextgroup><![CDATA[{link}]]></nextgroup>"
            f"<recordset>{records}</recordset></datastore>")  # fmt: skip


def article(n: int) -> str:
    body = "".join(f"<p>第{n}条新闻的第{k}段正文,县里召开了会议,部署了工作。</p>" for k in range(4))
    return (
        f"<html><head><meta charset='utf-8'><title>第{n}条新闻_某县人民政府</title></head><body>"
        f"<div class='nav'><a href='/'>首页</a><a href='/col/col77/index.html'>县政要闻</a></div>"
        f"<h1>第{n}条新闻</h1><div class='info'>发布日期:2020-03-0{n % 9 + 1} 来源:县政府办</div>"
        f"<div id='zoom'>{body}</div></body></html>"
    )


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/robots.txt":
            page = "User-agent: *\nDisallow: /admin/\n"
        elif parts.path == "/":
            page = "<html><body><a href='/col/col77/index.html'>县政要闻</a></body></html>"
        elif parts.path == "/col/col77/index.html":
            page = (f"<html><head><meta charset='utf-8'></head><body><div id='901'>"
                    f"<script type='text/xml'>{datastore(0)}</script>"
                    "<script src='/module/web/jpage/jpage.js'></script></div></body></html>")  # fmt: skip
        elif parts.path == "/module/web/jpage/dataproxy.jsp":
            page = datastore(int(parse_qs(parts.query)["page"][0]))
        elif parts.path in {article_path(n) for n in range(1, ARTICLES + 1)}:
            page = article(int(parts.path.rsplit("_", 1)[1].split(".")[0]) - 1000)
        else:
            self.send_error(404)
            return
        body = page.encode("utf-8")
        self.send_response(200)
        kind = "text/xml" if "dataproxy" in parts.path else "text/html"
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_hanweb_portal_is_crawled_through_its_datastore_groups(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        sites = tmp_path / "sites"
        sites.mkdir()
        (sites / "hanweb.yaml").write_text(
            "id: hanweb\nname: 某县人民政府\n"
            f'start_urls: ["{base}/"]\n'
            "follow: ['/col/col\\d+/index\\.html$']\n"
            "articles: ['/art/\\d{4}/\\d{1,2}/\\d{1,2}/art_\\d+_\\d+\\.html$']\n",
            encoding="utf-8",
        )
        env = {"DATA_DIR": str(tmp_path / "data"), "SITES_DIR": str(sites)}
        crawl = scrapy("crawl", "hanweb", *FAST, env=env)
        out = tmp_path / "articles.jsonl"
        scrapy("export", "-o", str(out), env=env)
    finally:
        server.shutdown()
        server.server_close()
    exported = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sorted(a["url"] for a in exported) == sorted(
        f"{base}{article_path(n)}" for n in range(1, ARTICLES + 1)
    ), crawl.stderr[-3000:]
    assert {a["title"] for a in exported} == {f"第{n}条新闻" for n in range(1, ARTICLES + 1)}
    assert "'spider/list_pages': 3" in crawl.stderr  # the column page and two groups
