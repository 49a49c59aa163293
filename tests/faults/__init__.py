"""Fault harness: crawls and replays killed with SIGKILL (or two SIGINTs) at random moments and
run again to their end, concurrent writers on one database; each case counts what was lost,
stored twice, fetched twice, which processes outlived their command, and audits the WARCs and
every stored pointer (``tests.faults.audit``).

Used by ``tests/e2e/test_faults.py``; ``python -m tests.faults --kills 50`` is the longer run
(one line per case and a summary).
"""

from tests.faults.cases import (
    Case,
    concurrent_writers,
    crawled_source,
    kill_and_resume,
    kill_replay,
    power_cut,
)
from tests.faults.procs import kill_session, session_pids

__all__ = [
    "Case",
    "concurrent_writers",
    "crawled_source",
    "kill_and_resume",
    "kill_replay",
    "kill_session",
    "power_cut",
    "session_pids",
]
