"""A local simulator of six Chinese county news portals, for end-to-end tests and the demo.

``Simulator(base_port=8800).start()`` serves the portals on ports base_port+1 .. base_port+6
(stdlib ``ThreadingHTTPServer``, one per portal); everything is deterministic from ``seed``.

Ground truth conventions (``Simulator.truth()``): all of ``title``, ``author``, ``source``,
``editor`` and ``text`` are the generated simplified content the page is rendered from (the
traditional portal demo_yancheng serves it converted with OpenCC s2tw and glossed; its truth is
never that served text converted back, which would keep t2s round-trip leftovers);
``text_original`` is the body as served when it differs; ``published`` has +08:00 and seconds
(``:00`` where the page shows minutes only) or is a bare date where the page shows no time.
Syndicated copies share ``story``; the first portal (in portal order) holds the original
(``duplicate_kind`` None), the others are ``"near"``; shengzhou print variants
(``_print.shtml``, in truth with ``print_variants=True``) and hongan mobile variants (``/m/`` +
the desktop path, with ``mobile_variants=True``) are ``"exact"``. Variants are always served,
never linked.
"""

from __future__ import annotations

from tests.simulator.model import Portal
from tests.simulator.server import Simulator

__all__ = ["Portal", "Simulator"]
