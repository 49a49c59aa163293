"""The crawl's worker pool: work runs in other processes, and a worker that dies costs one page,
not the rest of the crawl."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from concurrent.futures.process import BrokenProcessPool

import pytest

from crawler.extensions.workers import WorkerPool
from tests.helpers import ROOT, run_python


def test_work_runs_in_another_process_and_survives_a_dead_worker():
    async def scenario():
        pool = WorkerPool(workers=1)
        try:
            assert await pool.run(os.getpid) != os.getpid()
            with pytest.raises(BrokenProcessPool):
                await pool.run(os._exit, 1)  # the worker process dies mid-task
            assert await pool.run(abs, -3) == 3  # a fresh pool took over
        finally:
            pool.close()

    asyncio.run(scenario())


def test_tasks_queued_together_come_back_each_with_its_own_outcome():
    """Tasks written to the workers' pipes by the event loop: many at once, each answered with
    its own result or exception, in any order of completion."""

    async def scenario():
        pool = WorkerPool(workers=2)
        try:
            tasks = [pool.run(abs, -n) for n in range(40)] + [pool.run(int, "not a number")]
            results = await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            pool.close()
        return results

    results = asyncio.run(scenario())
    assert results[:40] == list(range(40))
    assert isinstance(results[40], ValueError)


def test_inline_mode_runs_in_this_process():
    async def scenario():
        return await WorkerPool(workers=-1).run(os.getpid)

    assert asyncio.run(scenario()) == os.getpid()


def test_workers_never_import_scrapy():
    # a pool task defined in a module that imports Scrapy makes every worker import Scrapy
    # (0.3-0.7 s of CPU per worker) just to unpickle it: the warm-up task must not be one
    from crawler.extensions.workers import make_pool, warm_up

    pool = make_pool(1)
    try:
        warm_up(pool, 1)
        probe = "[m for m in ('scrapy', 'twisted') if m in __import__('sys').modules]"
        loaded = pool.submit(eval, probe).result()
    finally:
        pool.shutdown()
    assert loaded == []


def test_workers_never_run_the_main_script_again(tmp_path):
    # a console script (``scrapy``, ``pytest``) is a __main__ without a module spec, which
    # multiprocessing runs again in every worker; ``scrapy``'s imports Scrapy (0.3 s a worker)
    runs = tmp_path / "runs"
    script = tmp_path / "console_script"
    script.write_text(
        "import os, sys\n"
        f"with open({str(runs)!r}, 'a') as f: f.write(str(os.getpid()) + '\\n')\n"
        "if __name__ == '__main__':\n"
        f"    sys.path.insert(0, {str(ROOT)!r})\n"
        "    from crawler.extensions.workers import make_pool, warm_up\n"
        "    pool = make_pool(2)\n"
        "    warm_up(pool, 2)\n"
        "    print(len(set(pool.submit(os.getpid).result() for _ in range(8))))\n"
        "    pool.shutdown()\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    assert int(done.stdout) >= 1  # the pool ran tasks in workers
    assert len(runs.read_text().split()) == 1  # the script ran in the parent only


def test_warming_up_a_pool_shut_down_meanwhile_is_no_error():
    # replay warms its pool in a thread; a replay with nothing readable shuts the pool down at
    # once, and the warm-up thread printed a traceback ("cannot schedule new futures")
    from crawler.extensions.workers import make_pool, warm_up

    pool = make_pool(1)
    pool.shutdown()
    warm_up(pool, 2)  # returns quietly


def test_workers_run_at_the_niceness_the_crawl_gives_them():
    # HELPER_NICE: the crawl process, its serial part, goes first on busy cores
    from scrapy.utils.test import get_crawler

    base = os.nice(0)

    async def scenario(pool):
        try:
            return await pool.run(os.nice, 0)
        finally:
            pool.close()

    crawler = get_crawler(settings_dict={"HELPER_NICE": 3, "EXTRACT_WORKERS": 1})
    assert asyncio.run(scenario(WorkerPool.from_crawler(crawler))) == min(base + 3, 19)
    assert asyncio.run(scenario(WorkerPool(workers=1))) == base  # 0: the crawl's own


def test_the_fork_server_started_early_is_the_one_the_pool_forks_from():
    # check_run starts it before the profile and database checks, so its imports overlap them
    probe = (
        "import os, pathlib\n"
        "from crawler.processes import start_forkserver\n"
        "start_forkserver()\n"
        "def read(path):\n"
        "    try:\n"
        "        return pathlib.Path(path).read_bytes()\n"
        "    except OSError:  # a process of someone else's ended meanwhile\n"
        "        return b') x 0'\n"
        "kids = [p for p in os.listdir('/proc') if p.isdigit() and\n"
        "        read(f'/proc/{p}/stat').rsplit(b')', 1)[1].split()[1] == b'%d' % os.getpid()]\n"
        "servers = [int(p) for p in kids if b'forkserver' in read(f'/proc/{p}/cmdline')]\n"
        "from crawler.extensions.workers import make_pool\n"
        "pool = make_pool(1)\n"
        "print(servers, pool.submit(os.getppid).result())\n"
        "pool.shutdown()\n"
    )
    done = run_python(probe)
    assert done.returncode == 0, done.stderr
    servers, worker_parent = done.stdout.rsplit(" ", 1)
    assert servers == f"[{worker_parent.strip()}]"


def test_a_crawls_workers_start_with_the_warc_writer_loaded_and_a_replays_without():
    # a crawl's workers build every page's WARC records (surt for their CDXJ keys, ~0.2 s of
    # CPU) from their first page: loaded once in the fork server; a replay's never build one
    probe = "sorted(m for m in ('surt', 'archive.writer') if m in __import__('sys').modules)"
    crawl = (
        "import asyncio\n"
        "from crawler.extensions.workers import WorkerPool\n"
        "async def main():\n"
        "    pool = WorkerPool(workers=1)\n"
        "    try:\n"
        f"        print(await pool.run(eval, {probe!r}))\n"
        "    finally:\n"
        "        pool.close()\n"
        "asyncio.run(main())\n"
    )
    replay = (
        "from crawler.extensions.workers import make_pool, warm_up\n"
        "pool = make_pool(1)\n"
        "warm_up(pool, 1)\n"
        f"print(pool.submit(eval, {probe!r}).result())\n"
        "pool.shutdown()\n"
    )
    crawled, replayed = run_python(crawl), run_python(replay)
    assert crawled.returncode == 0, crawled.stderr
    assert replayed.returncode == 0, replayed.stderr
    assert crawled.stdout.split("\n")[-2] == "['archive.writer', 'surt']"
    assert replayed.stdout.split("\n")[-2] == "[]"
