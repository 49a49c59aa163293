"""Crawl every simulator portal end to end, then compare the export with the ground truth."""

from __future__ import annotations

import gzip
import subprocess
import sys
from collections import Counter
from pathlib import Path

from model.items import EXPORT_FIELDS


def test_export_has_design_fields(crawled):
    assert crawled["articles"], crawled["logs"]
    for record in crawled["articles"]:
        assert tuple(record) == EXPORT_FIELDS


def test_at_least_95_percent_of_articles_with_right_url_and_title(crawled):
    exported = {a["url"]: a for a in crawled["articles"]}
    truth = crawled["truth"]
    right = [t for t in truth if t["url"] in exported and exported[t["url"]]["title"] == t["title"]]
    missing = [t["url"] for t in truth if t["url"] not in exported]
    wrong = [
        (t["title"], exported[t["url"]]["title"])
        for t in truth
        if t["url"] in exported and exported[t["url"]]["title"] != t["title"]
    ]
    share = len(right) / len(truth)
    assert share >= 0.95, f"{share:.3f} right; missing {missing[:5]}, wrong titles {wrong[:5]}"


# the product's extraction floors; a field the crawl missed on a page scores 0 there
FLOORS = {"text": 0.98, "title": 0.99, "published": 0.99, "author": 0.97, "source": 0.97,
          "editor": 0.97}  # fmt: skip


def char_f1(pred: str, gold: str) -> float:
    """Bag-of-characters F1, whitespace ignored (no script folding: the export must be
    simplified like the truth)."""
    p, g = Counter("".join(pred.split())), Counter("".join(gold.split()))
    overlap = sum((p & g).values())
    if not p or not g or not overlap:
        return float(p == g)
    return 2 * overlap / (sum(p.values()) + sum(g.values()))


def test_every_field_of_every_article_scores_above_its_floor(crawled):
    exported = {a["url"]: a for a in crawled["articles"]}
    scores: dict[str, list[float]] = {name: [] for name in FLOORS}
    misses: dict[str, list[tuple[str, object, object]]] = {name: [] for name in FLOORS}
    for truth in crawled["truth"]:
        article = exported.get(truth["url"], {})
        for name in FLOORS:
            got, want = article.get(name), truth[name]
            score = char_f1(got or "", want) if name == "text" else float(got == want)
            scores[name].append(score)
            if score < 1:
                misses[name].append((truth["url"], got, want))
    means = {name: sum(values) / len(values) for name, values in scores.items()}
    below = {name: round(mean, 4) for name, mean in means.items() if mean < FLOORS[name]}
    assert below == {}, {name: misses[name][:3] for name in below}


def test_every_site_is_crawled_and_known_to_the_export(crawled):
    sites = {a["site"] for a in crawled["articles"]}
    assert sites == {t["site"] for t in crawled["truth"]}


def test_every_warc_passes_warcio_check_and_gzip(crawled):
    files = sorted(Path(crawled["data"], "warc").glob("*.warc.gz"))
    assert len(files) >= len({t["site"] for t in crawled["truth"]})
    assert not list(Path(crawled["data"], "warc").glob("*.open")), "a WARC was left open"
    warcio = [str(Path(sys.executable).parent / "warcio"), "check", "-v"]
    for path in files:
        result = subprocess.run([*warcio, str(path)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        with gzip.open(path) as stream:  # every member decompresses to the end (warcio#138)
            while stream.read(1 << 20):
                pass


def test_every_article_points_at_its_response_record(crawled):
    from archive import read_record

    for record in crawled["articles"][:40]:
        warc = record["warc"]
        capture = read_record(Path(crawled["data"], "warc", warc["file"]), warc["offset"])
        assert capture.url == record["url"]
        assert capture.record_type == "response"


def test_robots_disallowed_pages_are_never_requested(crawled, simulator):
    assert not [url for _, url, _ in simulator.requests() if "/admin/" in url]
