"""The page sets of the extraction bench and their ground truth.

Every set yields ``Case`` objects; a set whose files are absent yields nothing and says why
(``SetUnavailable``). Truth keys: body, title, published, author, source, editor; a key that
is absent is not scored on that page, a None value means the page prints none.

- corpus: the shared real corpus (``../shared/corpus/real`` from the project root), truth as
  the datasets give it, source/editor from ``bench/people_labels.json``; ``corrected()``
  applies ``bench/corpus_corrections.json``. Extraction rules were tuned on these pages.
- heldout: ``bench/heldout``, real pages frozen and labelled blind; no rule is written
  against them.
- fuzz tune/score/fresh: the simulator's randomized templates (``tests.simulator.templates``);
  rules are tuned on ``tune`` only.
- simulator: the six simulated portals (tuned on).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "real"
HELDOUT = Path(__file__).resolve().parent / "heldout"
LABELS = Path(__file__).with_name("people_labels.json")
CORRECTIONS = Path(__file__).with_name("corpus_corrections.json")
_WS = re.compile(r"\s+")
_MOJIBAKE_PAGES = ("e23d84fd6338f8d3e35a344776e9f9e58be611317970b0ad18e9cb61",)


class SetUnavailable(Exception):
    """A set cannot be built here (files absent, module missing); the message says why."""


@dataclass
class Case:
    """One page: its URL, response headers, bytes as served, and whatever truth it has."""

    name: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes
    truth: dict[str, Any] = field(default_factory=dict)
    html: str = ""  # the bytes decoded once, the same input for every extractor

    def __post_init__(self) -> None:
        if not self.html:
            from pipelines.extract import charset

            codec, _ = charset.decide(self.body, self.headers)
            self.html = charset.decode(self.body, codec)


# ---- shared real corpus ---------------------------------------------------------------------


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace").strip()


def _labels(path: Path) -> dict[str, Any]:
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    return dict(labels.get(str(path.relative_to(CORPUS)), {}))


def _cwced() -> Iterator[Case]:
    base = CORPUS / "cwced"
    for html in sorted((base / "original").glob("*.html")):
        stem = html.stem
        truth: dict[str, Any] = {"body": _read(base / "cleaned" / f"{stem}.txt")}
        date = _read(base / "date" / f"{stem}.txt")
        if re.match(r"\d{4}-\d{1,2}", date):  # UNKNOWN and one upstream error are not scored
            truth["published"] = date
        author = _read(base / "author" / f"{stem}.txt")
        truth["author"] = None if author == "UNKNOWN" else _WS.sub(" ", author)
        truth.update(_labels(html))
        yield Case(
            f"cwced/{stem[:8]}", f"http://cwced.test/{stem}.html", [], html.read_bytes(), truth
        )


def _daniel() -> Iterator[Case]:
    base = CORPUS / "daniel_waddle"
    for html in sorted((base / "html").iterdir()):
        ref = _read(base / "reference" / html.name)
        paras = [
            re.sub(r"<[^>]+>", "", p).strip() for p in re.findall(r"<p>(.*?)</p>", ref, re.DOTALL)
        ]
        paras = [p for p in paras if p]
        truth: dict[str, Any] = {}
        if not any(m in html.name for m in _MOJIBAKE_PAGES):  # double-encoded (MANIFEST)
            truth = {"title": paras[0] if paras else None, "body": "\n".join(paras[1:])}
        _, host, digest = html.name.split("_")
        name = f"daniel/{host}_{digest[:8]}"
        yield Case(name, f"http://{host}/{html.name}", [], html.read_bytes(), truth)


def _trafilatura() -> Iterator[Case]:
    base = CORPUS / "trafilatura_eval"
    data = json.loads((base / "evaldata_zh_subset.json").read_text(encoding="utf-8"))
    for url, entry in data.items():
        truth = {
            "title": entry["title"].strip(),
            "published": entry["date"],
            "author": entry["author"] or None,
        }
        truth.update(_labels(base / "eval" / entry["file"]))
        body = (base / "eval" / entry["file"]).read_bytes()
        yield Case(f"trafilatura/{entry['file'][:20]}", url, [], body, truth)


def _gne() -> Iterator[Case]:
    for html in sorted((CORPUS / "gne_tests").glob("*.html")):
        name = f"gne/{html.stem}"
        yield Case(name, f"http://gne.test/{html.name}", [], html.read_bytes(), _labels(html))


def corpus_cases() -> list[Case]:
    """The shared real corpus with the truth as the datasets give it."""
    if not CORPUS.is_dir():
        raise SetUnavailable(f"{CORPUS} is absent (the shared corpus lives in ../shared/corpus)")
    return [case for make in (_cwced, _daniel, _trafilatura, _gne) for case in make()]


def corrected(cases: list[Case]) -> list[Case]:
    """The cases with bench/corpus_corrections.json applied (each correction has its why).

    A correction sets a field, removes it from scoring (``unscored``) or drops lines that are
    not article text from the truth body (``body_drop_lines``).
    """
    fixes = json.loads(CORRECTIONS.read_text(encoding="utf-8"))
    out = []
    for case in cases:
        fix = fixes.get(case.name, {})
        truth = dict(case.truth)
        truth.update(
            {k: v for k, v in fix.items() if k not in ("why", "unscored", "body_drop_lines")}
        )
        for name in fix.get("unscored", []):
            truth.pop(name, None)
        if drop := fix.get("body_drop_lines"):
            lines = truth["body"].split("\n")
            missing = [line for line in drop if line not in (x.strip() for x in lines)]
            if missing:
                raise ValueError(f"{case.name}: body_drop_lines not in the truth: {missing}")
            truth["body"] = "\n".join(x for x in lines if x.strip() not in drop)
        out.append(Case(case.name, case.url, case.headers, case.body, truth, case.html))
    return out


# ---- held-out real pages --------------------------------------------------------------------


def heldout_cases() -> list[Case]:
    """The frozen held-out pages with their blind labels (bench/heldout/labels.json)."""
    labels_path = HELDOUT / "labels.json"
    if not labels_path.is_file():
        raise SetUnavailable(f"{labels_path} is absent")
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    cases = []
    for name, entry in labels.items():
        if name.startswith("_"):
            continue
        truth = {k: v for k, v in entry.items() if k not in ("url", "notes")}
        body = (HELDOUT / "pages" / name).read_bytes()
        cases.append(Case(f"heldout/{name}", entry["url"], [], body, truth))
    return cases


def heldout_split(kind: str) -> list[Case]:
    """The held-out pages of one kind: ``simplified`` or ``traditional`` (the script the page
    serves, label ``script``), or ``finance`` (label ``finance``)."""
    cases = heldout_cases()
    if kind == "finance":
        return [c for c in cases if c.truth.get("finance")]
    return [c for c in cases if c.truth.get("script") == kind]


# ---- simulator and fuzzed templates ---------------------------------------------------------


def _from_simulator(name: str, url: str, headers: Any, body: bytes, truth: dict[str, Any]) -> Case:
    t = {k: truth[k] for k in ("title", "published", "author", "source", "editor") if k in truth}
    t["body"] = truth["body"] if "body" in truth else truth["text"]
    if truth.get("text_original"):
        t["body_served"] = truth["text_original"]
    return Case(name, url, list(headers), body, t)


def simulator_cases() -> list[Case]:
    """Every article page of the six simulated portals, rendered offline."""
    try:
        from tests.simulator import Simulator
    except ImportError as exc:
        raise SetUnavailable(f"tests.simulator is not importable ({exc})") from exc
    return [
        _from_simulator(f"sim/{url.rsplit('/', 1)[-1]}", url, headers, body, truth)
        for url, headers, body, truth in Simulator().pages()
    ]


def fuzz_cases(split: str, n: int | None = None) -> list[Case]:
    """Pages of the randomized templates of ``split`` ("tune", "score" or "fresh"), rendered offline;
    ``n`` takes the first n pages (spread over every template of the split)."""
    try:
        from tests.simulator import templates  # type: ignore[attr-defined]
    except ImportError as exc:
        raise SetUnavailable(f"tests.simulator.templates is not on this branch ({exc})") from exc
    return [
        _from_simulator(
            f"fuzz-{split}/{page.truth.get('template', i)}/{i}",
            page.url,
            page.headers,
            page.body,
            page.truth,
        )
        for i, page in enumerate(templates.pages(split, n))
    ]
