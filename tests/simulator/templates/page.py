"""One fuzzed page: render a template's page ``index`` and build its truth from the draft."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from tests.simulator.templates import chrome, variety
from tests.simulator.templates.content import CLAUSE_RE, blocks, container
from tests.simulator.templates.context import Ctx
from tests.simulator.templates.info import DATE_FORMATS, end_lines, info_items, join_items
from tests.simulator.templates.skeleton import CHARSETS, Parts, article_path, frame, head, headline
from tests.simulator.templates.spec import SPLIT_SEED, Template
from tests.simulator.templates.text import Site, make_draft, make_site

_SERVER = {
    "dongyi_asp": "Microsoft-IIS/6.0",
    "table_old": "Microsoft-IIS/7.5",
    "trs_wcm": "TRS WCM",
    "hanweb_jcms": "Apache",
}


@dataclass(frozen=True)
class FuzzPage:
    """A page as served (url, headers, bytes) with its truth; ``markers`` maps each component
    used to strings the served page shows (glosses removed), for tests."""

    url: str
    headers: list[tuple[str, str]]
    body: bytes
    truth: dict[str, Any]
    markers: dict[str, list[str]] = field(default_factory=dict, compare=False)


def site_of(tpl: Template) -> Site:
    return make_site(random.Random(f"{SPLIT_SEED}/{tpl.id}/site"), f"{SPLIT_SEED}/{tpl.id}")


def _precision(tpl: Template) -> str:
    """The finest time the page shows: the info line's format, or PubDate (minutes)."""
    info = DATE_FORMATS[tpl.choice["date_format"]][0]
    if tpl.choice["gov_meta"] == "full" and info == "d":
        return "m"
    return info


def _after(ctx: Ctx, outside: list[str]) -> str:
    out = "".join(
        f'<div class="editor" style="text-align:right">{line}</div>\n' for line in outside
    )
    out += chrome.tools(ctx)
    if ctx.c("share_place") == "after" and ctx.c("share") != "none":
        out += chrome.share(ctx) + "\n"
    if ctx.c("qr_place") == "after":
        out += chrome.qr(ctx)
    out += variety.extra_after(ctx) + variety.more_chrome(ctx)
    out += chrome.prevnext(ctx)
    if ctx.c("related_place") == "after":
        out += chrome.related(ctx)
    return out + chrome.comments(ctx) + chrome.comment_posts(ctx)


def _served_paragraph(ctx: Ctx, text: str) -> str:
    gloss = ctx.c("gloss") == "info_body"
    if ctx.c("container") == "font_soup":  # served clause by clause, as rendered
        return "".join(ctx.served(s, gloss) for s in CLAUSE_RE.split(text) if s)
    return ctx.served(text, gloss)


def render(tpl: Template, index: int) -> FuzzPage:
    """Page ``index`` of template ``tpl``: bytes as served and the truth."""
    site = site_of(tpl)
    rng = random.Random(f"{SPLIT_SEED}/{tpl.id}/page/{index}")
    precision = _precision(tpl)
    story = tpl.choice["photo_story"] == "yes" and rng.random() < 0.5
    draft = make_draft(
        f"{tpl.id}/{index}", site, story, precision, tpl.choice["charset"] == "gb2312_meta"
    )
    ctx = Ctx(tpl, site, draft, rng, "")
    lead = _lead(ctx)
    ctx.url = f"http://{site.host}{article_path(ctx, 20000 + 37 * tpl.number + index)}"
    items = info_items(ctx)
    if ctx.c("fontsize") == "info":
        items.append(chrome.fontsize(ctx))
    if ctx.c("share_place") == "info" and ctx.c("share") != "none":
        items.append(chrome.share(ctx))
    top, inside, outside = end_lines(ctx)
    parts = Parts(
        top=chrome.topbar(ctx) + chrome.nav(ctx),
        crumbs=chrome.crumbs(ctx),
        headline=headline(ctx, join_items(ctx, items))
        + chrome.summary(ctx)
        + variety.lead_box(ctx),
        content=container(ctx, blocks(ctx, top, inside)),
        after=_after(ctx, outside),
        side="",
        foot="",
    )
    extra = (chrome.related(ctx) if ctx.c("related_place") == "sidebar" else "") + (
        chrome.qr(ctx) if ctx.c("qr_place") == "sidebar" else ""
    )
    parts.side = chrome.sidebar(ctx, extra)
    parts.foot = chrome.friendlinks(ctx) + chrome.footer(ctx)
    html = head(ctx, f"{draft.published:%Y-%m-%d %H:%M}") + frame(ctx, parts)
    served = ctx.finish(html)
    header_cs, _, codec, bom = CHARSETS[ctx.c("charset")]
    body = (b"\xef\xbb\xbf" if bom else b"") + served.encode(codec, errors="xmlcharrefreplace")
    ctype = f"text/html; charset={header_cs}" if header_cs else "text/html"
    headers = [("Content-Type", ctype), ("Server", _SERVER.get(ctx.c("skeleton"), "nginx"))]
    truth = {**_truth(ctx, precision, story, lead), "page": index}
    return FuzzPage(ctx.url, headers, body, truth, ctx.markers)


def _lead(ctx: Ctx) -> bool:
    """本报讯（记者 张伟 通讯员 李娜）opening the first paragraph: body text that names authors."""
    d = ctx.draft
    if ctx.c("lead") == "none" or not d.authors:
        return False
    opener = ctx.rng.choice(("本报讯", f"{ctx.site.name}讯", "本网讯"))
    staff = f"记者 {d.authors[0]}" + (f" 通讯员 {' '.join(d.authors[1:])}" if d.authors[1:] else "")
    d.paragraphs[0] = f"{opener}（{staff}）{d.paragraphs[0]}"
    ctx.mark("lead:benbao", "讯（", chrome=False)
    return True


def _truth(ctx: Ctx, precision: str, story: bool, lead: bool) -> dict[str, Any]:
    d, tpl = ctx.draft, ctx.tpl
    body = "\n".join(d.paragraphs)
    printed = lead or ctx.c("author_place") != "absent"
    author = " ".join(d.authors) if d.authors and printed else None
    source = d.source if ctx.c("source_place") != "absent" else None
    editor = d.editor if ctx.c("editor_place") != "absent" else None
    page_parts = [
        f"page:paragraphs:{_length(len(d.paragraphs))}",
        f"page:images:{'story' if story else min(len(d.images), 1)}",
    ]
    truth: dict[str, Any] = {
        "title": d.title,
        "published": d.published.date().isoformat()
        if precision == "d"
        else d.published.isoformat(),
        "author": author,
        "source": source,
        "editor": editor,
        "body": body,
        "text_original": None,
        "script": "traditional" if tpl.traditional else "simplified",
        "template": tpl.id,
        "split": tpl.split,
        "components": tpl.components() + page_parts,
        "chrome": list(dict.fromkeys(ctx.chrome)),
    }
    if tpl.traditional:
        truth["text_original"] = "\n".join(_served_paragraph(ctx, p) for p in d.paragraphs)
        truth["served"] = {
            "title": ctx.served(d.title),
            "author": " ".join(ctx.served(a) for a in d.authors) if author else None,
            "source": ctx.served(source) if source else None,
            "editor": ctx.served(editor) if editor else None,
        }
    return truth


def _length(count: int) -> str:
    return "one" if count == 1 else "few" if count <= 3 else "normal" if count <= 8 else "long"
