"""Drift alarms: when a portal changes its templates, the share of its new articles with a
title, a date or a body of normal length drops. The figures of each crawl are compared with a
floor and with the site's earlier crawls, so a user fixes the profile before bad data piles up.
"""

from __future__ import annotations

from statistics import median
from typing import Any

FIELDS = ("title", "published", "body")
NORMAL_BODY = 80  # characters; shorter bodies are usually a failed extraction
FLOOR = 0.8  # a share under this is flagged whatever the history
DROP = 0.2  # a share this far under the site's median of earlier crawls is flagged
MIN_ARTICLES = 5  # too few new articles say nothing


def quality_keys(title: str | None, published: str | None, text: str) -> list[str]:
    """The stat keys an extracted article counts towards."""
    keys = ["quality/articles"]
    if title:
        keys.append("quality/title")
    if published:
        keys.append("quality/published")
    if len(text) >= NORMAL_BODY:
        keys.append("quality/body")
    return keys


def shares(stats: dict[str, Any]) -> dict[str, float] | None:
    """Share of this crawl's extracted articles with each field, or None if too few."""
    total = stats.get("quality/articles", 0)
    if total < MIN_ARTICLES:
        return None
    return {name: stats.get(f"quality/{name}", 0) / total for name in FIELDS}


def drift_flags(current: dict[str, float] | None, history: list[dict[str, float]]) -> list[str]:
    """Human-readable flags for the fields whose share fell under the floor or the history."""
    if current is None:
        return []
    flags = []
    for name in FIELDS:
        share = current[name]
        past = [h[name] for h in history if h and name in h]
        baseline = median(past) if past else None
        if share < FLOOR:
            flags.append(f"{name}: only {share:.0%} of new articles have it (floor {FLOOR:.0%})")
        elif baseline is not None and share < baseline - DROP:
            flags.append(f"{name}: {share:.0%} of new articles, down from {baseline:.0%}")
    return flags
