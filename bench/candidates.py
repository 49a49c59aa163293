"""The body rule measured: each body candidate alone against the rule that chooses between them.

``python -m bench.candidates [--sets corpus,simulator,fuzz-tune,fuzz-score,heldout]``

Per set, body character F1 (mean and 10th percentile) of:

- structural: the candidate of ``pipelines/extract/structure.py`` alone (empty when none);
- trafilatura: trafilatura's text with our chrome line removal (``body.trafilatura_lines``);
- readability: readability-lxml's summary with the same line removal;
- rule: what ``extract_body`` returns (structural when anchored and holding text, else
  readability unless it collapsed, then trafilatura), with how often each branch was taken.

The scored sets (fuzz-score, heldout) print figures only.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any

from bench.cases import SetUnavailable
from bench.chrome import SETS, loaders
from bench.scoring import char_f1, p10
from pipelines.extract.body import (
    clean_lines,
    extract_body,
    readability_lines,
    trafilatura_lines,
    trusted,
)
from pipelines.extract.document import find_info, parse
from pipelines.extract.structure import locate
from pipelines.extract.title import extract_title

NAMES = ("structural", "trafilatura", "readability", "rule")


def candidates(html: str, url: str) -> tuple[dict[str, str], str]:
    """Each candidate's body text of one page, and the branch the rule took."""
    doc = parse(html, url)
    title = extract_title(doc)
    doc.title, doc.info = title, find_info(doc, title)
    found = locate(doc, title)
    out = {
        "structural": "\n".join(found.lines) if found else "",
        "trafilatura": "\n".join(clean_lines(trafilatura_lines(doc), doc, title)),
        "readability": "\n".join(clean_lines(readability_lines(doc), doc, title)),
    }
    out["rule"] = extract_body(parse(html, url), title)
    return out, "structural" if trusted(found) else "peers"


def measure(cases: list[Any]) -> tuple[dict[str, list[float]], Counter[str]]:
    """Body F1 per candidate over the cases with a body truth, and the rule's branches."""
    scores: dict[str, list[float]] = {name: [] for name in NAMES}
    branches: Counter[str] = Counter()
    for case in cases:
        gold = case.truth.get("body")
        if gold is None:
            continue
        texts, branch = candidates(case.html, case.url)
        branches[branch] += 1
        for name, text in texts.items():
            options = [gold, case.truth.get("body_served") or gold]
            scores[name].append(max(char_f1(text, g) for g in options))
    return scores, branches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", default="corpus,simulator,fuzz-tune,fuzz-score")
    args = parser.parse_args(argv)
    print("body character F1 per candidate: mean / 10th percentile (pages)")
    print(f"{'set':<12}" + "".join(f"{n:>22}" for n in NAMES) + "  rule took")
    for name in args.sets.split(","):
        if name not in SETS:
            parser.error(f"unknown set {name}")
        try:
            cases = loaders()[name]()
        except SetUnavailable as exc:
            print(f"{name}: skipped ({exc})", file=sys.stderr)
            continue
        scores, branches = measure(cases)
        cells = "".join(
            f"{sum(v) / len(v):>12.3f} / {p10(v):.3f}" if v else f"{'-':>22}"
            for v in scores.values()
        )
        took = ", ".join(f"{k} {v}" for k, v in branches.most_common())
        print(f"{name:<12}{cells}  {took} ({len(scores['rule'])} pages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
