"""A crawl command's process ends without the interpreter's teardown, but as it would have
ended otherwise: every exit handler runs, buffered output is written, the exit status is the
command's."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT, run_python

SCRIPT = """
import atexit, sys
from types import SimpleNamespace
from crawler.runs import exit_without_teardown

atexit.register(lambda: open(sys.argv[1], "w").write("handler ran"))
command = SimpleNamespace(exitcode=0)
exit_without_teardown(command)
sys.stdout.write("summary without a newline")
command.exitcode = int(sys.argv[2])  # set after: read when the process exits
sys.exit(command.exitcode)
"""


def test_the_exit_keeps_handlers_output_and_status(tmp_path):
    for status in (0, 1, 2):
        marker = tmp_path / f"handler-{status}"
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(marker), str(status)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == status, result.stderr
        assert result.stdout == "summary without a newline"
        assert marker.read_text() == "handler ran"


def test_an_uncaught_exception_still_exits_with_status_1(tmp_path):
    script = SCRIPT.replace("sys.exit(command.exitcode)", "raise ValueError('boom')")
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "m"), "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "ValueError: boom" in result.stderr
    assert (tmp_path / "m").read_text() == "handler ran"


def test_the_http_handler_is_imported_with_its_aliases_named_and_inspect_left_as_it_was():
    # in a fresh process: the handler may already be imported in this one
    probe = (
        "import inspect, sys\n"
        "real = inspect.stack\n"
        "from crawler.runs import HTTP_HANDLER, import_http_handler\n"
        "import_http_handler()\n"
        "assert HTTP_HANDLER in sys.modules\n"
        "assert inspect.stack is real\n"
        "from scrapy.core.downloader import contextfactory, tls\n"
        "print(contextfactory.ScrapyClientContextFactory.__module__,"
        " tls.ScrapyClientTLSOptions.__module__)\n"
    )
    done = run_python(probe)
    assert done.returncode == 0, done.stderr
    # the deprecated aliases are named after the module that defines them, as the real
    # inspect.stack would have them
    assert done.stdout.split() == [
        "scrapy.core.downloader.contextfactory",
        "scrapy.core.downloader.tls",
    ]
