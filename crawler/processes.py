"""The crawl's helper processes (the extraction pool's workers, the store process) come from one
fork server: started once per crawl process, with the modules every worker needs imported
before it forks them, so no helper inherits the reactor, the open WARC file or the database
connections. Scrapy-free.
"""

from __future__ import annotations

import multiprocessing
from typing import TYPE_CHECKING

from crawler.lifeline import keep_main_script_out

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
]


def forkserver() -> ForkServerContext:
    """The multiprocessing context every helper process of a crawl starts from. The preload
    list is the fork server's, set before it starts: whichever helper starts first starts it.
    No helper runs the parent's main script again (``crawler.lifeline.keep_main_script_out``)."""
    keep_main_script_out()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context
