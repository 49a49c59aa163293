"""The rendering context of one page: its random stream, the served script and what was used.

Article strings (headline, info values, paragraphs) go into the HTML as placeholders and are
filled in after the page is converted to the served script, each piece converted on its own and
glossed where the template glosses: the served pieces are then known exactly (``text_original``
of the truth). Every component records markers, strings the served page must contain; chrome
markers are also texts no article body may contain.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import cache
from html import escape

import opencc
from pypinyin import Style, pinyin

from tests.simulator import corpus
from tests.simulator.templates.spec import Template
from tests.simulator.templates.text import Draft, Site

_PIECE_RE = re.compile(r"@@(\d+)@@")
# Characters glossed on top of the seeds' table (the seeds gloss 來 but not 源).
_EXTRA_GLOSSED = "源編輯記佈稿責審聞"


@cache
def converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@cache
def _gloss(char: str) -> str | None:
    table = corpus.gloss_table()
    if char in table:
        return table[char]
    if char in _EXTRA_GLOSSED:
        return pinyin(char, style=Style.TONE)[0][0]
    return None


def add_glosses(text: str) -> str:
    """Glue pinyin after glossed characters, the way seeds 003/004 print them."""
    return "".join(f"{c}({g})" if (g := _gloss(c)) else c for c in text)


@dataclass
class Ctx:
    """One page being rendered."""

    tpl: Template
    site: Site
    draft: Draft
    rng: random.Random
    url: str
    pieces: list[tuple[str, bool]] = field(default_factory=list)
    markers: dict[str, list[str]] = field(default_factory=dict)
    chrome: list[str] = field(default_factory=list)

    def c(self, axis: str) -> str:
        """The template's variant on ``axis``."""
        return self.tpl.choice[axis]

    def text(self, value: str, gloss: bool = False) -> str:
        """A placeholder for an article string, filled with its served (escaped) form later."""
        self.pieces.append((value, gloss and self.c("gloss") != "none"))
        return f"@@{len(self.pieces) - 1}@@"

    def body_text(self, value: str) -> str:
        return self.text(value, gloss=self.c("gloss") == "info_body")

    def mark(self, component: str, *texts: str, chrome: bool = True) -> None:
        """Record strings the served page shows for ``component`` (chrome: never body text)."""
        self.markers.setdefault(component, []).extend(texts)
        if chrome:
            self.chrome.extend(t for t in texts if not t.startswith("<"))

    def chrome_text(self, component: str, value: str) -> str:
        """Escaped chrome text, recorded as a marker of ``component``."""
        self.mark(component, value)
        return escape(value)

    def served(self, value: str, gloss: bool = False) -> str:
        """``value`` as the page shows it: in the served script, glossed when asked."""
        if not self.tpl.traditional:
            return value
        out = converter(self.c("script")).convert(value)
        return add_glosses(out) if gloss else out

    def finish(self, html: str) -> str:
        """Convert the page to the served script and fill in the pieces."""
        if self.tpl.traditional:
            html = converter(self.c("script")).convert(html)
        filled = [escape(self.served(v, g)) for v, g in self.pieces]
        return _PIECE_RE.sub(lambda m: filled[int(m.group(1))], html)
