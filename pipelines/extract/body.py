"""Body text: the profile's ``body`` region, the structural candidate (structure.py) or
trafilatura's, chosen by the rule of :func:`extract_body`; then page chrome removed line by
line (chrome.py): info lines, 编辑 lines, share/print/close bars, 相关阅读 lists, captions,
disclaimers, copyright/ICP footers.
"""

from __future__ import annotations

import copy
from typing import Any

from .chrome import LEGAL, end_kind, is_drop, is_editor, is_subtitle
from .dates import DATE_RE
from .document import HUGE, Doc, clean_space, select, text_lines
from .labels import EDITOR_LINE, INFO_LABEL, SOURCE_LINE, plain
from .structure import Structure, is_picture_text, locate

_SHORT = 60
_MIN_CHARS = 150
_TAIL_MIN = 40
_NAV_LINE = 20


def _region_lines(doc: Doc, selector: str) -> list[str] | None:
    lines: list[str] = []
    for hit in select(doc, selector):
        if isinstance(hit, str):
            lines.extend(clean_space(x) for x in hit.splitlines() if x.strip())
        else:
            lines.extend(text_lines(hit))
    return lines or None


def _run_trafilatura(doc: Doc, **options: Any) -> list[str]:
    import trafilatura

    huge = len(doc.html) > HUGE  # link blocks are gone already (document.parse)
    tree = copy.deepcopy(doc.tree)  # trafilatura prunes the tree it is given
    text = trafilatura.extract(
        tree,
        url=doc.url or None,
        include_comments=False,
        include_images=False,
        # trafilatura's deduplicate keeps a process-wide cache: a second copy of a text (replay,
        # syndicated press release) would come out empty. Duplicate lines are dropped below.
        deduplicate=False,
        with_metadata=False,
        output_format="txt",
        fast=huge,
        **options,
    )
    lines: list[str] = []
    for raw in (text or "").splitlines():
        # table rows come out as "| cell | cell |": one line per non-empty cell
        cells = raw.strip().strip("|").split(" | ") if raw.lstrip().startswith("|") else [raw]
        lines.extend(c for c in (clean_space(x) for x in cells) if c and c != "|")
    return lines


def trafilatura_lines(doc: Doc) -> list[str]:
    """trafilatura's text of the page. Tables off first: on old portals the whole page layout
    is a table, and with tables on trafilatura returns the layout. Tables on only when the
    article itself sits in a table.
    """
    lines = _run_trafilatura(doc, include_tables=False)
    if sum(map(len, lines)) < _MIN_CHARS and doc.tree.find(".//table") is not None:
        tabled = _run_trafilatura(doc, include_tables=True)
        if sum(map(len, tabled)) > sum(map(len, lines)):
            lines = tabled
    return lines


def is_info_line(line: str, info: list[str]) -> bool:
    """True for a date/source/author line (one of the page's info lines, or one that looks so)."""
    flat = line.replace(" ", "")
    if any(flat == x.replace(" ", "") for x in info):
        return True
    if len(line) > 200:
        return False
    text = plain(line)
    labels = INFO_LABEL.findall(text)
    return len(labels) >= 2 or (bool(labels) and bool(DATE_RE.search(text)) and len(text) < 120)


