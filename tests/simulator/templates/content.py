"""The content container: paragraphs in the template's markup, with what CMSs put beside them.

Besides the paragraphs a container may hold images with captions (``图为：`` lines, figcaption,
...), photo-story headings, a byline at the top, 来源/编辑 lines at the end, inline ``<style>``
and ``<script>``, a video with its fallback text, QR, share and 相关阅读 blocks: none of that is
article body.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from tests.simulator.templates import chrome, variety

if TYPE_CHECKING:
    from tests.simulator.templates.context import Ctx
    from tests.simulator.templates.text import Image

Block = tuple[str, object]  # ("para", str) | ("image", Image) | ("line", html) | ("raw", html)
CLAUSE_RE = re.compile(r"(?<=[,，;；、])")
_INDENT = {"none": "", "fullwidth": "　　", "nbsp": "&nbsp;&nbsp;&nbsp;&nbsp;", "css": ""}
_P_STYLE = (
    "text-indent: 2em; line-height: 2em; font-family: 仿宋_GB2312; font-size: 16pt;",
    "margin: 0px 0px 15px; line-height: 1.75em; text-align: justify;",
    "text-indent: 32px; font-size: 16px; color: rgb(51, 51, 51);",
)
STYLES = {
    "mpromote": ".mpromote { font-family: Arial; font-size: 14px; color: #333; }\n.mpromote a { color: #c00; }",
    "trs_css": ".TRS_Editor P{margin-top:0;margin-bottom:12px;line-height:1.8;font-family:宋体;font-size:12pt;}"
    ".TRS_Editor DIV{margin-top:0;margin-bottom:12px;line-height:1.8;font-family:宋体;font-size:12pt;}",
    "font_css": "p.MsoNormal, li.MsoNormal { margin: 0cm; font-size: 10.5pt; font-family: 等线; }",
}
SCRIPTS = {
    "config_var": "var pageConfig = { articleId: '{id}', channel: 'news', share: true };",
    "document_write": 'document.write(\'<div class="mpromote"><a href="/app/">下载客户端</a></div>\');',
    "jquery_ready": "$(function(){ $('#zoom img').css('max-width','100%'); $('.video').show(); });",
}


def _indent(ctx: Ctx) -> str:
    return _INDENT[ctx.c("indent")]


def _para_style(ctx: Ctx) -> str:
    return f' style="{_P_STYLE[ctx.tpl.number % len(_P_STYLE)]}"'


def _para(ctx: Ctx, text: str) -> str:
    """One paragraph in the container markup (its text as placeholders)."""
    kind, ind = ctx.c("container"), _indent(ctx)
    css = ' style="text-indent: 2em;"' if ctx.c("indent") == "css" else ""
    if kind == "font_soup":
        segs = [s for s in CLAUSE_RE.split(text) if s]
        spans = "".join(
            f'<span style="font-size:12.0pt;font-family:宋体">{ctx.body_text(s)}</span>'
            if i % 2 == 0
            else f'<font face="仿宋" color="#000000">{ctx.body_text(s)}</font>'
            for i, s in enumerate(segs)
        )
        return f'<p class="MsoNormal"{css}><span lang="EN-US">{ind}</span>{spans}<o:p></o:p></p>\n'
    value = ctx.body_text(text)
    if ctx.c("wrapper") == "section" and kind in ("div_p", "p_styled"):
        ctx.mark("wrapper:section", "<section", chrome=False)
        return variety.section_para(ctx, f"{ind}{value}")
    if kind == "div_p":
        return f"<p{css}>{ind}{value}</p>\n"
    if kind == "p_styled":
        return f'<p{_para_style(ctx)}><span style="font-size: 16px;">{ind}{value}</span></p>\n'
    if kind in ("br_div", "br_td"):
        return f"{ind or '&nbsp;&nbsp;'}{value}<br>\n<br>\n"
    if kind == "table_rows":
        return f'<tr><td class="p"{css}>{ind}{value}</td></tr>\n'
    return f'<div><div style="line-height: 2;"{css}>{ind}{value}</div></div>\n'  # div_nested


def _line(ctx: Ctx, html: str) -> str:
    """A byline or 编辑 line in the same markup as the paragraphs."""
    kind = ctx.c("container")
    if kind in ("br_div", "br_td"):
        return f"{html}<br>\n"
    if kind == "table_rows":
        return f'<tr><td align="right">{html}</td></tr>\n'
    if kind == "div_nested":
        return f'<div style="text-align: right;">{html}</div>\n'
    return f'<p style="text-align: right;">{html}</p>\n'


def _image(ctx: Ctx, image: Image) -> str:
    cap_kind = ctx.c("captions")
    caption = variety.caption(ctx, image.caption)
    ctx.mark(f"captions:{cap_kind}", caption)
    if caption != image.caption:
        ctx.mark(f"caption_words:{ctx.c('caption_words')}", caption)
    cap = escape(caption)
    img = f'<img src="{image.src}" border="0" alt="">'
    head = ""
    if image.heading:
        ctx.mark("photo_story:yes", image.heading)
        head = f"<p><strong>{escape(image.heading)}</strong></p>\n"
        if ctx.c("container") in ("br_div", "br_td"):
            head = f"<strong>{escape(image.heading)}</strong><br>\n"
    if ctx.c("container") in ("br_div", "br_td"):
        return f"{head}{img}<br>\n{cap}<br>\n"
    if cap_kind == "figcaption":
        out = f"<figure>{img}<figcaption>{cap}</figcaption></figure>\n"
    elif cap_kind == "center_span":
        out = f'<p align="center">{img}</p>\n<p align="center"><span style="color: #0000ff;">{cap}</span></p>\n'
    elif cap_kind == "table_caption":
        out = f'<table align="center"><tr><td>{img}</td></tr><tr><td class="pic_title">{cap}</td></tr></table>\n'
    elif cap_kind == "pic_txt":
        out = f'<div class="pic">{img}<div class="pic_txt">{cap}</div></div>\n'
    else:
        out = (
            f'<p style="text-align: center;">{img}</p>\n<p style="text-align: center;">{cap}</p>\n'
        )
    if ctx.c("container") == "table_rows":
        out = f"<tr><td>{out}</td></tr>\n"
    return head + out


def _raw(ctx: Ctx, html: str) -> str:
    if ctx.c("container") == "table_rows":
        return f"<tr><td>{html}</td></tr>\n"
    return html


def blocks(ctx: Ctx, top: str | None, inside: list[str]) -> list[Block]:
    """The container's content in order: chrome, byline, paragraphs, images, end lines."""
    d, out = ctx.draft, []
    if (style := ctx.c("inline_style")) != "none":
        ctx.mark(f"inline_style:{style}", STYLES[style].split("{")[0].strip())
        out.append(("raw", f'<style type="text/css">\n{STYLES[style]}\n</style>\n'))
    if ctx.c("fontsize") == "above":
        out.append(("raw", f'<div class="fs">{chrome.fontsize(ctx)}</div>\n'))
    out.append(("raw", chrome.video(ctx)))
    out.append(("raw", variety.extra_top(ctx)))
    out.append(("raw", chrome.hidden(ctx)))
    if top:
        out.append(("line", top))
    images = list(d.images)
    for i, para in enumerate(d.paragraphs):
        while images and images[0][0] <= i:
            out.append(("image", images.pop(0)[1]))
        out.append(("para", para))
        if i == len(d.paragraphs) // 2 and (script := ctx.c("inline_script")) != "none":
            code = SCRIPTS[script].replace("{id}", str(ctx.rng.randint(10**5, 10**6)))
            ctx.mark(f"inline_script:{script}", code[:20])
            out.append(("raw", f'<script type="text/javascript">\n{code}\n</script>\n'))
    out += [("image", image) for _, image in images]
    out.append(("raw", chrome.attachments(ctx)))
    out.append(("raw", variety.attachments(ctx)))
    out += [("line", line) for line in inside]
    out.append(("raw", chrome.pager(ctx)))
    if ctx.c("qr_place") == "in_content":
        out.append(("raw", chrome.qr(ctx)))
    if ctx.c("share_place") == "in_content" and ctx.c("share") != "none":
        out.append(("raw", chrome.share(ctx)))
    if ctx.c("related_place") == "in_content":
        out.append(("raw", chrome.related(ctx)))
    out.append(("raw", variety.extra_end(ctx)))
    out.append(("raw", chrome.disclaimer(ctx)))
    return [b for b in out if b[1]]


