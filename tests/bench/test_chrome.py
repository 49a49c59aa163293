"""bench.chrome's detectors: they fire on page chrome and never on running article text."""

from __future__ import annotations

import pytest

from bench.chrome import flags

ARTICLE = (
    "3月4日上午，我县召开春季农业生产工作推进会，部署当前春耕备耕各项工作。\n"
    "会议指出：今年全县粮食播种面积要稳定在12.5万亩以上，较去年增长3.2%。\n"
    "县领导张伟、李娜参加会议。（记者 王芳）"
)


@pytest.mark.parametrize(
    ("text", "detector"),
    [
        (".mpromote { font-family: Arial; color: #333; }", "css"),
        ("p.MsoNormal { margin: 0cm; font-size: 10.5pt; }", "css"),
        ("var _hmt = _hmt || [];", "script"),
        ("document.write('<a href=x>');", "script"),
        ("首页 | 新闻中心 | 今日要闻 | 乡镇动态 | 政务公开", "navigation"),
        ("设为首页 加入收藏 无障碍浏览", "navigation"),
        ("当前位置：首页 > 新闻中心 > 正文", "breadcrumbs"),
        ("首页 >> 综合新闻", "breadcrumbs"),
        ("评论须知：请遵守国家法律法规，文明上网，理性发言", "comments"),
        ("网友评论 已有0条评论", "comments"),
    ],
)
def test_detector_fires_on_chrome(text, detector):
    assert detector in flags(ARTICLE + "\n" + text)


def test_article_text_is_clean():
    assert flags(ARTICLE) == []
