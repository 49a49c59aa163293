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
from crawler.settings import database_url
from model.items import EXPORT_FIELDS

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


FIELD_NOTES = {
    "id": "stable id of the article (same across replays of the same WARCs)",
    "url": "the article's final URL (after redirects)",
    "site": "the site profile id",
    "title": "headline, without the site-name suffix",
    "published": "ISO 8601 with +08:00; date only where the page gives no time",
    "author": "names after 作者/记者/通讯员, space-separated",
    "source": "the 来源 value as printed",
    "editor": "the name after 编辑/责任编辑",
    "text": "the body: simplified script, pinyin glosses removed, no chrome",
    "text_original": "the body as served, or null where identical",
    "script": "simplified or traditional, as served",
    "content_hash": "hash of the normalized text (exact duplicates share it)",
    "duplicate_of": "id of the canonical copy for duplicates, else null",
    "cluster": "id shared by all copies of one story",
    "fetched": "ISO 8601 time of the capture",
    "warc": "file, offset and length of the WARC response record",
}


def dataset_card(
    records: list[dict[str, Any]], path: Path, site: str | None, since: str | None
) -> str:
    """README-style markdown describing an export: filters, per-site counts, fields."""
    from collections import defaultdict
    from datetime import UTC, datetime

    per_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        per_site[record["site"]].append(record)
    lines = [
        f"# Dataset card: {path.name}",
        "",
        (
            f"Exported {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `scrapy export`; "
            f"{len(records)} articles from {len(per_site)} sites."
        ),
        f"Filters: site = {site or 'all'}, fetched since = {since or 'the beginning'}.",
        "",
        "| site | articles | canonical | duplicates | traditional | published from | to |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for name, items in sorted(per_site.items()):
        dates = sorted(r["published"][:10] for r in items if r["published"])
        dups = sum(1 for r in items if r["duplicate_of"])
        trad = sum(1 for r in items if r["script"] == "traditional")
        lines.append(
            f"| {name} | {len(items)} | {len(items) - dups} | {dups} | {trad} | "
            f"{dates[0] if dates else ''} | {dates[-1] if dates else ''} |"
        )
    lines += ["", "## Fields", ""]
    lines += [f"- `{name}`: {note}" for name, note in FIELD_NOTES.items()]
    lines += [
        "",
        "## Provenance",
        "",
        (
            "Every article points at the WARC response record it was extracted from (`warc`); "
            "`scrapy replay` re-extracts the dataset from those WARCs. The texts belong to their "
            "publishers: check each portal's terms before redistributing."
        ),
        "",
    ]
    return "\n".join(lines)


def card_path(output: Path) -> Path:
    name = output.name
    for suffix in FORMATS:
        name = name.removesuffix(suffix)
    return output.with_name(f"{name}.card.md")


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
            records = [a.export() for a in iter_articles(session, opts.site, opts.since)]
            if fmt == ".parquet":
                count = write_parquet(records, path)
            else:
                count = write_jsonl(records, path, compress=fmt == ".jsonl.gz")
        card = card_path(path)
        card.write_text(dataset_card(records, path, opts.site, opts.since), encoding="utf-8")
        print(f"Exported {count} articles to {path} (dataset card {card})", file=sys.stderr)
