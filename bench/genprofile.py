"""``scrapy genprofile`` measured on every simulator portal, from the home page alone.

``python -m bench.genprofile [--split tune|score] [--pages N]``

Serves the six demo portals and one fuzzed-template portal per family
(``tests/simulator/templates/families.py``, hold-out families included), drafts a profile for
each with ``scrapy genprofile``, and walks each portal with the draft and with the hand-written
profile (``tests/simulator/walk.py``). Per portal: articles the draft's crawl finds against the
hand-written profile's, list pages taken for articles and articles taken for lists, and requests
under a robots.txt ``Disallow`` (made by the sampling, or asked for by the draft). ``--split
score`` uses templates nobody tunes on. ``tests/e2e/test_genprofile.py`` asserts the acceptance
bars on the same figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from protego import Protego

from model.profiles import load_profile
from tests.helpers import FAST, running_simulator, scrapy
from tests.simulator.server import ROBOTS, list_path
from tests.simulator.templates.families import DEVELOPMENT, HOLDOUT
from tests.simulator.templates.families import ROBOTS as FUZZ_ROBOTS
from tests.simulator.templates.portals import FuzzPortals
from tests.simulator.walk import Walk, walk

FUZZ_PAGES = 36  # three list pages per fuzzed portal, two per column of a columned one
FAMILIES = (*DEVELOPMENT, *HOLDOUT)
DEMO = ("demo_shengzhou", "demo_hongan", "demo_suyu", "demo_zaozhuang", "demo_yancheng", "demo_county")  # fmt: skip


@dataclass
class Figures:
    """One portal's draft and what a crawl with it does, against the hand-written profile."""

    portal: str
    family: str
    run: Any  # the genprofile CompletedProcess
    draft: Path
    lists: set[str]
    articles: set[str]
    sampled: list[str]
    robots: Protego
    hand: Walk
    gen: Walk | None = None
    crawled: set[str] = field(default_factory=set)

    @property
    def found(self) -> float:
        hand = self.hand.articles
        return len(hand & self.gen.articles) / len(hand) if self.gen and hand else 0.0

    @property
    def lists_as_articles(self) -> set[str]:
        if not self.draft.exists() or self.gen is None:
            return set()
        profile = load_profile(self.draft)
        return {u for u in self.lists if profile.is_article(u)} | (
            self.gen.requested["article"] & self.lists
        )

    @property
    def articles_as_lists(self) -> set[str]:
        if not self.draft.exists() or self.gen is None:
            return set()
        profile = load_profile(self.draft)
        return {u for u in self.articles if profile.is_list(u)} | (
            self.gen.requested["list"] & self.articles
        )

    @property
    def robots_violations(self) -> set[str]:
        sampled = {u for u in self.sampled if not self.robots.can_fetch(u, "*")}
        return sampled | (self.gen.disallowed if self.gen else set())


def portal_ids(split: str = "tune") -> list[str]:
    fuzz = FuzzPortals(split, count=len(FAMILIES), families=list(FAMILIES))
    return [*DEMO, *(fuzz.site_id(t) for t in fuzz.templates)]


def measure(
    root: Path, split: str = "tune", pages: int = 40, crawl: tuple[str, ...] = ()
) -> dict[str, Figures]:
    """Draft, walk and compare every portal; ``crawl``: portal ids also crawled for real with
    their draft (``scrapy crawl`` + ``scrapy export``; ``Figures.crawled``)."""
    env = {"DATA_DIR": str(root / "data"), "SITES_DIR": str(root / "drafts")}
    out: dict[str, Figures] = {}
    with (
        running_simulator() as sim,
        FuzzPortals(split, len(FAMILIES), pages=FUZZ_PAGES, families=list(FAMILIES)) as fuzz,
    ):
        sim.write_profiles(root / "hand")
        fuzz.write_profiles(root / "hand")
        truth = sim.truth() + fuzz.truth()
        servers: list[tuple[Any, str, Any]] = [(p, ROBOTS, sim) for p in sim.portals]
        servers += [(p, FUZZ_ROBOTS, fuzz) for p in fuzz.portals]
        for portal, robots, server in servers:
            before = len(server.requests())
            ident = f"gen_{portal.id}"
            run = scrapy(
                "genprofile", portal.base_url + "/", "--id", ident, "--pages", str(pages),
                *FAST[:6], env=env, check=False,
            )  # fmt: skip
            if server is sim:
                n = -(-sum(t["site"] == portal.id for t in truth) // 10)
                lists = {portal.base_url + list_path(portal.id, i) for i in range(n)}
                family = "demo"
            else:
                lists, family = set(fuzz.list_urls(portal)), fuzz.family(portal).name
            draft = root / "drafts" / f"{ident}.yaml"
            figures = Figures(
                portal.id,
                family,
                run,
                draft,
                lists,
                {t["url"] for t in truth if t["site"] == portal.id},
                [u for _m, u, _s in server.requests()[before:]],
                Protego.parse(robots),
                walk(load_profile(root / "hand" / f"{portal.id}.yaml")),
            )
            if draft.exists():
                figures.gen = walk(load_profile(draft))
            out[portal.id] = figures
        for pid in crawl:
            scrapy("crawl", f"gen_{pid}", *FAST, env=env)
        if crawl:
            export = root / "articles.jsonl"
            scrapy("export", "-o", str(export), env=env)
            for line in export.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                pid = str(record["site"]).removeprefix("gen_")
                if pid in out:
                    out[pid].crawled.add(record["url"])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="tune", choices=("tune", "score"))
    parser.add_argument("--pages", type=int, default=40, help="genprofile --pages")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        figures = measure(Path(tmp), args.split, args.pages)
    print(
        f"{'portal':18} {'family':13} {'exit':>4} {'hand':>5} {'draft':>5} {'found':>6} "
        f"{'list->art':>9} {'art->list':>9} {'robots':>6} {'sampled':>7}"
    )
    for f in figures.values():
        gen = len(f.gen.articles) if f.gen else 0
        print(
            f"{f.portal:18} {f.family + ('*' if f.family in HOLDOUT else ''):13} "
            f"{f.run.returncode:>4} {len(f.hand.articles):>5} {gen:>5} {f.found:>6.0%} "
            f"{len(f.lists_as_articles):>9} {len(f.articles_as_lists):>9} "
            f"{len(f.robots_violations):>6} {len(f.sampled):>7}"
        )
    print("* hold-out family (kept out of genprofile's development)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
