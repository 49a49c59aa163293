"""Body text: trafilatura (or the profile's body region), then page chrome removed line by line:
info lines, 编辑 lines, share/print/close bars, 相关阅读 lists, disclaimers, copyright/ICP.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from .dates import DATE_RE
from .document import LABEL_RE, Doc, clean_space, select, text_lines

# a heading after which the rest of the text is a list of other articles
_TAIL_HEADINGS = re.compile(
    r"^[【\[（(]?\s*(?:相关阅读|延伸阅读|相关新闻|相关链接|相关文章|推荐阅读|相关推荐|热点推荐|"
    r"相關閱讀|延伸閱讀|相關新聞|相關鏈接|推薦閱讀|"
    r"更多新闻|猜你喜欢|热门推荐|往期回顾|上一篇|下一篇|网友评论|最新评论|网友最新评论|我要评论|"
    r"发表评论|热门评论)\s*[】\]）)]?\s*[:：]?"
    r"|^[【\[]?(?:声明|反侵权公告|版权声明|免责声明|特别声明)[】\]]?\s*[:：]?\s*$"
    r"|^\S{1,20}对.{1,30}的评论\s*[:：]"
    r"|^[【\[]?(?:免责声明|特别声明|版权声明|声明)[】\]]?\s*[:：].{0,300}(?:本站|本网|转载|版权|观点)"
)
_JUNK_LINE = re.compile(
    r"^[-–—|·•>\s\[\]【】()（）]*$|^感谢您访问|^(?:字号|图集|分享|打印|收藏)$"
    r"|^[【\[（(]?\s*(?:作者|作\s者|记者|通讯员|撰稿)\s*[:：][^，。]{0,25}[】\]）)]?$"
)
_CHROME = re.compile(
    r"分享到|打印本页|【打印】|\[打印\]|打印文章|关闭窗口|【关闭】|\[关闭\]|字体\s*[:：]\s*大\s*中\s*小|"
    r"字号\s*[:：]\s*(?:大|T)|分享到|打印本頁|關閉窗口|返回顶部|收藏本页|加入收藏|扫一扫|分享至|微信扫一扫|打印\s+关闭|本站提醒您"
)
_LEGAL = re.compile(
    r"免责声明|特别声明|版权所有|版权声明|ICP\s*备|ICP证|Copyright|©|公网安备|违法和不良信息|"
    r"免責聲明|版權所有|版權聲明|ICP\s*備|禁止.{0,4}转载|转载申请|非法侵权|未经.{0,12}授权.{0,6}不得"
)
_EDITOR_LINE = re.compile(
    r"^[【\[（(]?\s*(?:责任编辑|责编|编辑|值班编辑|网络编辑|审核|校对|终审|責任編輯|編輯|審核|校對)"
    r"\s*[:：|/]"
)
_SOURCE_LINE = re.compile(
    r"^[【\[（(]?\s*(?:信息来源|文章来源|稿件来源|稿源|来源|來源)\s*[:：][^。]{0,40}[】\]）)]?$"
)
_SHORT = 60
_MIN_CHARS = 150
_TAIL_MIN = 40
_NAV_LINE = 20
# above this many characters trafilatura skips its justext/readability fallbacks (superlinear)
_FAST_ABOVE = 1_000_000


def _region_lines(doc: Doc, selector: str) -> list[str] | None:
    lines: list[str] = []
    for hit in select(doc, selector):
        if isinstance(hit, str):
            lines.extend(clean_space(x) for x in hit.splitlines() if x.strip())
        else:
            lines.extend(text_lines(hit))
    return lines or None


def _run_trafilatura(doc: Doc, **options: bool) -> list[str]:
    import trafilatura

    huge = len(doc.html) > _FAST_ABOVE
    tree = copy.deepcopy(doc.tree)  # trafilatura prunes the tree it is given
    if huge:
        _drop_link_blocks(tree)
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


def _drop_link_blocks(tree: Any) -> None:
    """Remove blocks made only of links (link lists, tag clouds): on multi-megabyte pages they
    are nearly all the nodes, and trafilatura's link-density passes grow faster than linear."""
    doomed = []
    for el in tree.iter("div", "li", "p", "td", "dd", "dt", "span", "tr", "ul"):
        children = list(el)
        if (
            children
            and all(child.tag == "a" and not (child.tail or "").strip() for child in children)
            and not (el.text or "").strip()
        ):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def _trafilatura_lines(doc: Doc) -> list[str]:
    """Tables off first: on old portals the whole page layout is a table, and with tables on
    trafilatura returns the layout. Tables on only when the article itself sits in a table.
    """
    lines = _run_trafilatura(doc, include_tables=False)
    if sum(map(len, lines)) < _MIN_CHARS and doc.tree.find(".//table") is not None:
        tabled = _run_trafilatura(doc, include_tables=True)
        if sum(map(len, tabled)) > sum(map(len, lines)):
            lines = tabled
    return lines


def is_info_line(line: str, info: list[str]) -> bool:
    """True for a date/source/author line (one of the page's info lines, or one that looks so)."""
    if line in info:
        return True
    if len(line) > 200:
        return False
    labels = LABEL_RE.findall(line)
    return len(labels) >= 2 or (bool(labels) and bool(DATE_RE.search(line)) and len(line) < 120)


def clean_lines(lines: list[str], doc: Doc, title: str | None) -> list[str]:
    """Drop chrome lines; cut at 相关阅读-style headings (near the end) and legal footers."""
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
    total = sum(map(len, lines))
    before = 0  # characters of the lines kept so far: a tail cut needs an article above it
    for index, line in enumerate(lines):
        short = len(line) <= _SHORT
        if line in seen and len(line) > 10:
            continue  # pages that print the article twice (print view, paginated copies)
        seen.add(line)
        if _JUNK_LINE.match(line):
            continue
        if _TAIL_HEADINGS.match(line) and (short or "声明" in line[:6]) and before >= _TAIL_MIN:
            break
        if short and _LEGAL.search(line) and before >= min(_TAIL_MIN, total // 2):
            break
        if is_info_line(line, doc.info):
            continue
        if short and (_EDITOR_LINE.match(line) or _SOURCE_LINE.match(line)):
            # the 编辑 line closes the article: short lines after it are promos (公众号, 数字报)
            rest = lines[index + 1 :]
            if (
                _EDITOR_LINE.match(line)
                and before >= _TAIL_MIN
                and all(len(x) <= _NAV_LINE for x in rest)
            ):
                break
            continue
        if len(line) <= 80 and (_CHROME.search(line) or _LEGAL.search(line)):
            continue
        out.append(line)
        before += len(line)
    return out


def extract_body(doc: Doc, title: str | None, selector: str | None = None) -> str:
    """Body paragraphs joined by ``\\n``. Order of trust: the profile's ``body`` region (all its
    text lines) > trafilatura on the whole page; chrome removal applies to both.
    """
    lines = _region_lines(doc, selector) if selector else None
    if lines is None:
        lines = _trafilatura_lines(doc)
    return "\n".join(clean_lines(lines, doc, title))
