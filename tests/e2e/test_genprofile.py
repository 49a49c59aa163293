"""``scrapy genprofile`` on every simulator portal, from its home page alone: the six demo
portals and fuzzed-template portals of every family (tests/simulator/templates/families.py),
the hold-out families included (nothing in genprofile was tuned on them).

Acceptance (issue 15), per portal: the draft validates; a crawl with it finds >= 95% of the
articles the hand-written profile finds; it takes no list page for an article and no article
for a list page; it asks for nothing under a robots.txt ``Disallow``, and neither does the
sampling. Crawls are walked in process with the profile's own spider callbacks
(``tests/simulator/walk.py``); one real ``scrapy crawl`` with a draft checks the walk's figure.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from protego import Protego

from model.profiles import load_profile
from tests.helpers import FAST, running_simulator, scrapy
from tests.simulator.server import ROBOTS, list_path
from tests.simulator.templates.families import DEVELOPMENT, HOLDOUT
from tests.simulator.templates.families import ROBOTS as FUZZ_ROBOTS
from tests.simulator.templates.portals import FuzzPortals
from tests.simulator.walk import walk

FUZZ_PAGES = 25  # three list pages per portal


def _genprofile(base_url: str, ident: str, env: dict[str, str]) -> Any:
    return scrapy("genprofile", base_url + "/", "--id", ident, *FAST[:6], env=env, check=False)


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Per portal: the genprofile run, the drafted and hand-written profiles' walks, the
    portal's list and article URLs, and the requests the sampling made."""
    root = tmp_path_factory.mktemp("genprofile")
    env = {"DATA_DIR": str(root / "data"), "SITES_DIR": str(root / "drafts")}
    out: dict[str, dict[str, Any]] = {}
    families = list(DEVELOPMENT) + list(HOLDOUT)
    with (
        running_simulator() as sim,
        FuzzPortals("tune", count=len(families), pages=FUZZ_PAGES, families=families) as fuzz,
    ):
        sim.write_profiles(root / "hand")
        fuzz.write_profiles(root / "hand")
        truth = sim.truth() + fuzz.truth()
        portals = [(p, ROBOTS, sim) for p in sim.portals] + [
            (p, FUZZ_ROBOTS, fuzz) for p in fuzz.portals
        ]
        for portal, robots, server in portals:
            before = len(server.requests())
            run = _genprofile(portal.base_url, f"gen_{portal.id}", env)
            sampled = [u for _m, u, _s in server.requests()[before:]]
            if server is sim:
                n = -(-sum(t["site"] == portal.id for t in truth) // 10)
                lists = {portal.base_url + list_path(portal.id, i) for i in range(n)}
            else:
                lists = set(fuzz.list_urls(portal))
            draft = root / "drafts" / f"gen_{portal.id}.yaml"
            hand = load_profile(root / "hand" / f"{portal.id}.yaml")
            out[portal.id] = {
                "run": run,
                "draft": draft,
                "robots": Protego.parse(robots),
                "sampled": sampled,
                "lists": lists,
                "articles": {t["url"] for t in truth if t["site"] == portal.id},
                "hand": walk(hand),
                "gen": walk(load_profile(draft)) if draft.exists() else None,
                "family": fuzz.family(portal).name if server is fuzz else "demo",
            }
        ids = [p.id for p in sim.portals[:1]] + [p.id for p in fuzz.portals[-1:]]
        for pid in ids:  # a real crawl with two drafts
            scrapy("crawl", f"gen_{pid}", *FAST, env=env)
        export = root / "articles.jsonl"
        scrapy("export", "-o", str(export), env=env)
        exported = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
        for pid in ids:
            out[pid]["crawled"] = {a["url"] for a in exported if a["site"] == f"gen_{pid}"}
    return out


def _portals() -> list[str]:
    demo = [
        "demo_shengzhou",
        "demo_hongan",
        "demo_suyu",
        "demo_zaozhuang",
        "demo_yancheng",
        "demo_county",
    ]
    families = list(DEVELOPMENT) + list(HOLDOUT)
    fuzz = FuzzPortals("tune", count=len(families), families=families)
    return demo + [fuzz.site_id(t) for t in fuzz.templates]


PORTALS = _portals()


@pytest.mark.parametrize("portal", PORTALS)
def test_draft_validates_and_exits_0(drafted, portal):
    run = drafted[portal]["run"]
    assert run.returncode == 0, run.stderr[-2000:]
    assert drafted[portal]["draft"].exists()
    load_profile(drafted[portal]["draft"])
    assert "List pages that paginate" in run.stdout


@pytest.mark.parametrize("portal", PORTALS)
def test_draft_crawls_95_percent_of_the_hand_written_profiles_articles(drafted, portal):
    d = drafted[portal]
    hand, gen = d["hand"].articles, d["gen"].articles
    assert hand, f"the hand-written profile of {portal} finds nothing"
    found = len(hand & gen) / len(hand)
    assert found >= 0.95, f"{portal} ({d['family']}): {found:.0%}; missed {sorted(hand - gen)[:5]}"


@pytest.mark.parametrize("portal", PORTALS)
def test_draft_takes_no_list_page_for_an_article_nor_an_article_for_a_list(drafted, portal):
    d = drafted[portal]
    profile = load_profile(d["draft"])
    assert not [u for u in d["lists"] if profile.is_article(u)]
    assert not [u for u in d["articles"] if profile.is_list(u)]
    assert not d["gen"].requested["article"] & d["lists"]
    assert not d["gen"].requested["list"] & d["articles"]


@pytest.mark.parametrize("portal", PORTALS)
def test_nothing_under_a_robots_disallow_is_sampled_or_asked_for(drafted, portal):
    d = drafted[portal]
    assert not [u for u in d["sampled"] if not d["robots"].can_fetch(u, "*")]
    assert not d["gen"].disallowed


def test_a_real_crawl_with_a_draft_stores_what_the_walk_found(drafted):
    for portal, d in drafted.items():
        if "crawled" in d:
            assert len(d["crawled"]) >= 0.9 * len(d["gen"].articles), portal


def test_every_family_is_tested_and_some_are_held_out():
    assert len(HOLDOUT) >= 2
    assert set(DEVELOPMENT).isdisjoint(HOLDOUT)


def test_the_drafts_of_cms_portals_name_their_family(drafted):
    assert "Hanweb JCMS" in drafted["demo_hongan"]["run"].stdout
    assert "TRS WCM" in drafted["demo_suyu"]["run"].stdout


def test_print_variants_are_denied(drafted):
    text = Path(drafted["demo_shengzhou"]["draft"]).read_text(encoding="utf-8")
    assert "_print" in text.split("deny:")[1].split("sitemaps:")[0]
