"""Anti-bot challenge pages are recognised; no recorded article page is taken for one."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.extract.challenge import challenge_reason
from tests.faults.hostile import CHALLENGE, SCRIPT_ONLY, article

SITES = Path(__file__).resolve().parents[1] / "sites"


@pytest.mark.parametrize(
    "body",
    [
        CHALLENGE,
        SCRIPT_ONLY,
        CHALLENGE.decode().encode("gb18030"),
        b"<html><head><title>Just a moment...</title></head><body>cf</body></html>",
        "<html><body><p>请开启JavaScript并刷新页面</p></body></html>".encode(),
    ],
    ids=["title", "script-only", "gbk", "cloudflare", "enable-js"],
)
def test_challenge_pages_are_recognised(body):
    assert challenge_reason(body) is not None


def test_an_article_that_mentions_a_security_check_is_not_a_challenge():
    body = article(3).replace(b"<p>", "<p>县里开展网络安全验证工作。".encode(), 1)
    assert "安全验证".encode() in body
    assert challenge_reason(body) is None


def test_no_recorded_site_page_is_a_challenge():
    pages = sorted(SITES.glob("*/*/body.html"))
    assert pages
    assert [p for p in pages if challenge_reason(p.read_bytes())] == []


def test_visible_text_is_counted_piece_by_piece_as_on_the_whole_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``_has_visible`` reads the page a piece at a time and stops early: it must say what
    counting the whole page's visible bytes says, wherever tags, scripts and pieces meet."""
    import random

    from model import challenge

    rng = random.Random(13)
    atoms = [b"<", b">", b" ", b"a", b"\n", b"<script>", b"</script>", b"<style x>",
             b"</style >", "中".encode(), b"<b>", b"</b>", b"<>", b"<<", b">>"]  # fmt: skip
    pages = [b"".join(rng.choice(atoms) for _ in range(rng.randint(0, 600))) for _ in range(600)]
    monkeypatch.setattr(challenge, "_PIECE", 7)
    for page in pages:
        for size in (1, 20, 200):
            expected = len(challenge._visible(page)) >= size
            assert challenge._has_visible(page, size) is expected, (page, size)
