"""The floor: the least work that still reads every feed. No pipeline can do less.

Fetch every feed with a minimal keep-alive client (http.client, 16 threads, one connection
per host and thread) and pull each item's title, link and date text out with lxml. Nothing is
decoded further, stored or published.

    python bench/floor.py URLS.json
"""

import http.client
import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree, html

ATOM = "{http://www.w3.org/2005/Atom}"
local = threading.local()


def fetch(url: str) -> bytes:
    parts = urlsplit(url)
    connections = local.__dict__.setdefault("connections", {})
    connection = connections.get(parts.netloc)
    if connection is None:
        connection = connections[parts.netloc] = http.client.HTTPConnection(parts.netloc)
    connection.request("GET", parts.path)
    return connection.getresponse().read()


def extract(body: bytes) -> list[tuple[str | None, str | None, str | None]]:
    if body.lstrip()[:15].lower().startswith(b"<!doctype html"):
        page = html.fromstring(body)  # a listing page (bench/corpus.py LISTING_SELECTORS)
        return [
            (item.findtext("h2/a"), item.find("h2/a").get("href"), item.findtext("time"))
            for item in page.iterfind(".//article")
        ]
    root = etree.fromstring(body)
    if root.tag == f"{ATOM}feed":
        return [
            (
                entry.findtext(f"{ATOM}title"),
                entry.find(f"{ATOM}link").get("href"),
                entry.findtext(f"{ATOM}published"),
            )
            for entry in root.iter(f"{ATOM}entry")
        ]
    return [
        (item.findtext("title"), item.findtext("link"), item.findtext("pubDate"))
        for item in root.iter("item")
    ]


def main() -> None:
    urls = json.loads(Path(sys.argv[1]).read_text())
    with ThreadPoolExecutor(16) as pool:
        items = sum(len(extract(body)) for body in pool.map(fetch, urls))
    print(items)


if __name__ == "__main__":
    main()
