"""Which copy of a syndicated story is the canonical one (``duplicate_of`` points to it), and
the id of the cluster of all copies. Pure: the dedup stage passes plain dicts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

__all__ = ["RULE", "choose_canonical", "cluster_id", "names_own_site", "sort_key"]

RULE = (
    "The canonical copy is the one published first (copies without a date come last); "
    "on a tie, the copy whose 来源 names its own site (the original publisher); "
    "then the copy fetched first; then the smallest id."
)

_SHANGHAI = timezone(timedelta(hours=8))
_LATEST = datetime.max.replace(tzinfo=UTC)
# Generic endings of portal names, dropped so 嵊州新闻网 also matches a 来源 of 嵊州市融媒体中心.
_NAME_ENDINGS = re.compile(
    r"(新闻网|新闻|网站|网|融媒体中心|融媒|客户端|报社|日报|电视台|市|县|区)+$"
)


def _instant(value: Any) -> datetime | None:
    """An ISO 8601 string, datetime or date as an aware datetime (naive and date-only values
    are Asia/Shanghai); None for anything else."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=_SHANGHAI)


def names_own_site(copy: dict[str, Any]) -> bool:
    """True when the copy's 来源 (``source``) names the site it was found on: its
    ``site_name`` (whole, or without endings such as 新闻网/融媒体中心), or, without a name,
    the profile id spelled in pinyin (``shengzhou`` in 嵊州新闻网)."""
    source = (copy.get("source") or "").strip()
    if not source:
        return False
    name = (copy.get("site_name") or "").strip()
    if name:
        core = _NAME_ENDINGS.sub("", name)
        return name in source or (len(core) >= 2 and core in source)
    site = (copy.get("site") or "").lower()
    if len(site) < 4:
        return False
    from pypinyin import lazy_pinyin  # loads its dictionaries: only when a copy needs it

    return site in "".join(lazy_pinyin(source)).lower()


def sort_key(copy: dict[str, Any]) -> tuple[Any, ...]:
    """The ordering behind :data:`RULE`: the smallest key is the canonical copy."""
    published = _instant(copy.get("published"))
    fetched = _instant(copy.get("fetched"))
    return (
        published is None,
        published or _LATEST,
        not names_own_site(copy),
        fetched is None,
        fetched or _LATEST,
        str(copy.get("id", "")),
    )


def choose_canonical(copies: list[dict[str, Any]]) -> dict[str, Any]:
    """The canonical copy among ``copies`` by :data:`RULE`; deterministic for any input order."""
    if not copies:
        raise ValueError("choose_canonical needs at least one copy")
    return min(copies, key=sort_key)


def cluster_id(ids: Iterable[str]) -> str:
    """``"c"`` + the smallest member id: the same for any order of the same members, so a
    replay of the same WARCs gives the same clusters. It changes only when a copy with a
    smaller id joins, and the dedup stage then rewrites the cluster's members."""
    members = [str(i) for i in ids]
    if not members:
        raise ValueError("cluster_id needs at least one id")
    return "c" + min(members)
