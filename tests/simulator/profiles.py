"""Site profiles (the README "Site profiles" schema) for the simulated portals, as YAML text.

Regexes are anchored on the portal's absolute base URL (host and port), so two portals served
from 127.0.0.1 never capture each other's links.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.simulator.model import Portal

_FOLLOW = {
    "demo_shengzhou": [r"/news/index(_\d+)?\.shtml$"],
    "demo_hongan": [r"/col/col1234/index\.html(\?uid=1&pageNum=\d+)?$"],
    "demo_suyu": [r"/xwzx/index(_\d+)?\.html$"],
    "demo_zaozhuang": [r"/news/list_\d+\.html$"],
    "demo_yancheng": [r"/node_1(_\d+)?\.html$"],
    "demo_county": [r"/news/index(_\d+)?\.html$"],
}
_ARTICLES = {
    "demo_shengzhou": [r"/system/\d{4}/\d{2}/\d{2}/\d+\.shtml$"],
    "demo_hongan": [r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$"],
    "demo_suyu": [r"/xwzx/\d{6}/t\d{8}_\d+\.html$"],
    "demo_zaozhuang": [r"/\d{4}/\d{4}/\d+\.html$"],
    "demo_yancheng": [r"/content/\d{4}-\d{2}/\d{2}/content_\d+\.html$"],
    "demo_county": [r"/news/\d{4}-\d{2}-\d{2}/\d+\.html$", r"/old/\d+\.html$"],
}
_REGION = {
    "demo_shengzhou": ("浙江省绍兴市嵊州市", "330683"),
    "demo_hongan": ("湖北省黄冈市红安县", "421122"),
    "demo_suyu": ("江苏省宿迁市宿豫区", "321311"),
    "demo_zaozhuang": ("山东省枣庄市", "370400"),
    "demo_yancheng": ("江苏省盐城市", "320900"),
    "demo_county": (None, None),
}
START = {
    "demo_shengzhou": "/news/index.shtml",
    "demo_hongan": "/col/col1234/index.html",
    "demo_suyu": "/xwzx/index.html",
    "demo_zaozhuang": "/news/list_1.html",
    "demo_yancheng": "/node_1.html",
    "demo_county": "/news/index.html",
}


def _q(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _list(values: list[str]) -> str:
    if not values:
        return " []"
    return "\n" + "".join(f"  - {_q(v)}\n" for v in values).rstrip("\n")


def profile_yaml(portal: Portal) -> str:
    """The YAML text of the demo profile of one simulated portal."""
    base = "^" + re.escape(portal.base_url)
    region, code = _REGION[portal.id]
    deny = [base + "/admin/"]
    if portal.id == "demo_shengzhou":
        deny.append(r"_print\.shtml$")
    lines = [
        "# Demo profile for the local portal simulator (tests/simulator); regenerate with",
        "# Simulator(base_port=8800).write_profiles('spiders/sites').",
        f"id: {portal.id}",
        f"name: {portal.name}",
    ]
    if region:
        lines += [f"region: {region}", f'admin_code: "{code}"']
    lines += [
        f"start_urls:{_list([portal.base_url + START[portal.id]])}",
        f"follow:{_list([base + p for p in _FOLLOW[portal.id]])}",
        f"articles:{_list([base + p for p in _ARTICLES[portal.id]])}",
        f"deny:{_list(deny)}",
        f"sitemaps:{_list([portal.base_url + '/sitemap.xml'] if portal.id == 'demo_yancheng' else [])}",
        f"feeds:{_list([portal.base_url + '/rss.xml'] if portal.id == 'demo_county' else [])}",
        "max_list_pages: 50",
        'schedule: "0 */6 * * *"',
    ]
    return "\n".join(lines) + "\n"
