"""bench.extraction measures fairly: peers' dates at day precision, no author credit from the
editor field, the same input for every extractor, crashes counted, floors enforced on sets we
never tuned on, the uncorrected corpus table first."""

from __future__ import annotations

import json

import pytest

from bench import extraction
from bench.cases import CORPUS, ROOT, Case, corpus_cases, corrected
from bench.extraction import PageSet
from bench.scoring import p10, score

HTML = "<html><head><title>标题</title></head><body><p>正文内容</p></body></html>"


def _case(name: str = "x", **truth) -> Case:
    return Case(name, f"http://t.test/{name}.html", [], HTML.encode(), truth)


def test_published_day_precision_for_a_date_only_answer():
    truth = {"published": "2020-02-25T08:43:34+08:00"}
    assert score("published", {"published": "2020-02-25"}, truth) == 1.0
    assert score("published_full", {"published": "2020-02-25"}, truth) == 0.0
    assert score("published_full", {"published": "2020-02-25T08:43:34+08:00"}, truth) == 1.0
    assert score("published", {"published": "2020-02-24"}, truth) == 0.0


def test_full_precision_is_the_truths_precision():
    assert (
        score(
            "published_full",
            {"published": "2005-03-11T12:12:00+08:00"},
            {"published": "2005-3-11 12:12"},
        )
        == 1.0
    )
    assert (
        score(
            "published_full",
            {"published": "2005-03-11T12:13:00+08:00"},
            {"published": "2005-3-11 12:12"},
        )
        == 0.0
    )


def test_the_editor_field_never_earns_author_credit():
    assert score("author", {"author": None, "editor": "魏喆"}, {"author": "魏喆"}) == 0.0
    assert score("author", {"author": "王建宏; 张文攀"}, {"author": "王建宏 张文攀"}) == 1.0
    assert score("author", {"author": "记者 王建宏"}, {"author": "王建宏"}) == 0.0


def test_scores_do_not_depend_on_the_script_served():
    assert score("title", {"title": "勞工及福利局局長"}, {"title": "劳工及福利局局长"}) == 1.0
    assert score("body", {"body": "勞工及福利局"}, {"body": "劳工及福利局"}) == 1.0


def test_unlabelled_fields_are_not_scored_and_none_means_the_page_prints_none():
    assert score("source", {"source": "x"}, {}) is None
    assert score("source", {"source": None}, {"source": None}) == 1.0
    assert score("source", {"source": "新华网"}, {"source": None}) == 0.0


def test_p10():
    assert p10([1.0] * 9 + [0.0]) == pytest.approx(0.9)
    assert p10([0.5]) == 0.5


def test_every_extractor_gets_the_same_decoded_html(monkeypatch):
    seen: dict[str, list[tuple[str, str]]] = {}

    def recorder(name):
        def run(url, html):
            seen.setdefault(name, []).append((url, html))
            return {"body": "正文内容", "title": "标题"}

        return run

    monkeypatch.setattr(extraction, "EXTRACTORS", {n: recorder(n) for n in ("ours", "gne")})
    monkeypatch.setattr(extraction, "PRODUCES", {"ours": ("body",), "gne": ("body",)})
    gbk = Case("g", "http://t.test/g.html", [("Content-Type", "text/html; charset=gbk")],
               HTML.encode("gbk"), {"body": "正文内容"})  # fmt: skip
    for name in ("ours", "gne"):
        extraction.run(name, [gbk], misses=False)
    assert seen["ours"] == seen["gne"]
    assert seen["ours"][-1] == ("http://t.test/g.html", HTML)


def test_a_crash_is_counted_and_scores_zero(monkeypatch):
    def crashing(url, html):
        raise ValueError("math domain error")

    monkeypatch.setattr(extraction, "EXTRACTORS", {"gne": crashing})
    monkeypatch.setattr(extraction, "PRODUCES", {"gne": ("body", "author")})
    result = extraction.run("gne", [_case(body="正文内容", author=None)], misses=False)
    assert len(result.crashes) == 1
    assert "ValueError" in result.crashes[0]
    assert result.scores["body"] == [0.0]
    assert result.scores["author"] == [0.0]  # a crash earns nothing, even where the truth is None


