"""Extraction quality bench: ours vs plain trafilatura, readability-lxml and GNE.

``python -m bench.extraction [--sim] [--corpus] [-v]``. Body score is the bag-of-characters F1
(multiset overlap of non-whitespace characters). Dates compare at the precision of the truth
(date only, minutes or seconds). Fields without ground truth on a page are not scored.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.items import Article, Page
from pipelines.extract import charset, extract

CORPUS = Path("/work/shared/corpus/real")
FIELDS = ("body", "title", "published", "author", "source", "editor")
TARGETS = {
    "body": 0.97,
    "title": 0.98,
    "published": 0.98,
    "author": 0.95,
    "source": 0.95,
    "editor": 0.95,
}
COLUMNS = (*FIELDS, "snippets")
_WS = re.compile(r"\s+")
_MOJIBAKE_PAGES = ("e23d84fd6338f8d3e35a344776e9f9e58be611317970b0ad18e9cb61",)


@dataclass
class Case:
    """One page with whatever ground truth its set has (None = not scored)."""

    name: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes
    truth: dict[str, Any] = field(default_factory=dict)


LABELS = Path(__file__).with_name("people_labels.json")


def _labels(path: Path) -> dict[str, Any]:
    """Hand labels (source, editor) of a corpus page, from bench/people_labels.json."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    return dict(labels.get(str(path.relative_to(CORPUS)), {}))


CORRECTIONS = Path(__file__).with_name("corpus_corrections.json")


def corrected(cases: list[Case]) -> list[Case]:
    """The cases with the truth values of bench/corpus_corrections.json (each with its reason)."""
    fixes = json.loads(CORRECTIONS.read_text(encoding="utf-8"))
    out = []
    for case in cases:
        fix = {k: v for k, v in fixes.get(case.name, {}).items() if k not in ("why", "unscored")}
        truth = {**case.truth, **fix}
        for name in fixes.get(case.name, {}).get("unscored", []):
            truth.pop(name, None)
        out.append(Case(case.name, case.url, case.headers, case.body, truth))
    return out


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace").strip()


def cwced_cases() -> Iterator[Case]:
    base = CORPUS / "cwced"
    for html in sorted((base / "original").glob("*.html")):
        stem = html.stem
        truth: dict[str, Any] = {"body": _read(base / "cleaned" / f"{stem}.txt")}
        date = _read(base / "date" / f"{stem}.txt")
        if re.match(r"\d{4}-\d{1,2}", date):  # UNKNOWN and one upstream error are not scored
            truth["published"] = date
        author = _read(base / "author" / f"{stem}.txt")
        truth["author"] = None if author == "UNKNOWN" else _WS.sub(" ", author)
        truth["author_may_be_editor"] = True
        truth.update(_labels(html))
        yield Case(
            f"cwced/{stem[:8]}", f"http://cwced.test/{stem}.html", [], html.read_bytes(), truth
        )


def daniel_cases() -> Iterator[Case]:
    base = CORPUS / "daniel_waddle"
    for html in sorted((base / "html").iterdir()):
        ref = _read(base / "reference" / html.name)
        paras = [
            re.sub(r"<[^>]+>", "", p).strip() for p in re.findall(r"<p>(.*?)</p>", ref, re.DOTALL)
        ]
        paras = [p for p in paras if p]
        truth: dict[str, Any] = {}
        if not any(m in html.name for m in _MOJIBAKE_PAGES):  # not scored (MANIFEST)
            truth = {"title": paras[0] if paras else None, "body": "\n".join(paras[1:])}
        host = html.name.split("_")[1]
        yield Case(f"daniel/{host}", f"http://{host}/{html.name}", [], html.read_bytes(), truth)


def trafilatura_cases() -> Iterator[Case]:
    base = CORPUS / "trafilatura_eval"
    data = json.loads((base / "evaldata_zh_subset.json").read_text(encoding="utf-8"))
    for url, entry in data.items():
        truth = {
            "title": entry["title"].strip(),
            "published": entry["date"],
            "author": entry["author"] or None,
            "with": entry["with"],
            "without": entry["without"],
            "author_may_be_editor": True,
        }
        truth.update(_labels(base / "eval" / entry["file"]))
        body = (base / "eval" / entry["file"]).read_bytes()
        yield Case(f"trafilatura/{entry['file'][:20]}", url, [], body, truth)


