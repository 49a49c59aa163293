"""robots.txt for a draft: what the sample may fetch, the ``Disallow`` rules that become
``deny`` regexes, and the sitemaps it names. Matching is Protego's (the parser Scrapy's
``RobotsTxtMiddleware`` uses), so the draft and the crawl read the file the same way."""

from __future__ import annotations

from dataclasses import dataclass, field

from protego import Protego

from model.draft.shapes import escape


@dataclass
class Robots:
    """A parsed robots.txt (an empty one allows everything)."""

    text: str = ""
    agent: str = "*"
    sitemaps: list[str] = field(default_factory=list)
    disallow: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._parser = Protego.parse(self.text)
        self.sitemaps = list(self._parser.sitemaps)
        self.disallow = disallowed_paths(self.text, self.agent)

    def allowed(self, url: str) -> bool:
        return bool(self._parser.can_fetch(url, self.agent))

    def deny_patterns(self, origin: str) -> list[str]:
        """One anchored regex per ``Disallow`` path (``*`` any characters, ``$`` the end)."""
        out = []
        for path in self.disallow:
            end = path.endswith("$")
            body = escape(path.rstrip("$")).replace(r"\*", "[^#]*")
            out.append("^" + escape(origin) + body + ("$" if end else ""))
        return out


def disallowed_paths(text: str, agent: str) -> list[str]:
    """``Disallow`` paths of the group naming ``agent`` (the ``*`` group when none does)."""
    groups: list[tuple[list[str], list[str]]] = []
    agents: list[str] = []
    rules: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if rules:
                groups.append((agents, rules))
                agents, rules = [], []
            agents.append(value.lower())
        elif key == "disallow" and agents and value:
            rules.append(value)
    if agents:
        groups.append((agents, rules))
    token = agent.split("/", 1)[0].lower()
    for names, found in groups:
        if token != "*" and any(n != "*" and n in token for n in names):
            return found
    for names, found in groups:
        if "*" in names:
            return found
    return []
