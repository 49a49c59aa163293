"""The template fuzzer (tests/simulator/templates): determinism, the split, truth and coverage."""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from pathlib import Path

import lxml.html
import pytest

from tests.simulator.corpus import GLOSS_RE, strip_glosses
from tests.simulator.templates import FuzzPage, pages, templates
from tests.simulator.templates.__main__ import main as dump_main
from tests.simulator.templates.context import converter
from tests.simulator.templates.page import render
from tests.simulator.templates.spec import AXES, PAGES_PER_TEMPLATE, RESERVED, TEMPLATE_COUNT

ROLE_WORDS = ("记者", "通讯员", "文/", "图/", "摄影", "撰稿", "作者", " 发")
ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}\+08:00)?")


def _components(page: FuzzPage) -> dict[str, str]:
    return dict(c.split(":", 1) for c in page.truth["components"] if not c.startswith("page:"))


def _codec(page: FuzzPage) -> str:
    """The codec a browser picks: BOM, then the header's charset, then the meta's."""
    if page.body.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    declared = re.search(r"charset=([\w-]+)", dict(page.headers)["Content-Type"])
    if not declared:
        declared = re.search(rb'charset="?([\w-]+)', page.body[:2000])
    if not declared:
        return "gb18030" if _components(page)["charset"].startswith("gbk") else "utf-8"
    name = declared.group(1)
    name = name.decode() if isinstance(name, bytes) else name
    return "gb18030" if name.lower() in ("gbk", "gb2312", "gb18030") else name


def _served(page: FuzzPage, text: str) -> str:
    script = _components(page)["script"]
    return text if script == "simplified" else converter(script).convert(text)


@pytest.fixture(scope="module")
def sample() -> list[FuzzPage]:
    """Two pages of every template of both splits."""
    return [
        *pages("tune", 2 * TEMPLATE_COUNT["tune"]),
        *pages("score", 2 * TEMPLATE_COUNT["score"]),
    ]


def test_same_seed_same_bytes() -> None:
    tpl = templates("tune")[7]
    a, b = render(tpl, 3), render(tpl, 3)
    assert a.body == b.body
    assert a.truth == b.truth
    assert a.headers == b.headers
    assert render(tpl, 4).body != a.body
    assert render(templates("tune")[8], 3).body != a.body
    first = [p.body for p in pages("score", 5)]
    assert first == [p.body for p in pages("score", 5)]


def test_split_sizes_and_disjoint_templates() -> None:
    tune, score = templates("tune"), templates("score")
    assert len(tune) + len(score) >= 200
    assert len(score) >= 100
    assert len(score) * PAGES_PER_TEMPLATE >= 1000
    fresh = templates("fresh")
    assert len(fresh) * PAGES_PER_TEMPLATE >= 1000
    ids = [{t.id for t in split} for split in (tune, score, fresh)]
    assert len(ids[0] | ids[1] | ids[2]) == sum(map(len, ids))
    choices = [{tuple(t.choice.items()) for t in split} for split in (tune, score, fresh)]
    assert not choices[0] & choices[1]
    assert not choices[0] & choices[2]
    for t in tune:  # the reserved variants never reach the tune split
        assert not [a for a, v in t.choice.items() if v in RESERVED.get(a, ())], t.id
    used = Counter(f"{a}:{v}" for t in score for a, v in t.choice.items())
    for axis, values in RESERVED.items():
        for value in values:
            assert used[f"{axis}:{value}"] >= 10, f"{axis}:{value}"
    with pytest.raises(ValueError, match="unknown split"):
        templates("train")


def test_split_hosts_disjoint(sample: list[FuzzPage]) -> None:
    hosts = {
        split: {p.url.split("/")[2] for p in sample if p.truth["split"] == split}
        for split in TEMPLATE_COUNT
    }
    assert not hosts["tune"] & hosts["score"]


def test_every_variant_is_covered() -> None:
    for split in TEMPLATE_COUNT:
        tpls = templates(split)
        used = Counter(f"{a}:{v}" for t in tpls for a, v in t.choice.items())
        for axis, values in AXES.items():
            for value in values:
                if split == "tune" and value in RESERVED.get(axis, ()):
                    continue
                n_templates = used[f"{axis}:{value}"]
                if axis == "gloss":  # only traditional templates gloss
                    n_templates = sum(1 for t in tpls if t.traditional and t.choice[axis] == value)
                assert n_templates * PAGES_PER_TEMPLATE >= 30, f"{split} {axis}:{value}"


