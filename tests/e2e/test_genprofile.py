"""``scrapy genprofile`` on every simulator portal, from its home page alone: the six demo
portals and fuzzed-template portals of every family (tests/simulator/templates/families.py),
the hold-out families included (nothing in genprofile was tuned on them).

Acceptance (issue 15), per portal: the draft validates; a crawl with it finds >= 95% of the
articles the hand-written profile finds; it takes no list page for an article and no article
for a list page; it asks for nothing under a robots.txt ``Disallow``, and neither does the
sampling. The figures come from ``bench.genprofile.measure`` (crawls walked in process with the
profile's own spider callbacks); one real ``scrapy crawl`` per kind of portal checks the walk.
"""

from __future__ import annotations

import pytest

from bench.genprofile import DEMO, measure, portal_ids
from model.profiles import load_profile
from tests.simulator.templates.families import DEVELOPMENT, HOLDOUT

PORTALS = portal_ids("tune")
CRAWLED = (DEMO[0], PORTALS[-1])


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory):
    return measure(tmp_path_factory.mktemp("genprofile"), "tune", crawl=CRAWLED)


@pytest.mark.parametrize("portal", PORTALS)
def test_draft_validates_and_exits_0(drafted, portal):
    f = drafted[portal]
    assert f.run.returncode == 0, f.run.stderr[-2000:]
    load_profile(f.draft)
    assert "List pages that paginate" in f.run.stdout


@pytest.mark.parametrize("portal", PORTALS)
def test_draft_crawls_95_percent_of_the_hand_written_profiles_articles(drafted, portal):
    f = drafted[portal]
    assert f.hand.articles, f"the hand-written profile of {portal} finds nothing"
    missed = sorted(f.hand.articles - f.gen.articles)[:5]
    assert f.found >= 0.95, f"{portal} ({f.family}): {f.found:.0%}; missed {missed}"


@pytest.mark.parametrize("portal", PORTALS)
def test_draft_takes_no_list_page_for_an_article_nor_an_article_for_a_list(drafted, portal):
    f = drafted[portal]
    assert f.gen is not None
    assert not f.lists_as_articles
    assert not f.articles_as_lists


@pytest.mark.parametrize("portal", PORTALS)
def test_nothing_under_a_robots_disallow_is_sampled_or_asked_for(drafted, portal):
    f = drafted[portal]
    assert f.sampled, "the sampling made no request"
    assert not f.robots_violations


def test_a_real_crawl_with_a_draft_stores_what_the_walk_found(drafted):
    for portal in CRAWLED:
        f = drafted[portal]
        assert f.gen is not None
        assert len(f.crawled) >= 0.9 * len(f.gen.articles), portal
        assert f.crawled <= f.articles


def test_some_families_are_held_out():
    assert len(HOLDOUT) >= 2
    assert set(DEVELOPMENT).isdisjoint(HOLDOUT)


def test_the_drafts_of_cms_portals_name_their_family(drafted):
    assert "Hanweb JCMS" in drafted["demo_hongan"].run.stdout
    assert "TRS WCM" in drafted["demo_suyu"].run.stdout


def test_print_variants_are_denied(drafted):
    text = drafted["demo_shengzhou"].draft.read_text(encoding="utf-8")
    assert "_print" in text.split("deny:")[1].split("sitemaps:")[0]
