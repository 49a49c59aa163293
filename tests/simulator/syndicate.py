"""Syndicated copies at any scale: a stream of article texts in which a share are copies of an
earlier story, edited the way portals republish a press release. Used by ``bench.dedup`` (up to
millions of articles) and the cluster tests; deterministic for a seed, memory bounded (a window
of recent stories is kept, never the stream).

Texts are paragraphs of sentences of random two-character "words" from a fixed vocabulary
(3,000 common CJK code points make ~9M words: unrelated texts share almost no shingle). To keep
precision honest, some new stories are *follow-ups*: they quote up to a quarter of an earlier
story's paragraphs but are different stories. A copy is either exact (the text unchanged) or
edited with one or more of:

- ``source``: a 来源 line of the republishing portal appended;
- ``sentence``: one sentence added to or removed from a paragraph;
- ``drop``: up to a quarter of the paragraphs dropped (at least one, of four or more);
- ``reorder``: one paragraph moved elsewhere;
- ``lead``: a local lead paragraph put first (本报讯 + a byline + one sentence).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["EDITS", "Doc", "edit", "stream"]

CHARS = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
WORDS = ["".join(random.Random(i).choices(CHARS, k=2)) for i in range(20_000)]
EDITS = ("source", "sentence", "drop", "reorder", "lead")
SOURCES = ("县融媒体中心", "市新闻网", "区人民政府", "日报社", "广播电视台")
WINDOW = 2000  # recent stories a copy or a follow-up is drawn from


@dataclass(frozen=True, slots=True)
class Doc:
    """One article of the stream: ``story`` is the truth (copies share it); ``edits`` says how
    a copy was changed (empty for an original, ``("exact",)`` for an unchanged copy)."""

    number: int
    text: str
    story: int
    edits: tuple[str, ...]
    site: str
    published: str


def sentence(rng: random.Random, words: tuple[int, int] = (12, 24)) -> str:
    return "".join(rng.choices(WORDS, k=rng.randint(*words))) + "。"


def story_paragraphs(rng: random.Random) -> list[str]:
    """4-10 paragraphs of 1-3 sentences (about 500 characters)."""
    return [
        "".join(sentence(rng) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(4, 10))
    ]


def edit(rng: random.Random, paragraphs: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """An edited copy of ``paragraphs`` and the edits applied (one to three of EDITS besides
    the 来源 line, which every edited copy gets)."""
    out = list(paragraphs)
    chosen = rng.sample(EDITS[1:], rng.choice((1, 1, 2, 2, 3)))
    if "sentence" in chosen:
        i = rng.randrange(len(out))
        parts = out[i].split("。")[:-1]
        if len(parts) >= 2 and rng.random() < 0.5:
            del parts[rng.randrange(len(parts))]
        else:
            parts.insert(rng.randrange(len(parts) + 1), sentence(rng)[:-1])
        out[i] = "。".join(parts) + "。"
    if "drop" in chosen and len(out) >= 4:
        for _ in range(rng.randint(1, len(out) // 4)):
            del out[rng.randrange(len(out))]
    if "reorder" in chosen:
        moved = out.pop(rng.randrange(len(out)))
        out.insert(rng.randrange(len(out) + 1), moved)
    if "lead" in chosen:
        byline = "".join(rng.choices(WORDS, k=2))
        out.insert(0, f"本报讯（记者 {byline}）" + sentence(rng, (10, 20)))
    out.append(f"来源：{rng.choice(SOURCES)}")
    return out, ("source", *sorted(chosen))


def stream(
    n: int, seed: int = 1, copies: float = 0.25, exact: float = 0.25, follow_ups: float = 0.1
) -> Iterator[Doc]:
    """``n`` articles: a share ``copies`` are copies of a recent story (of which ``exact``
    unchanged), a share ``follow_ups`` of the new stories quote an earlier one."""
    rng = random.Random(seed)
    recent: list[tuple[int, list[str]]] = []
    for i in range(n):
        site = f"site{rng.randrange(200)}"
        published = f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00+08:00"
        if recent and rng.random() < copies:
            story, original = rng.choice(recent)
            if rng.random() < exact:
                paragraphs, edits = original, ("exact",)
            else:
                paragraphs, edits = edit(rng, original)
        else:
            story, paragraphs, edits = i, story_paragraphs(rng), ()
            if recent and rng.random() < follow_ups:
                _, earlier = rng.choice(recent)
                quoted = rng.sample(earlier, max(1, len(earlier) // 4))
                paragraphs[1:1] = quoted[: max(1, len(paragraphs) // 4)]
            recent.append((story, paragraphs))
            if len(recent) > WINDOW:
                del recent[: len(recent) - WINDOW]
        yield Doc(i, "\n".join(paragraphs), story, edits, site, published)
