"""What was fetched: WARC writing (``writer``), crash repair (``recovery``), reading any tool's
WARCs for replay (``reader``), CDXJ indexing (``cdxj``) and WACZ packaging (``wacz``).

Pure library: no Scrapy or Twisted import anywhere in this package.
"""

from __future__ import annotations

from archive.reader import Capture, ReadStats, iter_captures, read_record
from archive.records import HttpRequestData, HttpResponseData
from archive.recovery import recover
from archive.writer import RecordRef, WarcWriter

__all__ = [
    "Capture",
    "HttpRequestData",
    "HttpResponseData",
    "ReadStats",
    "RecordRef",
    "WarcWriter",
    "iter_captures",
    "read_record",
    "recover",
]
