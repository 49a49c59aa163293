"""The README's pywb route, run as written (plus ``-p`` with a free port): ``scrapy wayback``
replays a crawled article, and after a refresh, whose newest capture of the unchanged article
is a 304 revisit, still shows the article's content."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from archive.records import ascii_url
from tests.helpers import FAST, ROOT, SCRAPY, free_base_port, scrapy
from tests.pywb import free_port, get_full, stop, wait_for_port
from tests.simulator import Simulator


def readme_command() -> list[str]:
    """The pywb command of the README's "Archives for other tools" section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Archives for other tools", 1)[1].split("\n### ", 1)[0]
    block = re.search(r"```sh\n(.+?)\n```", section, re.DOTALL)
    assert block, "the README gives no pywb command"
    words = block.group(1).split()
    assert words[:2] == ["scrapy", "wayback"], block.group(1)
    return words[2:]


def text_of(body: bytes) -> str:
    """A page's text (the portals serve UTF-8 or GBK)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("gb18030")


def timestamp(headers: dict[str, str]) -> str:
    link = headers["Link"]
    return re.search(r"/(\d{14})mp_/", link).group(1)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One simulator portal crawled into a fresh DATA_DIR."""
    root = tmp_path_factory.mktemp("wayback")
    with Simulator(base_port=free_base_port()) as sim:
        sites = root / "sites"
        sim.write_profiles(sites)
        portal = sim.portals[0]
        for path in sites.glob("*.yaml"):
            if path.stem != portal.id:
                path.unlink()
        env = {"DATA_DIR": str(root / "data"), "SITES_DIR": str(sites)}
        scrapy("crawl", portal.id, *FAST, env=env)
        out = root / "a.jsonl"
        scrapy("export", "-o", str(out), env=env)
        article = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
        yield {"sim": sim, "env": env, "portal": portal, "article": article, "root": root}


def test_readme_wayback_replays_an_article_before_and_after_a_refresh(site):
    port = free_port()
    env = {**os.environ, **site["env"]}
    log_path = site["root"] / "wayback.log"
    url = ascii_url(site["article"]["url"])
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [*SCRAPY, "wayback", *readme_command(), "-p", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=log,
        )  # fmt: skip
        try:
            wait_for_port(proc, port, log_path)
            base = f"http://127.0.0.1:{port}/county"
            status, headers, body = get_full(f"{base}/id_/{url}")
            assert status == 200, body[:500]
            crawled_at = timestamp(headers)
            page = text_of(body)
            assert site["article"]["title"] in page

            # a refresh while the server runs: the unchanged article answers 304
            scrapy("refresh", site["portal"].id, *FAST, env=site["env"])
            index = (site["root"] / "data" / "index.cdxj").read_text(encoding="utf-8")
            revisit = f'"url": "{url}", "mime": "warc/revisit", "status": "304"'
            assert revisit in index
            status, headers, body = get_full(f"{base}/id_/{url}")
            assert status == 200, body[:500]
            refreshed_at = timestamp(headers)
            assert refreshed_at > crawled_at, "the newest capture is the refresh's revisit"
            assert text_of(body) == page
            # and in the page a browser gets (rewritten, inside pywb's frame)
            status, _, framed = get_full(f"{base}/{refreshed_at}mp_/{url}")
            assert status == 200
            assert site["article"]["title"] in text_of(framed)
        finally:
            stop(proc)
    assert "Traceback" not in log_path.read_text(errors="replace")
