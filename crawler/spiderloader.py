"""Every site profile becomes a spider: ``scrapy list`` shows its id, ``scrapy crawl <id>`` runs it.

A Python spider class in ``spiders/`` with the same name as a profile wins over the generated
class (it still receives the profile). Profiles are read when first needed. A profile that does not validate is not loaded; its
``ProfileError`` (file, field, reason) is kept in ``errors`` so commands can refuse it clearly.
"""

from __future__ import annotations

import builtins
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.spiderloader import SpiderLoader

from model.profiles import DEFAULT_SITES_DIR, ProfileError, SiteProfile, load_profile

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


def spider_class_for(profile: SiteProfile, base: type[Spider] | None = None) -> type[Spider]:
    """A spider class named after the profile id, carrying the profile."""
    if base is None:
        from spiders.portal import PortalSpider

        base = PortalSpider
    name = "".join(part.capitalize() for part in profile.id.split("_")) + "Spider"
    attrs: dict[str, Any] = {
        "name": profile.id,
        "profile": profile,
        "allowed_domains": list(profile.allowed_domains),
        "__module__": base.__module__,
    }
    return type(name, (base,), attrs)


class SitesSpiderLoader(SpiderLoader):
    """Scrapy spider loader over ``SITES_DIR`` (default: the built-in ``spiders/sites``).

    A profile is read when first needed: ``scrapy crawl <id>`` reads one file, not thousands
    (a profile's file name is its id). ``list()``, ``profiles`` and ``errors`` read them all.
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        sites_dir = settings.get("SITES_DIR")
        self.sites_dir = Path(sites_dir) if sites_dir else DEFAULT_SITES_DIR
        self._python = dict(self._spiders)  # hand-written spiders, by name
        self._read: dict[str, SiteProfile | ProfileError] = {}
        self._files: dict[str, Path] | None = None
        self._all_read = False

    def _profile_files(self) -> dict[str, Path]:
        if self._files is None:
            folder = self.sites_dir
            self._files = (
                {path.stem: path for path in sorted(folder.glob("*.y*ml"))}
                if folder.is_dir()
                else {}
            )
        return self._files

    def _get(self, name: str) -> SiteProfile | ProfileError | None:
        """The profile ``name`` (or its refusal), read on first use; None without a file."""
        if name not in self._read:
            path = self._profile_files().get(name)
            if path is None:
                return None
            try:
                profile: SiteProfile | ProfileError = load_profile(path)
            except ProfileError as err:
                # the commands print refusals once; this loader is built several times per run
                logger.debug("Site profile refused: %s", err)
                profile = err
            self._read[name] = profile
            if isinstance(profile, SiteProfile):
                self._spiders[name] = self._spider_class(profile)
        return self._read[name]

    def _spider_class(self, profile: SiteProfile) -> type[Spider]:
        python_cls = self._python.get(profile.id)
        if python_cls is not None and getattr(python_cls, "profile", None) is None:
            # a hand-written spider of the same name wins; give it the profile
            return spider_class_for(profile, python_cls)
        return spider_class_for(profile)

    def _read_all(self) -> None:
        if not self._all_read:
            for name in self._profile_files():
                self._get(name)
            self._all_read = True

    @property
    def profiles(self) -> dict[str, SiteProfile]:
        """Every profile that validates, by id (reads them all)."""
        self._read_all()
        return {k: v for k, v in self._read.items() if isinstance(v, SiteProfile)}

    @property
    def errors(self) -> dict[str, ProfileError]:
        """Every refusal, by file stem; ``(SITES_DIR)`` when the folder is unusable."""
        if not self.sites_dir.is_dir():
            return {"(SITES_DIR)": ProfileError(self.sites_dir, "SITES_DIR", "not a directory")}
        self._read_all()
        return {k: v for k, v in self._read.items() if isinstance(v, ProfileError)}

    def load(self, spider_name: str) -> type[Spider]:
        found = self._get(spider_name)
        if isinstance(found, ProfileError):
            raise KeyError(f"Site profile refused: {found}")
        return super().load(spider_name)

    def list(self) -> builtins.list[str]:
        self._read_all()
        # the bare PortalSpider base class has no name and is never listed
        return sorted(name for name in self._spiders if name)

    def knows(self, name: str) -> bool:
        """True when ``name`` is a site (a valid profile) or a hand-written spider."""
        return isinstance(self._get(name), SiteProfile) or name in self._python

    def refusal(self, names: builtins.list[str]) -> ProfileError | None:
        """The refusal that stops a run of ``names``: an unusable SITES_DIR or a named profile."""
        if not self.sites_dir.is_dir():
            return self.errors["(SITES_DIR)"]
        for name in names:
            found = self._get(name)
            if isinstance(found, ProfileError):
                return found
        return None

    def find_by_request(self, request: Request) -> builtins.list[str]:
        return [
            name
            for name, profile in self.profiles.items()
            if profile.is_article(request.url) or profile.is_list(request.url)
        ]
