"""What flows between the layers: a fetched ``Page`` (crawl or replay -> pipelines) and an
``Article`` (pipelines -> database -> export). Plain dataclasses: no Scrapy import, picklable,
so the CPU stage can run them in worker processes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# bytes of a response body above which extraction skips the page (``too_large``); the
# ``EXTRACT_MAX_BODY`` default, here so settings need not import the extractor
MAX_BODY_BYTES = 20 * 1024 * 1024


@dataclass(slots=True)
class Page:
    """One HTTP response as the pipelines see it, from a crawl or from a WARC record.

    ``body`` is the payload after transfer and content decoding (gzip/deflate/br removed) but
    *not* charset-decoded: extraction decides the charset from these bytes and ``headers``, so a
    replay decodes exactly as the crawl did. ``fetched`` is the capture time as written in the
    WARC record (``WARC-Date``, UTC ISO 8601). ``warc`` is ``{"file", "offset", "length"}`` of
    the response record, or None when the page was not archived (``scrapy extract``) or while
    its records are still being written: then ``record`` is that write (a crawl's
    ``PendingRecord``, awaited by the pipelines before storing; never sent to a worker).
    """

    url: str
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    status: int = 200
    site: str = ""
    fetched: str | None = None
    warc: dict[str, Any] | None = None
    record: Any = None

    def header(self, name: str) -> str | None:
        """First value of a response header, case-insensitive."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None


def capture_of(page: Page) -> dict[str, Any]:
    """What the database keeps of a capture (``captures`` columns): the validators for a
    refresh's conditional GET and the location of its WARC record."""
    warc = page.warc or {}
    return {
        "url": page.url,
        "site": page.site,
        "status": page.status,
        "etag": page.header("ETag"),
        "last_modified": page.header("Last-Modified"),
        "fetched": page.fetched,
        "warc_file": warc.get("file"),
        "warc_offset": warc.get("offset"),
        "warc_length": warc.get("length"),
    }


@dataclass(slots=True)
class Skip:
    """A page that yields no article, with a reason for the counted skip.

    ``reason`` is a short stat-friendly token (``binary_body``, ``empty_body``, ``no_text``,
    ``too_large``...), ``detail`` a human sentence for the log line.
    """

    url: str
    reason: str
    detail: str = ""


@dataclass(slots=True)
class Article:
    """An article, field by field as exported (README "Data").

    | field | meaning |
    | --- | --- |
    | id | stable id: derived from the final URL, so the same across replays of the same WARCs |
    | url | the article's final URL (after redirects); ``site`` the profile id |
    | title | headline, without the site-name suffix |
    | published | ISO 8601 with +08:00 (``2020-02-25T08:43:34+08:00``); date only where the page
    |           | gives no time; None where the page gives no date |
    | author, source, editor | names after 作者/记者/通讯员 (role words and 文/图 dropped, several
    |           | names space-separated), the 来源 value as printed, the name after 编辑/责任编辑 |
    | text | body, paragraphs joined by ``\\n``, simplified, pinyin glosses removed, no chrome |
    | text_original | the body as served (traditional stays traditional), or None where identical |
    | script | ``simplified`` or ``traditional`` as served |
    | content_hash | hash of the normalized text (exact duplicates share it) |
    | duplicate_of | id of the canonical copy when this is an exact or near duplicate, else None |
    | cluster | id shared by all copies of one story |
    | fetched | ISO 8601 time of the capture |
    | warc | ``{"file", "offset", "length"}`` of the response record it came from |

    Internal fields (stored, not exported): ``extractor_version``, ``charset`` (codec and how it
    was decided), ``flags`` (quality flags such as ``mojibake``), ``minhash`` (the near-duplicate
    signature, filled by the CPU stage), ``shingle_count`` (distinct shingles behind it, for
    the containment check), ``capture`` (the response's validators for refresh).
    """

    id: str
    url: str
    site: str
    title: str | None = None
    published: str | None = None
    author: str | None = None
    source: str | None = None
    editor: str | None = None
    text: str = ""
    text_original: str | None = None
    script: str = "simplified"
    content_hash: str | None = None
    duplicate_of: str | None = None
    cluster: str | None = None
    fetched: str | None = None
    warc: dict[str, Any] | None = None
    extractor_version: str = ""
    charset: str | None = None
    flags: list[str] = field(default_factory=list)
    minhash: list[int] | None = None
    shingle_count: int | None = None
    capture: dict[str, Any] | None = None

    def export(self) -> dict[str, Any]:
        """The exported record: ``EXPORT_FIELDS``, in that order."""
        data = asdict(self)
        return {name: data[name] for name in EXPORT_FIELDS}


EXPORT_FIELDS: tuple[str, ...] = (
    "id",
    "url",
    "site",
    "title",
    "published",
    "author",
    "source",
    "editor",
    "text",
    "text_original",
    "script",
    "content_hash",
    "duplicate_of",
    "cluster",
    "fetched",
    "warc",
)
