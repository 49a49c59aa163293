"""Every site profile becomes a spider: ``scrapy list`` shows its id, ``scrapy crawl <id>`` runs it.

A Python spider class in ``spiders/`` with the same name as a profile wins over the generated
class (it still receives the profile). A profile that does not validate is not loaded; its
``ProfileError`` (file, field, reason) is kept in ``errors`` so commands can refuse it clearly.
"""

from __future__ import annotations

import builtins
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.spiderloader import SpiderLoader

from model.profiles import DEFAULT_SITES_DIR, ProfileError, SiteProfile, read_profiles

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
    """Scrapy spider loader over ``SITES_DIR`` (default: the built-in ``spiders/sites``)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        sites_dir = settings.get("SITES_DIR")
        self.sites_dir = Path(sites_dir) if sites_dir else DEFAULT_SITES_DIR
        self.profiles: dict[str, SiteProfile] = {}
        self.errors: dict[str, ProfileError] = {}
        self._load_profiles()

    def _load_profiles(self) -> None:
        self.profiles, self.errors = read_profiles(self.sites_dir)
        for err in self.errors.values():
            # the commands print refusals once; this loader is built several times per run
            logger.debug("Site profile refused: %s", err)
        for profile in self.profiles.values():
            python_cls = self._spiders.get(profile.id)
            if python_cls is not None and getattr(python_cls, "profile", None) is None:
                # a hand-written spider of the same name wins; give it the profile
                self._spiders[profile.id] = spider_class_for(profile, python_cls)
            else:
                self._spiders[profile.id] = spider_class_for(profile)

    def load(self, spider_name: str) -> type[Spider]:
        if spider_name in self.errors:
            raise KeyError(f"Site profile refused: {self.errors[spider_name]}")
        return super().load(spider_name)

    def list(self) -> builtins.list[str]:
        # the bare PortalSpider base class has no name and is never listed
        return sorted(name for name in self._spiders if name)

    def refusal(self, names: builtins.list[str]) -> ProfileError | None:
        """The refusal that stops a run of ``names``: an unusable SITES_DIR or a named profile."""
        for key in ("(SITES_DIR)", *names):
            if key in self.errors:
                return self.errors[key]
        return None

    def find_by_request(self, request: Request) -> builtins.list[str]:
        return [
            name
            for name, profile in self.profiles.items()
            if profile.is_article(request.url) or profile.is_list(request.url)
        ]
