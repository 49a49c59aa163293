"""The Scrapy commands as a user runs them: list, crawl refusal, settings from env and -s."""

from __future__ import annotations

import json

from tests.helpers import FAST, running_simulator, scrapy

BAD = """\
id: broken
name: 坏的
start_urls: ["http://127.0.0.1:9/"]
articles: ['/art/(\\d+.html']
"""


def test_list_shows_demo_and_seed_portals():
    names = scrapy("list").stdout.split()
    assert {"shengzhou", "hongan", "suyu", "zaozhuang", "yancheng"} <= set(names)
    assert len([n for n in names if n.startswith("demo_")]) >= 3


def test_bad_profile_is_refused_and_nothing_is_crawled(tmp_path):
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "broken.yaml").write_text(BAD, encoding="utf-8")
    env = {"SITES_DIR": str(sites), "DATA_DIR": str(tmp_path / "data")}
    listed = scrapy("list", env=env, check=False)
    assert "broken.yaml" in listed.stderr
    assert "articles" in listed.stderr
    result = scrapy("crawl", "broken", env=env, check=False)
    assert result.returncode == 2
    assert "broken.yaml" in result.stderr
    assert "'articles'" in result.stderr
    assert "regular expression" in result.stderr
    assert not (tmp_path / "data" / "warc").exists()


def _new_portal_profile(sim, sites):
    """A portal nobody coded for: a profile written here by hand, not a bundled one."""
    portal = sim.portals[3]
    sim.write_profiles(sites)
    text = (sites / f"{portal.id}.yaml").read_text(encoding="utf-8")
    for path in sites.glob("*.yaml"):
        path.unlink()
    (sites / "xinxian.yaml").write_text(
        text.replace(f"id: {portal.id}", "id: xinxian"), encoding="utf-8"
    )
    return portal


def test_new_profile_in_sites_dir_crawls_with_settings_from_env_and_s(tmp_path):
    with running_simulator() as sim:
        sites = tmp_path / "sites"
        sites.mkdir()
        portal = _new_portal_profile(sim, sites)
        env = {"SITES_DIR": str(sites), "DATA_DIR": str(tmp_path / "envdata")}
        assert scrapy("list", env=env).stdout.split() == ["xinxian"]
        scrapy("crawl", "xinxian", *FAST, env=env)
        assert list((tmp_path / "envdata" / "warc").glob("*.warc.gz"))
        assert (tmp_path / "envdata" / "articles.db").exists()
        # the same with -s settings, WARC_DIR and DATABASE_URL given separately
        warcs, db = tmp_path / "w", tmp_path / "db" / "x.db"
        opts = ["-s", f"SITES_DIR={sites}", "-s", f"WARC_DIR={warcs}",
                "-s", f"DATABASE_URL=sqlite:///{db}"]  # fmt: skip
        scrapy("crawl", "xinxian", *FAST, *opts)
        assert list(warcs.glob("*.warc.gz"))
        out = tmp_path / "x.jsonl"
        scrapy("export", "-o", str(out), *opts)
        exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        truth = [t for t in sim.truth() if t["site"] == portal.id]
    assert {a["site"] for a in exported} == {"xinxian"}
    assert len(exported) >= 0.95 * len(truth)
