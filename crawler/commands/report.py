"""``scrapy report [-o FILE] [--days N]``: per-site figures of the last crawls on stdout, and a
static HTML page (default ``<DATA_DIR>/report.html``) with plots: articles per day per site,
errors, duplicates and the not-modified share per crawl, and drift alarms."""

from __future__ import annotations

import html
import sys
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.commands import ScrapyCommand

from crawler.commands.refresh import summary_table
from crawler.settings import data_dir, database_url
from crawler.status import CommandError, exit_status

if TYPE_CHECKING:
    import argparse

    from crawler.db.models import CrawlRunRow

# Tableau 10: distinct for up to ten sites; more sites get hues spread around the circle
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip
MARKERS = ("circle", "square", "triangle", "diamond")


def series_styles(count: int) -> list[tuple[str, str]]:
    """A (colour, marker) per series, all colours distinct for any count: the palette up to its
    size, else hues spread evenly with alternating lightness; markers cycle so that series of
    neighbouring hues also differ in shape."""
    if count <= len(PALETTE):
        colors = list(PALETTE[:count])
    else:
        colors = [f"hsl({k * 360 / count:.1f},70%,{38 if k % 2 else 52}%)" for k in range(count)]
    return [(color, MARKERS[k % len(MARKERS)]) for k, color in enumerate(colors)]


def marker(shape: str, x: float, y: float, color: str, size: float = 3.0) -> str:
    """An SVG marker of ``shape`` centred on (x, y)."""
    if shape == "square":
        return (
            f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size:.1f}" '
            f'height="{2 * size:.1f}" fill="{color}"/>'
        )
    if shape in ("triangle", "diamond"):
        if shape == "triangle":
            points = [(x, y - size * 1.2), (x + size * 1.1, y + size), (x - size * 1.1, y + size)]
        else:
            points = [
                (x, y - size * 1.3),
                (x + size * 1.3, y),
                (x, y + size * 1.3),
                (x - size * 1.3, y),
            ]
        pts = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        return f'<polygon points="{pts}" fill="{color}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{color}"/>'


