"""Profile URL patterns cannot freeze a crawl: catastrophic regexes are refused at load (file,
field, reason) and matching is bounded in time."""

from __future__ import annotations

import subprocess
import sys

import pytest

from model.patterns import pattern_problem
from model.profiles import ProfileError, load_profile
from tests.crawler.test_profiles import GOOD, write
from tests.helpers import FAST, scrapy


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("(a+)+$", "nests quantifiers"),
        (r"(\w+\s?)+$", "nests quantifiers"),
        (r"/(x+x+)+y", "nests quantifiers"),
        ("(a|aa)+$", "took over"),  # no nesting: caught by the timed probe
    ],
)
def test_catastrophic_pattern_is_refused(tmp_path, pattern, why):
    text = GOOD.format(id="ceshi").replace("'/art/\\d+\\.html$'", f"'{pattern}'")
    path = write(tmp_path, "ceshi", text)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert info.value.file == str(path)
    assert info.value.field.split(".")[0] == "articles"
    assert why in info.value.reason
    assert "catastrophic backtracking" in info.value.reason


@pytest.mark.parametrize(
    "pattern",
    [
        r"(\d+/)+x",  # a separator between the repeats: one way to split
        r"^https?://(www\.)?szxww\.com/[a-z0-9_/]*index(_\d+)?\.shtml$",
        r"/news/.*\.html$",
        r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$",
    ],
)
def test_ordinary_patterns_pass(pattern):
    assert pattern_problem(pattern) is None


def test_a_pathological_match_gives_up_instead_of_freezing():
    # the OWASP example: no nested quantifier without a separator, slow on long URLs with re
    code = (
        "from model.patterns import compile_bounded, search_bounded\n"
        "r = compile_bounded(r'^(([a-z])+.)+[A-Z]([a-z])+$')\n"
        "print(search_bounded(r, 'http://x.test/' + 'a' * 2000 + '!', timeout=0.2))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.stdout.strip() == "False", result.stderr


def test_crawl_with_a_catastrophic_profile_is_refused_at_once(tmp_path):
    sites = tmp_path / "sites"
    sites.mkdir()
    text = GOOD.format(id="ceshi").replace("'/art/\\d+\\.html$'", "'(a+)+$'")
    write(sites, "ceshi", text)
    env = {"DATA_DIR": str(tmp_path / "data"), "SITES_DIR": str(sites)}
    result = scrapy("crawl", "ceshi", *FAST, env=env, check=False, timeout=120)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "ceshi.yaml" in result.stderr
    assert "articles" in result.stderr
    assert "catastrophic backtracking" in result.stderr
    assert "Traceback" not in result.stderr
