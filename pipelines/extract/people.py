"""People and provenance: author (作者/记者/通讯员), source (来源) and editor (编辑/责任编辑)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .chrome import COMMENT, SHARE
from .dates import DATE_RE
from .document import Doc, clean_space, select_text
from .labels import (
    ANY_LABEL,
    AUTHOR_LABELS,
    EDITOR_LABELS,
    EDITOR_LINE,
    ITEM_SEPARATORS,
    REPORTED,
    REVIEW_LABELS,
    SOURCE_LABELS,
    plain,
)

_AUTHOR_LABEL = re.compile(
    rf"(?:{AUTHOR_LABELS}|文\s*/\s*图|文图|文|图)\s*[:：]\s*"
    # colon-less bylines: 记者 张三, 文/张三 图/李四, 文/图 张三
    r"|(?:^|[\s(（【\[|｜])(?:本报|本台|本网|特约|见习|首席)?记者\s+(?=\S)"
    r"|(?:^|[\s(（【\[|｜])(?:文\s*/\s*图\s+|(?:文|图|摄影|摄)\s*/\s*)(?=[\u4e00-\u9fff])"
    # Taiwan: 记者王小明/台北报导, 〔记者王小明、李大华/台北报导〕
    rf"|(?:^|[\s(（【\[〔|｜])记者(?=[\u4e00-\u9fff、]{{2,12}}/{REPORTED})"
)
_WRITER_LABEL = re.compile(r"(?:作\s*者|执笔人?|撰\s*稿)\s*[:：]\s*")
_SOURCE_LABEL = re.compile(rf"(?:{SOURCE_LABELS})\s*[:：]\s*")
_EDITOR_LABEL = re.compile(
    rf"(?:{EDITOR_LABELS})\s*(?:[:：]|[|/](?=\w))\s*"
    # a credit in brackets without a colon: （松花江网编辑 孙桂芳）
    r"|(?<=[（(])[^（()）\s]{0,12}(?:编辑|责编)\s+(?=[\u4e00-\u9fff]{2,4}\s*[）)])"
)
# a value ends at the next label, a review role, a date, counters, a bracket or a separator
_STOP = re.compile(
    rf"(?:{ANY_LABEL})\s*[:：]|(?:{REVIEW_LABELS})\s+(?=\S)"
    r"|浏览|点击数|阅读数|阅读量|字号|【|\[|[)）】\]]|\s[/|](?:\s|$)"
    rf"|[{ITEM_SEPARATORS}]"
    # a field the label lists do not know: a short word and a colon after a space (统筹：…)
    r"|\s[\u4e00-\u9fff]{2,4}\s*[:：]"
    r"|(?<!\d)(?:19|20)\d{2}\s*[年\-/.]"
    # a keyword or summary box after the credits: 关键字：…
    r"|(?:关键字|关键词|标签|摘要|tags?)\s*[:：]",
    re.IGNORECASE,
)
# page chrome printed after a value on the same line (网友评论 (0), 发表评论, 手机看…, 打印)
_VALUE_CHROME = re.compile(rf"{COMMENT.pattern}|{SHARE.pattern}|手机(?:看|版|访问|阅读)|打印|关闭")
_WORD = re.compile(r"\w")
_QUOTES = frozenset("“\"「『‘'")
# 来源 values end where a colon-less byline starts: "来源: 枣庄日报 记者 林峰"
_SOURCE_STOP = re.compile(r"\s(?=(?:本报|特约)?(?:记者|通讯员|作者)\s|文\s*/|图\s*/)")
_ROLE_WORDS = re.compile(
    r"本报记者|本台记者|本网记者|特约记者|见习记者|首席记者|记者|本报通讯员|通讯员|实习生|评论员|"
    r"摄影|摄像|文/图|文图|撰稿|采写|撰文|作者|/摄|摄$|^文$|^图$|^发$|^报道$"
    rf"|^{REPORTED}$"
)
_NAME_SPLIT = re.compile(r"[\s、,，;；/]+")
_BYLINE_ROLE = re.compile(
    r"(?:记者|通讯员|实习生)\s*[:：]?\s*|(?:作者|摄影|撰稿|采写|撰文)\s*[:：]\s*"
    r"|(?:文\s*/\s*图|文|图|摄影)\s*/\s*|文\s*/\s*图\s+"
)
# a byline inside brackets may sit in a long first paragraph: （记者 张三）, 〔记者王五/台北报导〕
_OPENING, _CLOSING = "（(〔【[", "）)〕】]"
_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")
_PERSON = re.compile(r"^(?:[\u4e00-\u9fff·]{2,4}|[A-Za-z][A-Za-z .'-]{1,30})$")
_NAME_TAIL = re.compile(r"(?:摄影|摄|/?文|/?图)$")
_PAREN_NAMES = re.compile(r"[（(]\s*((?:[\u4e00-\u9fff]{2,3}\s*){1,4})[）)]$")
_NOT_NAMES = re.compile(
    r"新华社|记者|报道|报导|编辑|来源|摄影|综合|图片|视频|本报|本网|了解|获悉|采访|发现|看到|近日|日前|"
    r"整合|编译|供图|制图|实习|星期|礼拜"
)
_INFO_WIDE = 60
_EDITOR_RUN = 2
_NAMES_LINE = re.compile(
    r"^(?:[\u4e00-\u9fff·]{2,4}|[A-Za-z][\w.]{1,20})(?:[ 、,，][\u4e00-\u9fff·]{2,4})*$"
)
# GBK user-defined byte pairs decode to private-use code points: never part of a name
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_BRACKETED = re.compile(r"^\s*[\[【]\s*([^\]】]{1,30}?)\s*[\]】]")
_ANY_LABEL = re.compile(r"^[【\[（(]?[^:：\s]{1,6}[:：]\s*")
_LABEL_AT_END = re.compile(r"(?:责任编辑|编辑|责编|作者|记者|来源)\s*[:：]\s*$")


def _value(line: str, label: re.Pattern[str]) -> str | None:
    return next(_values(line, label), None)


def _values(line: str, label: re.Pattern[str]) -> Iterator[str]:
    """The value after each match of ``label`` in ``line`` (plain), cut at the next field."""
    line = plain(line)
    for match in label.finditer(line):
        if line[max(0, match.start() - 1) : match.start()] in _QUOTES:
            continue  # a quoted label is cited, not a field: 凡注明“来源：本网”的作品
        # a value printed in brackets: 来源：[ 人民网 ]
        rest = _BRACKETED.sub(r"\1", line[match.end() :])
        stop = _STOP.search(rest)
        value = rest[: stop.start()] if stop else rest
        if label is _SOURCE_LABEL and (cut := _SOURCE_STOP.search(value)):
            value = value[: cut.start()]
        if cut := _VALUE_CHROME.search(value):
            value = value[: cut.start()]
        value = clean_space(_PRIVATE_USE.sub("", value)).strip(" :：|-–—,，。;；")
        if _WORD.search(value) and not DATE_RE.match(value):
            yield value


def _selected(doc: Doc, selector: str, label: re.Pattern[str]) -> str | None:
    """The value in a profile-selected element: after its label if any, else its whole text
    less a leading ``XX：`` label."""
    text = select_text(doc, selector)
    if not text:
        return None
    return _value(text, label) or _ANY_LABEL.sub("", text).strip() or None


def _find(lines: list[str], label: re.Pattern[str]) -> str | None:
    lines = [plain(line) for line in lines]
    for i, line in enumerate(lines):
        if (value := _value(line, label)) is not None:
            return value
        # the label closes the line and the name sits in the next element (责任编辑：</span>焦鹏)
        if (match := _LABEL_AT_END.search(line)) and label.search(match.group()):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            fits = label is _SOURCE_LABEL or _NAMES_LINE.match(_BYLINE_ROLE.sub("", nxt))
            if 0 < len(nxt) <= 12 and not _STOP.search(nxt) and fits:
                return nxt
    return None


def _short_lines(doc: Doc) -> list[str]:
    # measured plain: pinyin glosses make a credit line twice as long as it reads
    return [
        line for line in doc.spaced if len(line) <= _INFO_WIDE or len(plain(line)) <= _INFO_WIDE
    ]


def clean_names(value: str | None) -> str | None:
    """Drop role words (记者, 通讯员, 文/图...) and join several names with one space."""
    if not value:
        return None
    names = []
    for token in _NAME_SPLIT.split(value):
        token = _ROLE_WORDS.sub("", token).strip(" :：()（）")
        if token and token not in names:
            names.append(token)
    return " ".join(names) or None


def _names_after(text: str) -> list[str]:
    names: list[str] = []
    for token in _NAME_SPLIT.split(text.strip()):
        token = token.strip("（）()□■【】[]")
        if _BYLINE_ROLE.fullmatch(token) or token in ("通讯员", "实习生", "文", "图", "摄影", "发"):
            continue
        token = _NAME_TAIL.sub("", token)
        if not _NAME.match(token) or _NOT_NAMES.search(token) or _VALUE_CHROME.search(token):
            break
        names.append(token)
    return names


def byline_author(
    body: list[str], above: list[str] | None = None, below: list[str] | None = None
) -> str | None:
    """Names in a byline at the top or bottom of the body: ``光明日报记者 王建宏 张文攀``,
    ``（记者 胡晓蓉）``, ``□ 本报记者 葛灵丹``, ``〔记者王小明／台北报导〕`` (Taiwan), a closing
    ``（常书香 马丹阳）``; ``above`` and
    ``below`` are the page lines just around the body, where layouts often put the byline.
    """
    top = (above or [])[-2:] + body[:3]
    bottom = body[-4:] + (below or [])[:3]
    edge = [plain(line) for line in top + bottom[::-1]]
    for line in edge:
        found: list[str] = []
        for match in _BYLINE_ROLE.finditer(line):
            before = line[: match.start()]
            inside = max(before.rfind(c) for c in _OPENING) > max(before.rfind(c) for c in _CLOSING)
            if len(line) > 40 and not inside:
                continue
            rest = line[match.end() :]
            if inside:
                rest = re.split(r"[）)〕】\]]", rest, maxsplit=1)[0]
            found.extend(name for name in _names_after(rest) if name not in found)
        if found:
            return " ".join(found)
    if body and (paren := _PAREN_NAMES.search(plain(body[-1]))):
        # a role word before the names is no name: （评论员 罗博 萧海川）
        names = [n for n in paren.group(1).split() if not _ROLE_WORDS.fullmatch(n)]
        if names and not _NOT_NAMES.search(paren.group(1)) and all(2 <= len(n) <= 3 for n in names):
            return " ".join(names)
    return None


def extract_author(doc: Doc, selector: str | None = None, editor: str | None = None) -> str | None:
    """Author names. Order of trust: profile selector > info line (作者/记者/通讯员/文/图/撰稿)
    > a byline at the top or bottom of the body > a 作者/执笔 line elsewhere on the page > the
    ``author`` meta tag (when it is not a site name, nor the ``editor`` the page names: CMSs
    fill it with the user who posted the article).
    """
    if selector:
        return clean_names(_selected(doc, selector, _AUTHOR_LABEL))
    for line in doc.info:
        if value := clean_names(" ".join(_values(line, _AUTHOR_LABEL))):
            return value
    if value := byline_author(doc.body, *doc.around):
        return value
    if value := clean_names(_find(_short_lines(doc) + doc.body[-3:], _WRITER_LABEL)):
        return value
    value = meta_author(doc)
    if value and editor and set(value.split()) <= set(editor.split()):
        return None
    return value


def meta_author(doc: Doc) -> str | None:
    """The ``author`` meta tag when it holds people's names: never a site name (CMSs fill it
    with one), so every name must look like a person's and none may appear in ``<title>``."""
    value = clean_names(plain(doc.meta.get("author") or ""))
    if not value:
        return None
    el = doc.tree.find(".//title")
    page_title = el.text_content() if el is not None else ""
    names = value.split()
    if all(_PERSON.match(n) for n in names) and not any(n in page_title for n in names):
        return value
    return None