def svg_lines(
    title: str, series: dict[str, list[float]], labels: list[str], percent: bool = False
) -> str:
    """A small line chart as inline SVG: one line per series over ``labels``."""
    width, height, pad = 640, 220, 36
    peak = max([max(v) for v in series.values() if v] + [1.0])
    if percent:
        peak = 1.0
    n = max(len(labels), 2)

    def xy(i: int, value: float) -> tuple[float, float]:
        x = pad + i * (width - 2 * pad) / (n - 1)
        return x, height - pad - value / peak * (height - 2 * pad)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 20 * len(series)}" role="img">',
        f'<text x="{pad}" y="16" font-size="14" font-weight="bold">{html.escape(title)}</text>',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#999"/>',
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#999"/>',
        f'<text x="4" y="{pad + 4}" font-size="10">{"100%" if percent else f"{peak:.0f}"}</text>',
    ]
    if labels:
        parts.append(
            f'<text x="{pad}" y="{height - pad + 14}" font-size="10">{html.escape(labels[0])}</text>'
        )
        parts.append(
            f'<text x="{width - pad}" y="{height - pad + 14}" font-size="10" text-anchor="end">'
            f"{html.escape(labels[-1])}</text>"
        )
    styles = series_styles(len(series))
    for k, (name, values) in enumerate(sorted(series.items())):
        color, shape = styles[k]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(values)))
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/>')
        for i, v in enumerate(values):
            x, y = xy(i, v)
            parts.append(marker(shape, x, y, color))
        ly = height + 14 + 20 * k
        parts.append(marker(shape, pad + 5, ly - 4, color, size=5))
        parts.append(f'<text x="{pad + 16}" y="{ly}" font-size="12">{html.escape(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def articles_per_day(
    rows: list[tuple[str, str | None]], days: int
) -> tuple[list[str], dict[str, list[float]]]:
    """Counts of articles per published day per site over the last ``days`` days present."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for site, published in rows:
        if published:
            counts[site][published[:10]] += 1
    all_days = sorted({d for c in counts.values() for d in c})
    if not all_days:
        return [], {}
    end = date.fromisoformat(all_days[-1])
    start = max(date.fromisoformat(all_days[0]), end - timedelta(days=days - 1))
    labels = [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
    return labels, {site: [float(c[d]) for d in labels] for site, c in counts.items()}


def build_report(runs: list[CrawlRunRow], articles: list[tuple[str, str | None]], days: int) -> str:
    by_site: dict[str, list[CrawlRunRow]] = defaultdict(list)
    for run in runs:
        by_site[run.site].append(run)
    run_labels = [str(i + 1) for i in range(max((len(v) for v in by_site.values()), default=0))]

    def series(key: Any) -> dict[str, list[float]]:
        return {
            site: [float(key(r.figures)) for r in site_runs] for site, site_runs in by_site.items()
        }

    def not_modified_share(f: dict[str, Any]) -> float:
        return f.get("not_modified", 0) / f["fetched"] if f.get("fetched") else 0.0

    day_labels, per_day = articles_per_day(articles, days)
    latest = [site_runs[-1] for site_runs in by_site.values()]
    drift = [(r.site, flag) for r in latest for flag in r.figures.get("drift", [])]
    rows = "".join(
        "<tr>"
        + f"<td>{html.escape(r.site)}</td><td>{html.escape(r.kind)}</td><td>{html.escape(r.finished or '')}</td>"
        + "".join(
            f"<td>{r.figures.get(c, 0)}</td>"
            for c in ("fetched", "not_modified", "new", "changed", "duplicates", "errors")
        )
        + "</tr>"
        for r in sorted(latest, key=lambda r: r.site)
    )
    alarms = (
        "".join(f"<li><b>{html.escape(s)}</b>: {html.escape(f)}</li>" for s, f in drift)
        or "<li>none</li>"
    )
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>Crawl report</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:right}} td:first-child{{text-align:left}}
.drift{{color:#b00}}</style></head><body>
<h1>Crawl report</h1><p>Generated {generated}; {len(runs)} crawls of {len(by_site)} sites, {len(articles)} articles.</p>
<h2>Last crawl per site</h2>
<table><tr><th>site</th><th>kind</th><th>finished</th><th>fetched</th><th>not modified</th><th>new</th><th>changed</th><th>duplicates</th><th>errors</th></tr>{rows}</table>
<h2 class="drift">Drift alarms</h2><ul class="drift">{alarms}</ul>
<h2>Plots</h2>
{svg_lines(f"Articles per day (published; at most the last {days} days)", per_day, day_labels)}
{svg_lines("Errors per crawl", series(lambda f: f.get("errors", 0)), run_labels)}
{svg_lines("Duplicates per crawl", series(lambda f: f.get("duplicates", 0)), run_labels)}
{svg_lines("Not-modified share per crawl", series(not_modified_share), run_labels, percent=True)}
</body></html>
"""


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[-o FILE] [--days N]"

    def short_desc(self) -> str:
        return "Per-site figures of the last crawls and an HTML page with plots"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", help="HTML file (default <DATA_DIR>/report.html)")
        parser.add_argument(
            "--days", type=int, default=365, help="at most this many days in the articles plot"
        )

    @exit_status
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from sqlalchemy import func, select

        from crawler.db.models import ArticleRow, CrawlRunRow
        from crawler.db.session import open_database

        assert self.settings is not None
        factory = open_database(database_url(self.settings))
        with factory() as session:
            runs = list(session.scalars(select(CrawlRunRow).order_by(CrawlRunRow.pk)))
            articles = list(session.execute(select(ArticleRow.site, ArticleRow.published)))
            latest_pks = set(
                session.scalars(select(func.max(CrawlRunRow.pk)).group_by(CrawlRunRow.site))
            )
        # the same order as the HTML table: by site
        print(summary_table(sorted((r for r in runs if r.pk in latest_pks), key=lambda r: r.site)))
        out = Path(opts.output) if opts.output else data_dir(self.settings) / "report.html"
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(
                build_report(runs, [(site, published) for site, published in articles], opts.days),
                encoding="utf-8",
            )
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
        print(f"Report written to {out}", file=sys.stderr)
