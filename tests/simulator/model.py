"""The simulator's data: portals, articles and their deterministic generation from a seed.

An ``Art`` holds the simplified content; the portal's renderer decides how it is served
(charset, script, markup). Ground truth is that simplified content, on the traditional portal
too (the served text converted back would carry OpenCC round-trip leftovers).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from tests.simulator import corpus

CST = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Portal:
    """One simulated portal: id (profile id), display name, port and base URL."""

    id: str
    name: str
    port: int
    base_url: str
    source: str  # default 来源 value
    script: str = "simplified"
    start: datetime = datetime(2020, 2, 1, tzinfo=CST)


PORTAL_SPECS = (
    ("demo_shengzhou", "嵊州新闻网", "嵊州新闻网-今日嵊州", datetime(2020, 2, 1, tzinfo=CST)),
    ("demo_hongan", "红安网", "红安县融媒体中心", datetime(2020, 2, 3, tzinfo=CST)),
    ("demo_suyu", "宿豫区人民政府", "宿豫区融媒体中心", datetime(2020, 10, 20, tzinfo=CST)),
    ("demo_zaozhuang", "枣庄新闻网", "枣庄日报", datetime(2020, 3, 1, tzinfo=CST)),
    ("demo_yancheng", "盐阜大众报", "盐阜大众报", datetime(2020, 2, 5, tzinfo=CST)),
    ("demo_county", "某县融媒体中心", "某县融媒体中心", datetime(2020, 2, 2, tzinfo=CST)),
)


@dataclass
class Art:
    """One article copy on one portal (simplified content; rendering happens per portal)."""

    portal: str
    num: int  # portal-specific numeric id used in the URL
    title: str
    published: datetime
    authors: list[str]
    roles: list[str]  # role word printed before each author ("记者", "通讯员", "文", "图", "")
    source: str
    editor: str | None
    paragraphs: list[str]
    story: str
    duplicate_kind: str | None = None
    modified: datetime = field(default=datetime(2020, 1, 1, tzinfo=CST))
    print_of: Art | None = None  # set on print and mobile variants: the desktop article
    variant: str | None = None  # "print" or "mobile" on variants
    path: str = ""


# earlier stories a new one is kept apart from: more than any test generates (144 at 24 articles
# per portal). Past that many (benchmarks: thousands per portal) a story gets a few tries only:
# 116 seed sentences cannot keep thousands of stories apart anyway, and 40 tries against every
# earlier story made a 3,000-article simulator take minutes to build.
RECENT = 150
LATE_TRIES = 4


class Generator:
    """Deterministic article factory (one ``random.Random(seed)`` for everything)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used_titles: set[str] = set()
        self.story_count = 0
        self.stories: list[set[str]] = []

    def title(self) -> str:
        clauses = corpus.title_clauses()
        for _ in range(200):
            t = self.rng.choice(clauses)
            if t not in self.used_titles:
                self.used_titles.add(t)
                return t
        t = f"{self.rng.choice(clauses)}（{len(self.used_titles)}）"
        self.used_titles.add(t)
        return t

    def _overlap(self, chosen: list[str]) -> float:
        """Largest share of characters ``chosen`` has in common with one of the last
        ``RECENT`` stories."""
        size = sum(map(len, chosen))
        mine = set(chosen)
        return max(
            (sum(len(x) for x in mine & prev) / size for prev in self.stories[-RECENT:]),
            default=0.0,
        )

    def paragraphs(self, rare: bool = False) -> list[str]:
        """4-8 paragraphs of 1-3 seed sentences; retried so unrelated stories share < ~25%."""
        pool = corpus.sentences()
        n = self.rng.randint(4, 8)
        best: tuple[float, list[str], list[int]] | None = None
        for _ in range(40 if len(self.stories) < RECENT else LATE_TRIES):
            sizes = [self.rng.randint(1, 3) for _ in range(n)]
            picked = self.rng.sample(pool, min(len(pool), sum(sizes)))
            score = self._overlap(picked)
            if best is None or score < best[0]:
                best = (score, picked, sizes)
            if score <= 0.2:
                break
        assert best is not None
        _, picked, sizes = best
        self.stories.append(set(picked))
        paras, i = [], 0
        for k in sizes:
            paras.append("".join(picked[i : i + k]) or self.rng.choice(pool))
            i += k
        if rare:
            a, b = self.rng.sample(corpus.RARE_NAMES, 2)
            paras.insert(self.rng.randint(1, len(paras)), f"{a}、{b}等参加活动并调研指导工作。")
        return paras

    def people(self, portal: str) -> tuple[list[str], list[str]]:
        rng = self.rng
        names = rng.sample(corpus.NAMES, rng.choice((1, 1, 2)))
        if portal == "demo_shengzhou":
            return names, ["记者"] + ["通讯员"] * (len(names) - 1)
        if portal == "demo_zaozhuang":
            return names, ["记者", "通讯员"][: len(names)]
        if portal == "demo_suyu" and rng.random() < 0.4:
            return [], []
        if portal == "demo_county":
            if rng.random() < 0.3:
                return [], []
            return names, ["文", "图"][: len(names)]
        return names, [""] * len(names)

    def story_id(self) -> str:
        self.story_count += 1
        return f"s{self.story_count:04d}"

    def article(self, portal: Portal, when: datetime, num: int) -> Art:
        authors, roles = self.people(portal.id)
        editor = None if portal.id == "demo_suyu" else self.rng.choice(corpus.NAMES)
        paragraphs = self.paragraphs(rare=portal.id == "demo_shengzhou")
        if portal.id == "demo_yancheng":  # real parentheses that gloss removal must keep
            if self.rng.random() < 0.4:
                paragraphs.insert(1, _WTO)
            if authors and self.rng.random() < 0.6:
                paragraphs[-1] += f"(记者 {authors[0]})"
        return Art(
            portal=portal.id,
            num=num,
            title=self.title(),
            published=when,
            authors=authors,
            roles=roles,
            source=portal.source,
            editor=editor,
            paragraphs=paragraphs,
            story=self.story_id(),
            modified=when,
        )

    def near_copy(self, original: Art, portal: Portal, when: datetime, num: int) -> Art:
        """A syndicated copy: other 来源 line, one sentence added or removed, own byline."""
        paras = list(original.paragraphs)
        total = sum(map(len, paras))
        multi = [
            (len(sent), i, sent)
            for i, p in enumerate(paras)
            for sent in corpus.SENTENCE_RE.findall(p)
            if len(corpus.SENTENCE_RE.findall(p)) >= 2
        ]
        short = [x for x in multi if x[0] <= total // 10]
        if short and self.rng.random() < 0.5:
            _, i, sent = self.rng.choice(short)
            paras[i] = paras[i].replace(sent, "", 1)
        else:
            pool = [x for x in corpus.sentences() if len(x) <= 50] or list(corpus.sentences())
            paras.append(self.rng.choice(pool))
        copy = self.article(portal, when, num)
        copy.title, copy.paragraphs, copy.story = original.title, paras, original.story
        copy.source = _NAMES[original.portal]
        copy.duplicate_kind = "near"
        rare = any(name in "".join(paras) for name in corpus.RARE_NAMES)
        if portal.id == "demo_shengzhou" and not rare:  # keep GB2312-breaking characters here
            copy.paragraphs = [*paras, f"{corpus.RARE_NAMES[0]}参加活动。"]
        return copy


_WTO = "会议还就对接世界贸易组织(WTO)规则、扩大高水平对外开放作了部署。"
_NAMES = {spec[0]: spec[1] for spec in PORTAL_SPECS}


def next_time(rng: random.Random, prev: datetime) -> datetime:
    """A publication time 8-40 hours after ``prev``, at a whole second."""
    return prev + timedelta(seconds=rng.randint(8 * 3600, 40 * 3600))
