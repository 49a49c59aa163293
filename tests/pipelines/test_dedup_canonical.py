"""The canonical-copy rule and cluster ids: every tie-break, in any input order."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

import pytest

from pipelines.dedup.canonical import RULE, choose_canonical, cluster_id, names_own_site


def _copy(cid: str, **fields: object) -> dict[str, object]:
    base = {
        "id": cid,
        "published": None,
        "source": None,
        "site": "demo",
        "fetched": None,
        "url": f"http://x.test/{cid}",
    }
    base.update(fields)
    return base


def _all_orders(copies: list[dict[str, object]]) -> set[str]:
    return {str(choose_canonical(list(order))["id"]) for order in itertools.permutations(copies)}


def test_earliest_published_wins_across_offsets_and_date_only():
    copies = [
        _copy("a", published="2020-02-25T09:00:00+08:00"),
        _copy("b", published="2020-02-25T00:30:00+00:00"),  # 08:30 in Shanghai: earliest
        _copy("c", published="2020-02-26"),
        _copy("d", published=None, fetched="2020-01-01T00:00:00Z"),
    ]
    assert _all_orders(copies) == {"b"}


def test_date_only_counts_as_start_of_day_in_shanghai():
    copies = [_copy("a", published="2020-02-25T08:43:34+08:00"), _copy("b", published="2020-02-25")]
    assert choose_canonical(copies)["id"] == "b"


def test_undated_copies_come_last():
    copies = [
        _copy("a"),
        _copy("b", published="2021-05-06T10:00:00+08:00"),
        _copy("c", published="not a date"),
    ]
    assert _all_orders(copies) == {"b"}


def test_same_time_prefers_the_copy_naming_its_own_site():
    when = "2020-05-06T10:00:00+08:00"
    copies = [
        _copy(
            "a",
            published=when,
            site="yancheng",
            site_name="鹽城新闻网",
            source="盐阜大众报报业集团",
            fetched="2020-05-06T01:00:00Z",
        ),
        _copy(
            "z",
            published=when,
            site="yanfu",
            site_name="盐阜大众报",
            source="盐阜大众报报业集团",
            fetched="2020-05-07T01:00:00Z",
        ),
    ]
    assert _all_orders(copies) == {"z"}


def test_then_earliest_fetched_then_smallest_id():
    when = "2020-05-06"
    copies = [
        _copy("b", published=when, fetched="2020-05-06T02:00:00Z"),
        _copy("c", published=when, fetched="2020-05-06T01:00:00Z"),
        _copy("a", published=when, fetched=None),
    ]
    assert _all_orders(copies) == {"c"}
    tied = [_copy("b", published=when), _copy("a", published=when)]
    assert _all_orders(tied) == {"a"}


@pytest.mark.parametrize(
    ("copy", "expected"),
    [
        ({"source": "嵊州新闻网-今日嵊州", "site_name": "嵊州新闻网", "site": "shengzhou"}, True),
        ({"source": "嵊州市融媒体中心", "site_name": "嵊州新闻网", "site": "shengzhou"}, True),
        ({"source": "黄冈日报全媒体", "site_name": "红安网", "site": "hongan"}, False),
        ({"source": "嵊州新闻网", "site": "shengzhou"}, True),  # no name: pinyin of the id
        ({"source": "新华社", "site": "shengzhou"}, False),
        ({"source": None, "site_name": "红安网", "site": "hongan"}, False),
        ({"source": "红安网", "site_name": "", "site": "ha"}, False),  # id too short to trust
    ],
)
def test_names_own_site(copy, expected):
    assert names_own_site(copy) is expected


def test_single_copy_and_empty_input():
    only = _copy("x")
    assert choose_canonical([only]) is only
    with pytest.raises(ValueError, match="at least one"):
        choose_canonical([])


def test_cluster_id_is_order_free_and_prefixed():
    assert cluster_id(["b7", "a3", "c1"]) == cluster_id(["c1", "b7", "a3"]) == "ca3"
    assert cluster_id(("z",)) == "cz"
    with pytest.raises(ValueError, match="at least one"):
        cluster_id([])


def test_rule_is_a_readable_sentence():
    assert "published first" in RULE
    assert "来源" in RULE
    assert RULE.endswith(".")


def test_datetime_values_from_the_database_compare_with_strings():
    copies = [
        _copy("a", published=datetime(2020, 2, 25, 8, 0, tzinfo=timezone(timedelta(hours=8)))),
        _copy("b", published="2020-02-25T07:59:00+08:00"),
        _copy("c", published=date(2020, 2, 24)),
        _copy("d", published=datetime(2020, 2, 24, 1, 0)),  # naive: Shanghai time, after c
    ]
    assert _all_orders(copies) == {"c"}
    assert choose_canonical(copies[:2])["id"] == "b"