def _main_with(monkeypatch, capsys, body: str, tuned: bool) -> int:
    monkeypatch.setattr(
        extraction, "EXTRACTORS", {"ours": lambda url, html: {"body": body, "title": "标题"}}
    )
    monkeypatch.setattr(extraction, "PRODUCES", {"ours": ("body", "title")})
    cases = [_case(f"p{i}", body="正文内容", title="标题") for i in range(10)]
    monkeypatch.setattr(extraction, "SETS", (PageSet("s", "test set", lambda: cases, tuned),))
    code = extraction.main(["--sets", "s"])
    capsys.readouterr()
    return code


def test_below_the_floors_on_an_untuned_set_exits_1(monkeypatch, capsys):
    assert _main_with(monkeypatch, capsys, "正文", tuned=False) == 1
    assert _main_with(monkeypatch, capsys, "正文内容", tuned=False) == 0
    assert _main_with(monkeypatch, capsys, "正文", tuned=True) == 0


def test_no_set_available_exits_2(monkeypatch, capsys):
    def absent():
        raise extraction.SetUnavailable("not here")

    monkeypatch.setattr(extraction, "SETS", (PageSet("s", "absent", absent, False),))
    assert extraction.main(["--sets", "s"]) == 2
    assert "skipped, not here" in capsys.readouterr().out


def test_the_uncorrected_corpus_comes_first_and_untuned_sets_are_enforced():
    keys = [s.key for s in extraction.SETS]
    assert keys.index("corpus") < keys.index("corpus-corrected")
    enforced = {s.key for s in extraction.SETS if not s.tuned and not s.subset}
    assert enforced == {"heldout", "fuzz-score", "fuzz-fresh"}
    splits = {s.key for s in extraction.SETS if s.subset}
    assert splits == {"heldout-simplified", "heldout-traditional", "heldout-finance"}


def test_a_split_below_the_floors_is_printed_but_judged_on_its_whole_set(monkeypatch, capsys):
    monkeypatch.setattr(
        extraction, "EXTRACTORS", {"ours": lambda url, html: {"body": "正文", "title": "标题"}}
    )
    monkeypatch.setattr(extraction, "PRODUCES", {"ours": ("body", "title")})
    cases = [_case(f"p{i}", body="正文内容", title="标题") for i in range(3)]
    split = PageSet("s-part", "a split", lambda: cases, False, subset=True)
    monkeypatch.setattr(extraction, "SETS", (split,))
    assert extraction.main(["--sets", "s-part"]) == 0
    assert "body 0.667 < 0.98" in capsys.readouterr().out


def test_the_corpus_is_found_from_the_project_root_never_by_an_absolute_path():
    assert CORPUS.relative_to(ROOT.parent).parts == ("shared", "corpus", "real")
    for path in (ROOT / "bench").glob("*.py"):
        assert '"/work' not in path.read_text("utf-8"), path


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is absent")
def test_every_correction_has_evidence_and_applies():
    fixes = json.loads((ROOT / "bench" / "corpus_corrections.json").read_text("utf-8"))
    cases = corpus_cases()
    names = {c.name for c in cases}
    for name, fix in fixes.items():
        if name.startswith("_"):
            continue
        assert name in names, name
        assert len(fix["why"]) > 40, name
    fixed = {c.name: c.truth for c in corrected(cases)}  # raises if a dropped line is absent
    assert fixed["cwced/e8847578"]["body"].startswith("吉林省人民政府关于禁止在")
    assert fixed["cwced/0d931936"]["author"] is None


def test_extractors_take_turns_page_by_page_and_speed_is_printed_side_by_side(monkeypatch, capsys):
    order: list[str] = []

    def recorder(name):
        def run(url, html):
            order.append(name)
            return {"body": "正文内容", "title": "标题"}

        return run

    names = ("ours", "trafilatura")
    monkeypatch.setattr(extraction, "EXTRACTORS", {n: recorder(n) for n in names})
    monkeypatch.setattr(extraction, "PRODUCES", dict.fromkeys(names, ("body", "title")))
    cases = [_case(f"p{i}", body="正文内容", title="标题") for i in range(3)]
    monkeypatch.setattr(extraction, "SETS", (PageSet("s", "test set", lambda: cases, True),))
    assert extraction.main(["--sets", "s"]) == 0
    # one warm-up call each, then the extractors alternate on every page
    assert order == ["ours", "trafilatura"] * 4
    out = capsys.readouterr().out
    assert "speed: ours" in out
    assert "trafilatura with metadata" in out
