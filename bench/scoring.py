"""How the extraction bench scores one field of one page, the same way for every extractor.

- Script-neutral: prediction and truth both go through OpenCC t2s before comparing, so an
  extractor is neither paid nor fined for the script it prints (ours converts to simplified,
  the others keep what the page serves).
- body: bag-of-characters F1 over non-whitespace characters; where the truth also has the body
  as served (simulator: traditional script with pinyin glosses), the better of the two counts.
- published: ``day`` compares year, month and day only (the precision trafilatura returns);
  ``full`` compares at the precision of the truth (date only, minutes or seconds).
- author: the same set of names, whatever separates them (``王 李``, ``王; 李``, ``王、李``);
  an editor is never taken for the author.
- title, source, editor: equal after collapsing whitespace.
- A truth of None means the page prints none: an empty prediction scores 1.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from functools import cache
from typing import Any

_WS = re.compile(r"\s+")
_NAME_SEP = re.compile(r"[\s;；,，、/|]+")
_DIGITS = re.compile(r"\d+")


@cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def fold(value: str) -> str:
    """Traditional -> simplified, so scores do not depend on the script served."""
    return _t2s().convert(value) if value else value


def char_f1(pred: str | None, gold: str) -> float:
    """Bag-of-characters F1, whitespace ignored."""
    p, g = Counter(_WS.sub("", fold(pred or ""))), Counter(_WS.sub("", fold(gold)))
    if not p or not g:
        return float(p == g)
    overlap = sum((p & g).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def date_key(value: str) -> tuple[str, ...]:
    """Year, month, day, hour, minute, second as zero-padded strings (as many as given)."""
    nums = _DIGITS.findall(value)
    return tuple(n.zfill(2) for n in nums[:6])


def date_match(pred: str | None, gold: str, precision: str) -> bool:
    """``precision`` "day": same date; "full": equal at the precision of ``gold``."""
    if not pred:
        return False
    g, p = date_key(gold), date_key(pred)
    if precision == "day":
        g = g[:3]
    return len(p) >= len(g) and p[: len(g)] == g


def _line(value: Any) -> str | None:
    if not value:
        return None
    return _WS.sub(" ", fold(str(value))).strip() or None


def _names(value: Any) -> list[str]:
    return sorted(n for n in _NAME_SEP.split(fold(str(value or ""))) if n)


def score(fieldname: str, pred: dict[str, Any], truth: dict[str, Any]) -> float | None:
    """Score of ``pred`` on one field (0..1), or None when the truth does not label it.

    ``fieldname`` is one of body, title, published (day precision), published_full, author,
    source, editor.
    """
    key = "published" if fieldname == "published_full" else fieldname
    if key not in truth:
        return None
    gold = truth[key]
    got = pred.get(key)
    if key == "body":
        golds = [gold or ""] + ([truth["body_served"]] if truth.get("body_served") else [])
        return max(char_f1(got, g) for g in golds)
    if gold is None:
        return float(not got)
    if key == "published":
        return float(date_match(str(got or ""), gold, "full" if fieldname != key else "day"))
    if key == "author":
        return float(_names(got) == _names(gold))
    return float(_line(got) == _line(gold))


def p10(values: list[float]) -> float:
    """10th percentile (inclusive method; the value itself for a single page)."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=10, method="inclusive")[0]
