"""Golden fixtures of every site (``tests/sites/<id>/<case>/``), generated the web-poet/fundus
way: one test per (site, case, field), named ``<site>/<case>/<field>``. Extraction runs strict:
a page that yields no article raises instead of becoming a skip. Plus the checks fundus runs
on its fixtures: sorted keys, known fields, no empty values, no U+FFFD in expected text.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from model.fixtures import EXPECTED_FIELDS, FixtureCase, iter_cases
from model.items import Article, Page
from model.profiles import load_profiles
from pipelines import cpu_stage
from pipelines.extract import ExtractionFailed

SITES = Path(__file__).resolve().parent / "sites"
CASES = iter_cases(SITES) if SITES.is_dir() else []
PROFILES = load_profiles()


@cache
def _article(folder: Path) -> Article:
    case = next(c for c in CASES if c.folder == folder)
    result = cpu_stage(case.page, PROFILES.get(case.site), strict=True)
    assert isinstance(result, Article)
    return result


def _field_params() -> list[object]:
    return [
        pytest.param(case, name, id=f"{case.site}/{case.name}/{name}")
        for case in CASES
        for name in sorted(case.expected)
    ]


@pytest.mark.parametrize(("case", "name"), _field_params())
def test_field(case: FixtureCase, name: str) -> None:
    got = getattr(_article(case.folder), name)
    assert got == case.expected[name], f"{case.site}/{case.name}/{name}"


@pytest.mark.parametrize("case", CASES, ids=[f"{c.site}/{c.name}" for c in CASES])
def test_fixture_is_well_formed(case: FixtureCase) -> None:
    raw = (case.folder / "expected.json").read_text(encoding="utf-8")
    keys = list(json.loads(raw))
    assert keys == sorted(keys), f"{case.site}/{case.name}: expected.json keys not sorted"
    assert set(keys) <= set(EXPECTED_FIELDS), set(keys) - set(EXPECTED_FIELDS)
    assert all(hasattr(Article, key) for key in keys)
    assert "" not in case.expected.values(), f"{case.site}/{case.name}: empty value"
    assert "\ufffd" not in raw, f"{case.site}/{case.name}: U+FFFD in expected.json"
    assert case.site in PROFILES, f"{case.site}: no profile in spiders/sites"
    assert PROFILES[case.site].is_article(case.page.url), f"{case.page.url} is not an article"


def test_every_demo_profile_has_a_case() -> None:
    demo = {site for site in PROFILES if site.startswith("demo_")}
    assert demo <= {case.site for case in CASES}, demo - {case.site for case in CASES}


def test_a_page_without_an_article_fails_loudly() -> None:
    page = Page("http://127.0.0.1:8801/x.shtml", b"<html><body><p>\xe7\x9f\xad</p></body></html>")
    with pytest.raises(ExtractionFailed, match="no_text"):
        cpu_stage(page, None, strict=True)
