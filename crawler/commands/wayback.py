"""``scrapy wayback [-p PORT] [-b HOST] [--collection NAME]``: browse the archive in pywb.

Serves ``WARC_DIR`` through ``<DATA_DIR>/index.cdxj`` (every crawl rebuilds it; WARCs missing
from it are indexed first) as one pywb collection, from ``<DATA_DIR>/pywb``. pywb reads the
index on every lookup, so a crawl or refresh finished while it runs is browsable at once.
The server runs pywb's own ``wayback`` through :mod:`crawler.wayback`, which makes it start in
this environment and replay a refresh's 304 revisits as the capture they refer to.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from scrapy.commands import ScrapyCommand

from crawler.settings import data_dir, warc_dir
from crawler.status import CommandError, exit_status

if TYPE_CHECKING:
    import argparse

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def closed_warcs(folder: Path) -> list[Path]:
    """The closed WARC files of ``folder`` (``.open`` files are still being written)."""
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and p.name.endswith((".warc.gz", ".warc"))
    )


def ensure_index(warcs: list[Path], index: Path) -> None:
    """Index the WARCs that have no part in ``<index folder>/indexes`` yet and merge them in."""
    from archive.cdxj import merge_index

    parts = index.parent / "indexes"
    missing = [w for w in warcs if not (parts / f"{w.name}.cdxj").exists()]
    if missing or not index.exists():
        merge_index(missing, index)


def write_config(root: Path, collection: str, index: Path, archive: Path) -> Path:
    """pywb's ``config.yaml``: one collection over our index and WARC folder, nothing copied."""
    root.mkdir(parents=True, exist_ok=True)
    config = {
        "collections": {
            collection: {
                "index_paths": str(index.resolve()),
                "archive_paths": str(archive.resolve()) + os.sep,
            }
        }
    }
    path = root / "config.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def check_port(host: str, port: int) -> None:
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise CommandError(
                f"cannot serve on {host}:{port} ({exc.strerror}); choose another with -p PORT"
            ) from None


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}  # noqa: RUF012

    def syntax(self) -> str:
        return "[-p PORT] [-b HOST] [--collection NAME]"

    def short_desc(self) -> str:
        return "Browse the archived pages in pywb"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-p", "--port", type=int, default=8080, help="default 8080")
        parser.add_argument("-b", "--bind", default="127.0.0.1", help="default 127.0.0.1")
        parser.add_argument("--collection", default="county", help="default county")

    @exit_status
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            import pywb  # noqa: F401
        except ImportError:
            raise CommandError("pywb is not installed: pip install -e '.[dev]'") from None
        folder = warc_dir(self.settings)
        warcs = closed_warcs(folder) if folder.is_dir() else []
        if not warcs:
            raise CommandError(f"no WARC files in {folder}: crawl a site first")
        index = data_dir(self.settings) / "index.cdxj"
        root = data_dir(self.settings) / "pywb"
        try:
            ensure_index(warcs, index)
            write_config(root, opts.collection, index, folder)
        except OSError as exc:
            raise CommandError(f"cannot prepare {root}: {exc.strerror or exc}") from None
        check_port(opts.bind, opts.port)
        host = "localhost" if opts.bind in ("127.0.0.1", "0.0.0.0") else opts.bind
        print(
            f"pywb: {len(warcs)} WARC files at http://{host}:{opts.port}/{opts.collection}/<url> "
            "(Ctrl-C stops it)",
            file=sys.stderr,
            flush=True,
        )
        # a fresh interpreter: gevent must patch the standard library before anything else runs
        python_path = [str(PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(python_path)}
        os.chdir(root)
        command = [sys.executable, "-m", "crawler.wayback", "-p", str(opts.port), "-b", opts.bind]
        os.execve(sys.executable, command, env)