def extract_source(doc: Doc, selector: str | None = None) -> str | None:
    """来源 value as printed. Order of trust: profile selector > info line > ``ContentSource``
    meta > a short 来源 line elsewhere on the page (e.g. ``(来源：宿豫区人民政府网站)``).
    """
    if selector:
        return _selected(doc, selector, _SOURCE_LABEL)
    if value := _find(doc.info, _SOURCE_LABEL):
        return value
    for key in ("contentsource", "source"):
        if doc.meta.get(key):
            return doc.meta[key]
    return _find(_short_lines(doc), _SOURCE_LABEL)


def extract_editor(doc: Doc, selector: str | None = None) -> str | None:
    """Editor name. Order of trust: profile selector > info line > a short 编辑/责任编辑 line
    anywhere (``编辑:何东铭``, ``【编辑：X】``, ``（责任编辑：X）``) > ``editor`` meta.
    """
    if selector:
        return clean_names(_selected(doc, selector, _EDITOR_LABEL))
    value = _find(doc.info, _EDITOR_LABEL) or _editor_block(_short_lines(doc))
    return clean_names(value) or clean_names(doc.meta.get("editor"))


def _editor_block(lines: list[str]) -> str | None:
    """The names of the first editor credit among ``lines``, with those of the editor lines
    right under it (``编辑|禤志杰`` then ``责编|陈梦莹``: both are the article's editors)."""
    value = _find(lines, _EDITOR_LABEL)
    if value is None:
        return None
    flat = [plain(line) for line in lines]
    first = next((i for i, line in enumerate(flat) if value in line), None)
    if first is None or _value(flat[first], _EDITOR_LABEL) != value:
        return value
    names = [value]
    for line in flat[first + 1 : first + 1 + _EDITOR_RUN]:
        more = _value(line, _EDITOR_LABEL) if EDITOR_LINE.match(line) else None
        if more is None:
            break  # a review role (审核：…) or the text: the credit is over
        names.append(more)
    return " ".join(names)
