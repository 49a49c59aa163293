"""The template space: axes of component variants, the score-only variants and the fixed split.

A template is one variant per axis. Per split and axis, each variant gets a quota of templates
(proportional to its weight, at least ``MIN_TEMPLATES``) and the quotas are shuffled over the
templates with a seed that is a fixed string (``SPLIT_SEED``, split, axis): the same templates
come back on every machine and run, every variant is covered, and an axis added later changes
no other axis. Tune templates never get a ``RESERVED`` variant; score templates get each one at
least ``MIN_RESERVED`` times, so the score split holds skeleton families, labels, chrome
blocks and one container markup that tuning never sees.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

# Never change these once the split is in use: the extractor is tuned on "tune" only.
SPLIT_SEED = "countynews-fuzz-v1"
# "fresh" (added after the second and third rounds of extraction work): drawn like "score",
# with its own seeds; nobody has looked at its pages or its misses, it is scored only
TEMPLATE_COUNT = {"tune": 160, "score": 120, "fresh": 120}
PAGES_PER_TEMPLATE = 10

W = dict[str, float]
AXES: dict[str, W] = {
    # page frame
    "skeleton": {
        "modern_div": 3,
        "table_old": 2,
        "trs_wcm": 2,
        "hanweb_jcms": 2,
        "phpcms": 1.5,
        "dedecms": 1.5,
        "dongyi_asp": 1.5,
        "founder_enp": 1,
    },
    "gov_meta": {"none": 2, "full": 1.5, "partial": 1},
    "meta_author": {"none": 3, "site": 1},  # <meta name="author"> holding the site name
    "logo_h1": {"no": 3, "yes": 1},  # the site name in an <h1> of the header
    "charset": {
        "utf8_header": 1,
        "utf8_meta": 1,
        "utf8_both": 1.5,
        "utf8_none": 0.5,
        "gbk_header": 1,
        "gbk_meta": 1,
        "gbk_both": 1,
        "gbk_none": 0.5,
        "gb18030_both": 0.5,
        "gb2312_meta": 1,  # meta says gb2312, the bytes are GBK (characters outside GB2312)
        "header_gbk_meta_utf8": 0.5,  # the header is right, the meta is wrong
        "utf8_bom_meta_gbk": 0.5,  # the BOM is right, the meta is wrong
    },
    "script": {"simplified": 7, "s2t": 1.2, "s2tw": 1.2, "s2hk": 0.6},
    "gloss": {"none": 1, "info": 1, "info_body": 1},  # traditional templates only
    # article container
    "container": {
        "div_p": 3,
        "p_styled": 2,
        "br_div": 1.5,
        "br_td": 1,
        "table_rows": 1,
        "font_soup": 1.5,
        "div_nested": 1.5,
    },
    "indent": {"none": 2, "fullwidth": 2, "nbsp": 1, "css": 1},
    "headline": {"h1": 3, "h2": 1.5, "div_title": 1.5, "td": 1, "strong": 1},
    "subtitle": {"none": 3, "below": 1, "kicker": 1},
    "title_tag": {"us_site": 2, "dash_site": 2, "col_site": 1, "site_first": 1, "bare": 1},
    "captions": {"tuwei_p": 2, "figcaption": 1, "center_span": 1, "table_caption": 1, "pic_txt": 1},
    "photo_story": {"no": 3, "yes": 1},
    # info line
    "info_order": {
        "date_source_author": 2,
        "source_author_date": 1,
        "author_date_source": 1,
        "date_author_source": 1,
        "source_date_author": 1,
    },
    "date_label": {
        "发布时间": 2,
        "发布日期": 1,
        "时间": 1,
        "日期": 1,
        "发表时间": 1,
        "更新时间": 1,
        "none": 1.5,
    },
    "date_format": {
        "iso_s": 2,
        "iso_m": 2,
        "iso_d": 1,
        "cn_d": 1,
        "cn_m": 1,
        "cn_hm": 1,
        "slash_m": 1,
        "nopad_s": 1,
        "dot_d": 0.5,
        "cn_week": 0.5,
    },
    "source_label": {"来源": 3, "信息来源": 1, "文章来源": 1, "稿源": 1},
    "source_link": {"no": 3, "yes": 1},
    "author_style": {
        "作者": 2,
        "记者": 1.5,
        "记者_通讯员": 1.5,
        "文图": 1,
        "摄影": 1,
        "撰稿": 1,
        "记者_发": 1,
    },
    "name_sep": {"space": 3, "dunhao": 1, "fwspace": 1},
    "editor_label": {"编辑": 2, "责任编辑": 2, "责编": 1, "网络编辑": 1},
    "editor_extra": {"none": 3, "审核": 1, "校对": 1, "三审": 1},
    "label_sep": {"fw_colon": 3, "colon": 2, "colon_space": 1, "fw_colon_nbsp": 1, "bracket": 1},
    "item_sep": {
        "fwspace": 2,
        "nbsp": 2,
        "bar": 1,
        "fwbar": 1,
        "丨": 1,
        "slash": 1,
        "spans": 2,
        "br": 0.5,
    },
    "label_markup": {"plain": 3, "span": 1, "em": 1},
    "hits": {"none": 2, "number": 1, "script": 1},
    "author_place": {"info": 4, "end": 1.5, "top": 1, "absent": 0.5},
    "source_place": {"info": 4, "end": 1.5, "absent": 0.7},
    "editor_place": {"info": 1.5, "end_inside": 2.5, "end_outside": 1.5, "absent": 1},
    # chrome
    "nav": {"ul": 2, "bar": 2, "table": 1},
    "topbar": {"none": 1, "links": 2},
    "crumbs": {"dangqian": 3, "nin_xianzai": 1, "weizhi": 1, "none": 0.5},
    "fontsize": {"none": 1.5, "info": 1.5, "above": 1, "tools": 1},
    "share": {"none": 1, "text": 2, "icons": 1.5, "bdshare": 1.5},
    "share_place": {"info": 1, "after": 2, "in_content": 1},
    "print_close": {"none": 1, "bracket": 2, "plain": 1},
    "prevnext": {"none": 1, "pian": 2, "tiao": 1, "meiyou": 1},
    "comments": {"none": 2, "form_rules": 1.5, "count_only": 1, "changyan": 1},
    "related": {
        "none": 1,
        "xiangguan_yuedu": 1.5,
        "xiangguan_xinxi": 1,
        "redian": 1,
        "yanshen": 1,
        "tuijian": 1,
    },
    "related_place": {"in_content": 1, "after": 2, "sidebar": 1},
    "friendlinks": {"none": 1, "list": 1.5, "select": 1},
    "footer": {"icp_gov": 2, "copyright_en": 1.5, "simple": 1},
    "qr": {"none": 2, "scan_open": 1, "scan_follow": 1},
    "qr_place": {"in_content": 1, "after": 1, "sidebar": 1},
    "sidebar": {"none": 1, "hot_long": 2, "columns": 1},
    "inline_style": {"none": 2, "mpromote": 1, "trs_css": 1, "font_css": 1},
    "inline_script": {"none": 2, "config_var": 1, "document_write": 1, "jquery_ready": 1},
    "disclaimer": {"none": 3, "mianze": 1},
    "video": {"none": 3, "fallback": 1},
    "back_top": {"none": 2, "yes": 1},
    "jiucuo": {"none": 2, "yes": 1},
    # axes added after the first landing (each axis has its own seed: the ones above are unchanged)
    "info_markup": {"line": 4, "table_cells": 1, "ul_li": 1, "lines": 1},
    "lead": {"none": 4, "benbao": 1},  # 本报讯（记者 张伟）opening the first paragraph
    "comment_posts": {"none": 3, "posts": 1},
    "summary": {"none": 4, "zhaiyao": 1, "daodu": 1},
    "attachments": {"none": 4, "files": 1},
    "pager": {"none": 5, "pages": 1},
    "hidden": {"none": 4, "display_none": 1},
    # second round (variety.py): label spellings and spacing, lead boxes, more chrome kinds,
    # caption wording, <section> soup; both splits draw them all
    "label_space": {"none": 4, "fwspace": 1, "space": 1},
    "label_alt": {"none": 5, "稿件来源": 1, "新闻来源": 1, "录入时间": 1, "值班编辑": 1, "采写": 1},
    "lead_box": {"none": 4, "hexin": 1, "tiyao": 1},
    "chrome_extra": {
        "none": 3,
        "permalink": 1,
        "mobile": 1,
        "gentie": 1,
        "audio": 1,
        "banquan": 1,
        "jiathis": 1,
    },
    "caption_words": {"same": 3, "plain": 1, "sheying": 1},
    "wrapper": {"none": 4, "section": 1},
    # third round: bar- and bullet-like item separators, the info line inside the headline
    # element, review credits the label lists do not know
    "item_sep_alt": {"none": 4, "box_bar": 1, "divides": 1, "bullet": 1, "diamond": 1},
    "head_info": {"none": 4, "br_font": 1, "div_in": 1},
    "checker_alt": {"none": 4, "责任校对": 1, "审稿": 1, "统筹": 1},
    # fourth round: attachment lists in other shapes, neighbour/related/like bars in other words
    "attach_alt": {"none": 4, "inline": 1, "numbered": 1, "br_list": 1},
    "more_chrome": {"none": 3, "qianhou": 1, "gaojian": 1, "ganxingqu": 1, "dianzan": 1},
}
# Variants only score templates draw (see the package docstring).
RESERVED: dict[str, tuple[str, ...]] = {
    "skeleton": ("dongyi_asp", "phpcms"),
    "container": ("div_nested",),
    "script": ("s2hk",),
    "date_label": ("发表时间",),
    "date_format": ("cn_hm",),
    "source_label": ("稿源",),
    "author_style": ("撰稿",),
    "editor_label": ("责编",),
    "item_sep": ("丨",),
    "share": ("bdshare",),
    "comments": ("changyan",),
    "disclaimer": ("mianze",),
    "video": ("fallback",),
    "captions": ("table_caption",),
    "summary": ("daodu",),
}
MIN_TEMPLATES = 3  # every variant shapes at least this many templates of each split using it
MIN_RESERVED = 10  # ... and a reserved variant at least this many score templates


@dataclass(frozen=True)
class Template:
    """One page template: its id, split, seed and one variant per axis."""

    id: str
    split: str
    number: int
    choice: dict[str, str]

    @property
    def traditional(self) -> bool:
        return self.choice["script"] != "simplified"

    def components(self) -> list[str]:
        """``axis:variant`` of every axis that shapes this template's pages."""
        return [f"{axis}:{value}" for axis, value in self.choice.items()]


