"""URL canonicalization before fetching: one URL per article, whatever link led to it.

``canonical_url(url, profile)`` (pure, no Scrapy) applies, in order:

1. **Always**: lower-case scheme and host, drop the default port and the fragment, drop
   tracking parameters (:data:`TRACKING_PARAMS`, any ``utm_*`` and the other
   :data:`TRACKING_PREFIXES`) and empty ones (``a=``, ``&&``); the other parameters keep their
   order and their encoding (no re-quoting, no sorting: some CMS read them positionally).
2. **Print and mobile variants -> the desktop article**: ``x_print.shtml`` -> ``x.shtml``,
   a ``/print/`` or ``/printpage/`` path segment removed, ``print=1``/``printpage=1``/
   ``isprint=1``/``view=print`` dropped; mobile hosts ``m.``/``wap.``/``3g.``/``mobile.`` ->
   the desktop host (the profile's host where it has one: ``www.`` + rest or rest; without a
   profile ``www.`` + rest for a registrable domain, else rest), a leading ``/m/``, ``/mobile/``
   or ``/wap/`` segment removed, ``mobile=1``/``from=mobile``-style flags dropped.
   With a profile the mapping is kept only if it does not lose the URL's class: a URL the
   profile already takes as an article (or list) stays as it is unless the mapped URL is one
   too. So a portal whose articles *are* ``/m/...`` URLs, or whose profile denies the desktop
   form, is left alone; a mobile link whose mobile form no regex matches is mapped (that is
   how it reaches the profile's ``articles``).
3. **Directory indexes** (``index.html``, ``index.htm``, ``index.shtml``, ``index.php``,
   ``default.htm(l)``, ``default.aspx``) -> the directory URL, *only* with a profile and only
   when both forms are the same kind of page for it (both match ``follow``, or both
   ``articles``). List URLs like ``/news/index.shtml`` under ``follow: ['/news/index\\.shtml$']``
   are real pages whose directory URL may not even exist, so they are never rewritten on a
   guess; without a profile index files are kept.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from model.profiles import SiteProfile

__all__ = [
    "INDEX_FILES",
    "MOBILE_HOST_PREFIXES",
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "canonical_url",
]

# Query parameters that never select content: analytics, share and app-install markers.
TRACKING_PARAMS = frozenset(
    {
        "spm", "spm_id_from", "from", "isappinstalled", "share_token", "sharetoken",
        "scene", "clicktime", "enterid", "sharer_shareid", "sharer_sharetime", "sharer_shareinfo",
        "sharer_shareinfo_first", "share_from", "shareid", "share_source", "share_medium",
        "sharefrom", "tt_from", "tt_medium", "timestamp_share", "fbclid", "gclid", "yclid",
        "msclkid", "dclid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "nsukey", "ivk_sa",
        "from_source", "fromsource", "appinstalled", "wx_header", "utm", "ref_src", "wtmc",
        "bd_vid", "hmsr", "hmpl", "hmcu", "hmkw", "hmci", "cmpid", "xhsshare",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "wxshare", "wx_share", "share_", "hmsr_", "_gl")
MOBILE_HOST_PREFIXES = ("m.", "wap.", "3g.", "mobile.")
INDEX_FILES = (
    "index.html", "index.htm", "index.shtml", "index.php", "index.jsp", "index.asp",
    "default.htm", "default.html", "default.aspx", "default.asp",
)  # fmt: skip

# name=value flags that only switch a page to its print or mobile rendering
_VARIANT_FLAGS = {
    "print": {"1", "true", "yes", "y", ""},
    "printpage": {"1", "true", "yes", "y", ""},
    "isprint": {"1", "true", "yes", "y"},
    "view": {"print", "mobile", "wap"},
    "mobile": {"1", "true", "yes", "y", ""},
    "ismobile": {"1", "true", "yes", "y"},
    "wap": {"1", "true", "yes", "y", ""},
    "device": {"mobile", "phone", "wap"},
}
_PRINT_SUFFIX_RE = re.compile(r"[_-]print(\.(?:s?html?|jsp|php|aspx?))$", re.IGNORECASE)
_PRINT_SEGMENT_RE = re.compile(r"/(?:print|printpage)(?=/)", re.IGNORECASE)
_MOBILE_SEGMENT_RE = re.compile(r"^/(?:m|mobile|wap)(?=/)", re.IGNORECASE)
_SECOND_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "ac"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _clean_query(query: str, drop_variant_flags: bool) -> str:
    """Drop empty, tracking and (optionally) print/mobile flag parameters; keep the rest raw."""
    kept = []
    for part in query.split("&"):
        key, eq, value = part.partition("=")
        if not key or (eq and not value):
            continue  # "&&", "=x" and "a=" (empty value) select nothing
        if drop_variant_flags and value.lower() in _VARIANT_FLAGS.get(key.lower(), ()):
            continue
        if not _is_tracking(key):
            kept.append(part)
    return "&".join(kept)


def _netloc(scheme: str, host: str, port: int | None, userinfo: str) -> str:
    netloc = host
    if ":" in host and not host.startswith("["):
        netloc = f"[{host}]"  # IPv6 literal
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    return f"{userinfo}@{netloc}" if userinfo else netloc


def _profile_hosts(profile: SiteProfile | None) -> set[str]:
    if profile is None:
        return set()
    hosts = {(urlsplit(u).hostname or "").lower() for u in profile.start_urls}
    hosts |= {d.lower().lstrip(".") for d in profile.allowed_domains}
    return hosts - {""}


def _desktop_host(host: str, profile: SiteProfile | None) -> str:
    """``m.example.gov.cn`` -> ``www.example.gov.cn`` (or the profile's own form of it)."""
    prefix = next((p for p in MOBILE_HOST_PREFIXES if host.startswith(p)), None)
    if prefix is None:
        return host
    rest = host[len(prefix) :]
    if not rest or "." not in rest or rest.replace(".", "").isdigit():
        return host
    known = _profile_hosts(profile)
    if host in known - {rest, "www." + rest} and not known & {rest, "www." + rest}:
        return host  # the profile's own site is the mobile host
    for candidate in ("www." + rest, rest):
        if candidate in known:
            return candidate
    labels = rest.split(".")
    registrable = len(labels) == 2 or (
        len(labels) == 3 and labels[1] in _SECOND_LEVEL and len(labels[2]) == 2
    )
    return "www." + rest if registrable else rest


def _kind(url: str, profile: SiteProfile) -> str | None:
    if profile.is_article(url):
        return "article"
    if profile.is_list(url):
        return "list"
    return None


def _desktop(
    scheme: str, netloc: tuple[str, int | None, str], path: str, query: str,
    profile: SiteProfile | None,
) -> str:  # fmt: skip
    host, port, userinfo = netloc
    host = _desktop_host(host, profile)
    path = _PRINT_SUFFIX_RE.sub(r"\1", path)
    path = _PRINT_SEGMENT_RE.sub("", path, count=1)
    path = _MOBILE_SEGMENT_RE.sub("", path, count=1) or "/"
    query = _clean_query(query, drop_variant_flags=True)
    return urlunsplit((scheme, _netloc(scheme, host, port, userinfo), path, query, ""))


def _directory(url: str) -> str | None:
    parts = urlsplit(url)
    head, _, last = parts.path.rpartition("/")
    if last.lower() not in INDEX_FILES:
        return None
    return urlunsplit((parts.scheme, parts.netloc, head + "/", parts.query, ""))


def canonical_url(url: str, profile: SiteProfile | None = None) -> str:
    """The URL to fetch and key articles by; see the module docstring for the rules.

    Not an absolute http(s) URL (``mailto:``, ``javascript:``, relative): returned unchanged.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        return url
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    path = parts.path or "/"
    query = _clean_query(parts.query, drop_variant_flags=False)
    plain = urlunsplit((scheme, _netloc(scheme, host, port, userinfo), path, query, ""))

    result = plain
    desktop = _desktop(scheme, (host, port, userinfo), path, parts.query, profile)
    if desktop != plain:
        if profile is None:
            result = desktop
        else:
            kind = _kind(plain, profile)
            if kind is None or _kind(desktop, profile) == kind:
                result = desktop
    if profile is not None:
        directory = _directory(result)
        if directory is not None:
            kind = _kind(result, profile)
            if kind is not None and _kind(directory, profile) == kind:
                result = directory
    return result
