"""The processes of a fault case: commands started in a session of their own (so every child
they start can be found, even once reparented to init), killed at a random moment, and the
processes that outlived them counted."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import time
from pathlib import Path

from tests.helpers import ROOT, SCRAPY


def session_pids(sid: int) -> list[int]:
    """Live processes of session ``sid`` (a command started with ``start_new_session``): the
    command and every child it started, even once reparented to init."""
    table = subprocess.run(
        ["ps", "-e", "-o", "pid=,sid=,stat="], capture_output=True, text=True, check=True
    ).stdout
    rows = (line.split() for line in table.splitlines())
    return [int(pid) for pid, s, state in rows if int(s) == sid and not state.startswith("Z")]


def kill_session(sid: int) -> None:
    for pid in session_pids(sid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[str]:
    """``scrapy <args>`` in a session of its own, its stderr appended to ``log``."""
    # the log goes to a file: orphans holding a pipe would keep a reader waiting forever
    with log.open("a") as stderr:
        stderr.write(f"\n=== scrapy {' '.join(args)}\n")
        stderr.flush()
        return subprocess.Popen(
            [*SCRAPY, *args],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            text=True,
            start_new_session=True,
        )


def outlived(proc: subprocess.Popen[str], grace: float = 10) -> int:
    """Processes of ``proc``'s session still alive ``grace`` seconds after it ended (they are
    killed then); the count is what outlived the command."""
    deadline = time.monotonic() + grace
    while session_pids(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = session_pids(proc.pid)
    kill_session(proc.pid)
    return len(left)


def finish(proc: subprocess.Popen[str], timeout: float = 600) -> tuple[int, int]:
    """Wait for ``proc`` to end: its exit status and the processes that outlived it."""
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_session(proc.pid)
        proc.wait()
    return proc.returncode, outlived(proc)


def interrupt(proc: subprocess.Popen[str], how: str, rng: random.Random) -> int:
    """Kill ``proc`` (``sigkill`` or ``double_sigint``); return the orphans it left."""
    if how == "sigkill":
        proc.kill()
    else:
        proc.send_signal(signal.SIGINT)
        time.sleep(rng.uniform(0.05, 0.5))
        proc.send_signal(signal.SIGINT)
    return finish(proc, timeout=60)[1]


def log_tail(log: Path, lines: int = 25) -> str:
    try:
        return "\n".join(log.read_text("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