def test_page_level_variety(sample: list[FuzzPage]) -> None:
    facts = Counter(c for p in sample for c in p.truth["components"] if c.startswith("page:"))
    for kind in ("one", "few", "normal", "long"):
        assert facts[f"page:paragraphs:{kind}"] >= 20, kind
    assert facts["page:images:story"] >= 10
    lengths = [len(p.truth["body"].split("\n")) for p in sample]
    assert min(lengths) == 1
    assert max(lengths) == 30 or max(lengths) >= 25
    one = [p.truth["body"] for p in sample if len(p.truth["body"].split("\n")) == 1]
    assert any(30 <= len(b) <= 80 for b in one)
    assert sum(p.truth["author"] is None for p in sample) > 20
    assert sum(p.truth["editor"] is None for p in sample) > 20


def test_chrome_never_in_truth_body(sample: list[FuzzPage]) -> None:
    checked = 0
    for page in sample:
        assert page.truth["chrome"], page.url
        for text in page.truth["chrome"]:
            assert text not in page.truth["body"], (page.url, text)
            checked += 1
    assert checked > 10 * len(sample)


def test_every_component_appears_in_the_page(sample: list[FuzzPage]) -> None:
    for page in sample:
        html = strip_glosses(page.body.decode(_codec(page)))
        comps = _components(page)
        assert {c.split(":")[0] for c in page.markers} >= {
            "skeleton",
            "container",
            "headline",
            "title_tag",
        }
        for component, texts in page.markers.items():
            assert component.split(":", 1)[1] == comps.get(component.split(":")[0], "yes"), (
                component
            )
            for text in texts:
                served = _served(page, text)
                assert served in html or escape(served) in html, (page.url, component, served)


def test_served_body_and_fields_are_in_the_page(sample: list[FuzzPage]) -> None:
    for page in sample:
        tree = lxml.html.fromstring(page.body.decode(_codec(page)))
        text = strip_glosses(tree.text_content())
        served = page.truth["text_original"] or page.truth["body"]
        for para in strip_glosses(served).split("\n"):
            assert para in text, (page.url, para)
        original = page.truth.get("served", page.truth)
        assert original["title"] in text
        assert original["title"] in strip_glosses(tree.findtext(".//title"))
        for field in ("author", "source", "editor"):
            if original[field]:
                for name in original[field].split(" "):
                    assert name in text, (page.url, field, name)


def test_truth_fields(sample: list[FuzzPage]) -> None:
    for page in sample:
        t = page.truth
        assert ISO_RE.fullmatch(t["published"]), t["published"]
        assert not GLOSS_RE.search(t["body"])
        assert not any(w in (t["author"] or "") for w in ROLE_WORDS), t["author"]
        assert t["title"]
        assert "_" not in t["title"]
        assert set(t) >= {"title", "published", "author", "source", "editor", "body", "text_original",
                          "template", "components"}  # fmt: skip
    precisions = Counter(len(p.truth["published"]) for p in sample)
    assert set(precisions) == {10, 25}


def test_charsets_decode(sample: list[FuzzPage]) -> None:
    seen = Counter()
    for page in sample:
        kind = _components(page)["charset"]
        html = page.body.decode(_codec(page))
        assert "\ufffd" not in html
        if "gbk" in kind and not kind.startswith("utf8"):
            seen["gbk"] += 1
            with pytest.raises(UnicodeDecodeError):
                page.body.decode("utf-8")
        if kind == "gb2312_meta":
            seen["gb2312"] += 1
            assert re.search(rb'charset="?gb2312', page.body[:1000])
            with pytest.raises(UnicodeDecodeError):
                page.body.decode("gb2312")
        if kind == "utf8_none" or kind == "gbk_none":
            assert b"charset" not in page.body.lower()
            assert "charset" not in dict(page.headers)["Content-Type"]
    assert seen["gbk"] > 50
    assert seen["gb2312"] > 5


