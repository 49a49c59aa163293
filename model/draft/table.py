"""The verification table printed next to a draft: what a crawl with it would extract from the
sampled articles, and how the list pages paginate, so a wrong profile shows at a glance."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from model.draft.builder import Draft


@dataclass(frozen=True)
class Row:
    """One sampled article as extracted with the draft (``skipped``: why nothing was)."""

    url: str
    title: str | None = None
    published: str | None = None
    author: str | None = None
    source: str | None = None
    editor: str | None = None
    length: int = 0
    skipped: str = ""


def width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def clip(text: str | None, columns: int) -> str:
    """``text`` cut to ``columns`` display columns (``…`` marks a cut), ``-`` for none."""
    if not text:
        return "-"
    if width(text) <= columns:
        return text
    out, used = "", 0
    for c in text:
        w = width(c)
        if used + w > columns - 1:
            break
        out, used = out + c, used + w
    return out + "…"


def _pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


COLUMNS = (("url", 44), ("title", 30), ("published", 25), ("author", 10), ("source", 16),
           ("editor", 8), ("chars", 6))  # fmt: skip


def verification_table(draft: Draft, rows: list[Row], path: Path, fetched: int) -> str:
    """The report: profile file, CMS, shapes found, the article table and list paging."""
    p = draft.profile
    lines = [
        f"Drafted {path} ({p['name']}) from {fetched} sampled pages",
        f"CMS: {draft.cms.describe()}",
    ]
    for label, shapes in (("article", draft.article_shapes), ("list", draft.list_shapes)):
        for shape in shapes:
            lines.append(f"  {label:7} {shape.template()}  ({len(shape.urls)} sampled)")
    if draft.variants:
        lines.append(f"  denied  {len(draft.variants)} print/mobile variant links")
    if p["sitemaps"] or p["feeds"]:
        lines.append(f"  sitemaps {len(p['sitemaps'])}, feeds {len(p['feeds'])}")
    if draft.dead:
        lines.append(f"  skipped {len(draft.dead)} dead links (404/410)")
    lines.append("")
    lines.append("  ".join(_pad(name, w) for name, w in COLUMNS))
    for r in rows:
        if r.skipped:
            cells = [clip(r.url, 44), f"not extracted: {r.skipped}"]
            lines.append("  ".join([_pad(cells[0], 44), cells[1]]))
            continue
        values = (r.url, r.title, r.published, r.author, r.source, r.editor, str(r.length))
        lines.append(
            "  ".join(_pad(clip(v, w), w) for v, (_n, w) in zip(values, COLUMNS, strict=False))
        )
    if draft.paging_share is None:
        lines.append("\nList pages: none sampled")
    else:
        n = len(draft.list_urls)
        lines.append(f"\nList pages that paginate: {draft.paging_share:.0%} of {n} sampled")
    for note in draft.notes:
        lines.append(f"Check: {note}")
    return "\n".join(lines)
