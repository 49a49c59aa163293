"""Profile validation: a bad profile is refused naming the file, the field and the reason."""

from __future__ import annotations

import pytest

from model.profiles import DEFAULT_SITES_DIR, ProfileError, load_profile, load_profiles

GOOD = """\
id: {id}
name: 测试新闻网
start_urls: ["http://127.0.0.1:9/news/index.html"]
follow: ['/news/index_\\d+\\.html$']
articles: ['/art/\\d+\\.html$']
"""


def write(tmp_path, stem, text):
    path = tmp_path / f"{stem}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_profile_loads_with_defaults(tmp_path):
    profile = load_profile(write(tmp_path, "ceshi", GOOD.format(id="ceshi")))
    assert profile.allowed_domains == ("127.0.0.1",)
    assert profile.is_article("http://127.0.0.1:9/art/12.html")
    assert profile.is_list("http://127.0.0.1:9/news/index_2.html")
    assert not profile.is_article("http://127.0.0.1:9/news/index_2.html")


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        (GOOD.format(id="ceshi").replace("articles: ['/art/\\d+\\.html$']\n", ""), "articles",
         "missing"),
        (GOOD.format(id="ceshi").replace("'/art/\\d+\\.html$'", "'/art/(\\d+.html'"), "articles",
         "regular expression"),
        (GOOD.format(id="other"), "id", "file name"),
        (GOOD.format(id="ceshi") + "colour: red\n", "colour", "unknown field"),
        (GOOD.format(id="ceshi") + "schedule: 'every day'\n", "schedule", "cron"),
        (GOOD.format(id="ceshi").replace("http://127.0.0.1:9/news", "ftp:/news"), "start_urls",
         "URL"),
        ("id: [unclosed", "(file)", "YAML"),
    ],
)  # fmt: skip
def test_bad_profile_is_refused_with_file_field_and_reason(tmp_path, text, field, reason):
    path = write(tmp_path, "ceshi", text)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert info.value.file == str(path)
    assert info.value.field.split(".")[0] == field
    assert reason in info.value.reason


def test_builtin_profiles_all_load():
    profiles = load_profiles(DEFAULT_SITES_DIR)
    seeds = {"shengzhou", "hongan", "suyu", "zaozhuang", "yancheng"}
    assert seeds <= set(profiles)
    assert any(pid.startswith("demo_") for pid in profiles)
    for pid in seeds:
        assert "NOT YET VERIFIED" in (DEFAULT_SITES_DIR / f"{pid}.yaml").read_text("utf-8")


def test_every_problem_of_a_profile_is_reported(tmp_path):
    text = (
        GOOD.format(id="other").replace("'/art/\\d+\\.html$'", "'/art/(\\d+.html'") + "colour: x\n"
    )
    with pytest.raises(ProfileError) as info:
        load_profile(write(tmp_path, "ceshi", text))
    fields = [field.split(".")[0] for field, _ in info.value.problems]
    assert sorted(fields) == ["articles", "colour", "id"]
    message = str(info.value)
    assert "regular expression" in message
    assert "unknown field" in message
    assert "must equal the file name" in message
