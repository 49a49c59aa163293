"""The held-out real pages stay frozen and unnamed: their files match the hashes in
bench/heldout/MANIFEST.md, every page carries all six labels, its script and finance flag, and
an origin (repository @ commit, path, licence) with the licence text beside it, and no module of
pipelines/extract names one of their hosts, label values or template class names."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from bench.cases import heldout_cases, heldout_split

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "bench" / "heldout"
EXTRACT = ROOT / "pipelines" / "extract"
FIELDS = ("title", "published", "author", "source", "editor", "body")
# template markup of the held-out pages that a site-specific rule would have to name
TEMPLATE_NAMES = (
    "td-fld05", "iclickAdBody", "newscot", "ctrlfscont", "intal_tit", "txt_con", "bai13",
    "chinareviewnews", "rthk", "bcc.com.tw", "caixun", "stcn", "yn.xinhuanet", "c_122567533",
)  # fmt: skip


def _frozen() -> dict[str, str]:
    text = (HELDOUT / "MANIFEST.md").read_text("utf-8")
    return {
        name: digest for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", text, re.MULTILINE)
    }


def _labels() -> dict:
    labels = json.loads((HELDOUT / "labels.json").read_text("utf-8"))
    return {k: v for k, v in labels.items() if not k.startswith("_")}


def test_every_file_matches_its_frozen_hash():
    frozen = _frozen()
    files = {f"pages/{p.name}" for p in (HELDOUT / "pages").iterdir()} | {"labels.json"}
    assert set(frozen) == files, "a page was added or removed without its hash in MANIFEST.md"
    for name, digest in frozen.items():
        assert hashlib.sha256((HELDOUT / name).read_bytes()).hexdigest() == digest, name


def test_every_page_is_labelled_on_every_field():
    labels = _labels()
    assert set(labels) == {p.name for p in (HELDOUT / "pages").iterdir()}
    for name, entry in labels.items():
        assert all(field in entry for field in FIELDS), name
        assert entry["title"], name
        assert len(entry["body"]) > 50, name
        assert entry["url"].startswith("http"), name


def _named_strings() -> list[str]:
    strings = list(TEMPLATE_NAMES)
    for entry in _labels().values():
        strings += [entry[f] for f in ("title", "author", "source", "editor") if entry[f]]
        strings += [line[:12] for line in entry["body"].split("\n") if len(line) >= 12]
    return strings


def test_no_extraction_rule_names_a_heldout_page():
    sources = {p: p.read_text("utf-8") for p in EXTRACT.rglob("*.py")}
    assert sources, f"no extraction modules under {EXTRACT}"
    named = [(s, p.name) for s in _named_strings() for p, text in sources.items() if s in text]
    assert named == [], f"pipelines/extract names held-out pages: {named}"


def test_the_bench_loads_every_heldout_page_with_its_truth():
    cases = heldout_cases()
    assert len(cases) == len(_labels())
    for case in cases:
        assert case.html.lstrip().startswith("<"), case.name
        assert set(FIELDS) <= set(case.truth), case.name
        assert "\ufffd" not in case.html, case.name


@pytest.mark.parametrize("name", sorted(_labels()))
def test_labels_are_text_of_the_page(name):
    """Blind labels are read off the page: each labelled string occurs in its HTML."""
    entry = _labels()[name]
    html = (HELDOUT / "pages" / name).read_text("utf-8")
    text = re.sub(r"\s+", "", re.sub(r"&#32171;", "綫", re.sub(r"<[^>]+>", "", html)))
    for field in ("author", "source", "editor"):
        for value in (entry[field] or "").split(" "):  # several names are space-separated
            assert value in text, (name, field, value)
    for line in entry["body"].split("\n"):
        assert re.sub(r"\s+", "", line) in text.replace("&nbsp;", ""), (name, line[:20])


def _origins() -> dict[str, list[str]]:
    """MANIFEST page rows: file -> [repository @ commit, upstream path, licence, ...]."""
    rows = {}
    for line in (HELDOUT / "MANIFEST.md").read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and re.fullmatch(r"`[^`]+\.html`", cells[0]):
            rows[cells[0].strip("`")] = cells[1:]
    return rows


def test_every_page_has_an_origin_and_its_licence():
    origins = _origins()
    assert set(origins) == set(_labels()), "a page without its MANIFEST row (or a row without page)"
    for name, (source, path, licence, *_rest) in origins.items():
        repo, _, commit = source.partition(" @ ")
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", repo), (name, source)
        assert re.fullmatch(r"[0-9a-f]{12,40}", commit), (name, source)
        assert path.strip("`"), name
        assert licence, name
        licence_file = HELDOUT / "licenses" / f"{repo.split('/')[1]}-LICENSE.txt"
        assert licence_file.is_file(), (name, licence_file)


def test_every_page_says_its_script_and_whether_it_is_finance_news():
    labels = _labels()
    for name, entry in labels.items():
        assert entry.get("script") in ("simplified", "traditional"), name
        assert isinstance(entry.get("finance"), bool), name
    simplified, traditional = heldout_split("simplified"), heldout_split("traditional")
    assert len(simplified) + len(traditional) == len(labels)
    assert {c.name for c in heldout_split("finance")} == {
        f"heldout/{n}" for n, e in labels.items() if e["finance"]
    }
