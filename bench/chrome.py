"""Chrome check: how many extracted texts hold CSS, script, navigation, breadcrumbs or a
comment block, over every page of every set. The acceptance figure is 0.

``python -m bench.chrome [--sets corpus,heldout,simulator,fuzz-tune,fuzz-score,fuzz-fresh] [-v]``

The detectors are independent of the extractor's own chrome rules (pipelines/extract/chrome.py)
and are also run over the ground-truth texts: a detector that fires on truth is too broad, and
that count is printed next to ours. On the fuzzed sets the page's own chrome texts (the
generator's ``chrome`` list) are checked too. ``-v`` names the flagged pages of the sets
extraction is tuned on (corpus, simulator, fuzz-tune) only; the scored sets print figures only.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

from model.items import Article, Page
from pipelines import cpu_stage

# each detector looks at a whole text; every pattern needs page chrome's own shape, not a word
# that running text may use
DETECTORS: dict[str, re.Pattern[str]] = {
    "css": re.compile(
        r"[.#]?[A-Za-z][\w-]*\s*\{[^{}]{0,200}?:[^{}]{0,200}?\}"
        r"|\b(?:font-(?:family|size|weight)|margin(?:-\w+)?|padding(?:-\w+)?|line-height|"
        r"text-(?:align|indent|decoration)|background(?:-color)?|border(?:-\w+)?|display|"
        r"color)\s*:\s*[^;\n]{1,40};"
    ),
    "script": re.compile(
        r"\bfunction\s*\w*\s*\([^)]*\)\s*\{|\bvar\s+\w+\s*=|\b(?:let|const)\s+\w+\s*=\s*|"
        r"document\.(?:write|getElementById|querySelector|cookie)|window\.\w+|\$\(\s*['\"]|"
        r"\bjQuery\b|<script|\w+\.(?:push|addEventListener)\(|_hmt|google_ad"
    ),
    "navigation": re.compile(
        r"^(?:[^\n|｜]{1,8}\s*[|｜]\s*){3,}[^\n|｜]{1,8}$"
        r"|(?:网站首页|设为首页|加入收藏|无障碍浏览|进入关怀版|网站地图|联系我们)",
        re.MULTILINE,
    ),
    "breadcrumbs": re.compile(
        r"当前位置|您(?:现在)?的位置|所在位置|首页\s*(?:>|>>|»|›|/|→)\s*\S"
        r"|^\S{1,10}\s*(?:>|>>|»|›)\s*\S{1,10}\s*(?:>|>>|»|›)",
        re.MULTILINE,
    ),
    "comments": re.compile(
        r"评论须知|网友评论|发表评论|我要评论|文明上网|理性发言|已有\s*\d+\s*条评论|共\s*\d+\s*条评论|"
        r"请遵守.{0,8}法律法规|昵称\s*[:：]|验证码|评论仅代表|网友留言|网友跟[帖贴]|登录后跟[帖贴]"
    ),
}
SETS = ("corpus", "heldout", "simulator", "fuzz-tune", "fuzz-score", "fuzz-fresh")
TUNED = ("corpus", "simulator", "fuzz-tune")


def flags(text: str) -> list[str]:
    """Names of the detectors that fire on ``text``."""
    return [name for name, pattern in DETECTORS.items() if pattern.search(text)]


def loaders() -> dict[str, Callable[[], list[Any]]]:
    """Each set's case loader (``bench.cases``)."""
    from bench import cases

    return {
        "corpus": lambda: cases.corrected(cases.corpus_cases()),
        "heldout": cases.heldout_cases,
        "simulator": cases.simulator_cases,
        "fuzz-tune": lambda: cases.fuzz_cases("tune"),
        "fuzz-score": lambda: cases.fuzz_cases("score"),
        "fuzz-fresh": lambda: cases.fuzz_cases("fresh"),
    }


def _page_chrome(name: str) -> list[list[str]] | None:
    """The generator's chrome texts of each page of a fuzzed set (None for other sets)."""
    if not name.startswith("fuzz-"):
        return None
    from tests.simulator import templates  # type: ignore[attr-defined]

    return [list(page.truth.get("chrome") or []) for page in templates.pages(name[5:])]


def check(name: str, verbose: bool) -> tuple[Counter[str], Counter[str], int]:
    """(texts flagged per detector, truth texts flagged per detector, texts) of one set; the
    key ``"any"`` counts texts flagged by at least one detector."""
    from bench.cases import SetUnavailable

    try:
        cases = loaders()[name]()
    except SetUnavailable as exc:
        print(f"{name}: skipped ({exc})", file=sys.stderr)
        return Counter(), Counter(), 0
    chrome = _page_chrome(name)
    ours: Counter[str] = Counter()
    truth: Counter[str] = Counter()
    texts = 0
    for i, case in enumerate(cases):
        page = Page(url=case.url, body=case.body, headers=case.headers, site="bench")
        result = cpu_stage(page, None)
        if not isinstance(result, Article):
            continue
        texts += 1
        found = flags(result.text)
        if chrome is not None and any(c and c in result.text for c in chrome[i]):
            found.append("page chrome")
        ours.update(found)
        ours["any"] += bool(found)
        gold = flags(case.truth.get("body") or "")
        truth.update(gold)
        truth["any"] += bool(gold)
        if found and verbose and name in TUNED:
            print(f"  {case.name}: {', '.join(found)}", file=sys.stderr)
    return ours, truth, texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", default=",".join(SETS), help="comma list of " + ",".join(SETS))
    parser.add_argument("-v", "--verbose", action="store_true", help="name flagged tuned pages")
    args = parser.parse_args(argv)
    names = [n for n in args.sets.split(",") if n]
    if unknown := set(names) - set(SETS):
        parser.error(f"unknown sets: {', '.join(sorted(unknown))}")
    columns = [*DETECTORS, "page chrome"]
    print("texts flagged per detector; truth = ground-truth texts any detector flags (should be 0)")
    print(f"{'set':<12}{'texts':>7}" + "".join(f"{c:>13}" for c in columns) + f"{'truth':>8}")
    total = 0
    for name in names:
        ours, truth, texts = check(name, args.verbose)
        total += ours["any"]
        cells = "".join(f"{ours[c]:>13}" for c in columns)
        print(f"{name:<12}{texts:>7}{cells}{truth['any']:>8}")
    print(f"texts holding CSS, script, navigation, breadcrumbs or a comment block: {total}")
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())
