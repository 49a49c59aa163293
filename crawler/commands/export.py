"""``scrapy export -o FILE [--site ID] [--since DATE]``: the article dataset as ``.jsonl``,
``.jsonl.gz`` or ``.parquet`` (format from the extension), in a stable order."""

from __future__ import annotations

import gzip
import json
import os
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from crawler.settings import database_url
from crawler.status import CommandError, exit_status
from model.items import EXPORT_FIELDS

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable

FORMATS = (".jsonl", ".jsonl.gz", ".parquet")
LOCAL_TIME = ZoneInfo("Asia/Shanghai")  # the portals' time: a bare date starts at its midnight


def parse_since(value: str) -> datetime:
    """``--since`` as an instant: ``2026-12-02`` (midnight, Asia/Shanghai),
    ``2026-12-02T08:00:00+08:00`` or ``...Z`` (that instant), ``2026-12-02T08:00`` (Asia/Shanghai).
    Raises :class:`CommandError` for anything else."""
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), LOCAL_TIME)
        moment = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise CommandError(
            f"--since {value!r} is not a date (2026-12-02, Asia/Shanghai) or a time with an "
            "offset (2026-12-02T08:00:00+08:00)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TIME)


def since_key(moment: datetime) -> str:
    """The stored ``fetched`` values (WARC dates: UTC, ``Z``, with or without fractions) sort
    as strings; an instant's UTC second is a prefix that compares correctly with all of them."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def export_format(path: str) -> str:
    for suffix in FORMATS:
        if path.endswith(suffix):
            return suffix
    raise UsageError(f"cannot tell the format of {path!r}: use one of {', '.join(FORMATS)}")


def write_jsonl(records: Iterable[dict[str, Any]], path: Path, compress: bool) -> int:
    count = 0
    opener = gzip.open if compress else open
    with opener(path, "wt", encoding="utf-8") as out:
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
    """The dataset card beside an export: ``x.parquet`` -> ``x.parquet.card.md``, so exports
    of one base name in two formats keep a card each."""
    return output.with_name(f"{output.name}.card.md")


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
        parser.add_argument(
            "--since",
            help="only articles fetched at or after DATE: 2026-12-02 (midnight, Asia/Shanghai) "
            "or a time with offset, 2026-12-02T08:00:00+08:00",
        )

    @exit_status
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        fmt = export_format(opts.output)
        since = since_key(parse_since(opts.since)) if opts.since else None
        path = Path(opts.output)
        part = path.with_name(f".{path.name}.part")  # renamed when complete
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            part.touch()
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
        from crawler.db.repository import iter_articles
        from crawler.db.session import open_database

        try:
            factory = open_database(database_url(self.settings))
            with factory() as session:
                if opts.site:
                    self.check_site(session, opts.site)
                records = [a.export() for a in iter_articles(session, opts.site, since)]
            if fmt == ".parquet":
                count = write_parquet(records, part)
            else:
                count = write_jsonl(records, part, compress=fmt == ".jsonl.gz")
            card = card_path(path)
            card.write_text(dataset_card(records, path, opts.site, opts.since), encoding="utf-8")
            os.replace(part, path)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
        finally:
            part.unlink(missing_ok=True)
        print(f"Exported {count} articles to {path} (dataset card {card})", file=sys.stderr)

    def check_site(self, session: Any, site: str) -> None:
        """An unknown ``--site`` (no profile, no stored article) is a mistake, not 0 articles."""
        from sqlalchemy import select

        from crawler.db.models import ArticleRow

        assert self.settings is not None
        profiles = getattr(get_spider_loader(self.settings), "profiles", {})
        stored = session.scalar(select(ArticleRow.id).where(ArticleRow.site == site).limit(1))
        if site not in profiles and stored is None:
            raise CommandError(f"unknown site {site!r}: no profile and no stored article has it")
