"""Charset decision for a fetched page: the first step of extraction.

Order of trust: BOM > HTTP ``Content-Type`` charset > ``<meta charset>``/http-equiv >
charset_normalizer detection. A declaration is kept only if the bytes decode under it; the
GB family (gb2312, gbk, x-gbk, GB_2312-80) is always read as its superset gb18030.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GB = {
    "gb2312",
    "gbk",
    "x-gbk",
    "gb_2312-80",
    "gb_2312",
    "cp936",
    "gb18030",
    "euc-cn",
    "hz-gb-2312",
}
_LATIN = {
    "iso8859-1",
    "latin-1",
    "latin1",
    "iso-8859-1",
    "cp1252",
    "windows-1252",
    "ascii",
    "us-ascii",
}
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]+encoding\s*=\s*[\"']([\w.:-]+)", re.IGNORECASE)
_SNIFF_BYTES = 8192


def normalize_codec(name: str) -> str | None:
    """Python codec name for a declared charset, or None when unknown."""
    label = name.strip().strip("\"'").lower()
    if label in _GB:
        return "gb18030"
    if label in ("utf8", "utf-8", "unicode-1-1-utf-8"):
        return "utf-8"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _decodes(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _has_high_bytes(body: bytes) -> bool:
    return any(b > 0x7F for b in body[:200_000])


def _header_charset(headers: Iterable[tuple[str, str]] | None) -> str | None:
    for key, value in headers or ():
        if key.lower() == "content-type":
            match = _HEADER_CHARSET.search(value)
            if match:
                return match.group(1)
    return None


def _meta_charsets(body: bytes) -> list[str]:
    head = body[:_SNIFF_BYTES]
    found = _XML_ENCODING.findall(head) + _META_CHARSET.findall(head)
    return [m.decode("ascii", "replace") for m in found]


def _detect(body: bytes) -> str:
    if _decodes(body, "utf-8"):
        return "utf-8"
    if _decodes(body, "gb18030"):
        return "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    if best is None:
        return "utf-8"
    return normalize_codec(best.encoding) or "utf-8"


def decide(body: bytes, headers: Iterable[tuple[str, str]] | None = None) -> tuple[str, str]:
    """Return ``(codec, how)`` for ``body``: codec is a Python codec name, ``how`` says why.

    ``how`` reads like ``"bom"``, ``"header gb2312"``, ``"meta gb2312"``, ``"detected"`` or
    ``"detected (meta utf-8 invalid)"``; deterministic from the bytes and headers.
    """
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            return bom_codec, "bom"
    rejected: list[str] = []
    declared = [("header", _header_charset(headers))] + [("meta", m) for m in _meta_charsets(body)]
    for where, label in declared:
        if not label:
            continue
        codec = normalize_codec(label)
        if codec is None:
            rejected.append(f"{where} {label} unknown")
            continue
        if codec in _LATIN and _has_high_bytes(body):
            # iso-8859-1 is a server default, almost never true on CJK pages
            rejected.append(f"{where} {label} ignored")
            continue
        if codec != "utf-8" and _has_high_bytes(body) and _decodes(body, "utf-8"):
            # re-saved pages keep a gb2312 meta over UTF-8 bytes; valid UTF-8 CJK is never chance
            return "utf-8", f"detected ({where} {label.lower()} mis-declared)"
        if _decodes(body, codec):
            return codec, f"{where} {label.lower()}"
        rejected.append(f"{where} {label.lower()} invalid")
    how = "detected" + (f" ({', '.join(rejected)})" if rejected else "")
    return _detect(body), how


def decode(body: bytes, codec: str) -> str:
    """Decode with ``codec``; errors="replace" only when the bytes are not valid in it."""
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        pass
    for fallback in ("utf-8", "gb18030"):
        if fallback != codec and _decodes(body, fallback):
            return body.decode(fallback)
    try:
        return body.decode(codec, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