def gne_cases() -> Iterator[Case]:
    for html in sorted((CORPUS / "gne_tests").glob("*.html")):
        yield Case(
            f"gne/{html.stem}", f"http://gne.test/{html.name}", [], html.read_bytes(), _labels(html)
        )


def sim_cases() -> Iterator[Case]:
    try:
        from tests.simulator import Simulator  # type: ignore[attr-defined]
    except ImportError as exc:
        print(f"simulator not available ({exc}); corpus only", file=sys.stderr)
        return
    for url, headers, body, truth in Simulator().pages():
        t = dict(truth)
        if "text" in t and "body" not in t:
            t["body"] = t.pop("text")
            t["body_served"] = t.get("text_original")
        yield Case(f"sim/{url.rsplit('/', 1)[-1]}", url, list(headers), body, t)


# ---- extractors: each returns {"body", "title", "published", "author", "source", "editor"}


def run_ours(case: Case, normalized: bool = False) -> dict[str, Any]:
    """Our extract; with ``normalized`` also pipelines.normalize (when importable)."""
    result = extract(Page(url=case.url, body=case.body, headers=case.headers, site="bench"), None)
    if not isinstance(result, Article):
        return {"skip": result.reason}
    if normalized:
        try:
            from pipelines.normalize import normalize
        except ImportError:
            pass
        else:
            result = normalize(result)
    out = {f: getattr(result, f) for f in FIELDS if f != "body"}
    out["body"] = result.text
    return out


def run_ours_normalized(case: Case) -> dict[str, Any]:
    return run_ours(case, normalized=True)


def run_trafilatura(case: Case) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(
        case.body, url=case.url, with_metadata=True, include_comments=False, include_tables=True
    )
    if doc is None:
        return {}
    doc = doc.as_dict() if hasattr(doc, "as_dict") else doc
    return {
        "body": doc.get("text"),
        "title": doc.get("title"),
        "published": doc.get("date"),
        "author": doc.get("author"),
    }


def _decoded(case: Case) -> str:
    codec, _ = charset.decide(case.body, case.headers)
    return charset.decode(case.body, codec)


def run_readability(case: Case) -> dict[str, Any]:
    import lxml.html
    from readability import Document

    doc = Document(_decoded(case))
    summary = lxml.html.fromstring(doc.summary())
    return {"body": summary.text_content(), "title": doc.short_title()}


def run_gne(case: Case) -> dict[str, Any]:
    from gne import GeneralNewsExtractor

    res = GeneralNewsExtractor().extract(_decoded(case))
    return {
        "body": res.get("content"),
        "title": res.get("title"),
        "published": res.get("publish_time"),
        "author": res.get("author") or None,
    }


EXTRACTORS: dict[str, Callable[[Case], dict[str, Any]]] = {
    "ours": run_ours,
    "ours+norm": run_ours_normalized,
    "trafilatura": run_trafilatura,
    "readability": run_readability,
    "gne": run_gne,
}


# ---- scoring


