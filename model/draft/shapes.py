"""URL shapes: a portal's URLs grouped by their path template, each group with a tight regex.

A URL's *skeleton* is its path and query with every digit run replaced by ``#``
(``/art/2020/2/3/art_1234_5.html`` -> ``/art/#/#/#/art_#_#.html``); URLs with the same origin
and skeleton are one :class:`Shape`. The runs are named from the values seen (``{yyyy}``,
``{mm}``, ``{mmdd}``, ``{yyyymmdd}``, ``{n}``...) for display, and each name has a regex: dates
keep their width, ids become ``\\d+``. Regexes are anchored on the origin and at the end, and
carry no ``.*``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

_RUN = re.compile(r"\d+")
WORD = "@"  # in a skeleton: one path segment of letters, the column of a multi-column site
WORD_REGEX = "[a-z]+"
_WORD_SEGMENT = re.compile(r"^[a-z]+$")
MIN_COLUMNS = 3  # distinct column names before a segment is generalized
RUN_REGEX = {
    "yyyy": r"\d{4}",
    "yyyymm": r"\d{6}",
    "yyyymmdd": r"\d{8}",
    "mmdd": r"\d{4}",
    "mm": r"\d{2}",
    "dd": r"\d{2}",
    "m": r"\d{1,2}",
    "d": r"\d{1,2}",
    "n": r"\d+",
}


def escape(text: str) -> str:
    """``re.escape`` without the escapes that only hurt reading (``&``, ``-``, ``~``)."""
    return re.escape(text).replace("\\&", "&").replace("\\-", "-").replace("\\~", "~")


def origin(url: str) -> str:
    """``scheme://host[:port]`` of an absolute URL, lower-cased."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def local(url: str) -> str:
    """Path and query of a URL (``/`` for an empty path)."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def skeleton(url: str) -> str:
    """Path and query with every digit run replaced by ``#``."""
    return _RUN.sub("#", local(url))


def _valid_month(v: str) -> bool:
    return 1 <= int(v) <= 12


def _valid_day(v: str) -> bool:
    return 1 <= int(v) <= 31


def _is_year(v: str) -> bool:
    return len(v) == 4 and 1990 <= int(v) <= 2099


def run_name(values: list[str], previous: str | None) -> str:
    """The name of one digit run from its values and the name of the run before it."""
    lens = {len(v) for v in values}
    padded = lens == {2} and any(v.startswith("0") for v in values)
    if all(_is_year(v) for v in values):
        return "yyyy"
    if lens == {6} and all(_is_year(v[:4]) and _valid_month(v[4:]) for v in values):
        return "yyyymm"
    if lens == {8} and all(
        _is_year(v[:4]) and _valid_month(v[4:6]) and _valid_day(v[6:]) for v in values
    ):
        return "yyyymmdd"
    if (
        previous == "yyyy"
        and lens == {4}
        and all(_valid_month(v[:2]) and _valid_day(v[2:]) for v in values)
    ):
        return "mmdd"
    if previous == "yyyy" and max(lens) <= 2 and all(_valid_month(v) for v in values):
        return "mm" if padded else "m"
    if previous in ("mm", "m", "yyyymm") and max(lens) <= 2 and all(_valid_day(v) for v in values):
        return "dd" if padded else "d"
    return "n"


@dataclass
class Shape:
    """URLs of one origin sharing one skeleton."""

    origin: str
    skeleton: str
    urls: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.origin, self.skeleton)

    def add(self, url: str) -> None:
        if url not in self.urls:
            self.urls.append(url)

    def names(self) -> list[str]:
        """The name of every digit run, in order."""
        columns = list(zip(*(_RUN.findall(local(u)) for u in self.urls), strict=True))
        names: list[str] = []
        for values in columns:
            names.append(run_name(list(values), names[-1] if names else None))
        return names

    def template(self) -> str:
        """The skeleton with named runs: ``/art/{yyyy}/{m}/{d}/art_{n}_{n}.html``."""
        names = iter(self.names())
        named = re.sub("#", lambda _m: "{" + next(names) + "}", self.skeleton)
        return named.replace(WORD, "{column}")

    def body_regex(self) -> str:
        """The regex of the path and query (not anchored)."""
        return _pieces_regex(self.skeleton.split("#"), self.names())

    def pattern(self) -> str:
        """The anchored regex of the whole URL."""
        return "^" + escape(self.origin) + self.body_regex() + "$"


def _pieces_regex(pieces: list[str], names: list[str]) -> str:
    out = [escape(pieces[0])]
    for name, piece in zip(names, pieces[1:], strict=True):
        out.append(RUN_REGEX[name] + escape(piece))
    return "".join(out).replace(WORD, WORD_REGEX)


def group(urls: list[str]) -> dict[tuple[str, str], Shape]:
    """URLs grouped into shapes by (origin, skeleton), in order of first appearance."""
    shapes: dict[tuple[str, str], Shape] = {}
    for url in urls:
        key = (origin(url), skeleton(url))
        shapes.setdefault(key, Shape(*key)).add(url)
    return shapes


def paging_pattern(first: Shape, other: Shape) -> str | None:
    """One anchored regex for a list page and its pagination when ``other``'s skeleton is
    ``first``'s with one insertion holding a digit run (``index.shtml`` + ``index_#.shtml``,
    ``index.html`` + ``index.html?uid=#&pageNum=#``, ``node_#.html`` + ``node_#_#.html``), the
    insertion optional; else None."""
    a, b = first.skeleton, other.skeleton
    if first.origin != other.origin or len(b) <= len(a):
        return None
    prefix = 0
    while prefix < len(a) and a[prefix] == b[prefix]:
        prefix += 1
    rest = a[prefix:]
    if not b.endswith(rest):
        return None
    inserted = b[prefix : len(b) - len(rest)]
    if "#" not in inserted:
        return None
    a_names, b_names = first.names(), other.names()
    k = a[:prefix].count("#")
    m = inserted.count("#")
    head = _pieces_regex(a[:prefix].split("#"), _looser(a_names[:k], b_names[:k]))
    middle = _pieces_regex(inserted.split("#"), b_names[k : k + m])
    tail = _pieces_regex(rest.split("#"), _looser(a_names[k:], b_names[k + m :]))
    return "^" + escape(first.origin) + head + f"(?:{middle})?" + tail + "$"


def _looser(a: list[str], b: list[str]) -> list[str]:
    return [x if x == y else "n" for x, y in zip(a, b, strict=True)]


def generalize(shapes: list[Shape]) -> list[Shape]:
    """Shapes that differ only in one path segment of lower-case letters, ``MIN_COLUMNS`` or
    more of them, merged into one with that segment a column name (``/xwdt/index.html``,
    ``/tzgg/index.html``, ``/bmdt/index.html`` -> ``/{column}/index.html``): the columns the
    sample did not reach are crawled too."""
    out = list(shapes)
    while True:
        buckets: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[Shape]] = {}
        for shape in out:
            segments = shape.skeleton.split("/")
            for i, segment in enumerate(segments):
                if _WORD_SEGMENT.match(segment):
                    key = (shape.origin, tuple(segments[:i]), tuple(segments[i + 1 :]))
                    buckets.setdefault(key, []).append(shape)
        merge = next((m for m in buckets.values() if len(m) >= MIN_COLUMNS), None)
        if merge is None:
            return out
        (origin_, head, tail) = next(k for k, m in buckets.items() if m is merge)
        merged = Shape(origin_, "/".join((*head, WORD, *tail)))
        for shape in merge:
            for url in shape.urls:
                merged.add(url)
        out = [s for s in out if s not in merge] + [merged]
