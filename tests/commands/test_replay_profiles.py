"""Which profile replay extracts a URL with: ``article_profile`` skips the patterns whose literal
start the URL lacks, and picks what ``SiteProfile.is_article`` would."""

from __future__ import annotations

import itertools

import pytest

from crawler.commands.replay import article_profile, literal_prefix
from model.profiles import parse_profile


@pytest.mark.parametrize(
    ("pattern", "prefix"),
    [
        (r"^http://www\.a\.cn/news/\d{4}/\d+\.html$", "http://www.a.cn/news/"),
        (r"^http://www.a.cn/", "http://www"),  # an unescaped dot matches any character
        (r"^https?://a\.cn/", "http"),
        (r"^http://a\.cn/(?:art|news)/\d+", "http://a.cn/"),
        (r"^ab*c", "a"),
        (r"_print\.shtml$", ""),  # not anchored
        (r"(?i)^http://a\.cn/", ""),  # case-insensitive: no literal start
        (r"(?m)^http://a\.cn/", ""),
        (r"^\p{Han}", ""),  # only the regex module reads it
        (r"^$", ""),
    ],
)
def test_literal_prefix(pattern, prefix):
    assert literal_prefix(pattern) == prefix


def _profile(site: str, articles: list[str], deny: list[str] | None = None):
    return parse_profile(
        {
            "id": site,
            "name": site,
            "start_urls": [f"http://www.{site}.cn/"],
            "articles": articles,
            "deny": deny or [],
        },
        f"{site}.yaml",
    )


def test_article_profile_is_the_first_profile_is_article_picks():
    profiles = [
        _profile("one", [r"^http://www\.one\.cn/art/\d+\.html$"], [r"_print\.html$"]),
        _profile("two", [r"(?i)^HTTP://WWW\.TWO\.CN/ART/\d+\.html$", r"/shared/\d+\.html$"]),
        _profile("three", [r"^http://www\.(?:one|three)\.cn/(?:art|news)/\d+"]),
    ]
    urls = [
        f"{scheme}://www.{site}.cn/{kind}/{n}{end}"
        for scheme, site, kind, n, end in itertools.product(
            ("http", "HTTP", "https"),
            ("one", "two", "three", "four"),
            ("art", "news", "shared", "ART"),
            ("1", "x"),
            (".html", "_print.html", ""),
        )
    ]
    chosen = [article_profile(profiles, url) for url in urls]
    expected = [next((p for p in profiles if p.is_article(url)), None) for url in urls]
    assert chosen == expected
    assert {p.id for p in chosen if p} == {"one", "two", "three"}
