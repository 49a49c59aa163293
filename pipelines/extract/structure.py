"""The structural candidate: the article read from the page's own layout, anchored on its
headline rather than on where most text is.

1. **Headline**: the line printing the title (a non-link line equal to it, inside h1-h6 or a
   ``title`` class/id when there are several).
2. **Info lines**: the date/来源/作者/编辑 lines right under it (read plain: glosses removed,
   simplified), skipping chrome; the anchor is the last of them (or the headline).
3. **Start**: the first line after the anchor that is neither chrome, info, a dash-led
   subtitle nor a link list.
4. **Container**: among the elements holding the start line (its ancestors), the one with the
   best score, counted from the start line to the first end-of-article marker (上一篇/下一篇,
   相关阅读, comment blocks, share bars, the 编辑 line, legal footers; see chrome.py):
   ``paragraph characters - 2 x (link and chrome characters) + class/id hint bonus``. An
   ancestor only wins when what it adds after the child scores above zero, so a short article
   keeps its own container instead of growing into the sidebars around it.
5. **Text**: the container's lines from start to end, chrome, info, link-list and caption lines
   dropped. Chrome is read from the words of a line (chrome.py) and from the class/id of the
   blocks it sits in (share, comment, crumb, related...: ``Line.chrome``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .chrome import (
    ATTACHMENTS,
    end_kind,
    is_caption,
    is_drop,
    is_editor,
    is_end,
    is_subtitle,
)
from .dates import DATE_RE
from .document import INFO_MAX, Doc, Line, headline_index, hint, is_info
from .labels import INFO_LABEL, plain

# class/id of an article body in the CMS families of these portals
_CONTENT_HINT = re.compile(
    r"content|article|TRS_Editor|Custom_UnionStyle|zoom|text|main_?body|detail|zhengwen|"
    r"news_?con|con_?text|artic|body_?txt|nr\b|wz\b|cont\b",
    re.IGNORECASE,
)
_NEGATIVE_HINT = re.compile(
    r"side|nav|menu|footer|header|crumb|share|comment|related|relate|recommend|hot|links?\b|"
    r"copyright|banner|ad\b|ads\b|list",
    re.IGNORECASE,
)
_INFO_WINDOW = 12
_MIN_TEXT = 20  # characters of text before an end marker may close the article
_PARAGRAPH = 15  # a line this long (or ending a sentence) counts as running text
_LINKY = 0.5
_BAD_WEIGHT = 2
_HINT_BONUS = 0.1
_SEGMENT_MIN = 60  # paragraph characters after a soft end for the article to go on
_SEGMENT_RATIO = 2
_CAPTION_MAX = 80
_AROUND_SCAN = 24  # blocks scanned: pictures, captions and attachment lists are skipped
_LABEL_MAX = 20
_SENTENCE_MARK = re.compile(r"[，。！？；,;!?]")
# a label cell: a few characters (spaced out to a column's width or not) and a colon
_FIELD_LABEL = re.compile(r"^[^\s:：，。；,;]{1,3}(?:\s*[^\s:：，。；,;]){1,5}\s*[:：]$")
_GRID_GAP = 4
_VALUE_MAX = 80
_SENTENCE_END = re.compile(r"[。！？!?；;…”」』]$")


@dataclass
class Structure:
    """What the layout says: line indices of the headline, info lines, text range, and the
    chosen container with its score."""

    headline: int | None
    info: list[int] = field(default_factory=list)
    start: int = 0
    end: int = 0
    container: Any = None
    score: float = 0.0
    good: int = 0
    bad: int = 0
    lines: list[str] = field(default_factory=list)

    def around(self, doc: Doc, size: int = 3) -> tuple[list[str], list[str]]:
        """The lines just before and after the text (bylines often sit there), pictures, their
        captions and link lists (attachments) skipped."""
        above = doc.lines[max(0, self.start - size) : self.start]
        below: list[str] = []
        for line in doc.blocks[self.end : self.end + _AROUND_SCAN]:
            text = plain(line.text)
            skip = is_caption(text) or is_picture_text(line, text) or _linky(line)
            if not (skip or ATTACHMENTS.match(text)):
                below.append(line.text)
            if len(below) == size:
                break
        return above, below


def _linky(line: Any) -> bool:
    return line.links > _LINKY * len(line.text)


def _info_lines(doc: Doc, after: int) -> list[int]:
    found: list[int] = []
    for i in range(after, min(len(doc.blocks), after + _INFO_WINDOW)):
        text = plain(doc.blocks[i].text)
        if is_info(text):
            found.append(i)
        elif is_drop(text) or _linky(doc.blocks[i]):
            continue
        elif len(text) >= 40 or found:
            break
    return found


def field_lines(doc: Doc) -> set[int]:
    """Indices of the lines of a label/value grid (the metadata table of a government notice:
    ``索 引 号：`` | ``1122…/2022-00426``, ``发文机关：`` | ``吉林省人民政府``): a label cell is a
    short line ending in a colon, its value the short line after it. Two label cells within
    _GRID_GAP lines make a grid; a lone ``时间：`` line in running text is left alone."""
    labels = [i for i, line in enumerate(doc.blocks) if _FIELD_LABEL.match(line.text)]
    cells = set(labels)
    found: set[int] = set()
    for k, i in enumerate(labels):
        near = (k > 0 and i - labels[k - 1] <= _GRID_GAP) or (
            k + 1 < len(labels) and labels[k + 1] - i <= _GRID_GAP
        )
        if not near:
            continue
        found.add(i)
        nxt = i + 1
        if nxt < len(doc.blocks) and nxt not in cells and len(doc.blocks[nxt].text) <= _VALUE_MAX:
            found.add(nxt)
    return found


def _is_paragraph(line: Any, text: str) -> bool:
    return (len(text) >= _PARAGRAPH or bool(_SENTENCE_END.search(text))) and not is_info(text)


def _first_text(doc: Doc, after: int, fields: set[int]) -> int | None:
    """The first paragraph line after ``after`` that is not chrome (share bars, comment
    counters and link lists at the top are skipped) nor a cell of a label/value grid."""
    for i in range(after, len(doc.blocks)):
        line = doc.blocks[i]
        if i in fields:
            continue
        text = plain(line.text)
        if line.chrome or is_drop(text) or _linky(line) or is_editor(text) or is_end(text):
            continue
        if is_subtitle(text):  # a subtitle between headline and text: the text starts after it
            continue
        if _is_paragraph(line, text) and not is_picture_text(line, text):
            return i
    return None


@dataclass
class _Tally:
    """Paragraph and chrome characters of a run of lines; ``bad_seen`` is the chrome counted
    up to its last paragraph (chrome after the last paragraph is not taken, so not scored)."""

    good: int = 0
    bad: int = 0
    bad_seen: int = 0
    last: int = 0  # one past the last paragraph line

    def add_bad(self, size: int) -> None:
        self.bad += size

    def add_good(self, size: int, end: int) -> None:
        self.good += size
        self.bad_seen = self.bad
        self.last = end


class _Scan:
    """Running totals of the lines from the start line on, shared by the nested candidates.

    A hard end marker stops the scan. A soft one (a 相关阅读-style heading, the 编辑 line)
    opens a segment that joins the text only if its paragraphs outweigh its links and chrome.
    """

    def __init__(self, doc: Doc, start: int, fields: set[int]) -> None:
        self.doc, self.pos, self.ended, self.fields = doc, start, False, fields
        self.main = _Tally(last=start)
        self.first: int | None = None  # the first paragraph line
        self.seg: _Tally | None = None

    def _segment_counts(self) -> bool:
        seg = self.seg
        return (
            seg is not None
            and seg.good >= _SEGMENT_MIN
            and seg.good > _SEGMENT_RATIO * seg.bad_seen
        )

    def totals(self) -> tuple[int, int, int]:
        """(paragraph characters, chrome characters among them, end line) of the text so
        far, an open segment included if it counts."""
        main, seg = self.main, self.seg
        if seg is not None and self._segment_counts():
            return main.good + seg.good, main.bad + seg.bad_seen, seg.last
        return main.good, main.bad_seen, main.last

    def _close_segment(self) -> None:
        if self.seg is None:
            return
        if self._segment_counts():
            good, bad, last = self.totals()
            self.main = _Tally(good, bad, bad, last)
            self.seg = None
        else:
            self.ended = True

    def extend(self, depth: int, ordinal: int) -> None:
        """Consume the lines inside the element at ``depth`` of their path, up to an end."""
        blocks = self.doc.blocks
        while not self.ended and self.pos < len(blocks):
            line = blocks[self.pos]
            if len(line.path) <= depth or line.path[depth] != ordinal:
                return
            text = plain(line.text)
            kind = end_kind(text) or ("soft" if is_editor(text) else None)
            if kind and self.main.good >= _MIN_TEXT:
                self._close_segment()
                if kind == "hard" or self.ended:
                    self.ended = True
                    return
                self.seg = _Tally(0, len(text), 0, self.pos)
                self.pos += 1
                continue
            tally = self.seg if self.seg is not None else self.main
            if self.pos in self.fields or is_caption(text) or is_picture_text(line, text):
                pass  # pictures and metadata grids belong to the article: neither text nor chrome
            elif kind or line.chrome or is_drop(text) or _linky(line):
                tally.add_bad(len(text))
            elif _is_paragraph(line, text):
                tally.add_good(len(text) - line.links, self.pos + 1)
                if self.first is None:
                    self.first = self.pos
            self.pos += 1


def locate(doc: Doc, title: str | None) -> Structure | None:
    """The structural candidate of ``doc`` (see the module docstring), None when the page
    holds no text after its headline."""
    head = headline_index(doc, title)
    after = head + 1 if head is not None else 0
    info = _info_lines(doc, after) if head is not None else []
    anchor = info[-1] + 1 if info else after
    fields = field_lines(doc)
    start = _first_text(doc, anchor, fields)
    if start is None:
        return None
    path = doc.blocks[start].path
    scan = _Scan(doc, start, fields)
    best: tuple[float, int, int, int, int] | None = None  # score, depth, end, good, bad
    score: float
    for depth in range(len(path) - 1, -1, -1):
        scan.extend(depth, path[depth])
        good, bad, end = scan.totals()
        el = doc.elements[path[depth]]
        score = good - _BAD_WEIGHT * bad
        names = hint(el)
        if _CONTENT_HINT.search(names) and not _NEGATIVE_HINT.search(names):
            score += _HINT_BONUS * good
        if best is None or score > best[0]:
            best = (score, depth, end, good, bad)
    assert best is not None
    score, depth, end, good, bad = best
    start = scan.first if scan.first is not None and scan.first < end else start
    found = Structure(head, info, start, end, doc.elements[path[depth]], score, good, bad)
    found.lines = _text(doc, start, end, set(info) | fields)
    return found


def is_picture_text(line: Line, text: str) -> bool:
    """A caption under a picture (short, centered or without a sentence) or a photo-story
    heading over one (a short line without punctuation)."""
    bare = len(text) <= _LABEL_MAX and not _SENTENCE_MARK.search(text) and not is_info(text)
    if line.img_before and len(text) <= _CAPTION_MAX and (line.centered or bare):
        return True
    return line.img_after and bare


def _is_credits(text: str) -> bool:
    """An info line whose keyword list reads like sentences (``来源：某报 关键字：住宅;租赁
    作者： 2012-01-12``): two field labels and a date in a short line are no running text."""
    return (
        len(text) <= INFO_MAX and len(INFO_LABEL.findall(text)) >= 2 and bool(DATE_RE.search(text))
    )


def _text(doc: Doc, start: int, end: int, info: set[int]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for i in range(start, end):
        line = doc.blocks[i]
        text = plain(line.text)
        if i in info or line.chrome or is_drop(text) or _linky(line) or is_editor(text):
            continue
        if is_end(text) or is_picture_text(line, text):
            continue
        if is_info(text) and len(text) < 100 and not _SENTENCE_END.search(text):
            continue
        if _is_credits(text):
            continue
        if line.text in seen and len(line.text) > 10:
            continue  # pages that print the article twice
        seen.add(line.text)
        out.append(line.text)
    return out
