"""WACZ 1.1.1 packaging of WARC files through py-wacz (``wacz create``)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from archive.reader import iter_captures, iter_files
from archive.records import ascii_url

_HTML = ("text/html", "application/xhtml+xml")


class WaczError(RuntimeError):
    """``wacz create`` failed; the message holds its output."""


def html_pages(warc_paths: Iterable[str | os.PathLike[str]]) -> list[dict[str, str]]:
    """One page per HTML 200 response in the WARCs: ``{"url", "ts"}``."""
    pages = []
    for capture in iter_captures(warc_paths, types=("response",)):
        mime = (capture.header("Content-Type") or "").split(";")[0].strip().lower()
        if capture.status == 200 and mime in _HTML:
            pages.append({"url": capture.url, "ts": capture.date})
    return pages


def _pages_file(pages: list[dict[str, str]], path: Path) -> None:
    lines: list[dict[str, str]] = [
        {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    ]
    for page in pages:
        line = {k: v for k, v in page.items() if v is not None}
        line["url"] = ascii_url(line["url"])  # must match WARC-Target-URI
        line.setdefault("title", line["url"])
        digest = hashlib.sha1(f"{line['ts']} {line['url']}".encode()).hexdigest()
        line.setdefault("id", digest[:22])
        lines.append(line)
    path.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )


def package_wacz(
    warc_paths: Iterable[str | os.PathLike[str]],
    out_path: str | os.PathLike[str],
    pages: list[dict[str, str]] | None = None,
) -> Path:
    """Package ``warc_paths`` (files or directories) as a WACZ 1.1.1 at ``out_path``.

    ``pages`` are ``{"url", "ts"[, "title"]}`` entries for ``pages/pages.jsonl`` (``ts`` RFC
    3339); by default every HTML 200 response is a page. They are written to
    ``pages/pages.jsonl`` as given (py-wacz's copy mode: its page matching silently drops
    pages, and writes no pages.jsonl then). Raises ``WaczError`` on failure.
    """
    files = [str(p) for p in iter_files(warc_paths)]
    missing = [f for f in files if not Path(f).is_file()]
    if missing:
        raise WaczError(f"{missing[0]}: no such file or folder")
    if not files:
        raise WaczError("no WARC files to package")
    if pages is None:
        pages = html_pages(files)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "wacz", "create", "-o", str(out)]
    with tempfile.TemporaryDirectory() as tmp:
        pages_file = Path(tmp) / "pages.jsonl"
        _pages_file(pages, pages_file)
        cmd += ["-p", str(pages_file), "-c"]
        result = subprocess.run(
            [*cmd, *files], capture_output=True, text=True, check=False, timeout=600
        )
    if result.returncode != 0 or not out.exists():
        raise WaczError(f"wacz create failed ({result.returncode}): {result.stdout}{result.stderr}")
    return out


def validate_wacz(path: str | os.PathLike[str]) -> tuple[bool, str]:
    """Run ``wacz validate -f``; return (passed, output)."""
    result = subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    return result.returncode == 0, result.stdout + result.stderr
