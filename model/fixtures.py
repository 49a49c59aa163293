"""Per-site golden fixtures, the web-poet/fundus way: ``tests/sites/<id>/<case>/`` holds

- ``response.json``: ``{"url", "status", "headers": [[name, value], ...], "fetched"}``;
- ``body.html``: the body bytes as served (GBK stays GBK; ``.gitattributes`` keeps them binary);
- ``expected.json``: the exported fields the extractor must produce (keys sorted, UTF-8).

``scrapy savefixture`` writes a case; ``tests/test_sites.py`` turns every (site, case, field)
into one test.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.items import Article, Page

# the fields a fixture pins: what extraction and normalization decide
EXPECTED_FIELDS = ("author", "editor", "published", "script", "source", "text", "title")


@dataclass
class FixtureCase:
    """One recorded page of one site and what must come out of it."""

    site: str
    name: str
    page: Page
    expected: dict[str, Any]
    folder: Path


def expected_of(article: Article) -> dict[str, Any]:
    """The ``expected.json`` values of an extracted article (keys sorted)."""
    data = article.export()
    return {name: data[name] for name in sorted(EXPECTED_FIELDS)}


def save_case(
    folder: Path,
    url: str,
    body: bytes,
    headers: list[tuple[str, str]],
    expected: dict[str, Any],
    status: int = 200,
    fetched: str | None = None,
) -> Path:
    """Write one case folder (created if needed) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    response = {
        "url": url,
        "status": status,
        "headers": [[k, v] for k, v in headers],
        "fetched": fetched,
    }
    (folder / "response.json").write_text(
        json.dumps(response, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (folder / "body.html").write_bytes(body)
    write_expected(folder, expected)
    return folder


def write_expected(folder: Path, expected: dict[str, Any]) -> None:
    """``expected.json`` with sorted keys, UTF-8, one key per line."""
    (folder / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )


def load_case(folder: Path) -> FixtureCase:
    """Read one case folder (``<sites>/<site>/<case>/``)."""
    response = json.loads((folder / "response.json").read_text(encoding="utf-8"))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    site = folder.parent.name
    page = Page(
        url=response["url"],
        body=(folder / "body.html").read_bytes(),
        headers=[(k, v) for k, v in response.get("headers", [])],
        status=int(response.get("status", 200)),
        site=site,
        fetched=response.get("fetched"),
    )
    return FixtureCase(site, folder.name, page, expected, folder)


def iter_cases(sites_dir: Path) -> list[FixtureCase]:
    """Every case under ``sites_dir``, sorted by site and case name."""
    return [
        load_case(case)
        for site in sorted(p for p in sites_dir.iterdir() if p.is_dir())
        for case in sorted(p for p in site.iterdir() if (p / "response.json").is_file())
    ]
