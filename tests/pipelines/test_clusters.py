"""Near-duplicate clusters on the simulator (issue 5): the bench.clusters evaluation, run on the
default simulator with print and mobile variants, reaches the product's bar (pairwise precision
and recall >= 0.95) and stores at most one canonical copy per content_hash."""

from __future__ import annotations

from collections import Counter

from bench.clusters import ClusterReport, _check_canonicals, evaluate, pair_scores
from crawler.db.models import ArticleRow
from tests.simulator import Simulator


def test_clusters_on_the_default_simulator_reach_the_bar(tmp_path):
    sim = Simulator(base_port=8800, print_variants=True, mobile_variants=True)
    truth = sim.truth()
    report = evaluate(sim, workdir=tmp_path)
    assert report.skips == []
    assert report.pages == report.stored == len(truth)
    assert report.cross_site_stories >= 8  # edited copies of 8+ stories across portals
    assert report.true_pairs >= 60
    assert report.precision >= 0.95
    assert report.recall >= 0.95
    assert report.extra_canonicals == {}
    assert report.split_exact == []
    assert report.bad_canonical == []
    assert report.exact_rule_ok
    kinds = Counter(t["duplicate_kind"] for t in truth)
    # every article of a story after its first copy was matched to something stored before
    assert report.kinds["unique"] == report.stories
    assert report.kinds["exact"] + report.kinds["near"] == kinds["exact"] + kinds["near"]


def test_pair_scores_penalise_merges_and_splits():
    truth = {"a": "s1", "b": "s1", "c": "s1", "d": "s2", "e": "s3"}
    assert pair_scores(truth, dict(truth)) == (1.0, 1.0, 3, 3)
    split = {"a": "x", "b": "x", "c": "y", "d": "z", "e": "w"}
    assert pair_scores(truth, split) == (1.0, 1 / 3, 3, 1)
    merged = {"a": "x", "b": "x", "c": "x", "d": "x", "e": "w"}
    assert pair_scores(truth, merged) == (0.5, 1.0, 3, 6)


def _row(aid: str, cluster: str, duplicate_of: str | None, content_hash: str) -> ArticleRow:
    return ArticleRow(id=aid, cluster=cluster, duplicate_of=duplicate_of, content_hash=content_hash)


def _truth(story: str, site: str, kind: str | None) -> dict[str, str | None]:
    return {"story": story, "site": site, "duplicate_kind": kind, "url": f"http://{site}/{story}"}


def test_canonical_check_catches_two_canonicals_of_one_hash_and_split_variants():
    truth_of = {"a": _truth("s1", "p", None), "b": _truth("s1", "p", "exact")}
    good = ClusterReport(0, 0, 0, 0, 0, 0, 0, 0, 0)
    _check_canonicals(good, [_row("a", "ca", None, "h"), _row("b", "ca", "a", "h")], truth_of)
    assert good.exact_rule_ok
    bad = ClusterReport(0, 0, 0, 0, 0, 0, 0, 0, 0)
    _check_canonicals(bad, [_row("a", "ca", None, "h"), _row("b", "cb", None, "h")], truth_of)
    assert bad.extra_canonicals == {"h": ["a", "b"]}
    assert bad.split_exact == ["http://p/s1"]
    assert not bad.exact_rule_ok
    wrong = ClusterReport(0, 0, 0, 0, 0, 0, 0, 0, 0)
    _check_canonicals(wrong, [_row("a", "ca", "b", "h"), _row("b", "ca", "a", "h2")], truth_of)
    assert wrong.bad_canonical == ["ca"]
