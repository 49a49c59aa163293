"""The crawl's helper processes (the extraction pool's workers, the store process) come from one
fork server: started once per crawl process, with the modules every worker needs imported
before it forks them, so no helper inherits the reactor, the open WARC file or the database
connections. Scrapy-free.
"""

from __future__ import annotations

import multiprocessing
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.context import ForkServerContext

# imported once in the fork server, so every worker starts with them loaded (model.profiles:
# every task carries its page's profile, whose unpickling would import pydantic)
PRELOAD = [
    "pipelines",
    "pipelines.extract",
    "pipelines.normalize",
    "pipelines.dedup.hashing",
    "model.profiles",
    "crawler.lifeline",
    "crawler.taskpipe",
]
# and for a crawl, whose workers build every page's WARC records with their CDXJ keys (surt
# imports tldextract: ~0.2 s of CPU, paid once in the fork server, not by each worker); a
# replay reads WARCs and does without them
CAPTURE_PRELOAD = ["archive.writer", "archive.cdxj", "surt"]


def keep_main_script_out() -> None:
    """Workers must not run the parent's main script again. multiprocessing re-runs a
    ``__main__`` that has no module spec (a console script such as ``scrapy``, whose module body
    imports ``scrapy.cmdline``) in every worker it starts, about 0.3 s of CPU each per crawl and
    replay; a ``__main__`` named as a module's ``__main__`` is left alone. Our tasks are all
    module-level functions of our packages, so workers never need the main script."""
    main = sys.modules.get("__main__")
    if main is not None and getattr(main, "__spec__", None) is None:
        from importlib.machinery import ModuleSpec

        main.__spec__ = ModuleSpec("__main__", None)


def forkserver(capture: bool = True) -> ForkServerContext:
    """The multiprocessing context every helper process of a crawl starts from. The preload
    list is the fork server's, set before it starts: whichever helper starts first starts it,
    with ``CAPTURE_PRELOAD`` too unless ``capture`` is false (a replay's pool). No helper runs
    the parent's main script again (:func:`keep_main_script_out`)."""
    keep_main_script_out()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD + CAPTURE_PRELOAD if capture else PRELOAD)
    return context


def start_forkserver() -> None:
    """Start a crawl's fork server now, in the background: it imports ``PRELOAD`` and
    ``CAPTURE_PRELOAD`` (lxml, numpy, OpenCC, surt: ~0.5 s of CPU; trafilatura is imported by
    a worker that first needs it) on another core while this process still loads Scrapy,
    checks the profiles and opens the engine, instead of after, when the first pages wait for
    the extraction pool. Returns at once (the server's imports are not waited for)."""
    from multiprocessing import forkserver as server

    forkserver()
    server.ensure_running()
