"""The local portal simulator: HTTP behaviour, ground truth and the bundled demo profiles."""

from __future__ import annotations

import gzip
import re
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from model.profiles import DEFAULT_SITES_DIR, load_profile, load_profiles
from tests.helpers import running_simulator
from tests.simulator import Simulator, corpus, model
from tests.simulator.corpus import GLOSS_RE, to_simplified
from tests.simulator.server import MISSING_PATH, list_path

HREF_RE = re.compile(r'href="([^"#]+)"')
LOC_RE = re.compile(r"<(?:loc|link)>([^<]+)</(?:loc|link)>")
REAL_SITES = ("shengzhou", "hongan", "suyu", "zaozhuang", "yancheng")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def fetch(url: str, headers: dict[str, str] | None = None, follow: bool = True):  # type: ignore[no-untyped-def]
    """(status, headers, body, final url); HTTP errors are returned, not raised."""
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
            return r.status, r.headers, r.read(), r.url
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read(), url


@pytest.fixture(scope="module")
def sim():  # type: ignore[no-untyped-def]
    with running_simulator() as s:
        yield s


@pytest.fixture(scope="module")
def profiles(sim: Simulator, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("sites")
    return {p.stem: load_profile(p) for p in sim.write_profiles(folder)}


def _decode(body: bytes, headers) -> str:  # type: ignore[no-untyped-def]
    charset = headers.get_content_charset() or "gb18030"
    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return body.decode(charset)


def crawl(sim: Simulator, profile) -> tuple[set[str], list[str]]:  # type: ignore[no-untyped-def]
    """A tiny polite crawler: lists by ``follow``, articles by ``articles``, robots honoured."""
    robots = fetch(urljoin(profile.start_urls[0], "/robots.txt"))[2].decode()
    disallowed = [
        line.split(":", 1)[1].strip() for line in robots.splitlines() if line.startswith("Disallow")
    ]
    queue = [*profile.start_urls, *profile.sitemaps, *profile.feeds]
    seen, articles, missing = set(queue), set(), []
    while queue:
        url = queue.pop()
        status, headers, body, final = fetch(url)
        if profile.is_article(url):
            if status == 200:
                articles.add(final)
            else:
                missing.append(url)
            continue
        text = _decode(body, headers)
        links = [urljoin(url, h.replace("&amp;", "&")) for h in HREF_RE.findall(text)]
        links += LOC_RE.findall(text)
        for link in links:
            if link in seen or any(urlsplit(link).path.startswith(d) for d in disallowed):
                continue
            if profile.is_list(link) or profile.is_article(link):
                seen.add(link)
                queue.append(link)
    return articles, missing


def test_crawl_by_profile_finds_exactly_the_truth(sim: Simulator, profiles) -> None:  # type: ignore[no-untyped-def]
    sim.reset_requests()
    truth_urls = {t["url"] for t in sim.truth()}
    found: set[str] = set()
    for profile in profiles.values():
        articles, missing = crawl(sim, profile)
        found |= articles
        if profile.id == "demo_county":
            assert missing == [profile.start_urls[0].replace("/news/index.html", MISSING_PATH)]
        else:
            assert missing == []
    assert found == truth_urls
    log = sim.requests()
    assert not [u for _, u, _ in log if "/admin/" in u]
    assert not [u for _, u, _ in log if "_print" in u]
    statuses = Counter(status for _, _, status in log)
    assert statuses[301] == 1
    assert statuses[404] == 1


def test_list_pages_paginate_and_link_articles(sim: Simulator) -> None:
    for portal in sim.portals:
        page2 = portal.base_url + list_path(portal.id, 1)
        page3 = portal.base_url + list_path(portal.id, 2)
        status, headers, body, _ = fetch(portal.base_url + list_path(portal.id, 0))
        text = _decode(body, headers)
        assert status == 200
        assert page2.replace("&", "&amp;") in text
        assert page3.replace("&", "&amp;") in text
        newest = [t for t in sim.truth() if t["site"] == portal.id][-1]
        assert newest["url"] in text
        assert fetch(page3)[0] == 200


def test_gbk_page_with_gb2312_meta(sim: Simulator) -> None:
    truth = next(t for t in sim.truth() if t["site"] == "demo_shengzhou")
    status, headers, body, _ = fetch(truth["url"])
    assert status == 200
    assert headers.get_content_charset() is None
    assert b'charset=gb2312"' in body
    html = body.decode("gb18030")
    assert f"<title>{truth['title']}_嵊州新闻网</title>" in html
    assert truth["text"].split("\n")[0] in html
    assert re.search("[堃镕喆]", html)
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")


def test_suyu_charset_only_in_header(sim: Simulator) -> None:
    truth = next(t for t in sim.truth() if t["site"] == "demo_suyu")
    status, headers, body, _ = fetch(truth["url"])
    assert status == 200
    assert headers.get_content_charset() == "gbk"
    assert b"charset" not in body.lower()
    html = body.decode("gbk")
    assert f'<meta name="ArticleTitle" content="{truth["title"]}">' in html
    assert f'<meta name="PubDate" content="{truth["published"][:16].replace("T", " ")}">' in html
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_conditional_get(sim: Simulator) -> None:
    url = sim.truth()[30]["url"]
    status, headers, _, _ = fetch(url)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200
    assert etag
    assert modified
    assert fetch(url, {"If-None-Match": etag})[0] == 304
    assert fetch(url, {"If-None-Match": '"other"'})[0] == 200
    assert fetch(url, {"If-Modified-Since": modified})[0] == 304
    assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2018 00:00:00 GMT"})[0] == 200
    status, headers, body, _ = fetch(url, {"If-None-Match": etag})
    assert body == b""
    assert headers["ETag"] == etag


def test_robots_redirect_missing_and_gzip(sim: Simulator) -> None:
    county = sim.portals[5]
    for portal in sim.portals:
        status, _, body, _ = fetch(portal.base_url + "/robots.txt")
        assert status == 200
        assert "Disallow: /admin/" in body.decode()
    list_html = fetch(county.base_url + "/news/index.html")[2].decode()
    assert "/admin/x.html" in list_html
    oldest = next(t for t in sim.truth() if t["site"] == "demo_county")
    num = oldest["url"].rsplit("/", 1)[1]
    status, headers, _, _ = fetch(f"{county.base_url}/old/{num}", follow=False)
    assert status == 301
    assert headers["Location"] == oldest["url"]
    assert fetch(f"{county.base_url}/old/{num}")[3] == oldest["url"]
    assert fetch(county.base_url + MISSING_PATH)[0] == 404
    zz = next(t for t in sim.truth() if t["site"] == "demo_zaozhuang")
    status, headers, body, _ = fetch(zz["url"], {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    assert zz["title"] in gzip.decompress(body).decode()
    assert fetch(zz["url"])[1]["Content-Encoding"] is None


def test_truth_fields(sim: Simulator) -> None:
    truth = sim.truth()
    assert len(truth) == 6 * 24
    assert Counter(t["site"] for t in truth) == {p.id: 24 for p in sim.portals}
    for t in truth:
        if t["site"] == "demo_county":
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", t["published"])
        else:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00", t["published"])
        assert 4 <= len(t["text"].split("\n")) <= 10
        assert not GLOSS_RE.search(t["text"])
        assert to_simplified(t["text"]) == t["text"]
        assert "记者" not in (t["author"] or "")
    yancheng = [t for t in truth if t["site"] == "demo_yancheng"]
    assert all(
        t["script"] == "traditional" and GLOSS_RE.search(t["text_original"]) for t in yancheng
    )
    assert all(t["text_original"] is None for t in truth if t["site"] != "demo_yancheng")
    yancheng_text = "\n".join(t["text"] for t in yancheng)
    assert "(WTO)" in yancheng_text
    assert "(记者 " in yancheng_text
    assert "(記者 " in "\n".join(t["text_original"] for t in yancheng)
    stories = Counter(t["story"] for t in truth)
    syndicated = {s for s, n in stories.items() if n > 1}
    assert syndicated
    assert max(stories.values()) <= 4
    for story in syndicated:
        kinds = [t["duplicate_kind"] for t in truth if t["story"] == story]
        assert kinds.count(None) == 1
        assert kinds.count("near") == len(kinds) - 1
    assert any(t["author"] is None for t in truth if t["site"] == "demo_suyu")


def test_profiles_match_truth_and_not_lists(sim: Simulator, profiles) -> None:  # type: ignore[no-untyped-def]
    for truth in sim.truth():
        assert profiles[truth["site"]].is_article(truth["url"])
    for portal in sim.portals:
        profile = profiles[portal.id]
        for page in range(3):
            url = portal.base_url + list_path(portal.id, page)
            assert profile.is_list(url)
            assert not profile.is_article(url)
            other = sim.portals[(sim.portals.index(portal) + 1) % 6]
            assert not profiles[other.id].is_list(url)
        assert profile.is_denied(portal.base_url + "/admin/x.html")
    shengzhou = next(t["url"] for t in sim.truth() if t["site"] == "demo_shengzhou")
    assert not profiles["demo_shengzhou"].is_article(shengzhou.replace(".shtml", "_print.shtml"))


def test_bundled_demo_profiles_equal_write_profiles(tmp_path: Path) -> None:
    written = Simulator(base_port=8800).write_profiles(tmp_path)
    assert len(written) == 6
    for path in written:
        assert (DEFAULT_SITES_DIR / path.name).read_text(encoding="utf-8") == path.read_text(
            encoding="utf-8"
        )


def test_every_bundled_profile_loads() -> None:
    profiles = load_profiles(DEFAULT_SITES_DIR)
    assert set(REAL_SITES) <= set(profiles)
    assert {
        f"demo_{s}" for s in ("shengzhou", "hongan", "suyu", "zaozhuang", "yancheng", "county")
    } <= set(profiles)
    for site in REAL_SITES:
        first = (DEFAULT_SITES_DIR / f"{site}.yaml").read_text(encoding="utf-8").splitlines()[0]
        assert (
            first
            == "# NOT YET VERIFIED against the live site: written from public URL conventions."
        )


def test_pages_offline_and_deterministic() -> None:
    a, b = Simulator(seed=7), Simulator(seed=7)
    assert a.truth() == b.truth()
    assert a.truth() != Simulator(seed=8).truth()
    pages = list(a.pages())
    assert len(pages) == len(a.truth())
    for url, headers, body, truth in pages:
        assert url == truth["url"]
        codec = {"demo_shengzhou": "gb18030", "demo_suyu": "gbk"}.get(truth["site"], "utf-8")
        html = body.decode(codec)
        served = (truth["text_original"] or truth["text"]).split("\n")
        assert all(paragraph in html for paragraph in served)
        if truth["script"] == "traditional":
            assert "相關閱讀" in html
            assert "相关阅读" not in html
        assert any(k == "ETag" for k, _ in headers)
    with_print = Simulator(seed=7, print_variants=True).truth()
    exact = [t for t in with_print if t["duplicate_kind"] == "exact"]
    assert len(exact) == 24
    assert all(t["url"].endswith("_print.shtml") for t in exact)


def test_add_and_edit_articles() -> None:
    with running_simulator(articles_per_portal=12) as s:
        before = len(s.truth())
        before_etag = fetch(s.truth()[3]["url"])[1]["ETag"]
        added = s.add_articles(2)
        assert len(added) == 12
        assert len(s.truth()) == before + 12
        for portal in s.portals:
            _, headers, body, _ = fetch(portal.base_url + list_path(portal.id, 0))
            text = _decode(body, headers)
            newest = [t for t in added if t["site"] == portal.id][-1]
            assert newest["url"] in text.split('class="newslist"')[1][:600]
        assert added[-3]["url"] in fetch(s.portals[4].base_url + "/sitemap.xml")[2].decode()
        assert added[-1]["url"] in fetch(s.portals[5].base_url + "/rss.xml")[2].decode()
        url = s.truth()[3]["url"]
        status, headers, _, _ = fetch(url)
        assert fetch(url, {"If-None-Match": before_etag})[0] == 304  # unchanged by new articles
        old_etag, old_modified = headers["ETag"], headers["Last-Modified"]
        old_text = s.truth()[3]["text"]
        edited = s.edit_article(url)
        assert edited["text"] != old_text
        assert edited["url"] == url
        status, headers, body, _ = fetch(url, {"If-None-Match": old_etag})
        assert status == 200
        assert headers["ETag"] != old_etag
        assert fetch(url, {"If-Modified-Since": old_modified})[0] == 200
        assert edited["text"].split("\n")[-1] in body.decode("gb18030")
        s.reset_requests()
        fetch(url)
        assert s.requests() == [("GET", url, 200)]


def test_traditional_truth_is_the_generated_simplified_text() -> None:
    # a truth made by converting the served traditional text back (OpenCC t2s, as
    # pipelines/normalize does) keeps round-trip leftovers such as 著 and grades normalize by itself
    pool = set(corpus.sentences())
    yancheng = [t for t in Simulator(seed=1).truth() if t["site"] == "demo_yancheng"]
    assert yancheng
    for truth in yancheng:
        for paragraph in truth["text"].split("\n"):
            paragraph = re.sub(r"\(记者 [^)]+\)$", "", paragraph)
            if paragraph == model._WTO or any(n in paragraph for n in corpus.RARE_NAMES):
                continue  # the two sentences the generator writes itself
            sentences = corpus.SENTENCE_RE.findall(paragraph)
            assert sentences, paragraph
            assert all(s in pool for s in sentences), (truth["url"], paragraph)
