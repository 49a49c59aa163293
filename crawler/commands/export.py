"""``scrapy export -o FILE [--site ID] [--since DATE]``: the article dataset as ``.jsonl``,
``.jsonl.gz`` or ``.parquet`` (format from the extension), in a stable order."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.db.repository import iter_articles
from crawler.db.session import open_database
from crawler.items import EXPORT_FIELDS
from crawler.settings import database_url

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable

FORMATS = (".jsonl", ".jsonl.gz", ".parquet")


def export_format(path: str) -> str:
    for suffix in FORMATS:
        if path.endswith(suffix):
            return suffix
    raise UsageError(f"cannot tell the format of {path!r}: use one of {', '.join(FORMATS)}")


def write_jsonl(records: Iterable[dict[str, Any]], path: Path, compress: bool) -> int:
    count = 0
    opener = gzip.open if compress else open
    with opener(path, "wt", encoding="utf-8") as out:  # type: ignore[operator]
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")
            count += 1
    return count


def write_parquet(records: Iterable[dict[str, Any]], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    warc_type = pa.struct([("file", pa.string()), ("offset", pa.int64()), ("length", pa.int64())])
    schema = pa.schema(
        [(name, warc_type if name == "warc" else pa.string()) for name in EXPORT_FIELDS]
    )
    rows = list(records)
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path)
    return len(rows)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "-o FILE [--site ID] [--since DATE]"

    def short_desc(self) -> str:
        return "Write the article dataset (.jsonl, .jsonl.gz or .parquet)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", required=True, help="output file")
        parser.add_argument("--site", help="only this site id")
        parser.add_argument("--since", help="only articles fetched on or after DATE (ISO 8601)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        fmt = export_format(opts.output)
        factory = open_database(database_url(self.settings))
        path = Path(opts.output)
        path.parent.mkdir(parents=True, exist_ok=True)
        with factory() as session:
            records = (a.export() for a in iter_articles(session, opts.site, opts.since))
            if fmt == ".parquet":
                count = write_parquet(records, path)
            else:
                count = write_jsonl(records, path, compress=fmt == ".jsonl.gz")
        print(f"Exported {count} articles to {path}", file=sys.stderr)
