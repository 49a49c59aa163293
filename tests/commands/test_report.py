"""``scrapy report``: per-site figures and an HTML page with plots, opened in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from itertools import pairwise

import pytest

from crawler.commands.report import series_styles, svg_lines
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
    listed = [line.split()[0] for line in result.stdout.splitlines()[1:] if line.split()]
    listed = [name for name in listed if name != "DRIFT"]
    assert listed == sorted(sites)  # sorted as in the HTML table
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


@pytest.mark.parametrize("count", [3, 10, 11, 25, 60])
def test_every_site_gets_its_own_colour_and_neighbours_differ_in_shape(count):
    styles = series_styles(count)
    assert len({color for color, _ in styles}) == count
    assert all(a[1] != b[1] for a, b in pairwise(styles))
    series = {f"site{k:02d}": [float(k), float(k + 1)] for k in range(count)}
    svg = svg_lines("t", series, ["a", "b"])
    strokes = re.findall(r'<polyline fill="none" stroke="([^"]+)"', svg)
    assert len(set(strokes)) == count
