"""Published date: ISO 8601 in Asia/Shanghai (``2020-02-25T08:43:34+08:00``), date only
(``2020-02-25``) where the page gives no time, None where it gives no date.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from .document import Doc, select_text
from .labels import DATE_LABELS, plain

CST = timezone(timedelta(hours=8))
DATE_RE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})(?!\d)\s*日?"
    r"(?:\s*T?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?!\d)(?:\s*[:：分]\s*(\d{1,2})(?!\d))?)?"
)
# an update time is not the publication time: it is read as a bare date only
_LABELLED = re.compile(rf"(?:{DATE_LABELS.replace('更新时间|', '')})\s*[:：]?\s*")
_ISO_OFFSET = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$"
)
_META_KEYS = (
    "pubdate",
    "publishdate",
    "publish_date",
    "publishtime",
    "article:published_time",
    "og:release_date",
    "firstpublishedtime",
    "publishedtime",
    "pubtime",
    "releasedate",
    "datepublished",
    "dc.date.issued",
    "dc.date",
    "date",
)
# Founder (方正) e-paper pages carry their issue date in a trailing comment:
# <!--mpproperty <founder-date>2022-02-12</founder-date> ... -->
_FOUNDER_DATE = re.compile(r"<founder-date>\s*([^<]{8,30}?)\s*</founder-date>", re.IGNORECASE)
_URL_PATTERNS = (
    re.compile(r"[/_]t((?:19|20)\d{2})(\d{2})(\d{2})_"),
    re.compile(r"/((?:19|20)\d{2})-(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/((?:19|20)\d{2})/(\d{2})(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})/(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),
)


def _format(
    y: str, mo: str, d: str, h: str | None = None, mi: str | None = None, s: str | None = None
) -> str | None:
    try:
        day = datetime(int(y), int(mo), int(d))
    except ValueError:
        return None
    if not 1990 <= day.year <= 2100:
        return None
    if h is None or mi is None:
        return day.strftime("%Y-%m-%d")
    hour, minute, second = int(h), int(mi), int(s or 0)
    if hour > 23 or minute > 59 or second > 59:
        return day.strftime("%Y-%m-%d")
    return f"{day:%Y-%m-%d}T{hour:02d}:{minute:02d}:{second:02d}+08:00"


def parse_date(text: str | None) -> str | None:
    """First date (with its time when given) in free text, as ISO 8601 +08:00 or YYYY-MM-DD."""
    if not text:
        return None
    text = text.strip()
    if _ISO_OFFSET.match(text):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(CST)
        except ValueError:
            pass
        else:
            return moment.strftime("%Y-%m-%dT%H:%M:%S+08:00")
    for match in DATE_RE.finditer(text):
        result = _format(*match.groups())
        if result:
            return result
    return None


def from_lines(lines: list[str]) -> str | None:
    """Date from info lines: a labelled date (发布时间/日期/时间) first, then any bare date."""
    lines = [plain(line) for line in lines]
    for line in lines:
        for label in _LABELLED.finditer(line):
            match = DATE_RE.match(line, label.end())
            if match and (result := _format(*match.groups())):
                return result
    for line in lines:
        if result := parse_date(line):
            return result
    return None


def from_url(url: str) -> str | None:
    """Date from URL conventions: t20201111_, /2020/0323/, /2020/02/25/, content/2020-02/25/."""
    for pattern in _URL_PATTERNS:
        for match in pattern.finditer(url):
            if result := _format(*match.groups()):
                return result
    return None


def extract_published(doc: Doc, selector: str | None = None) -> str | None:
    """Published date. Order of trust:

    1. the profile's ``published`` selector;
    2. the info line near the title (发布时间/发布日期/日期/时间 labels, then bare dates such as
       ``2020年02月25日08:43:34`` or ``2020-02-25 08:43``);
    3. meta tags (PubDate, publishdate, article:published_time, og:release_date...), then the
       ``<founder-date>`` of a Founder e-paper's trailing ``mpproperty`` comment;
    4. the URL (t20201111_, /2020/0323/, /system/2020/02/25/, /art/2020/2/25/, content/2020-02/25/);
    5. htmldate (original_date=True, no extensive search).

    Never the crawl date. When a later source gives the same day with a time, the time is kept.
    """
    found = [parse_date(select_text(doc, selector))] if selector else []
    found.append(from_lines(doc.info))
    found.extend(parse_date(doc.meta.get(key)) for key in _META_KEYS)
    if founder := _FOUNDER_DATE.search(doc.html[-16384:]):
        found.append(parse_date(founder.group(1)))
    found.append(from_url(doc.url))
    dates = [d for d in found if d]
    if not dates:
        return _htmldate(doc)
    best = dates[0]
    if len(best) == 10:  # a date without time: take the time a later source gives that day
        for other in dates[1:]:
            # a meta time of 00:00:00 is usually a date stored as a datetime, not a time
            if len(other) > 10 and other.startswith(best) and "T00:00:00" not in other:
                return other
    return best


def _htmldate(doc: Doc) -> str | None:
    try:
        from htmldate import find_date

        found = find_date(
            doc.html,
            url=doc.url or None,
            original_date=True,
            extensive_search=False,
            outputformat="%Y-%m-%d",
        )
    except Exception:  # htmldate is a last resort; its failure only means "no date"
        return None
    return parse_date(found) if found else None
