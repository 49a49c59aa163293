"""Second-round variants (the axes after ``hidden`` in ``spec.AXES``): label spellings and
spacing, colonless lead boxes, more chrome kinds, caption wording and ``<section>`` soup.

Both splits draw every one of them. A label spelling replaces the template's own only where that
one is not a score-only variant, so the score split keeps all its reserved labels.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from tests.simulator.templates.spec import RESERVED
from tests.simulator.templates.text import chrome_headline

if TYPE_CHECKING:
    from tests.simulator.templates.context import Ctx

# label_alt variant -> the axis whose label it replaces
_ALT_OF = {
    "稿件来源": "source_label",
    "新闻来源": "source_label",
    "录入时间": "date_label",
    "值班编辑": "editor_label",
    "采写": "author_style",
}
_SPACE = {"fwspace": "\u3000", "space": " "}
BANQUAN = (
    "【版权声明】凡本网注明“来源：{site}”的所有作品，版权均属{site}所有，"
    "转载请注明出处，违者本网将依法追究责任。"
)
GENTIE = "跟帖 0人参与 请登录后跟帖 网友跟帖仅代表个人观点"


def label(ctx: Ctx, axis: str, base: str) -> str:
    """The label printed for ``axis`` whose template label is ``base``: a second-round
    spelling where the template draws one, two-character labels spaced out where it spaces."""
    alt = ctx.c("label_alt")
    out = base
    swapped = _ALT_OF.get(alt) == axis and ctx.c(axis) not in RESERVED.get(axis, ())
    if swapped and (axis != "author_style" or base in ("作者", "记者")):
        out = alt
    spacing = ctx.c("label_space")
    if spacing != "none" and len(out) == 2:
        out = out[0] + _SPACE[spacing] + out[1]
        ctx.mark(f"label_space:{spacing}", out, chrome=False)
    if out.replace(_SPACE.get(spacing, "-"), "") == alt:
        ctx.mark(f"label_alt:{alt}", out, chrome=False)
    return out


def lead_box(ctx: Ctx) -> str:
    """A bracketed lead box without a colon (【核心提示】, 【内容提要】) over the content."""
    kind = ctx.c("lead_box")
    if kind == "none":
        return ""
    head = {"hexin": "【核心提示】", "tiyao": "【内容提要】"}[kind]
    ctx.mark(f"lead_box:{kind}", head)
    opening = ctx.body_text(ctx.draft.paragraphs[0][:36])
    return f'<div class="tishi"><p><b>{head}</b>{opening}…</p></div>\n'


def extra_top(ctx: Ctx) -> str:
    """Chrome at the top of the content: an audio player's fallback text."""
    if ctx.c("chrome_extra") != "audio":
        return ""
    text = "您的浏览器不支持音频播放，请升级浏览器。"
    ctx.mark("chrome_extra:audio", text)
    return (
        f'<div class="audio"><audio controls src="/media/{ctx.rng.randint(10**5, 10**6)}.mp3">'
        f"{text}</audio></div>\n"
    )


def extra_end(ctx: Ctx) -> str:
    """Chrome at the end of the content: the page's own link, a rights notice."""
    kind = ctx.c("chrome_extra")
    if kind == "permalink":
        ctx.mark("chrome_extra:permalink", "本文链接：")
        return f'<p class="link">本文链接：<a href="{ctx.url}">{escape(ctx.url)}</a></p>\n'
    if kind == "banquan":
        text = BANQUAN.format(site=ctx.site.name)
        ctx.mark("chrome_extra:banquan", text)
        return f'<p style="color:#999">{escape(text)}</p>\n'
    return ""


def extra_after(ctx: Ctx) -> str:
    """Chrome under the content: a phone prompt, a 跟帖 box, a JiaThis share box."""
    kind = ctx.c("chrome_extra")
    if kind == "mobile":
        ctx.mark("chrome_extra:mobile", "手机看新闻", "用手机扫描二维码阅读本文")
        return (
            '<div class="mobile"><span>手机看新闻</span><img src="/qr.png" alt="">'
            "<p>用手机扫描二维码阅读本文</p></div>\n"
        )
    if kind == "gentie":
        ctx.mark("chrome_extra:gentie", GENTIE)
        return f'<div class="tie-area"><div class="tie-info">{GENTIE}</div></div>\n'
    if kind == "jiathis":
        ctx.mark("chrome_extra:jiathis", "转发到：")
        return (
            '<div class="jiathis_style"><span class="jiathis_txt">转发到：</span>'
            '<a class="jiathis_button_weixin"></a><a class="jiathis_button_tsina"></a>'
            '<a href="http://www.jiathis.com/share" class="jiathis jiathis_txt jtico">更多</a></div>\n'
        )
    return ""


