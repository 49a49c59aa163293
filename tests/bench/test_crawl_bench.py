"""bench.crawl's measurements: the CPU time of a command counts the processes it leaves behind
(a crawl's fork server and workers outlive the crawl process by a moment)."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT

# The parent exits at once; its child, orphaned, burns ~0.6 s of CPU before it exits.
ORPHAN = """
import os, time
if os.fork() == 0:
    end = time.process_time() + 0.6
    while time.process_time() < end:
        pass
    os._exit(0)
os._exit(0)
"""

MEASURE = """
import sys
from bench.crawl import _become_subreaper, measure
_become_subreaper()
run = measure([sys.executable, "-c", sys.argv[1]], {})
print(run.cpu)
"""


def test_cpu_of_a_measured_command_includes_the_orphans_it_leaves():
    # In a process of its own: becoming a subreaper is for the bench's process, not pytest's.
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, ORPHAN],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert float(out.stdout) >= 0.5, out
