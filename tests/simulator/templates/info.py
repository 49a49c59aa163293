"""The info line (date, 来源, 作者, 编辑) and the byline lines at the ends of an article.

Labels, label separators, item separators, date formats, name styles and the place of each
field come from the template; the values from the page's draft.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from tests.simulator.templates import variety

if TYPE_CHECKING:
    from tests.simulator.templates.context import Ctx

_WEEKDAYS = "一二三四五六日"
# name -> (precision, strftime-like formatter)
DATE_FORMATS: dict[str, tuple[str, str]] = {
    "iso_s": ("s", "{:%Y-%m-%d %H:%M:%S}"),
    "iso_m": ("m", "{:%Y-%m-%d %H:%M}"),
    "iso_d": ("d", "{:%Y-%m-%d}"),
    "cn_d": ("d", "{:%Y年%m月%d日}"),
    "cn_m": ("m", "{:%Y年%m月%d日 %H:%M}"),
    "cn_hm": ("m", "{:%Y年%m月%d日 %H时%M分}"),
    "slash_m": ("m", "{:%Y/%m/%d %H:%M}"),
    "nopad_s": ("s", "nopad"),
    "dot_d": ("d", "{:%Y.%m.%d}"),
    "cn_week": ("d", "week"),
}
_LABEL_SEP = {
    "fw_colon": "：",
    "colon": ":",
    "colon_space": ": ",
    "fw_colon_nbsp": "：\xa0",
    "bracket": "：",
}
_ITEM_SEP = {
    "fwspace": "　　",
    "nbsp": "&nbsp;&nbsp;&nbsp;&nbsp;",
    "bar": " | ",
    "fwbar": "｜",
    "丨": " 丨 ",
    "slash": " / ",
    "spans": "",
    "br": "<br>",
}
_NAME_SEP = {"space": " ", "dunhao": "、", "fwspace": "　"}
_CHECKERS = {"审核": ["审核"], "校对": ["校对"], "三审": ["初审", "复审", "终审"]}


def format_date(name: str, when: datetime) -> str:
    fmt = DATE_FORMATS[name][1]
    if fmt == "nopad":
        return (
            f"{when.year}-{when.month}-{when.day} {when.hour}:{when.minute:02d}:{when.second:02d}"
        )
    if fmt == "week":
        return f"{when:%Y年%m月%d日} 星期{_WEEKDAYS[when.weekday()]}"
    return fmt.format(when)


def _labelled(ctx: Ctx, component: str, label: str, value_html: str) -> str:
    """``label`` + separator + value in the template's label markup."""
    sep = _LABEL_SEP[ctx.c("label_sep")]
    label = variety.label(ctx, component.split(":")[0], label)
    ctx.mark(component, label + sep.replace("\xa0", ""), chrome=False)
    head = ctx.text(label + sep, gloss=True)
    markup = ctx.c("label_markup")
    if markup == "span":
        out = f'<span class="lbl">{head}</span><span class="val">{value_html}</span>'
    elif markup == "em":
        out = f"<em>{head}</em>{value_html}"
    else:
        out = head + value_html
    return f"【{out}】" if ctx.c("label_sep") == "bracket" else out


def _names(ctx: Ctx, names: list[str]) -> str:
    sep = _NAME_SEP[ctx.c("name_sep")]
    return sep.join(ctx.text(n, gloss=True) for n in names)


def author_html(ctx: Ctx, names: list[str]) -> str:
    """The byline in the template's author style (role words and 文/图 printed)."""
    style = ctx.c("author_style")
    ctx.mark(f"author_style:{style}", names[0], chrome=False)
    t = ctx.text
    if style in ("作者", "记者", "撰稿"):
        return _labelled(ctx, f"author_style:{style}", style, _names(ctx, names))
    if style == "记者_通讯员":
        parts = [f"{t('记者', True)} {t(names[0], True)}"]
        if names[1:]:
            parts.append(f"{t('通讯员', True)} {_names(ctx, names[1:])}")
        return " ".join(parts)
    if style == "文图":
        if len(names) == 1:
            return f"{t('文/图', True)} {t(names[0], True)}"
        return f"{t('文/', True)}{_names(ctx, names[:-1])} {t('图/', True)}{t(names[-1], True)}"
    if style == "摄影":
        if len(names) == 1:
            return _labelled(ctx, "author_style:摄影", "摄影", t(names[0], True))
        first = _labelled(ctx, "author_style:摄影", "作者", _names(ctx, names[:-1]))
        return first + " " + _labelled(ctx, "author_style:摄影", "摄影", t(names[-1], True))
    return f"{t('记者', True)} {_names(ctx, names)} {t('发', True)}"  # 记者_发, seeds 003/004


