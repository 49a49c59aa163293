"""URL patterns of a profile that cannot freeze a crawl: a regex whose matching backtracks
catastrophically (``(a+)+$``) is refused at load time, and every match runs with a time bound.

Two checks at load: a nested quantifier with nothing mandatory between the repeats (the shape
of every exponential regex: ``(a+)+``, ``(a*b?)*``, ``(\\w+\\s?)+``), then a probe: the pattern
is run, with a time bound, on URL-length strings made to backtrack. Matching uses the
``regex`` module, whose ``timeout`` interrupts a match (Python's ``re`` cannot be interrupted:
the reactor would freeze and ignore SIGTERM).
"""

from __future__ import annotations

import logging
import re
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import regex

logger = logging.getLogger(__name__)

MATCH_TIMEOUT = 0.25  # seconds one URL match may take before it counts as no match
PROBE_TIMEOUT = 1.0  # seconds a probe may take at load (an exponential regex takes years)
PROBE_LENGTH = 100  # characters: 2**100 splits for an exponential regex, few for the rest

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
_MANDATORY = {sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.IN,
              sre_constants.ANY}  # fmt: skip


def _has_repeat(items: Any) -> bool:
    """Whether ``items`` (a parsed subpattern) holds a quantifier that can repeat."""
    for op, av in items:
        if op in _REPEATS and av[1] > 1:
            return True
        if op in _REPEATS and _has_repeat(av[2]):
            return True
        if op is sre_constants.SUBPATTERN and _has_repeat(av[-1]):
            return True
        if op is sre_constants.BRANCH and any(_has_repeat(b) for b in av[1]):
            return True
    return False


def _has_mandatory(items: Any) -> bool:
    """Whether ``items`` always consumes a character outside any quantifier: a separator that
    keeps the ways of splitting a string between nested repeats to one."""
    for op, av in items:
        if op in _MANDATORY:
            return True
        if op is sre_constants.SUBPATTERN and _has_mandatory(av[-1]):
            return True
    return False


def _children(op: Any, av: Any) -> list[Any]:
    """The subpatterns inside one parsed item."""
    if op in _REPEATS:
        return [av[2]]
    if op is sre_constants.SUBPATTERN:
        return [av[-1]]
    if op is sre_constants.BRANCH:
        return list(av[1])
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return [av[1]]
    return []


def _nested(items: Any) -> bool:
    """Whether a repeat holds another repeat with no mandatory character between them."""
    for op, av in items:
        if op in _REPEATS and av[1] > 1 and _has_repeat(av[2]) and not _has_mandatory(av[2]):
            return True
        if any(_nested(child) for child in _children(op, av)):
            return True
    return False


def _probes(pattern: str) -> list[str]:
    """URL-length strings that make a backtracking regex try every split, then fail."""
    chars = {c for c in pattern if c.isalnum() or c in "/._-"} | set("a0/._-")
    length = PROBE_LENGTH
    return [f"http://probe.test/{c * length}\x00!" for c in sorted(chars)]


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be a profile's URL regex, or None."""
    try:
        re.compile(pattern)
        compiled = regex.compile(pattern)
    except (re.error, regex.error) as exc:
        return f"bad regular expression {pattern!r}: {exc}"
    if _nested(sre_parse.parse(pattern)):
        return (
            f"regular expression {pattern!r} nests quantifiers with nothing between them "
            "(catastrophic backtracking: one URL could freeze the crawl)"
        )
    for probe in _probes(pattern):
        try:
            compiled.search(probe, timeout=PROBE_TIMEOUT)
        except TimeoutError:
            return (
                f"regular expression {pattern!r} took over {PROBE_TIMEOUT} s on a "
                f"{len(probe)}-character URL (catastrophic backtracking)"
            )
    return None


def compile_bounded(pattern: str) -> Any:
    """``pattern`` compiled for :func:`search_bounded`."""
    return regex.compile(pattern)


def search_bounded(compiled: Any, url: str, timeout: float = MATCH_TIMEOUT) -> bool:
    """Whether ``compiled`` matches in ``url``; a match that runs past ``timeout`` is no match
    (logged), so a pathological URL costs a fraction of a second, not the crawl."""
    try:
        # concurrent=False: with a timeout, regex otherwise releases the GIL for every search,
        # and taking it back behind a busy thread (the store writer) cost ~10x the match
        return compiled.search(url, timeout=timeout, concurrent=False) is not None
    except TimeoutError:
        logger.warning(
            "URL pattern %r gave up on %s after %.2f s", compiled.pattern, url[:200], timeout
        )
        return False
