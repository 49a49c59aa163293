"""``python -m tests.demo``: a taken simulator port is named, with the option that moves them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from tests.helpers import ROOT, free_base_port


def test_demo_names_a_taken_port_and_the_option_to_move(tmp_path):
    base = free_base_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", base + 3))
        holder.listen()
        result = subprocess.run(
            [sys.executable, "-m", "tests.demo", "--base-port", str(base)],
            cwd=ROOT, env={**os.environ, "DATA_DIR": str(tmp_path)},
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert result.returncode == 2
    assert f"port {base + 3} is taken" in result.stderr
    assert "--base-port" in result.stderr
    assert "Traceback" not in result.stderr
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m tests.demo --base-port" in readme