def test_traditional_pages_are_traditional(sample: list[FuzzPage]) -> None:
    trad = [p for p in sample if p.truth["script"] == "traditional"]
    assert len(trad) > 50
    for page in trad:
        html = page.body.decode(_codec(page))
        original = strip_glosses(page.truth["text_original"])
        assert original != page.truth["body"]
        assert _served(page, page.truth["body"]) == original
        assert page.truth["served"]["title"] in html
        differs = page.truth["title"] != page.truth["served"]["title"]
        assert not differs or page.truth["title"] not in html
        for simplified in ("当前位置", "来源", "编辑", "评论须知", "关闭窗口", "发布时间"):
            assert simplified not in html
    simp = [p for p in sample if p.truth["script"] == "simplified"]
    assert all(p.truth["text_original"] is None for p in simp)


def test_gloss_pages_carry_glosses(sample: list[FuzzPage]) -> None:
    by_kind, info_glossed = Counter(), 0
    for page in sample:
        gloss = _components(page)["gloss"]
        html = page.body.decode(_codec(page))
        if gloss == "none":
            assert not GLOSS_RE.search(html), page.url
            continue
        by_kind[gloss] += 1
        body_glossed = bool(GLOSS_RE.search(page.truth["text_original"]))
        assert body_glossed == (gloss == "info_body"), page.url
        info_glossed += gloss == "info" and bool(GLOSS_RE.search(html))
    assert by_kind["info"] > 10
    assert by_kind["info_body"] > 10
    assert info_glossed >= 0.8 * by_kind["info"]


def test_source_label_glossed_as_in_the_seeds() -> None:
    for page in pages("tune", 2 * TEMPLATE_COUNT["tune"]):
        comps = _components(page)
        glossed = comps["gloss"] != "none" and comps["source_label"] == "来源"
        if glossed and page.truth["source"] and comps["source_place"] == "info":
            assert "來(lái)源(yuán)" in page.body.decode(_codec(page))
            return
    pytest.fail("no glossed 來源 label in the tune split")


def test_dump_refuses_score_and_writes_tune(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for split in ("score", "fresh"):
        assert dump_main(["--split", split, "--dump", str(tmp_path / split)]) == 2
        assert "refusing" in capsys.readouterr().err
        assert not (tmp_path / split).exists()
    assert dump_main(["--split", "tune", "--dump", str(tmp_path / "t"), "--n", "3"]) == 0
    written = sorted(p.name for p in (tmp_path / "t").iterdir())
    assert written == sorted(
        f"tune-00{i}-00.{ext}" for i in range(3) for ext in ("html", "json", "txt")
    )
    first = next(pages("tune", 1))
    assert (tmp_path / "t" / "tune-000-00.html").read_bytes() == first.body


def test_portals_serve_templates_crawlable_by_profile(tmp_path: Path) -> None:
    from urllib.parse import urljoin
    from urllib.request import urlopen

    from model.profiles import load_profile
    from tests.simulator.templates.portals import FuzzPortals

    with FuzzPortals("tune", count=3, pages=12) as portals:
        assert len({t.choice["skeleton"] for t in portals.templates}) == 3
        truth = {t["url"]: t for t in portals.truth()}
        assert len(truth) == 36
        profiles = [load_profile(p) for p in portals.write_profiles(tmp_path)]
        found: set[str] = set()
        for profile in profiles:
            assert "selectors" not in profile_text(tmp_path, profile.id)
            queue, seen = list(profile.start_urls), set(profile.start_urls)
            while queue:
                url = queue.pop()
                with urlopen(url, timeout=10) as response:
                    body, headers = response.read(), response.headers
                if profile.is_article(url):
                    found.add(url)
                    served = next(
                        p for p in portals._pages[truth[url]["template"]] if p.body == body
                    )
                    assert headers["Content-Type"] == dict(served.headers)["Content-Type"]
                    continue
                for href in re.findall(r'href="([^"]+)"', body.decode()):
                    link = urljoin(url, href.replace("&amp;", "&"))
                    if link not in seen and (profile.is_list(link) or profile.is_article(link)):
                        seen.add(link)
                        queue.append(link)
        assert found == set(truth)
        assert all(t["site"].startswith("fuzz_tune_") for t in truth.values())


def profile_text(folder: Path, site: str) -> str:
    return (folder / f"{site}.yaml").read_text(encoding="utf-8")
