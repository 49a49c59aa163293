"""Page chrome recognized line by line, on *plain* lines (glosses removed, simplified script:
see labels.py), so one pattern serves both scripts.

Two kinds: an **end** marker closes the article once its text has begun (完, 上一篇/下一篇,
相关阅读 lists, comment blocks and rules, share and print bars, copyright and ICP footers);
a **drop** line is chrome wherever it sits (font-size switches, counters, captions, menu bars,
lines of punctuation) and is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

from .labels import EDITOR_LINE, SOURCE_LINE

T = TypeVar("T")
CACHED_MAX = 200  # characters: the line tests below keep their answers for lines this short


def cached_below(func: Callable[[str], T]) -> Callable[[str], T]:
    """``func`` (a pure test of one line) with its answers kept for lines of at most
    ``CACHED_MAX`` characters: a portal prints the same menu, share bar and footer lines on
    every page, and the extractor's passes test the same lines again (longer lines, the
    paragraphs, are rarely seen twice and are not kept)."""
    cached = lru_cache(maxsize=8192)(func)

    @wraps(func)
    def test(text: str) -> T:
        return cached(text) if len(text) <= CACHED_MAX else func(text)

    return test


# what may follow a heading word: a colon, a bracket, a space, the end of the line, a number
_HEADING_END = r"\s*[】\]）)]?\s*(?:[:：]|$|(?<=[】\]）)])|\s|(?=[>»(（\d]))"
# a heading over a list of other articles: the article is over unless paragraphs follow
RELATED = re.compile(
    r"^[【\[（(]?\s*(?:相关阅读|延伸阅读|相关新闻|相关链接|相关文章|相关报道|相关信息|推荐阅读|相关推荐|"
    r"热点推荐|热门推荐|热点新闻|热点信息|热门新闻|热门文章|更多新闻|更多阅读|猜你喜欢|往期回顾|友情链接|"
    r"精彩推荐|图片新闻|最新新闻|最新文章|本周热点|点击排行|阅读排行)" + _HEADING_END
)
# after these the article is over: neighbours, comment blocks, disclaimers
TAIL_HEADING = re.compile(
    r"^[【\[（(]?\s*(?:上一篇|下一篇|上一条|下一条|上篇|下篇|前一篇|后一篇|前一条|后一条|网友评论|最新评论|网友最新评论|我要评论|"
    r"发表评论|热门评论|评论须知|评论列表|全部评论|文明上网|评论)"
    + _HEADING_END
    + r"|^[【\[]?(?:声明|反侵权公告|版权声明|免责声明|特别声明)[】\]]?\s*[:：]?\s*$"
    r"|^\S{1,20}\s?对.{1,30}的评论\s*[:：]"
    r"|^(?:[【\[](?:免责声明|特别声明|版权声明|声明)[】\]]\s*[:：]?|(?:免责声明|特别声明|版权声明|声明)\s*[:：])"
    r".{0,300}(?:本站|本网|转载|版权|观点)"
)
# comment blocks: counters, posting rules, login prompts
COMMENT = re.compile(
    r"已有\s*\d+\s*(?:条|人)(?:评论|参与)|共\s*\d+\s*条评论|查看全部评论|发表评论|我要评论|"
    r"评论须知|网友评论|文明上网|理性发言|登录后(?:发表|评论)|请遵守.{0,10}(?:法律|法规)|"
    r"评论仅代表网友|网友发言|网友留言|留言只代表|匿名发表|验证码|^\s*昵称\s*[:：]|"
    r"(?:观点|言论)[^，。]{0,8}(?:不代表|与本站无关)|"
    r"跟[帖贴]须知|网友跟[帖贴]|登录后跟[帖贴]|我要跟[帖贴]|^\s*跟[帖贴]\s*\d+\s*(?:人参与|条)"
)
SHARE = re.compile(
    r"^分享\s*[:：]|分享到|分享至|一键分享|打印本页|【打印】|\[打印\]|打印文章|打印此文|关闭窗口|【关闭】|\[关闭\]|"
    r"打印\s+关闭|返回顶部|返回.{0,10}首页|正文已结束|收藏本页|加入收藏|微信扫一扫|扫一扫|本站提醒您|【我要纠错】|我要纠错"
)
LEGAL = re.compile(
    r"免责声明|特别声明|版权所有|版权声明|ICP\s*备|ICP证|Copyright|©|公网安备|违法和不良信息|"
    r"禁止.{0,4}转载|转载申请|非法侵权|未经.{0,12}授权.{0,6}不得|国内统一(?:连续出版物)?刊号|邮发代号"
)
# a footer line, whatever its length: registration numbers and rights notices
LEGAL_STRONG = re.compile(
    r"ICP\s*[备证]|公网安备|All\s+Rights\s+Reserved|Copyright\s*(?:©|&copy;|\(c\))?\s*\d{4}|"
    r"版权所有.{0,30}(?:未经|不得|禁止)|互联网新闻信息服务许可证|国内统一(?:连续出版物)?刊号|邮发代号",
    re.IGNORECASE,
)
FONT = re.compile(
    r"字体\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中|字号\s*[:：]\s*(?:大|T)|【\s*大\s*中\s*小\s*】"
)
JUNK = re.compile(
    r"^[-–—|·•>\s\[\]【】()（）＊*※★☆=＝_~～]*$|^[-–—=_*~·.]{3,}.{0,6}[-–—=_*~·.]{3,}$|^感谢您访问|^(?:字号|图集|分享|打印|收藏|关闭|返回|纠错)$"
    r"|^[【\[（(]?\s*(?:作者|作\s者|记者|通讯员|撰稿)\s*[:：][^，。]{0,25}[】\]）)]?$"
    r"|^(?:浏览|点击|阅读|访问)(?:次数|量|数)?\s*[:：]\s*\d*\s*(?:次)?$"
    # the page's own address: 本文链接：http://…
    r"|^[【\[]?(?:本文链接|本文地址|本文网址|原文链接|原文地址|本页地址)[】\]]?\s*[:：]?\s*(?:https?://\S*)?$"
)
# a menu bar once its links are gone: four or more short items split by vertical bars
# (首页 | 新闻 | 政务 | 服务); no item carries a label colon or a date (an info line is not a menu)
MENU = re.compile(r"^[^|｜:：]{1,12}(?:\s*[|｜]\s*[^|｜:：]{1,12}){3,}$")
_DATED = re.compile(r"\d{2,4}\s*[-/年.]\s*\d{1,2}")
# a summary or keyword box over the article: 摘要：…, 导读：…, 关键词：…
_SUMMARY_WORDS = (
    r"摘\s*要|内容摘要|内容提要|提\s*要|导\s*读|本文导读|核心提示|关键词|关键字|标签|tags?"
)
# (a bracketed heading needs no colon: 【核心提示】…)
SUMMARY = re.compile(
    rf"^(?:[【\[]\s*(?:{_SUMMARY_WORDS})\s*[】\]]|(?:{_SUMMARY_WORDS})\s*[:：])",
    re.IGNORECASE,
)
# the heading of a list of attached files
ATTACHMENTS = re.compile(r"^[【\[]?\s*(?:附件|相关附件|附件下载)\s*\d*\s*[】\]]?\s*[:：]?\s*$")
# lines that only name attached files (the text of a link list once its links are gone):
# 附件：1.工作方案.docx 2.名单.xls, 附件2：实施细则.pdf, 名单.xlsx
_FILE = r"[^\s:：]{1,80}\.(?:docx?|xlsx?|pdf|zip|rar|7z|wps|et|pptx?|ofd|txt)"
FILES = re.compile(
    rf"^(?:[【\[]?\s*(?:相关)?附件\s*\d*\s*[】\]]?\s*[:：]?\s*)?(?:{_FILE}\s*)+$", re.IGNORECASE
)
# a pager: 上一页 1 2 3 下一页, 首页 上一页 下一页 尾页
PAGER = re.compile(r"^(?:(?:首页|上一页|下一页|末页|尾页|共\d+页|\d{1,3})\s*){2,}$")
# a caption under a picture: "图为…", "（图为…）", "▲…", "上图：…", "图片来源：…"
CAPTION = re.compile(
    r"^[（(【\[]?\s*(?:图为|图\s*[:：]|[上下左右]图\s*[:：为]|图片来源\s*[:：]|组图\s*[:：])|^[▲△↑]"
    r"|[（(](?:资料图|资料图片|图片来源[^（()）]{0,20}|[^（()）]{1,16}摄)[）)]$"
)


def is_caption(text: str) -> bool:
    """True for a picture caption (plain): 图为…, ▲…, …（资料图）, …（张三 摄）."""
    return len(text) <= 150 and bool(CAPTION.search(text))


# a dash-led subtitle printed under the headline (——记驻村第一书记王某): never body text
SUBTITLE = re.compile(r"^(?:——|--|—)\s*[^—\s-][^。！？!?；;]{1,38}$")


def is_subtitle(text: str) -> bool:
    """True for a dash-led subtitle line (plain): ``——记驻村第一书记王某``."""
    return bool(SUBTITLE.match(text))


_SENTENCE_MARK = re.compile(r"[，。！？；,;!?]")
BREADCRUMB = re.compile(
    r"^(?:当前位置|您(?:现在)?的?位置|所在位置|现在位置|位置)\s*[:：]|(?:>>?|»|›|→).{0,30}(?:>>?|»|›|→)"
)
SHORT = 60
END_MAX = 80


# the word that closes a press release or a wire story: 完, （完）, -完-, 【完】
THE_END = re.compile(r"^[（(【\[〔\-—－\s]*完[）)】\]〕\-—－\s]*$")


@cached_below
def end_kind(text: str) -> str | None:
    """``"hard"`` when ``text`` (plain) is a marker after which the article is over, ``"soft"``
    for a heading over a list of links (the article goes on only if paragraphs follow)."""
    if THE_END.match(text):
        return "hard"
    if len(text) > END_MAX:
        if len(text) <= 200 and LEGAL_STRONG.search(text):
            return "hard"
        return "hard" if TAIL_HEADING.match(text) and "声明" in text[:6] else None
    if TAIL_HEADING.match(text):
        return "hard"
    if len(text) <= SHORT and (COMMENT.search(text) or SHARE.search(text) or LEGAL.search(text)):
        return "hard"
    return "soft" if len(text) <= SHORT and RELATED.match(text) else None


def is_end(text: str) -> bool:
    """True when ``text`` (plain) is an end marker of either kind."""
    return end_kind(text) is not None


@cached_below
def is_drop(text: str) -> bool:
    """True when ``text`` (plain) is chrome to skip wherever it sits."""
    if JUNK.match(text):
        return True
    if len(text) > 150:
        return False
    if is_caption(text) or BREADCRUMB.match(text) or SUMMARY.match(text) or ATTACHMENTS.match(text):
        return True
    if FILES.match(text) or (("上一页" in text or "下一页" in text) and PAGER.match(text)):
        return True
    if MENU.match(text) and not (_SENTENCE_MARK.search(text) or _DATED.search(text)):
        return True
    return len(text) <= END_MAX and bool(
        FONT.search(text) or SHARE.search(text) or SOURCE_LINE.match(text)
    )


def is_editor(text: str) -> bool:
    """True for a short 编辑/责任编辑/审核 line (plain)."""
    return len(text) <= SHORT and bool(EDITOR_LINE.match(text))
