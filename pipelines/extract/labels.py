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


@lru_cache(maxsize=65536)
def plain(line: str) -> str:
    """``line`` without pinyin glosses, in simplified script (char for char otherwise)."""
    if not _NEEDS_WORK.search(line):
        return line
    return to_simplified(remove_glosses(line))


# a label that opens a date/source/author field of an info line
INFO_LABEL = re.compile(
    r"(发布时间|发布日期|发表时间|发稿时间|更新时间|时间|日期|来源|稿源|信息来源|作者|记者|通讯员|撰稿|"
    r"责任编辑|编辑|浏览|点击|阅读|访问量)\s*[:：]"
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
