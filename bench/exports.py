"""Two exports of the same pages compared id for id: the check behind "behaviour unchanged".

    python -m bench.exports BEFORE.jsonl AFTER.jsonl [--ignore fetched,warc]

Prints whether both hold the same article ids, how many articles differ in each field, and
whether the near-duplicate clusters are the same partition of the articles (cluster ids may be
named differently). Exit status 0 when nothing differs, 1 otherwise. Make the two exports with
``python -m tests.demo --base-port N`` (the same N: ids derive from URLs) in two checkouts.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def read_export(path: Path) -> dict[str, dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        return {record["id"]: record for record in map(json.loads, lines)}


def partition(records: dict[str, dict[str, Any]], key: str) -> set[frozenset[str]]:
    groups: dict[Any, set[str]] = {}
    for aid, record in records.items():
        groups.setdefault(record.get(key), set()).add(aid)
    return {frozenset(ids) for ids in groups.values()}


def compare(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], ignore: set[str]
) -> tuple[list[str], bool]:
    """Report lines and whether the exports are the same."""
    common = before.keys() & after.keys()
    fields: Counter[str] = Counter()
    for aid in common:
        for name in before[aid].keys() | after[aid].keys():
            if name not in ignore | {"cluster"} and before[aid].get(name) != after[aid].get(name):
                fields[name] += 1
    same_clusters = partition({a: before[a] for a in common}, "cluster") == partition(
        {a: after[a] for a in common}, "cluster"
    )
    only_before, only_after = len(before.keys() - common), len(after.keys() - common)
    lines = [
        (
            f"articles: {len(before)} before, {len(after)} after, {len(common)} in both "
            f"({only_before} only before, {only_after} only after)"
        ),
        "fields that differ: "
        + (", ".join(f"{name} {n}" for name, n in sorted(fields.items())) or "none"),
        f"clusters: {'the same partition' if same_clusters else 'DIFFERENT'}",
    ]
    same = not (only_before or only_after or fields) and same_clusters
    return lines, same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--ignore", default="fetched,warc", help="fields not compared")
    args = parser.parse_args(argv)
    lines, same = compare(
        read_export(args.before), read_export(args.after), set(args.ignore.split(","))
    )
    print("\n".join(lines))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
