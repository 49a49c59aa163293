"""Site profiles: one YAML file per portal (README "Site profiles"), validated on load.

A profile that does not validate raises ``ProfileError(file, field, reason)``; nothing is
crawled. No Scrapy import here: the spider loader, replay and the extract command share it.
PyYAML and pydantic (``model.profile_schema``) are imported when a profile is read: a worker
process that only receives profiles with its pages needs neither (~0.2 s of its fork server's
start-up).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from model.patterns import compile_bounded, search_bounded

DEFAULT_SITES_DIR = Path(__file__).resolve().parent.parent / "spiders" / "sites"
SELECTOR_FIELDS = ("title", "published", "author", "source", "editor", "body")
VERDICTS_KEPT = 65_536  # URLs whose classification a profile remembers (then it starts over)
_ARTICLE, _LIST, _DENIED = 1, 2, 4
_LOCAL = frozenset({"_verdicts", "article_res", "follow_res", "deny_res"})  # not pickled


class ProfileError(ValueError):
    """A profile file that cannot be used, naming the file, the field and the reason; ``problems``
    holds every (field, reason) found, ``field`` and ``reason`` the first."""

    def __init__(
        self,
        file: str | Path,
        field: str,
        reason: str,
        problems: list[tuple[str, str]] | None = None,
    ) -> None:
        self.file, self.field, self.reason = str(file), field, reason
        self.problems = problems or [(field, reason)]
        listed = "; ".join(f"field {name!r}: {why}" for name, why in self.problems)
        super().__init__(f"{self.file}: {listed}")


@dataclass(frozen=True, slots=True)
class Selectors:
    """CSS or XPath overrides per field (a value starting with ``/`` or ``(`` is XPath)."""

    title: str | None = None
    published: str | None = None
    author: str | None = None
    source: str | None = None
    editor: str | None = None
    body: str | None = None


@dataclass(frozen=True)
class SiteProfile:
    """One portal, as its YAML file describes it (README "Site profiles" lists the fields)."""

    id: str
    name: str
    start_urls: tuple[str, ...]
    articles: tuple[str, ...]
    follow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    region: str | None = None
    admin_code: str | None = None
    max_list_pages: int | None = None
    encoding: str | None = None
    schedule: str | None = None
    selectors: Selectors = field(default_factory=Selectors)
    path: str | None = None

    # compiled with the ``regex`` module: every match is bounded in time (model.patterns)
    @cached_property
    def article_res(self) -> tuple[Any, ...]:
        return tuple(compile_bounded(p) for p in self.articles)

    @cached_property
    def follow_res(self) -> tuple[Any, ...]:
        return tuple(compile_bounded(p) for p in self.follow)

    @cached_property
    def deny_res(self) -> tuple[Any, ...]:
        return tuple(compile_bounded(p) for p in self.deny)

    @cached_property
    def _verdicts(self) -> dict[str, int]:
        """URL -> ``ARTICLE | LIST | DENIED`` bits, for the URLs seen last: a crawl meets the
        same navigation and related-article links on every page, and each bounded match costs
        microseconds. Not pickled (see ``__getstate__``)."""
        return {}

    def _verdict(self, url: str) -> int:
        verdicts = self._verdicts
        found = verdicts.get(url)
        if found is None:
            found = (
                (_DENIED if any(search_bounded(r, url) for r in self.deny_res) else 0)
                | (_ARTICLE if any(search_bounded(r, url) for r in self.article_res) else 0)
                | (_LIST if any(search_bounded(r, url) for r in self.follow_res) else 0)
            )
            if len(verdicts) >= VERDICTS_KEPT:
                verdicts.clear()
            verdicts[url] = found
        return found

    def is_article(self, url: str) -> bool:
        """True if ``url`` matches ``articles`` and no ``deny`` pattern."""
        return self._verdict(url) & (_ARTICLE | _DENIED) == _ARTICLE

    def is_list(self, url: str) -> bool:
        """True if ``url`` matches ``follow`` and no ``deny`` pattern."""
        return self._verdict(url) & (_LIST | _DENIED) == _LIST

    def is_denied(self, url: str) -> bool:
        return bool(self._verdict(url) & _DENIED)

    def __getstate__(self) -> dict[str, Any]:
        # sent to a worker with every page: the verdicts and compiled patterns stay here
        return {k: v for k, v in self.__dict__.items() if k not in _LOCAL}


def _field_of(location: tuple[int | str, ...]) -> str:
    loc = [str(part) for part in location]
    # pydantic appends the index of a bad list item; keep the field name and the index
    return ".".join(loc) or "(file)"


def parse_profile(data: Any, path: str | Path) -> SiteProfile:
    """Validate one profile's parsed YAML; raise ProfileError naming file, field and reason."""
    if not isinstance(data, dict):
        raise ProfileError(path, "(file)", "expected a mapping of profile fields")
    from pydantic import ValidationError

    from model.profile_schema import ProfileModel

    problems: list[tuple[str, str]] = []
    try:
        model = ProfileModel.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            reason = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                reason = "required field is missing"
            elif err["type"] == "extra_forbidden":
                reason = "unknown field"
            problems.append((_field_of(err["loc"]), reason))
    stem = Path(path).stem
    if isinstance(data.get("id"), str) and data["id"] != stem:
        problems.append(("id", f"id {data['id']!r} must equal the file name {stem!r}"))
    if problems:
        raise ProfileError(path, *problems[0], problems=problems)
    allowed = model.allowed_domains
    if allowed is None:
        allowed = sorted({urlsplit(u).hostname or "" for u in model.start_urls})
    return SiteProfile(
        id=model.id,
        name=model.name,
        start_urls=tuple(model.start_urls),
        articles=tuple(model.articles),
        follow=tuple(model.follow),
        deny=tuple(model.deny),
        allowed_domains=tuple(allowed),
        sitemaps=tuple(model.sitemaps),
        feeds=tuple(model.feeds),
        region=model.region,
        admin_code=model.admin_code,
        max_list_pages=model.max_list_pages,
        encoding=model.encoding,
        schedule=model.schedule,
        selectors=Selectors(**model.selectors.model_dump()),
        path=str(path),
    )


def load_profile(path: str | Path) -> SiteProfile:
    """Read and validate one YAML profile file."""
    import yaml

    # libyaml's loader when PyYAML was built with it: ten times faster than the Python one
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(path, "(file)", f"cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        raise ProfileError(path, "(file)", f"not valid YAML: {exc}") from None
    return parse_profile(data, path)


def read_profiles(
    sites_dir: str | Path | None = None,
) -> tuple[dict[str, SiteProfile], dict[str, ProfileError]]:
    """The profiles of a folder that validate, by id, and the refusals by file stem (key
    ``(SITES_DIR)`` when the folder itself is missing). Never raises."""
    folder = Path(sites_dir) if sites_dir else DEFAULT_SITES_DIR
    if not folder.is_dir():
        return {}, {"(SITES_DIR)": ProfileError(folder, "SITES_DIR", "not a directory")}
    profiles: dict[str, SiteProfile] = {}
    errors: dict[str, ProfileError] = {}
    for path in sorted(folder.glob("*.y*ml")):
        try:
            profile = load_profile(path)
        except ProfileError as err:
            errors[path.stem] = err
            continue
        profiles[profile.id] = profile
    return profiles, errors


def load_profiles(sites_dir: str | Path | None = None) -> dict[str, SiteProfile]:
    """All profiles of a folder by id; the first bad file raises ProfileError."""
    profiles, errors = read_profiles(sites_dir)
    if errors:
        raise next(iter(errors.values()))
    return profiles


class SiteNames(Mapping[str, str]):
    """Site names by id, for the duplicate index's canonical rule: ``known`` ones given, the
    others read from ``sites_dir``'s profile file of that id when first asked (a profile's file
    name is its id) and kept; a site without a valid profile has no name. The store process
    thus starts without reading every profile (thousands of files, and PyYAML and pydantic
    imported, before its first commit): a crawl hands it the names of its own sites."""

    def __init__(
        self, sites_dir: str | Path | None = None, known: Mapping[str, str] | None = None
    ) -> None:
        self.folder = Path(sites_dir) if sites_dir else DEFAULT_SITES_DIR
        self._names: dict[str, str | None] = dict(known or {})
        self._files: dict[str, Path] | None = None

    def _paths(self) -> dict[str, Path]:
        if self._files is None:
            found = sorted(self.folder.glob("*.y*ml")) if self.folder.is_dir() else []
            self._files = {path.stem: path for path in found}  # the last one, as read_profiles
        return self._files

    def __getitem__(self, site: str) -> str:
        if site not in self._names:
            path = self._paths().get(site)
            try:
                self._names[site] = None if path is None else load_profile(path).name
            except ProfileError:
                self._names[site] = None
        name = self._names[site]
        if name is None:
            raise KeyError(site)
        return name

    def __iter__(self) -> Iterator[str]:
        return (site for site in sorted({*self._paths(), *self._names}) if site in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:  # without reading every profile
        return bool(self._paths()) or any(name is not None for name in self._names.values())
