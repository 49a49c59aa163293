"""Drift alarms from the share of new articles with a title, a date and a normal body."""

from __future__ import annotations

from crawler.extensions.drift import drift_flags, quality_keys, shares


def stats_for(n: int, title: int, published: int, body: int) -> dict[str, int]:
    return {"quality/articles": n, "quality/title": title, "quality/published": published,
            "quality/body": body}  # fmt: skip


def test_healthy_site_raises_no_flag():
    history = [shares(stats_for(20, 20, 20, 20))] * 3
    assert drift_flags(shares(stats_for(20, 20, 19, 20)), history) == []


def test_template_change_is_flagged_with_the_figures():
    flags = drift_flags(shares(stats_for(20, 20, 4, 20)), [shares(stats_for(20, 20, 20, 20))])
    assert len(flags) == 1
    assert flags[0].startswith("published")
    assert "20%" in flags[0]


def test_drop_against_history_is_flagged_even_above_the_floor():
    history = [shares(stats_for(20, 20, 20, 20))] * 5
    flags = drift_flags(shares(stats_for(20, 20, 20, 15)), history)
    assert [f.split(":")[0] for f in flags] == ["body"]


def test_too_few_articles_say_nothing():
    assert shares(stats_for(3, 0, 0, 0)) is None
    assert drift_flags(None, []) == []


def test_quality_keys():
    assert quality_keys("t", None, "x" * 100) == [
        "quality/articles",
        "quality/title",
        "quality/body",
    ]
