"""The extraction workers' side of the crawl's pool (``crawler.extensions.workers.LoopPool``):
a loop that reads pickled tasks from one pipe and writes each outcome to another, in
``multiprocessing.connection`` framing (a 4-byte big-endian length, then the bytes). Scrapy-free:
the fork server imports it before it forks the workers.
"""

from __future__ import annotations

import pickle
import struct
from typing import TYPE_CHECKING, Any

from crawler.lifeline import die_with

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

HEADER = struct.Struct("!i")  # multiprocessing.connection's: the length of what follows


def frame(data: bytes) -> bytes:
    """``data`` as one message of ``Connection.recv_bytes``'s framing (below 2 GiB)."""
    return HEADER.pack(len(data)) + data


def serve_tasks(tasks: Connection, answers: Connection, owner: int, nice: int = 0) -> None:
    """Run ``(seq, func, args)`` tasks until ``tasks`` ends; answer ``(seq, True, result)`` or
    ``(seq, False, exception)`` for each, in order. Exits with the crawl (``die_with``)."""
    die_with(owner, nice)
    while True:
        try:
            seq, func, args = pickle.loads(tasks.recv_bytes())
        except EOFError:  # the crawl closed the pool
            return
        outcome: tuple[int, bool, Any]
        try:
            outcome = (seq, True, func(*args))
        except BaseException as exc:  # the caller's to judge, as a pool's future would
            outcome = (seq, False, exc)
        try:
            data = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an unpicklable result or exception
            data = pickle.dumps((seq, False, RuntimeError(f"unpicklable outcome: {exc!r}")))
        answers.send_bytes(data)
