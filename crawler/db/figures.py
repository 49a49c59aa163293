"""A run's figures in ``crawl_runs``, with its drift flags against the site's earlier runs.
Scrapy-free: written by the crawl's store process (``pipelines.store_process``) and by replay
(through ``crawler.extensions.figures.record_run``, which also logs the flags)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.extensions.drift import drift_flags

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def store_run(
    session: Session, site: str, kind: str, started: str, figures: dict[str, Any]
) -> list[str]:
    """Store one run of one site with its drift flags against the site's last 10 runs (set in
    ``figures["drift"]``), commit, and return the flags."""
    from sqlalchemy import select

    from crawler.db.models import CrawlRunRow

    earlier = session.scalars(
        select(CrawlRunRow.figures)
        .where(CrawlRunRow.site == site)
        .order_by(CrawlRunRow.pk.desc())
        .limit(10)
    )
    figures["drift"] = drift_flags(figures["quality"], [f.get("quality") for f in earlier])
    session.add(
        CrawlRunRow(site=site, kind=kind, started=started, finished=utc_now(), figures=figures)
    )
    session.commit()
    return figures["drift"]
