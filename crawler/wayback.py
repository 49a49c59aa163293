"""pywb's ``wayback`` server, made to start in this project's environment and to replay a
refresh's 304 revisits. ``python -m crawler.wayback [wayback options]`` runs it in the current
folder; ``scrapy wayback`` prepares that folder and runs this.

Three fixes, each applied before pywb is imported and each limited to what breaks:

- pywb pins ``fakeredis<1.0``, whose module imports ``redis.utils.dummy``, a class redis 5
  removed (scrapy-redis needs redis >= 5): the class is put back, as the empty class it was.
- pywb pins gevent 22.10, whose plugin loader resolves entry points through ``pkg_resources``
  requirements; an old ``pkg_resources`` cannot match today's normalized wheel names
  (``zope_interface``) and stops with ``DistributionNotFound: zope.interface``. The loader is
  replaced by one that loads the same entry points without the requirement check.
- A 304 answer to a refresh's conditional GET is archived as a ``server-not-modified`` revisit
  whose HTTP block is the 304's headers. pywb treats every revisit with a 3xx status as a
  redirect and replays it as an empty 304, so the newest capture of an unchanged article shows
  nothing. Such a revisit is resolved here as the WARC 1.1 profile means it: the HTTP headers and
  body of the capture named by ``WARC-Refers-To-Target-URI`` and ``WARC-Refers-To-Date`` (looked
  up in the same collection's index), at the revisit's own date.
"""

from __future__ import annotations

import sys
from typing import Any

NOT_MODIFIED_PROFILE = "/revisit/server-not-modified"


def _restore_redis_dummy() -> None:
    import redis.utils

    if not hasattr(redis.utils, "dummy"):

        class dummy:
            """Stand-in object that fakeredis 0.x sets thread-local attributes on."""

        redis.utils.dummy = dummy  # type: ignore[attr-defined]


def _plain_gevent_plugins() -> None:
    from importlib.metadata import entry_points

    from gevent import events

    def notify_and_call_entry_points(event: Any) -> None:
        events.notify(event)
        for plugin in entry_points(group=event.ENTRY_POINT_NAME):
            plugin.load()(event)

    events.notify_and_call_entry_points = notify_and_call_entry_points


def _iso_to_timestamp(date: str) -> str:
    return "".join(ch for ch in date if ch.isdigit())[:14]


def _resolve_not_modified() -> None:
    from pywb.warcserver.resource.resolvingloader import ResolvingLoader
    from warcio.exceptions import ArchiveLoadFailed

    original = ResolvingLoader.load_headers_and_payload

    def load_headers_and_payload(self: Any, cdx: Any, failed_files: Any, cdx_loader: Any) -> Any:
        if cdx.get("mime") != "warc/revisit" or cdx.get("filename", "-") == "-" or not cdx_loader:
            return original(self, cdx, failed_files, cdx_loader)
        revisit = self._resolve_path_load(cdx, False, failed_files)
        profile = revisit.rec_headers.get_header("WARC-Profile") or ""
        target = revisit.rec_headers.get_header("WARC-Refers-To-Target-URI")
        if not profile.endswith(NOT_MODIFIED_PROFILE) or not target:
            revisit.raw_stream.close()
            return original(self, cdx, failed_files, cdx_loader)
        when = revisit.rec_headers.get_header("WARC-Refers-To-Date") or ""
        params = {"url": target, "filter": ["!mime:warc/revisit", "~status:2"]}
        if when:
            params["closest"] = _iso_to_timestamp(when)
        for orig_cdx in cdx_loader(params):
            try:
                payload = self._resolve_path_load(orig_cdx, False, failed_files)
            except ArchiveLoadFailed:
                continue
            revisit.http_headers = payload.http_headers  # the full capture's 200 and its headers
            return revisit, payload
        revisit.raw_stream.close()
        raise ArchiveLoadFailed(self.MISSING_REVISIT_MSG)

    ResolvingLoader.load_headers_and_payload = load_headers_and_payload


def prepare() -> None:
    """Apply the three fixes; run once, before pywb is imported. gevent patches the standard
    library first, as pywb's own command does on its first line."""
    _plain_gevent_plugins()
    from gevent import monkey

    monkey.patch_all()
    _restore_redis_dummy()
    _resolve_not_modified()


def main(argv: list[str] | None = None) -> None:
    """pywb's ``wayback`` entry point with ``argv`` (default: this process's arguments)."""
    prepare()
    from pywb.apps.cli import wayback

    wayback(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