def char_f1(pred: str | None, gold: str) -> float:
    """Bag-of-characters F1, whitespace ignored."""
    p, g = Counter(_WS.sub("", pred or "")), Counter(_WS.sub("", gold))
    if not p or not g:
        return float(p == g)
    overlap = sum((p & g).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def _date_key(value: str) -> tuple[str, ...]:
    nums = re.findall(r"\d+", value)
    if len(nums) >= 6 and value[10:11] == "T" and value.endswith("+08:00"):
        nums = nums[:6]
    return tuple(n.zfill(2) for n in nums[:6])


def date_match(pred: str | None, gold: str) -> bool:
    """Equal at the precision of ``gold`` (date only, minutes or seconds)."""
    if not pred:
        return False
    g, p = _date_key(gold), _date_key(pred)
    return p[: len(g)] == g


def _norm(value: Any) -> str | None:
    return _WS.sub(" ", str(value)).strip() or None if value else None


def _same(pred: Any, gold: Any) -> bool:
    return _norm(pred) == _norm(gold)


def score(fieldname: str, pred: dict[str, Any], truth: dict[str, Any]) -> float | None:
    if fieldname not in truth:
        return None
    gold = truth[fieldname]
    if fieldname == "body":
        golds = [gold or ""] + ([truth["body_served"]] if truth.get("body_served") else [])
        return max(char_f1(pred.get("body"), g) for g in golds)
    if fieldname == "published":
        return (
            float(date_match(str(pred.get("published") or ""), gold))
            if gold
            else float(not pred.get("published"))
        )
    if fieldname == "author" and truth.get("author_may_be_editor"):
        # cwced's and trafilatura's author truth is the 编辑 on some pages (MANIFEST caveat)
        return float(_same(pred.get("author"), gold) or _same(pred.get("editor"), gold))
    return float(_same(pred.get(fieldname), gold))


def snippets(pred: dict[str, Any], truth: dict[str, Any]) -> float | None:
    """Share of trafilatura-eval 'with' snippets present and 'without' snippets absent."""
    if "with" not in truth:
        return None
    body = pred.get("body") or ""
    hits = [s in body for s in truth["with"]] + [s not in body for s in truth["without"]]
    return sum(hits) / len(hits)


def evaluate(
    cases: list[Case], names: list[str], verbose_for: str | None
) -> tuple[dict[str, dict[str, list[float]]], dict[str, float]]:
    """Scores per extractor and field, and docs/s per extractor."""
    table: dict[str, dict[str, list[float]]] = {}
    speed: dict[str, float] = {}
    for name in names:
        fn, sums = EXTRACTORS[name], {f: [] for f in COLUMNS}
        start = time.perf_counter()
        for case in cases:
            try:
                pred = fn(case)
            except Exception as exc:  # a competitor's crash scores zero; ours must not crash
                if name.startswith("ours"):
                    raise
                pred = {"error": repr(exc)}
            for f in FIELDS:
                if (s := score(f, pred, case.truth)) is None:
                    continue
                sums[f].append(s)
                if name == verbose_for and s < (0.9 if f == "body" else 1):
                    shown = f"{s:.2f}" if f == "body" else f"{pred.get(f)!r} != {case.truth[f]!r}"
                    print(f"  miss {case.name} {f}: {shown}", file=sys.stderr)
            if (s := snippets(pred, case.truth)) is not None:
                sums["snippets"].append(s)
        speed[name] = len(cases) / (time.perf_counter() - start)
        table[name] = sums
    return table, speed


def print_table(
    title: str, n: int, table: dict[str, dict[str, list[float]]], speed: dict[str, float]
) -> None:
    print(f"\n## {title}: {n} pages (cell = mean score (pages scored))")
    print(f"{'extractor':<12}" + "".join(f"{c:>12}" for c in COLUMNS) + f"{'docs/s':>10}")
    for name, sums in table.items():
        cells = []
        for c in COLUMNS:
            vals = sums[c]
            cells.append(f"{sum(vals) / len(vals):>8.3f}({len(vals):>2})" if vals else f"{'-':>12}")
        print(f"{name:<12}" + "".join(cells) + f"{speed[name]:>10.1f}")
    print(f"{'target':<12}" + "".join(f"{TARGETS.get(c, 0):>12.2f}" for c in COLUMNS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sim", action="store_true", help="simulator pages only")
    parser.add_argument("--corpus", action="store_true", help="real corpus pages only")
    parser.add_argument("--only", default="", help="comma list of extractors")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses (stderr)")
    parser.add_argument("--verbose-for", default="", help="extractor whose misses -v lists")
    args = parser.parse_args(argv)
    both = not (args.sim or args.corpus)
    names = [n for n in EXTRACTORS if not args.only or n in args.only.split(",")]
    print("body = bag-of-characters F1 over non-whitespace characters; other fields exact match;")
    print("published compared at the precision of the truth; snippets = trafilatura with/without")
    if args.corpus or both:
        cases = [c for g in (cwced_cases, daniel_cases, trafilatura_cases, gne_cases) for c in g()]
        verbose = (args.verbose_for or "ours") if args.verbose else None
        print_table(
            "real corpus (truth as served; source/editor: hand labels in bench/people_labels.json)",
            len(cases),
            *evaluate(cases, names, verbose),
        )
        print_table(
            "real corpus, truth corrected where it contradicts DESIGN.md's field definitions "
            "(bench/corpus_corrections.json, with the evidence)",
            len(cases),
            *evaluate(corrected(cases), names, None),
        )
    if args.sim or both:
        cases = list(sim_cases())
        verbose = (args.verbose_for or "ours+norm") if args.verbose else None
        if cases:
            print_table(
                "simulator (truth simplified; body scored against the simplified or the "
                "served text, whichever is closer)",
                len(cases),
                *evaluate(cases, names, verbose),
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
