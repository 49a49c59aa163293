"""``python -m tests.simulator.templates --split tune --dump DIR [--n N]``: write fuzzed pages.

Each page becomes ``DIR/<template>-<page>.html`` (the bytes as served), ``.json`` (url,
headers and truth) and, for reading, ``.txt`` (the truth body). The score and fresh splits
are refused without ``--i-am-scoring``: extraction work never looks at their pages.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tests.simulator.templates import pages
from tests.simulator.templates.spec import TEMPLATE_COUNT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.simulator.templates", description=__doc__
    )
    parser.add_argument("--split", required=True, choices=sorted(TEMPLATE_COUNT))
    parser.add_argument("--dump", required=True, type=Path, help="folder to write pages into")
    parser.add_argument("--n", type=int, default=None, help="number of pages (default: all)")
    parser.add_argument("--i-am-scoring", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.split != "tune" and not args.i_am_scoring:
        print(
            f"refusing to dump the {args.split} split: tune on --split tune only",
            file=sys.stderr,
        )
        return 2
    args.dump.mkdir(parents=True, exist_ok=True)
    count = 0
    for page in pages(args.split, args.n):
        stem = args.dump / f"{page.truth['template']}-{page.truth['page']:02d}"
        stem.with_suffix(".html").write_bytes(page.body)
        meta = {"url": page.url, "headers": page.headers, "truth": page.truth}
        stem.with_suffix(".json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
        )
        stem.with_suffix(".txt").write_text(page.truth["body"] + "\n", encoding="utf-8")
        count += 1
    print(f"{count} pages of split {args.split} written to {args.dump}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
