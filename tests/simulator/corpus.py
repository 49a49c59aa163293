"""Sentence pool and script helpers for the simulator, built from the bundled seed texts
(``tests/simulator/seeds``: the five real scrapes of ``../shared/seeds``).

Seeds are naive scrapes (menus, 延伸阅读 lists, footers). Only body-like lines are kept, split
into sentences at 。！？; traditional seeds lose their pinyin glosses (``網(wǎng)`` -> ``網``) and
are converted to simplified. The glosses seen in the seeds become the gloss table used to
re-gloss the traditional portal's pages.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import opencc

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"  # copies of ../shared/seeds
_PINYIN = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
GLOSS_RE = re.compile(rf"(?<=[\u4e00-\u9fff])\(([{_PINYIN}]+)\)")
_GLOSSED_CHAR_RE = re.compile(rf"([\u4e00-\u9fff])\(([{_PINYIN}]+)\)")
SENTENCE_RE = re.compile(r"[^。！？]+[。！？]+[”’」』]?")
_CHROME_WORDS = ("特别声明", "Notice", "版权", "ICP", "来源", "來源", "网易", "申请入驻", "文章数")
_CLAUSE_SPLIT_RE = re.compile(r"[，,；;：:。！？]")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2tw")


def to_simplified(text: str) -> str:
    """Traditional -> simplified (OpenCC t2s)."""
    return _t2s().convert(text)


def to_traditional(text: str) -> str:
    """Simplified -> traditional (OpenCC s2tw, as the seeds: 為 眾)."""
    return _s2t().convert(text)


def strip_glosses(text: str) -> str:
    """Remove pinyin glosses glued after characters: ``網(wǎng)`` -> ``網``; (WTO) stays."""
    return GLOSS_RE.sub("", text)


def _seed_texts() -> list[str]:
    return [
        p.read_text(encoding="utf-8", errors="replace") for p in sorted(SEEDS_DIR.glob("*.txt"))
    ]


def _body_lines(text: str) -> list[str]:
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if len(line) < 60 or "。" not in line or any(w in line for w in _CHROME_WORDS):
            continue
        lines.append(line)
    return lines


@cache
def gloss_table() -> dict[str, str]:
    """Traditional character -> pinyin gloss, as glued in the traditional seeds."""
    table: dict[str, str] = {}
    for text in _seed_texts():
        for char, gloss in _GLOSSED_CHAR_RE.findall(text):
            table.setdefault(char, gloss)
    return table


def add_glosses(text: str) -> str:
    """Glue pinyin after the characters the seeds gloss (``網`` -> ``網(wǎng)``)."""
    table = gloss_table()
    return "".join(f"{c}({table[c]})" if c in table else c for c in text)


@cache
def sentences() -> tuple[str, ...]:
    """Clean simplified sentences from every seed, in seed order, without duplicates."""
    seen: dict[str, None] = {}
    for text in _seed_texts():
        for line in _body_lines(text):
            line = to_simplified(strip_glosses(line))
            for sentence in SENTENCE_RE.findall(line):
                sentence = sentence.strip()
                if len(sentence) < 14 or "?" in sentence or "\ufffd" in sentence:
                    continue
                seen.setdefault(sentence, None)
    return tuple(seen)


@cache
def title_clauses() -> tuple[str, ...]:
    """Clauses of 8-24 characters usable as headlines (no dangling quotes or brackets)."""
    out: dict[str, None] = {}
    for sentence in sentences():
        for clause in _CLAUSE_SPLIT_RE.split(sentence):
            clause = clause.strip(' “”"、')
            if not 8 <= len(clause) <= 24:
                continue
            if clause.count("“") != clause.count("”") or clause.count("(") != clause.count(")"):
                continue
            if clause.count("《") != clause.count("》"):
                continue
            out.setdefault(clause, None)
    return tuple(out)


# fmt: off
NAMES = (
    "金斌", "张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周涛", "吴昊", "徐丽", "孙明", "马超", "朱琳",
    "胡军", "郭亮", "高翔", "林峰", "罗婷", "郑凯", "梁爽", "谢丹", "宋佳", "唐晓", "韩雪", "冯蕾", "邓超", "曹阳", "彭程",
    "曾敏", "肖遥", "田甜", "董洁", "潘峰", "袁野", "蔡琴", "蒋勇", "余倩", "汪欢", "崔累果", "李华", "王五", "陈明", "赵强",
    "何东铭",
)
# fmt: on
# Characters in GBK but not GB2312: a page decoded as gb2312 breaks on them.
RARE_NAMES = ("王堃", "朱镕", "陈喆", "李堃", "张喆")
