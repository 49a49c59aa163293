"""The site profile's YAML schema (pydantic), imported only when a profile file is read
(``model.profiles.parse_profile``): field types, bounds and the checks of regexes, URLs,
encodings and cron expressions."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from model.patterns import pattern_problem


class _Selectors(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str | None = None
    published: str | None = None
    author: str | None = None
    source: str | None = None
    editor: str | None = None
    body: str | None = None


def _check_regexes(value: list[str]) -> list[str]:
    for pattern in value:
        problem = pattern_problem(pattern)  # bad syntax or catastrophic backtracking
        if problem is not None:
            raise ValueError(problem)
    return value


def _check_urls(value: list[str]) -> list[str]:
    for url in value:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an absolute http(s) URL: {url!r}")
    return value


class ProfileModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1)
    region: str | None = None
    admin_code: str | None = Field(default=None, pattern=r"^\d{6}$")
    start_urls: list[str] = Field(min_length=1)
    allowed_domains: list[str] | None = None
    follow: list[str] = Field(default_factory=list)
    articles: list[str] = Field(min_length=1)
    deny: list[str] = Field(default_factory=list)
    sitemaps: list[str] = Field(default_factory=list)
    feeds: list[str] = Field(default_factory=list)
    max_list_pages: int | None = Field(default=None, ge=1)
    encoding: str | None = None
    schedule: str | None = None
    selectors: _Selectors = Field(default_factory=_Selectors)

    _regexes = field_validator("follow", "articles", "deny")(_check_regexes)
    _urls = field_validator("start_urls", "sitemaps", "feeds")(_check_urls)

    @field_validator("encoding")
    @classmethod
    def _known_codec(cls, value: str | None) -> str | None:
        import codecs

        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(f"unknown encoding {value!r}") from None
        return value

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None:
            from croniter import croniter

            if not croniter.is_valid(value):
                raise ValueError(f"not a valid cron expression: {value!r}")
        return value