def caption(ctx: Ctx, text: str) -> str:
    """The caption in the template's wording: as drawn, the bare scene, or a 摄 credit."""
    kind = ctx.c("caption_words")
    if kind == "same":
        return text
    scene = text.removeprefix("图为：").removeprefix("图为").removeprefix("▲ ").rstrip("。")
    scene = scene.removesuffix("（资料图）")
    if kind == "plain":
        return scene
    return f"{scene}（{ctx.site.name} 记者 摄）"


def section_para(ctx: Ctx, inner: str) -> str:
    """A paragraph as 135editor/秀米-style ``<section>`` soup."""
    return (
        '<section style="margin: 10px 0px; box-sizing: border-box;">'
        '<section style="text-indent: 2em; line-height: 1.75;">'
        f'<span style="font-size: 15px; letter-spacing: 1px;">{inner}</span></section></section>\n'
    )


_SEP_ALT = {"box_bar": " │ ", "divides": " ┃ ", "bullet": " ● ", "diamond": " ◆ "}


def item_sep(ctx: Ctx, sep: str) -> str:
    """The info line's item separator: a bar- or bullet-like character where the template
    draws one (never in place of a score-only separator, nor of spans or line breaks)."""
    kind = ctx.c("item_sep_alt")
    if kind == "none" or ctx.c("item_sep") in (*RESERVED.get("item_sep", ()), "spans", "br"):
        return sep
    ctx.mark(f"item_sep_alt:{kind}", _SEP_ALT[kind].strip(), chrome=False)
    return _SEP_ALT[kind]


def head_info(ctx: Ctx, kind: str, title: str, info: str) -> str | None:
    """An ``<h1>``/``<h2>`` holding the headline and, under it, the info line (None: the
    template keeps them apart)."""
    where = ctx.c("head_info")
    if where == "none" or kind not in ("h1", "h2"):
        return None
    ctx.mark(f"head_info:{where}", f"<{kind}", chrome=False)
    if where == "br_font":
        return f'<{kind}>{title}<br><font size="2" color="#666">{info}</font></{kind}>\n'
    return f'<{kind} class="bt">{title}<div class="date">{info}</div></{kind}>\n'


def checker(ctx: Ctx) -> tuple[str, str] | None:
    """A review credit after the editor's: (label, name), never the editor."""
    kind = ctx.c("checker_alt")
    if kind == "none":
        return None
    return kind, ctx.draft.checkers[0][1]


def attachments(ctx: Ctx) -> str:
    """Attached files at the end of the content: on one line, one ``附件N：`` line each, or
    under a 相关附件 heading with line breaks."""
    kind = ctx.c("attach_alt")
    if kind == "none":
        return ""
    names = [f"{chrome_headline(ctx.rng)}实施细则.{ext}" for ext in ("doc", "xlsx")]
    ctx.mark(f"attach_alt:{kind}", *names)
    links = [
        f'<a href="/uploads/{i}.{n.rsplit(".", 1)[1]}">{escape(n)}</a>' for i, n in enumerate(names)
    ]
    if kind == "inline":
        ctx.mark("attach_alt:inline", "附件：")
        return f"<p>附件：{'&nbsp;&nbsp;'.join(links)}</p>\n"
    if kind == "numbered":
        ctx.mark("attach_alt:numbered", "附件1：")
        return "".join(f"<p>附件{i}：{a}</p>\n" for i, a in enumerate(links, 1))
    ctx.mark("attach_alt:br_list", "相关附件：")
    return f'<div class="fj">相关附件：<br>{"<br>".join(links)}</div>\n'


def more_chrome(ctx: Ctx) -> str:
    """Under the content: 前一篇/后一篇, a 相关稿件 or 您可能感兴趣的文章 list, a 点赞 bar."""
    kind = ctx.c("more_chrome")
    if kind == "none":
        return ""
    one, two = chrome_headline(ctx.rng), chrome_headline(ctx.rng)
    if kind == "qianhou":
        ctx.mark("more_chrome:qianhou", "前一篇：", "后一篇：", one, two)
        return (
            f'<div class="page-turn"><p>前一篇：<a href="/a/1.html">{escape(one)}</a></p>'
            f'<p>后一篇：<a href="/a/2.html">{escape(two)}</a></p></div>\n'
        )
    if kind == "dianzan":
        ctx.mark("more_chrome:dianzan", "点赞")
        return f'<div class="zan"><a href="#">点赞（{ctx.rng.randint(0, 99)}）</a> <a href="#">收藏</a></div>\n'
    head = "相关稿件" if kind == "gaojian" else "您可能感兴趣的文章"
    ctx.mark(f"more_chrome:{kind}", head, one, two)
    rows = "".join(
        f'<li><a href="/a/{i}.html">{escape(t)}</a></li>' for i, t in enumerate((one, two))
    )
    return f'<div class="more"><h4>{head}</h4><ul>{rows}</ul></div>\n'
