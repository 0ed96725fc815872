"""The naive pipeline, written plainly as a user would: the reference `feeds` must beat.

fetch every feed (httpx, 16 threads) -> feedparser with its defaults -> merge, de-duplicate by
link -> sort by feedparser's parsed date -> feedgen RSS + Atom of the newest N.
No state between runs, so there are no conditional requests: every run is a cold run.

    python bench/baseline_naive.py URLS.json OUTPUT_FOLDER [N]
"""

import calendar
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import httpx
from feedgen.feed import FeedGenerator


def main() -> None:
    urls = json.loads(Path(sys.argv[1]).read_text())
    output = Path(sys.argv[2])
    newest = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    output.mkdir(parents=True, exist_ok=True)

    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(16) as pool:
        bodies = list(pool.map(lambda url: client.get(url).content, urls))

    entries = {}
    for body in bodies:
        for entry in feedparser.parse(body).entries:
            link = entry.get("link")
            if link and link not in entries and entry.get("published_parsed"):
                entries[link] = entry
    ordered = sorted(
        entries.values(), key=lambda entry: calendar.timegm(entry.published_parsed), reverse=True
    )[:newest]

    feed = FeedGenerator()
    feed.title("Berita Terkini")
    feed.link(href="https://berita.example.id/", rel="alternate")
    feed.id("https://berita.example.id/")
    feed.description("Berita terkini")
    for entry in reversed(ordered):  # feedgen puts the last added entry first
        item = feed.add_entry()
        item.id(entry.link)
        item.title(entry.get("title", ""))
        item.link(href=entry.link)
        item.description(entry.get("summary", ""))
        item.published(datetime.fromtimestamp(calendar.timegm(entry.published_parsed), UTC))
    feed.rss_file(str(output / "naive.rss"))
    feed.atom_file(str(output / "naive.atom"))
    print(json.dumps([entry.link for entry in ordered]))


if __name__ == "__main__":
    main()
