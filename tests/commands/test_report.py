"""``scrapy report``: per-site figures and an HTML page with plots, opened in headless Chromium."""

from __future__ import annotations

import shutil
import subprocess

from tests.helpers import scrapy, service_missing

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(page, png):
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={png}",
         "--window-size=1000,1400", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    return png.read_bytes()


def test_report_prints_per_site_figures_and_writes_plots(crawled, tmp_path):
    out = tmp_path / "report.html"
    result = scrapy("report", "-o", str(out), env=crawled["env"])
    sites = {t["site"] for t in crawled["truth"]}
    for site in sites:
        assert any(line.startswith(site) for line in result.stdout.splitlines()), result.stdout
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg") == 4
    assert all(site in page for site in sites)


def test_report_renders_in_headless_chromium(crawled, tmp_path):
    if CHROMIUM is None:
        service_missing("Chromium is not installed (apt-get install chromium)")
    out = tmp_path / "report.html"
    scrapy("report", "-o", str(out), env=crawled["env"])
    blank = tmp_path / "blank.html"
    blank.write_text("<!doctype html><html><body></body></html>", encoding="utf-8")
    shot = screenshot(out, tmp_path / "report.png")
    empty = screenshot(blank, tmp_path / "blank.png")
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(shot) > 5 * len(empty), "the report rendered as an empty page"
