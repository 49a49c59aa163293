"""The project's own Scrapy signals (sent with ``crawler.signals.send_catch_log``)."""

from __future__ import annotations

# a distributed worker put a dead worker's leased requests back in the queue
# (``crawler.scheduler.LeasedScheduler``); arguments: ``worker`` (the dead worker's id)
leases_requeued = object()