def quotas(weights: W, count: int, floor: dict[str, int]) -> dict[str, int]:
    """Templates per variant: proportional to the weights, at least ``floor``, summing to
    ``count`` (largest remainders first)."""
    fixed = {v: floor.get(v, 0) for v in weights}
    spare = count - sum(fixed.values())
    total = sum(weights.values())
    share = {v: max(0.0, spare * w / total) for v, w in weights.items()}
    out = {v: fixed[v] + int(share[v]) for v in weights}
    for v in sorted(weights, key=lambda v: int(share[v]) - share[v])[: count - sum(out.values())]:
        out[v] += 1
    return out


def _assign(split: str, axis: str, count: int) -> list[str]:
    """The variant of ``axis`` for each of ``count`` templates: quotas, shuffled by a fixed seed
    of their own (one stream per axis: an axis added later leaves the others unchanged)."""
    reserved = RESERVED.get(axis, ())
    weights = AXES[axis]
    if split == "tune":
        weights = {v: w for v, w in weights.items() if v not in reserved}
    floor = {v: MIN_RESERVED if v in reserved else MIN_TEMPLATES for v in weights}
    floor = {v: min(n, count // len(weights)) for v, n in floor.items()}
    cells = [v for v, n in quotas(weights, count, floor).items() for _ in range(n)]
    random.Random(f"{SPLIT_SEED}/{split}/{axis}").shuffle(cells)
    return cells


@cache
def _templates(split: str) -> tuple[Template, ...]:
    count = TEMPLATE_COUNT[split]
    columns = {axis: _assign(split, axis, count) for axis in AXES if axis != "gloss"}
    choices = [{axis: cells[i] for axis, cells in columns.items()} for i in range(count)]
    traditional = [c for c in choices if c["script"] != "simplified"]
    glosses = iter(_assign(split, "gloss", len(traditional)))
    for c in choices:
        c["gloss"] = next(glosses) if c["script"] != "simplified" else "none"
    return tuple(
        Template(f"{split}-{i:03d}", split, i, {axis: c[axis] for axis in AXES})
        for i, c in enumerate(choices)
    )


def templates(split: str) -> list[Template]:
    """Every template of ``split`` ("tune" or "score"), in template order."""
    if split not in TEMPLATE_COUNT:
        raise ValueError(f"unknown split {split!r}: use 'tune', 'score' or 'fresh'")
    return list(_templates(split))
