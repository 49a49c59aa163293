"""``scrapy genprofile``'s refusals: one line on stderr, exit 2, nothing written."""

from __future__ import annotations

import socket

from tests.helpers import scrapy


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_home_page_drafts_nothing_and_exits_2(tmp_path):
    env = {"DATA_DIR": str(tmp_path / "data"), "SITES_DIR": str(tmp_path / "sites")}
    url = f"http://127.0.0.1:{_closed_port()}/"
    run = scrapy(
        "genprofile", url, "--id", "gone", "-s", "RETRY_ENABLED=False", env=env, check=False
    )
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert lines[-1].startswith("scrapy genprofile: cannot read the home page")
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "sites" / "gone.yaml").exists()


def test_bad_usage_and_an_existing_profile_exit_2(tmp_path):
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "taken.yaml").write_text("id: taken\n", encoding="utf-8")
    env = {"DATA_DIR": str(tmp_path / "data"), "SITES_DIR": str(tmp_path / "sites")}
    run = scrapy("genprofile", "http://127.0.0.1:9/", "--id", "taken", env=env, check=False)
    assert run.returncode == 2
    assert "exists (--force overwrites it)" in run.stderr
    assert (tmp_path / "sites" / "taken.yaml").read_text(encoding="utf-8") == "id: taken\n"
    for args in (["not-a-url"], ["http://x.cn/", "--id", "Bad-Id"], []):
        run = scrapy("genprofile", *args, env=env, check=False)
        assert run.returncode == 2, args
        assert "Traceback" not in run.stderr
