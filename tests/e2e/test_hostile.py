"""A hostile server (``tests/faults/hostile.py``): HTTP 200 anti-bot challenges, 5xx bursts,
429 with a short Retry-After, connection resets, truncated and slow bodies, a gzip bomb, a 50 MB
page, binary served as text/html. Each is counted, none is stored as an article, the crawl
completes the rest (exit status 1: fetches failed). A Retry-After longer than
``RETRY_AFTER_MAX`` pauses the site: the crawl stops, says so, and the same command run later
resumes it with nothing lost."""

from __future__ import annotations

from tests.faults.hostile import GOOD, Hostile, crawl, hostile_case, serve, stat, stored_urls


def test_hostile_server(tmp_path):
    case, state, log = hostile_case(tmp_path)
    assert case.survived, case.line()  # every count, nothing else stored, exit 1
    assert case.lost == 0, case.line()
    assert case.problems == [], case.line()
    # the short Retry-After was honoured (2 s), not the retry delay of a plain 429
    times = [t for p, t in state.seen if p == "/a/3.html"]
    assert len(times) == 2, times
    assert times[1] - times[0] >= 1.9, times
    assert state.tries("/a/8.html") == 3  # two 503s, then the page
    assert state.tries("/a/9.html") == 4  # RETRY_TIMES=3, then given up
    assert state.tries("/a/13.html") == 1  # cancelled at its Content-Length, not retried
    for path in ("/a/10.html", "/a/11.html", "/a/12.html"):  # retried, then given up
        assert state.tries(path) == 4, (path, state.tries(path))
    assert "paused" not in log


def test_a_long_retry_after_pauses_the_site_and_the_same_command_resumes_it(tmp_path):
    state = Hostile(pause="/a/4.html")
    server = serve(state)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    one = ["-s", "CONCURRENT_REQUESTS=1"]
    try:
        first = crawl(tmp_path, base, *one)
        stored = stored_urls(tmp_path)
        second = crawl(tmp_path, base, *one)
    finally:
        server.shutdown()
        server.server_close()
    assert first.returncode == 1, first.stderr[-3000:]
    assert first.orphans == second.orphans == 0
    assert "paused: the server asked to retry after 3600 s" in first.stderr
    assert stat(first.stderr, "retry/after/too_long") == 1
    assert state.tries("/a/4.html") == 2  # once in each run: the pause was not retried
    good = {f"{base}/a/{n}.html" for n in GOOD}
    assert stored < good  # the first run stopped early
    assert stored_urls(tmp_path) == good, second.stderr[-3000:]
    assert "resuming 1 unfinished crawl" in second.stderr
    for url in stored:  # stored before the pause: not fetched again
        assert state.tries(url.removeprefix(base)) == 1