def clean_lines(lines: list[str], doc: Doc, title: str | None) -> list[str]:
    """Drop chrome lines; cut at 相关阅读-style headings (near the end) and legal footers.

    For text that comes without the page's structure (a selector region, trafilatura's text):
    patterns are matched on plain lines (glosses removed, simplified script).
    """
    if title:
        flat = title.replace(" ", "")
        for i, line in enumerate(lines[:10]):
            if line.replace(" ", "") == flat:
                # short lines above the headline are navigation; text above it is the article
                if all(len(x) <= _NAV_LINE for x in lines[:i]):
                    lines = lines[i + 1 :]
                break
    out: list[str] = []
    seen: set[str] = set()
    pictures = picture_texts(doc)
    total = sum(map(len, lines))
    before = 0  # characters of the lines kept so far: a tail cut needs an article above it
    for index, line in enumerate(lines):
        text = plain(line)
        short = len(text) <= _SHORT
        if line in seen and len(line) > 10:
            continue  # pages that print the article twice (print view, paginated copies)
        seen.add(line)
        kind = end_kind(text)
        legal = LEGAL.search(text) and before >= min(_TAIL_MIN, total // 2)
        if kind and (before >= _TAIL_MIN or legal):
            break
        if is_info_line(line, doc.info):
            continue
        if short and (EDITOR_LINE.match(text) or SOURCE_LINE.match(text)):
            # the 编辑 line closes the article: short lines after it are promos (公众号, 数字报)
            rest = lines[index + 1 :]
            if is_editor(text) and before >= _TAIL_MIN and all(len(x) <= _NAV_LINE for x in rest):
                break
            continue
        if kind or is_drop(text) or line in pictures:
            continue
        out.append(line)
        before += len(line)
    return out


def picture_texts(doc: Doc) -> set[str]:
    """The page's captions and photo-story headings, read where the page shows them beside a
    picture (structure.py): text without its markup (the peers' text) no longer shows that."""
    return {
        line.text
        for line in doc.blocks
        if (line.img_before or line.img_after) and is_picture_text(line, plain(line.text))
    }


def readability_lines(doc: Doc) -> list[str]:
    """readability-lxml's summary of the page, as text lines."""
    import lxml.html
    from readability import Document

    summary = Document(doc.html).summary()
    return text_lines(lxml.html.fromstring(summary)) if summary.strip() else []


def extract_body(doc: Doc, title: str | None, selector: str | None = None) -> str:
    """Body paragraphs joined by ``\n``, by this rule (measured with ``python -m
    bench.candidates`` and each alternative in the notes of issue 11):

    1. the profile's ``body`` region when it matches;
    2. the structural candidate (structure.py) when the page prints its headline (the
       candidate is anchored) and the candidate holds at least 20 characters of paragraphs;
    3. otherwise readability-lxml's text, unless it holds less than a fifth of trafilatura's
       (readability collapsed onto one small block), then trafilatura's: on pages whose
       headline is not found this beat trafilatura alone and readability alone on the real
       corpus and on the fuzzed templates. When the headline is found (the candidate was only
       too short), the peers' lines printed above it or only in link lists and chrome blocks
       are dropped (:func:`anchored_lines`);
    4. the unanchored structural candidate when both are empty.

    Chrome line removal applies to the region and to the peers' text; the structural text is
    read without chrome already. ``doc.around`` gets the page lines just around the body.
    """
    lines = _region_lines(doc, selector) if selector else None
    if lines is not None:
        return "\n".join(clean_lines(lines, doc, title))
    found = locate(doc, title)
    if trusted(found):
        assert found is not None
        doc.around = found.around(doc)
        return "\n".join(_drop_subtitle(found.lines))
    peer = clean_lines(trafilatura_lines(doc), doc, title)
    summary = clean_lines(readability_lines(doc), doc, title)
    if sum(map(len, summary)) >= _COLLAPSED * sum(map(len, peer)) and summary:
        peer = summary
    if found is not None and found.headline is not None:
        peer = anchored_lines(peer, doc, found.headline)
    if not peer and found is not None:
        doc.around = found.around(doc)
        return "\n".join(_drop_subtitle(found.lines))
    return "\n".join(_drop_subtitle(peer))


def anchored_lines(lines: list[str], doc: Doc, headline: int) -> list[str]:
    """The peers' ``lines`` less those the page prints only above its text (the headline, at
    ``headline`` in ``doc.blocks``, and what precedes it) or only as chrome after it (a block
    named as chrome, a link list): a peer that fell back to the whole page returns the site's
    navigation, breadcrumbs and sidebar lists, and the page's own layout says where those sit.
    A peer line may be a piece of a page line (a menu's links one a line), so chrome is found
    as a substring; a line the page prints whole after its headline stays."""
    above = "\n".join(line.text for line in doc.blocks[: headline + 1])
    text: set[str] = set()
    chrome: list[str] = []
    for line in doc.blocks[headline + 1 :]:
        if line.chrome or line.links * 2 > len(line.text):
            chrome.append(line.text)
        else:
            text.add(line.text)
    aside = "\n".join(chrome)
    return [x for x in lines if x in text or not (x in above or x in aside)]


def _drop_subtitle(lines: list[str]) -> list[str]:
    """Without a first line that is a dash-led subtitle (``——记驻村第一书记王某``): printed
    under the headline, or under the info line when that sits inside the headline element."""
    if len(lines) > 1 and is_subtitle(plain(lines[0])):
        return lines[1:]
    return lines


def trusted(found: Structure | None) -> bool:
    """True when the structural candidate is taken without consulting the peers."""
    return found is not None and found.headline is not None and found.good >= _MIN_GOOD


_MIN_GOOD = 20
_COLLAPSED = 0.2