def source_html(ctx: Ctx, source: str) -> str:
    value = ctx.text(source, gloss=True)
    if ctx.c("source_link") == "yes":
        value = f'<a href="http://{ctx.site.host}/" target="_blank">{value}</a>'
    label = ctx.c("source_label")
    return _labelled(ctx, f"source_label:{label}", label, value)


def date_html(ctx: Ctx) -> str:
    text = format_date(ctx.c("date_format"), ctx.draft.published)
    ctx.mark(f"date_format:{ctx.c('date_format')}", text, chrome=False)
    label = ctx.c("date_label")
    if label == "none":
        return escape(text)
    return _labelled(ctx, f"date_label:{label}", label, escape(text))


def editor_html(ctx: Ctx) -> str:
    """编辑 line: the editor (when the page has one) and 审核/校对 names (never the editor)."""
    parts = []
    if ctx.draft.editor:
        label = ctx.c("editor_label")
        parts.append(
            _labelled(ctx, f"editor_label:{label}", label, ctx.text(ctx.draft.editor, True))
        )
    extra = ctx.c("editor_extra")
    for role, (_, name) in zip(_CHECKERS.get(extra, []), ctx.draft.checkers * 2, strict=False):
        parts.append(_labelled(ctx, f"editor_extra:{extra}", role, ctx.text(name, True)))
    if parts and (credit := variety.checker(ctx)):
        role, name = credit
        parts.append(_labelled(ctx, f"checker_alt:{role}", role, ctx.text(name, True)))
    return "　".join(parts)


def hits_html(ctx: Ctx) -> str:
    kind = ctx.c("hits")
    if kind == "number":
        ctx.mark("hits:number", "浏览次数：")
        return f'浏览次数：<span id="hits">{ctx.rng.randint(12, 9999)}</span>'
    ctx.mark("hits:script", "<script")
    return f'点击数：<script src="/count.php?id={ctx.rng.randint(1000, 99999)}"></script>次'


def info_items(ctx: Ctx) -> list[str]:
    """The items of the info line, in the template's order."""
    d = ctx.draft
    items: dict[str, str] = {"date": date_html(ctx)}
    if d.source and ctx.c("source_place") == "info":
        items["source"] = source_html(ctx, d.source)
    if d.authors and ctx.c("author_place") == "info":
        items["author"] = author_html(ctx, d.authors)
    out = [items[k] for k in ctx.c("info_order").split("_") if k in items]
    if ctx.c("editor_place") == "info" and (editor := editor_html(ctx)):
        out.append(editor)
    if ctx.c("hits") != "none":
        out.append(hits_html(ctx))
    return out


def join_items(ctx: Ctx, items: list[str]) -> str:
    """The info line: items in a line with separators, in table cells, list items or lines."""
    markup = ctx.c("info_markup")
    if ctx.c("skeleton") == "phpcms" and ctx.c("headline") in ("h1", "h2"):
        markup = "line"  # phpcms prints the info line inside the headline
    if markup != "line" and len(items) > 1:
        tag, wrap = {
            "table_cells": ("td", '<table class="info_tb"><tr>{}</tr></table>'),
            "ul_li": ("li", '<ul class="info_list">{}</ul>'),
            "lines": ("p", '<div class="info_lines">{}</div>'),
        }[markup]
        html = wrap.format("".join(f"<{tag}>{item}</{tag}>" for item in items))
        ctx.mark(f"info_markup:{markup}", html.split(">")[0] + ">", chrome=False)
        return html
    sep = ctx.c("item_sep")
    if sep == "spans":
        if len(items) > 1:
            ctx.mark("item_sep:spans", "<span>", chrome=False)
        return "".join(f"<span>{item}</span>" for item in items)
    if len(items) < 2:
        return "".join(items)
    printed = variety.item_sep(ctx, _ITEM_SEP[sep])
    if printed == _ITEM_SEP[sep]:
        ctx.mark(f"item_sep:{sep}", printed, chrome=False)
    return printed.join(items)


def end_lines(ctx: Ctx) -> tuple[str | None, list[str], list[str]]:
    """(top byline, lines after the last paragraph inside the container, lines after it)."""
    d = ctx.draft
    top, inside, outside = None, [], []
    if d.authors and ctx.c("author_place") == "top":
        top = author_html(ctx, d.authors)
    if d.authors and ctx.c("author_place") == "end":
        inside.append(f"（{author_html(ctx, d.authors)}）")
    if d.source and ctx.c("source_place") == "end":
        inside.append(source_html(ctx, d.source))
    place = ctx.c("editor_place")
    if place.startswith("end") and (editor := editor_html(ctx)):
        line = f"（{editor}）" if ctx.rng.random() < 0.4 else editor
        (inside if place == "end_inside" else outside).append(line)
    return top, inside, outside
