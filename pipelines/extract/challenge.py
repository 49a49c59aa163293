"""Anti-bot challenge pages (``model.challenge``: the crawl's middleware reads them too, without
loading the extractor)."""

from __future__ import annotations

from model.challenge import MARKERS, MAX_BODY, MAX_VISIBLE, challenge_reason

__all__ = ["MARKERS", "MAX_BODY", "MAX_VISIBLE", "challenge_reason"]
