"""Cluster quality on the portal simulator: every article page (print and mobile variants
included) through ``cpu_stage`` and the same dedup + store calls ``scrapy replay`` makes, into a
fresh SQLite database; the stored ``cluster`` is scored against the simulator's ``story``.

    python -m bench.clusters [--seed N] [--per-portal N] [--db URL]

Prints pairwise precision and recall (over all pairs of articles sharing a cluster / a story),
counts, the exact-duplicate check (at most one canonical copy, ``duplicate_of`` NULL, per
``content_hash``; every ``exact`` variant in its original's cluster) and the canonical RULE;
exits 1 when the check fails or a score is under 0.95. Offline: pages are rendered by
``Simulator.pages()``, no server is started.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crawler.db.models import ArticleRow
from crawler.db.session import open_database
from model.items import Page, Skip
from model.profiles import load_profiles
from pipelines import cpu_stage
from pipelines.dedup.canonical import RULE
from pipelines.dedup.index import assign
from pipelines.store import store
from tests.simulator import Simulator

FETCHED_START = datetime(2026, 1, 1, tzinfo=UTC)
TARGET = 0.95  # the product's bar for near-duplicate cluster precision and recall


@dataclass
class ClusterReport:
    """What :func:`evaluate` measured."""

    precision: float
    recall: float
    pages: int
    stored: int
    stories: int
    syndicated_stories: int  # stories with more than one stored copy in the truth
    cross_site_stories: int  # ... of which copies on more than one portal (edited copies)
    true_pairs: int
    found_pairs: int
    kinds: Counter[str] = field(default_factory=Counter)  # dedup outcome per page
    skips: list[str] = field(default_factory=list)  # "url: reason" of pages cpu_stage skipped
    # content hashes with more than one canonical copy (duplicate_of NULL): must be empty
    extra_canonicals: dict[str, list[str]] = field(default_factory=dict)
    # exact variants not stored in the cluster of their original: must be empty
    split_exact: list[str] = field(default_factory=list)
    # wrong duplicate_of: points outside the cluster, or the cluster has not one canonical
    bad_canonical: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exact_rule_ok(self) -> bool:
        return not (self.extra_canonicals or self.split_exact or self.bad_canonical)


def _pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for item, group in groups.items():
        members[group].append(item)
    return {(a, b) for m in members.values() for a in m for b in m if a < b}


def pair_scores(truth: dict[str, str], found: dict[str, str]) -> tuple[float, float, int, int]:
    """Pairwise precision, recall, true and found pair counts of ``found`` clusters against
    ``truth`` stories (both: item -> group; only items in both are scored)."""
    common = truth.keys() & found.keys()
    true = _pairs({k: truth[k] for k in common})
    got = _pairs({k: found[k] for k in common})
    precision = len(true & got) / len(got) if got else 1.0
    recall = len(true & got) / len(true) if true else 1.0
    return precision, recall, len(true), len(got)


def evaluate(
    sim: Simulator, db_url: str | None = None, workdir: str | Path | None = None
) -> ClusterReport:
    """Run every page of ``sim`` through extract -> dedup -> store and score the clusters."""
    started = time.perf_counter()
    tmp = Path(workdir or tempfile.mkdtemp(prefix="bench-clusters-"))
    sim.write_profiles(tmp / "sites")
    profiles = load_profiles(tmp / "sites")
    site_names = {pid: p.name for pid, p in profiles.items()}
    factory = open_database(db_url or f"sqlite:///{tmp / 'articles.db'}")
    truth_of: dict[str, dict[str, Any]] = {}  # article id -> truth
    url_story: dict[str, str] = {}
    report = ClusterReport(0.0, 0.0, 0, 0, 0, 0, 0, 0, 0)
    with factory() as session:
        for i, (url, headers, body, truth) in enumerate(sim.pages()):
            report.pages += 1
            url_story[url] = truth["story"]
            fetched = (FETCHED_START + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            page = Page(url=url, body=body, headers=headers, site=truth["site"], fetched=fetched)
            result = cpu_stage(page, profiles[truth["site"]])
            if isinstance(result, Skip):
                report.skips.append(f"{url}: {result.reason}")
                continue
            report.kinds[assign(session, result, site_names)] += 1
            store(session, result)
            session.commit()
            truth_of[result.id] = truth
        rows = list(session.scalars(select(ArticleRow)))
    factory.kw["bind"].dispose()

    report.stored = len(rows)
    truth_story = {aid: t["story"] for aid, t in truth_of.items()}
    found = {row.id: row.cluster or row.id for row in rows}
    report.precision, report.recall, report.true_pairs, report.found_pairs = pair_scores(
        truth_story, found
    )
    sizes = Counter(truth_story.values())
    report.stories, report.syndicated_stories = len(sizes), sum(n > 1 for n in sizes.values())
    story_sites: dict[str, set[str]] = defaultdict(set)
    for t in truth_of.values():
        story_sites[t["story"]].add(t["site"])
    report.cross_site_stories = sum(len(sites) > 1 for sites in story_sites.values())
    _check_canonicals(report, rows, truth_of)
    report.seconds = time.perf_counter() - started
    return report


def _check_canonicals(
    report: ClusterReport, rows: list[ArticleRow], truth_of: dict[str, dict[str, Any]]
) -> None:
    by_id = {row.id: row for row in rows}
    canon_by_hash: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row.duplicate_of is None and row.content_hash:
            canon_by_hash[row.content_hash].append(row.id)
    report.extra_canonicals = {h: ids for h, ids in canon_by_hash.items() if len(ids) > 1}
    # an exact variant and its original (same story, same site, original kind None/"near")
    original: dict[tuple[str, str], str] = {}
    for aid, t in truth_of.items():
        if t["duplicate_kind"] != "exact":
            original[(t["story"], t["site"])] = aid
    for aid, t in truth_of.items():
        if t["duplicate_kind"] == "exact":
            orig = original.get((t["story"], t["site"]))
            if orig is None or by_id[aid].cluster != by_id[orig].cluster:
                report.split_exact.append(t["url"])
    members: dict[str, list[ArticleRow]] = defaultdict(list)
    for row in rows:
        members[row.cluster or row.id].append(row)
    for cluster, group in members.items():
        canonicals = [row.id for row in group if row.duplicate_of is None]
        ids = {row.id for row in group}
        if len(canonicals) != 1 or any(
            row.duplicate_of is not None and row.duplicate_of not in ids for row in group
        ):
            report.bad_canonical.append(cluster)


def format_report(report: ClusterReport) -> str:
    lines = [
        f"pages {report.pages}, stored articles {report.stored}, skipped {len(report.skips)}",
        (
            f"stories {report.stories}, with copies {report.syndicated_stories} "
            f"(on several portals {report.cross_site_stories}); "
            f"pairs: true {report.true_pairs}, found {report.found_pairs}"
        ),
        "dedup outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(report.kinds.items())),
        f"cluster pair precision {report.precision:.4f}, recall {report.recall:.4f}",
        "exact duplicates: "
        + (
            "OK (one canonical per content_hash, every variant in its original's cluster)"
            if report.exact_rule_ok
            else f"FAIL extra canonicals {report.extra_canonicals}, split {report.split_exact}, "
            f"bad clusters {report.bad_canonical}"
        ),
        f"canonical RULE: {RULE}",
        f"time {report.seconds:.1f}s",
    ]
    lines += [f"  skipped {line}" for line in report.skips]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-portal", type=int, default=24, help="articles per portal")
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    sim = Simulator(
        base_port=8800,
        seed=args.seed,
        articles_per_portal=args.per_portal,
        print_variants=True,
        mobile_variants=True,
    )
    report = evaluate(sim, args.db)
    print(f"cluster quality on the simulator (seed {args.seed}, {args.per_portal} per portal)")
    print(format_report(report))
    ok = report.exact_rule_ok and min(report.precision, report.recall) >= TARGET
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
