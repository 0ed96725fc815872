"""WebSub publisher pings (https://www.w3.org/TR/websub/ §7): after a publish changes a feed,
tell the hub, which fetches the feed once and pushes it to subscribers, so readers learn of
new articles in seconds instead of at their next poll.

A ping is a form POST `hub.mode=publish&hub.url=<topic>`. Several `hub.url` values in one
request are accepted by many hubs but not all, so each topic gets its own request (sent
concurrently). A hub that is down must never break publishing: problems are returned, not
raised.
"""

import asyncio
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import aiohttp

from feeds.fetch.fetcher import user_agent

if TYPE_CHECKING:  # only for annotations: feeds.publish may import this module itself
    from feeds.config import Settings
    from feeds.publish import PublishReport

FEED_SUFFIXES = (".rss", ".atom", ".json")


async def ping_hub(
    hub_url: str,
    topic_urls: list[str],
    *,
    client: aiohttp.ClientSession | None = None,
    timeout: float = 10,
    home_page: str | None = None,
) -> list[str]:
    """Ping `hub_url` once per topic; the problems, empty when every ping got a 2xx.

    A given `client` is used and left open; otherwise one is made for the pings, with the
    project's User-Agent (naming `home_page` when given)."""
    topics = list(dict.fromkeys(topic_urls))  # each topic once, in order
    if not topics:
        return []
    if client is not None:
        return await ping_all(client, hub_url, topics, timeout)
    headers = {"User-Agent": user_agent(home_page)}
    async with aiohttp.ClientSession(headers=headers) as own:
        return await ping_all(own, hub_url, topics, timeout)


async def ping_all(
    client: aiohttp.ClientSession, hub_url: str, topics: list[str], timeout: float
) -> list[str]:
    answers = await asyncio.gather(*(ping_one(client, hub_url, t, timeout) for t in topics))
    return [problem for problem in answers if problem is not None]


async def ping_one(
    client: aiohttp.ClientSession, hub_url: str, topic: str, timeout: float
) -> str | None:
    """One ping; a problem naming the topic and the hub, or None."""
    form = {"hub.mode": "publish", "hub.url": topic}
    try:
        async with client.post(
            hub_url,
            data=form,
            allow_redirects=False,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            if 200 <= response.status < 300:
                return None
            answer = f"HTTP {response.status} {response.reason or ''}".strip()
            detail = (await response.text(errors="replace")).strip()[:200]
    except TimeoutError:
        return f"WebSub ping for {topic}: hub {hub_url} did not answer within {timeout:g} s"
    except (aiohttp.ClientError, ValueError) as error:  # ValueError: a URL it cannot use
        reason = str(error) or type(error).__name__
        return f"WebSub ping for {topic}: cannot reach hub {hub_url}: {reason}"
    return f"WebSub ping for {topic}: hub {hub_url} answered {answer}" + (
        f": {detail}" if detail else ""
    )


def feed_urls_changed(reports: "Iterable[PublishReport]", settings: "Settings") -> list[str]:
    """The public URLs of the feed files (.rss, .atom, .json) a publish actually wrote: the
    topics to ping. Unchanged files are left out, so an idle run pings nothing."""
    urls = [
        settings.self_url(name)
        for report in reports
        for name in report.written
        if PurePosixPath(name).suffix in FEED_SUFFIXES
    ]
    return list(dict.fromkeys(urls))
