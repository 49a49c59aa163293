"""Which CMS family built a portal, from its URL shapes, server headers and markup.

The families of Chinese county portals: TRS WCM (拓尔思), Hanweb JCMS (大汉), PHPCMS, DedeCMS
(织梦), 动易 PowerEasy on ASP, Founder (方正) ENP. Each clue found adds its weight; the family
with the highest total wins when it reaches ``MIN_SCORE``, and its clues are the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (family, where, regex, weight, clue): where is "url" (every sampled URL), "header"
# (Server / X-Powered-By values) or "html" (the home page and sampled pages)
CLUES: tuple[tuple[str, str, str, int, str], ...] = (
    ("TRS WCM", "url", r"/t\d{8}_\d+\.s?html?$", 3, "t{yyyymmdd}_{n}.html article URLs"),
    ("TRS WCM", "url", r"/\d{6}/t\d{8}_\d+\.", 2, "/{yyyymm}/ folders"),
    ("TRS WCM", "html", r"createPageHTML\(", 3, "createPageHTML pager"),
    ("TRS WCM", "html", r"TRS_Editor|TRS_UEDITOR", 2, "TRS_Editor body class"),
    ("TRS WCM", "header", r"\bTRS\b", 3, "TRS server header"),
    ("Hanweb JCMS", "url", r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$", 4, "art_{n}_{n}.html"),
    ("Hanweb JCMS", "url", r"/col/col\d+/", 2, "/col/col{n}/ columns"),
    ("Hanweb JCMS", "html", r"jcms|hanweb|大汉", 2, "jcms/hanweb markup"),
    ("PHPCMS", "url", r"index\.php\?m=content&c=index&a=(?:show|lists)", 4, "m=content&c=index"),
    ("PHPCMS", "html", r"phpcms|/statics/", 2, "phpcms markup"),
    ("DedeCMS", "url", r"/plus/(?:view|list)\.php\?", 3, "plus/view.php"),
    ("DedeCMS", "url", r"/a/[a-z0-9_]+/(?:\d{4}/\d{4}/\d+|list_\d+_\d+)\.html$", 3, "/a/{column}/"),
    ("DedeCMS", "html", r"dedecms|/templets/|织梦", 2, "dedecms markup"),
    ("动易 PowerEasy (ASP)", "url", r"Show(?:Article|Class|Info|News)\.asp\?", 4, "Show*.asp"),
    ("动易 PowerEasy (ASP)", "url", r"\.asp(?:\?|$)", 1, ".asp pages"),
    ("动易 PowerEasy (ASP)", "html", r"PowerEasy|动易", 3, "PowerEasy markup"),
    ("动易 PowerEasy (ASP)", "header", r"Microsoft-IIS|ASP\.NET", 1, "IIS server"),
    ("Founder ENP", "url", r"/content/\d{4}-\d{2}/\d{2}/content_\d+\.html?$", 4, "content_{n}.htm"),
    ("Founder ENP", "url", r"/node_\d+(?:_\d+)?\.html?$", 2, "node_{n}.htm lists"),
    ("Founder ENP", "html", r"founder|方正", 2, "founder markup"),
)
MIN_SCORE = 3
_COMPILED = tuple((f, w, re.compile(p, re.IGNORECASE), n, c) for f, w, p, n, c in CLUES)


@dataclass(frozen=True)
class Recognition:
    """The CMS family found (None when no family scores ``MIN_SCORE``) and its clues."""

    family: str | None
    score: int
    clues: tuple[str, ...]

    def describe(self) -> str:
        if self.family is None:
            return "no known CMS family recognized"
        return f"{self.family} ({', '.join(self.clues)})"


def recognize(urls: list[str], headers: list[str], htmls: list[str]) -> Recognition:
    """The most likely family from sampled ``urls``, server header values and page markup."""
    scores: dict[str, int] = {}
    clues: dict[str, list[str]] = {}
    sources = {"url": urls, "header": headers, "html": htmls}
    for family, where, regex, weight, clue in _COMPILED:
        if any(regex.search(text) for text in sources[where]):
            scores[family] = scores.get(family, 0) + weight
            clues.setdefault(family, []).append(clue)
    if not scores:
        return Recognition(None, 0, ())
    family = max(scores, key=lambda f: scores[f])
    if scores[family] < MIN_SCORE:
        return Recognition(None, scores[family], tuple(clues[family]))
    return Recognition(family, scores[family], tuple(clues[family]))
