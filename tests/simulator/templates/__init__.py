"""The template fuzzer: article pages from 280 randomized portal templates, with ground truth.

Use::

    from tests.simulator.templates import pages
    for page in pages("tune"):          # FuzzPage(url, headers, body, truth, markers)
        ...
    pages("score", n=200)               # the first 200 pages, spread over all score templates

    python -m tests.simulator.templates --split tune --dump DIR [--n N]

THE RULE: extraction is tuned, debugged and eyeballed on ``tune`` only. ``score`` is for the
bench: never look at its pages, never write a rule from its misses (``--dump`` refuses it
without ``--i-am-scoring``). A change to the split after extraction work started would void
the score, so ``SPLIT_SEED`` and the tables of ``spec.py`` stay fixed; more variety goes into
new variants appended to an axis of both splits alike or, better, into a new split.

Templates. A template is one variant per axis of ``spec.AXES`` (skeleton family: modern div
CMS, old nested tables, TRS WCM, Hanweb JCMS, PHPCMS, DedeCMS, 动易 ASP, Founder; 政府网站
meta tags; charset declaration; script (simplified, OpenCC s2t / s2tw / s2hk); pinyin glosses;
container markup; indentation; headline markup; subtitle; ``<title>`` format; caption style;
photo stories; info-line order, labels, separators and label markup; date format; author
style; place of author, source and editor; and every chrome block with its variant and place).
Each split has 10 pages per template: ``tune`` 160 templates (1,600 pages), ``score`` 120
templates (1,200 pages). The page ``index`` of a template varies the article: 1 paragraph of
30-80 characters up to 30 paragraphs, images, photo story, byline and editor present or not.

Later rounds (``variety.py``, axes appended to ``spec.AXES`` with seeds of their own, drawn by
both splits): spaced-out labels (来　源：), label spellings (稿件来源, 录入时间, 值班编辑, 采写),
colonless lead boxes (【核心提示】), permalink/phone/跟帖/audio/版权声明/JiaThis chrome, caption
wording, ``<section>`` soup, bar and bullet item separators, the info line inside the headline
element, unknown review credits (统筹, 审稿), attachment lists and 前一篇/相关稿件/点赞 bars.

Split. Variants are dealt to templates by quotas shuffled with fixed string seeds
(``spec.py``), so both splits are the same everywhere and every variant shapes at least 3
templates of each split that uses it. Tune templates never use the variants below; each of them
shapes at least 10 score templates (119 of the 120 score templates use at least one):

- skeleton families ``dongyi_asp`` (动易 ASP) and ``phpcms`` (info line inside the ``<h1>``);
- container markup ``div_nested`` (nested ``<div>`` without ``<p>``);
- script ``s2hk`` (Hong Kong forms);
- labels ``发表时间``, ``稿源``, ``撰稿`` (author), ``责编``; date format ``2020年02月25日 08时43分``;
  item separator ``丨``;
- chrome: the Baidu share box (``bdshare``), the 畅言 comment box (``changyan``), a 免责声明
  disclaimer, a ``<video>`` fallback text, captions in a ``<table>`` (``table_caption``), a
  【导读】 box (``summary:daodu``).

Fresh split. ``fresh`` (120 templates, 1,200 pages) is drawn like ``score`` (reserved variants
included) from seeds of its own. It was added after the second and third rounds of variants
(``variety.py``) and the extraction fixes made on ``tune`` with them: nobody has read its pages
or its misses. It is the cleanest evidence of how extraction holds on unseen templates.

Truth (``FuzzPage.truth``), built from the generated values, never from an extractor or an
OpenCC round trip:

- ``title``: the headline, simplified, without site suffix, kicker (引题) or subtitle;
- ``published``: ISO 8601 with +08:00 at the finest precision the page shows (info line or
  ``PubDate`` meta; ``:00`` seconds where it shows minutes), a bare date where it shows no time;
- ``author``: the names after 作者/记者/通讯员/文/图/摄影/撰稿, space-separated, role words and
  ``发`` dropped; ``source``: the 来源 value as printed (simplified); ``editor``: the name after
  编辑/责任编辑/责编/网络编辑, never a 审核/校对/初审/复审/终审 name; None where the page has none;
- ``body``: the article paragraphs joined by ``\\n``, simplified, no glosses; a ``本报讯（记者
  张伟）`` opening stays in the first paragraph (its names are the author). Not body: image
  captions (``图为：`` lines, figcaption, ...), photo-story headings, the subtitle, a 摘要/导读
  box, the info line, byline lines (``文/张伟`` above, ``（记者 张伟）`` below), 来源 and 编辑/审核
  lines, and all chrome inside the container (style, script, hidden keywords, video fallback,
  附件 lists, page links, QR, share, 相关阅读, disclaimer) or after it (comments, readers' posts);
- ``text_original``: on traditional pages the body as served (traditional, glosses kept), else
  None; ``served``: title, author, source and editor as served (traditional pages only);
- ``script``, ``template``, ``split``, ``components`` (``axis:variant`` of the template, plus
  ``page:...`` facts) and ``chrome``: chrome texts rendered on the page (simplified), none of
  which is in the body: an extracted text holding one of them holds chrome.
"""

from __future__ import annotations

from collections.abc import Iterator

from tests.simulator.templates.page import FuzzPage, render
from tests.simulator.templates.spec import PAGES_PER_TEMPLATE, Template, templates

__all__ = ["FuzzPage", "Template", "pages", "templates"]


def pages(split: str, n: int | None = None) -> Iterator[FuzzPage]:
    """The pages of ``split`` ("tune", "score" or "fresh"): page 0 of every template, then page 1, ...;
    ``n`` stops after that many pages (so a small ``n`` still covers many templates)."""
    tpls = templates(split)
    total = len(tpls) * PAGES_PER_TEMPLATE
    count = total if n is None else min(n, total)
    for k in range(count):
        index, number = divmod(k, len(tpls))
        yield render(tpls[number], index)
