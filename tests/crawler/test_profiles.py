"""Profile validation: a bad profile is refused naming the file, the field and the reason."""

from __future__ import annotations

import pytest

from model.profiles import (
    DEFAULT_SITES_DIR,
    ProfileError,
    SiteNames,
    load_profile,
    load_profiles,
    read_profiles,
)
from tests.helpers import run_python

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


def test_site_names_read_each_profile_when_asked(tmp_path):
    """The store process's names: the same as reading every profile, a refused or missing
    profile naming nothing, the given names first, one file read per site asked."""
    write(tmp_path, "ceshi", GOOD.format(id="ceshi"))
    write(tmp_path, "other", GOOD.format(id="other").replace("测试新闻网", "另一个新闻网"))
    write(tmp_path, "broken", GOOD.format(id="wrong"))
    names = SiteNames(tmp_path, {"given": "给定的"})
    assert names.get("ceshi") == "测试新闻网"
    assert names.get("broken") is None
    assert names.get("nosuch") is None
    assert names["given"] == "给定的"
    (tmp_path / "other.yaml").unlink()  # not read yet: now it is gone
    assert names.get("other") is None
    expected = {pid: p.name for pid, p in read_profiles(tmp_path)[0].items()}
    assert dict(SiteNames(tmp_path)) == expected == {"ceshi": "测试新闻网"}
    assert SiteNames(tmp_path / "none", {}) == {}
    assert not SiteNames(tmp_path / "none")


def test_profiles_reach_workers_without_yaml_or_pydantic():
    """A worker process unpickles the profile sent with every page: that must not import the
    YAML reader and the schema (the fork server's start-up)."""
    code = (
        "import pickle, sys\n"
        "from model.profiles import DEFAULT_SITES_DIR, load_profile\n"
        "path = sorted(DEFAULT_SITES_DIR.glob('*.yaml'))[0]\n"
        "data = pickle.dumps(load_profile(path))\n"
        "for name in [m for m in sys.modules if m.split('.')[0] in ('yaml', 'pydantic', "
        "'model')]:\n"
        "    del sys.modules[name]\n"
        "profile = pickle.loads(data)\n"
        "print(profile.id, profile.selectors is not None)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'yaml', 'pydantic'}))\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    first, loaded = result.stdout.splitlines()
    assert first.endswith(" True")
    assert loaded == "[]"
