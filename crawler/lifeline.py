"""Worker processes die with the crawl or replay that started them: a SIGKILL of the parent
must not leave the pool's workers (and, through them, the fork server and the resource
tracker) running. Scrapy-free: imported by every worker at start, so the pool's own tasks
(:func:`warm_task`) live here too: a task defined in a module that imports Scrapy would make
every worker import Scrapy to unpickle it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1  # linux/prctl.h
POLL_SECONDS = 0.5
WARM_SECONDS = 0.05  # each warm-up task holds its worker this long, so the next one spawns another


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, killed but not yet reaped, counts as dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel, which cannot tell zombies apart
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def _watch(owner: int, parent: int) -> None:
    while alive(owner) and os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)  # no cleanup: the owner that would collect results is gone


def die_with(owner: int, nice: int = 0) -> None:
    """Pool initializer: exit when ``owner`` (the crawl process) or this worker's parent (the
    fork server) dies. The kernel signals the parent's death (``PR_SET_PDEATHSIG`` on Linux);
    a daemon thread polls for the owner's, which is not the parent under forkserver.

    ``nice``: added to this process's niceness (``HELPER_NICE``), so that on busy cores the
    owner, the crawl's one serial process, runs first and the helpers take the rest."""
    if nice > 0:
        with contextlib.suppress(OSError):
            os.nice(nice)
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    parent = os.getppid()
    threading.Thread(target=_watch, args=(owner, parent), name="lifeline", daemon=True).start()


def warm_task() -> None:
    """The pool's warm-up task (``crawler.extensions.workers.warm_up``): holds its worker for a
    moment, so that each of the tasks sent at once starts a worker of its own."""
    time.sleep(WARM_SECONDS)
