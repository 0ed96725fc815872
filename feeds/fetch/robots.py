"""robots.txt, read once per host per run, for pages we crawl (html and sitemap sources).

Follows RFC 9309: a missing robots.txt (4xx) allows everything; one that cannot be read
(5xx, network error) disallows everything for this run, the cautious reading.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

ROBOTS_MAX_BYTES = 512 * 1024
USER_AGENT_TOKEN = "feeds"


@dataclass(slots=True)
class RobotsRules:
    parser: RobotFileParser | None  # None: everything allowed
    disallow_all: bool = False

    def allows(self, url: str) -> bool:
        if self.disallow_all:
            return False
        return self.parser is None or self.parser.can_fetch(USER_AGENT_TOKEN, url)

    def crawl_delay(self) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(USER_AGENT_TOKEN)
        return float(delay) if delay is not None else None

    def sitemaps(self) -> list[str]:
        return list(self.parser.site_maps() or []) if self.parser else []


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def parse_robots(text: str) -> RobotsRules:
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return RobotsRules(parser=parser)


ALLOW_ALL = RobotsRules(parser=None)
DISALLOW_ALL = RobotsRules(parser=None, disallow_all=True)
