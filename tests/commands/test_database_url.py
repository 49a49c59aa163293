"""A wrong ``DATABASE_URL`` stops every command that uses the database with one line naming the
URL (password hidden) and the cause, exit status 2, before a crawl makes any request."""

from __future__ import annotations

import pytest

from crawler.db.session import driver_url, shown_url
from tests.commands.test_exit_status import dead_port, one_line
from tests.helpers import FAST, free_base_port, scrapy
from tests.simulator import Simulator

SECRET = "sekret-pw"
BAD_PORT = f"postgresql://postgres:{SECRET}@127.0.0.1:{{port}}/test"
NO_HOST = f"postgresql://reader:{SECRET}@nosuchhost.invalid/news"
BARE_WORD = "articles"


def bad_urls() -> dict[str, str]:
    return {"port": BAD_PORT.format(port=dead_port()), "host": NO_HOST, "word": BARE_WORD}


def assert_refused(result, url: str) -> None:
    assert result.returncode == 2, result.stderr[-3000:]
    line = one_line(result.stderr)
    assert SECRET not in result.stderr
    assert shown_url(url) in line
    assert "cannot open the database" in line


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        (["export", "-o", "{tmp}/a.jsonl"], "port"),
        (["export", "-o", "{tmp}/a.jsonl"], "word"),
        (["report", "-o", "{tmp}/r.html"], "host"),
        (["replay", "{tmp}/w.warc.gz"], "port"),
        (["schedule", "--once"], "word"),
        (["refresh"], "host"),
    ],
)
def test_every_command_refuses_a_bad_database_url_in_one_line(tmp_path, command, kind):
    (tmp_path / "w.warc.gz").write_bytes(b"")
    url = bad_urls()[kind]
    args = [part.format(tmp=tmp_path) for part in command]
    result = scrapy(*args, env={"DATABASE_URL": url, "DATA_DIR": str(tmp_path / "d")}, check=False)
    assert_refused(result, url)


def test_crawl_with_a_bad_database_url_makes_no_request(tmp_path):
    with Simulator(base_port=free_base_port()) as sim:
        sites = tmp_path / "sites"
        sim.write_profiles(sites)
        for url in bad_urls().values():
            env = {"DATABASE_URL": url, "SITES_DIR": str(sites), "DATA_DIR": str(tmp_path)}
            result = scrapy("crawl", sim.portals[0].id, *FAST, env=env, check=False)
            assert_refused(result, url)
            # refused before Scrapy started: no banner, no crawl log
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr[-3000:]
        assert sim.requests() == []
    assert not (tmp_path / "warc").exists()


def test_password_hidden_and_postgres_scheme_accepted():
    assert shown_url("postgresql://u:pw@h:5/db") == "postgresql://u:***@h:5/db"
    assert shown_url("postgres//u:pw@h/db") == "postgres//u:***@h/db"  # unparsable, still hidden
    assert driver_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert driver_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert driver_url("sqlite:///x.db") == "sqlite:///x.db"


def test_postgres_scheme_opens_the_database(tmp_path, pg_url):
    out = tmp_path / "a.jsonl"
    env = {"DATABASE_URL": pg_url.replace("postgresql://", "postgres://", 1)}
    result = scrapy("export", "-o", str(out), "--site", "shengzhou", env=env, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert out.exists()
