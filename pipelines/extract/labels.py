"""Labels read in either script, with or without pinyin glosses.

A line is made *plain* before any label pattern looks at it: pinyin glosses removed
(``來(lái)源(yuán):`` -> ``來源:``), then OpenCC t2s (``來源:`` -> ``来源:``). So every pattern in
the extractor is written once, in simplified characters, and a value read from a plain line
carries no gloss debris (``發(fā``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipelines.normalize.pinyin import remove_glosses
from pipelines.normalize.script import to_simplified

_NEEDS_WORK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


# two-character labels spaced out to a column's width (来　源：, 编 辑：): read joined
_LABEL_PAIRS = (
    "来源 作者 记者 编辑 责编 日期 时间 审核 校对 初审 复审 终审 摄影 撰稿 采写 稿源 出处"
)
# (any two characters spaced out before a colon are a label too: 审　稿：, 统 筹：)
_SPACED_LABEL = re.compile(
    r"(?<![\u4e00-\u9fff])(?:"
    + "|".join(f"{p[0]}[ \u3000\xa0]{{1,3}}{p[1]}" for p in _LABEL_PAIRS.split())
    + r"|[\u4e00-\u9fff][ \u3000\xa0]{1,3}[\u4e00-\u9fff](?=\s*[:：])"
    + r")(?![\u4e00-\u9fff])"
)


@lru_cache(maxsize=65536)
def plain(line: str) -> str:
    """``line`` without pinyin glosses, in simplified script, spaced-out labels joined
    (``来　源：`` -> ``来源：``), full-width slashes made ASCII; char for char otherwise."""
    if not _NEEDS_WORK.search(line):
        return line
    # a full-width slash separates role and name as the ASCII one does (文／王小明, Taiwan)
    text = to_simplified(remove_glosses(line)).replace("／", "/")
    if " " in text or "\u3000" in text or "\xa0" in text:
        text = _SPACED_LABEL.sub(lambda m: m.group(0)[0] + m.group(0)[-1], text)
    return text


# characters that separate the items of an info line: 来源：新华社 │ 作者：张三
ITEM_SEPARATORS = "|｜丨│┃∣¦•●◆◇■□▪"

# the labels of info-line fields, longest first within each group (simplified script only)
DATE_LABELS = (
    r"发布时间|发布日期|发表时间|发表日期|发稿时间|发稿日期|更新时间|录入时间|上传时间|时间|日期"
)
SOURCE_LABELS = r"信息来源|文章来源|新闻来源|稿件来源|资讯来源|稿源|来源于?|出处"
AUTHOR_LABELS = (
    r"作者|撰稿人?|执笔人?|采写|撰文|(?:本报|本台|本网|特约|见习|首席)?记者|通讯员|实习生|摄影|摄像"
)
EDITOR_LABELS = r"责任编辑|值班编辑|网络编辑|编辑|责编|主编"
# review roles close an editor's name even without a colon: 编辑：张三 初审 李四
REVIEW_LABELS = r"初审|复审|终审|审核|审校|审签|校对|签发|监制|编审"
COUNTER_LABELS = (
    r"浏览次数|浏览|点击数|点击|阅读数|阅读量|阅读|访问量|字号|字体|分享|打印|发布|供稿"
)
ANY_LABEL = (
    f"{DATE_LABELS}|{SOURCE_LABELS}|{AUTHOR_LABELS}|{EDITOR_LABELS}|{REVIEW_LABELS}|"
    f"{COUNTER_LABELS}"
)
# a label that opens a date/source/author field of an info line
INFO_LABEL = re.compile(
    rf"({DATE_LABELS}|{SOURCE_LABELS}|{AUTHOR_LABELS}|{EDITOR_LABELS}|浏览|点击|阅读|访问量)\s*[:：]"
)
# the place of a Taiwan byline after the names: 记者王小明/台北报导, /综合报导, /台北即时报导
REPORTED = r"[\u4e00-\u9fff]{0,8}?(?:即时|特稿)?报[导道]"
# a colon-less byline: 记者 张三, 文/张三 图/李四, 文/图 张三, 记者王小明/台北报导
BYLINE = re.compile(
    r"(?:^|[\s(（【\[〔|｜])(?:(?:本报|本台|本网|特约|见习|首席)?记者\s+(?=\S)"
    r"|(?:文|图|摄影|摄)\s*/\s*(?=[\u4e00-\u9fff])|文\s*/\s*图\s+(?=\S)"
    rf"|记者(?=[\u4e00-\u9fff、]{{2,12}}/{REPORTED}))"
)
# a line that names the editor: it closes the article
EDITOR_LINE = re.compile(
    r"^[【\[（(]?\s*(?:责任编辑|责编|编辑|值班编辑|网络编辑|审核|审校|校对|终审|初审|复审|编审|监制)"
    r"\s*[:：|/]"
)
# a line that only gives the source of the article
SOURCE_LINE = re.compile(
    r"^[【\[（(]?\s*(?:信息来源|文章来源|稿件来源|新闻来源|稿源|来源)\s*[:：][^。]{0,40}[】\]）)]?$"
)