def container(ctx: Ctx, parts: list[Block]) -> str:
    """The inner HTML of the content container."""
    kind, rows = ctx.c("container"), []
    for what, value in parts:
        if what == "para":
            rows.append(_para(ctx, str(value)))
        elif what == "image":
            rows.append(_image(ctx, value))  # type: ignore[arg-type]
        elif what == "line":
            rows.append(_line(ctx, str(value)))
        else:
            rows.append(_raw(ctx, str(value)))
    ctx.mark(f"container:{kind}", _CONTAINER_MARK[kind], chrome=False)
    inner = "".join(rows)
    if kind == "br_td":
        return f'<table width="100%" border="0"><tr><td class="bt_content">\n{inner}</td></tr></table>\n'
    if kind == "table_rows":
        return f'<table width="100%" class="article_table">\n{inner}</table>\n'
    if kind == "font_soup":
        return f'<font face="宋体" size="3">\n{inner}</font>\n'
    return inner


_CONTAINER_MARK = {
    "div_p": "<p",
    "p_styled": "<p style=",
    "br_div": "<br>",
    "br_td": '<td class="bt_content">',
    "table_rows": '<table width="100%" class="article_table">',
    "font_soup": 'class="MsoNormal"',
    "div_nested": '<div style="line-height: 2;"',
}
