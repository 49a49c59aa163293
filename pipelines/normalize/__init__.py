"""Normalize stage (pure): an extracted ``Article`` gets half-width ASCII, clean lines, no
pinyin glosses, simplified script, ``script``/``text_original`` and ``content_hash`` set, and a
``mojibake`` flag where the served text shows a broken charset round trip.

Order: served text -> :func:`text.clean_text` -> :func:`pinyin.remove_glosses` ->
:func:`script.to_simplified`. ``text_original`` is the body as served, with only its whitespace
tidied (:func:`text.clean_lines`: lines stripped, empty lines dropped), so glosses, traditional
script and full-width digits (``３月５日``) stay as served; it is None when it equals the final
text, so a simplified page whose only changes are spacing keeps no second copy. Running
``normalize`` twice gives the same article: the second run starts again from ``text_original``.
"""

from __future__ import annotations

import logging

from model.items import Article
from pipelines.dedup.hashing import content_hash
from pipelines.normalize.pinyin import remove_glosses
from pipelines.normalize.script import detect_script, to_simplified
from pipelines.normalize.text import clean_lines, clean_text, has_mojibake

__all__ = ["MOJIBAKE_FLAG", "normalize", "normalize_line"]

MOJIBAKE_FLAG = "mojibake"
logger = logging.getLogger(__name__)


def normalize_line(value: str | None) -> str | None:
    """A one-line field (title, author, source, editor): same steps as the body, on one line."""
    if value is None:
        return None
    line = " ".join(to_simplified(remove_glosses(clean_text(value))).split())
    return line or None


def _normalize_body(served: str) -> tuple[str, str, str]:
    """(final text, served text with tidied whitespace, served script) of a served body."""
    cleaned = clean_text(served)
    simplified = to_simplified(cleaned)
    script = detect_script(cleaned, simplified)
    unglossed = remove_glosses(cleaned)
    # most bodies have no gloss: their simplified text is the one detect_script needed
    text = simplified if unglossed == cleaned else to_simplified(unglossed)
    return text, clean_lines(served), script


def normalize(article: Article) -> Article:
    """Normalize ``article`` in place and return it; odd text never raises (logged, kept)."""
    served = article.text_original if article.text_original is not None else article.text
    served = served or ""
    suspect = has_mojibake(served) or has_mojibake(article.title or "")
    try:
        text, original, script = _normalize_body(served)
        title = normalize_line(article.title)
        people = [normalize_line(v) for v in (article.author, article.source, article.editor)]
    except Exception:  # a converter choking on odd input must not lose the article
        logger.exception("normalize failed, keeping the text as served: %s", article.url)
        text = original = clean_lines(served)
        script = "simplified"
        title = article.title
        people = [article.author, article.source, article.editor]
    article.text = text
    article.text_original = original if original != text else None
    article.script = script
    article.title = title
    article.author, article.source, article.editor = people
    if suspect and MOJIBAKE_FLAG not in article.flags:
        article.flags.append(MOJIBAKE_FLAG)
    article.content_hash = content_hash(text)
    return article
