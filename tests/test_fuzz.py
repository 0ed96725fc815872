"""Fuzzing extract + normalise with mutated real inputs (hypothesis drives the mutations).

Seeds are the project's own fixture feeds and pages; each example flips, deletes, inserts or
duplicates bytes, truncates, or splices two seeds. Whatever comes in, extraction either yields
entries that normalise cleanly or rejects the input with the errors it is designed to raise
(ExtractError, SitemapError) — never another exception, never a hang.

CI runs a bounded number of examples (about a minute in all); for a longer run by hand:
    FEEDS_FUZZ_EXAMPLES=20000 pytest tests/test_fuzz.py
Every crash found becomes a regression test in REGRESSIONS below.
"""

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.extract import ExtractError, parse_feed
from feeds.extract.page import extract_article
from feeds.extract.sitemap import SitemapError, parse_sitemap
from feeds.normalise.article import normalise_entry
from tests.conftest import FEED_FIXTURES, SITE_FIXTURES

EXAMPLES = int(os.environ.get("FEEDS_FUZZ_EXAMPLES", "1000"))
SLOW_INPUTS = [HealthCheck.too_slow, HealthCheck.data_too_large]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=SLOW_INPUTS)  # fmt: skip
FETCHED = datetime(2026, 11, 28, tzinfo=UTC)
JAKARTA = ZoneInfo("Asia/Jakarta")

FEED_SEEDS = [path.read_bytes() for path in sorted(FEED_FIXTURES.iterdir())
              if path.suffix in (".xml", ".rdf", ".json")]  # fmt: skip
PAGE_SEEDS = [path.read_bytes() for path in sorted(SITE_FIXTURES.rglob("*.html"))][:12]
SITEMAP_SEEDS = [path.read_bytes() for path in sorted(SITE_FIXTURES.rglob("*sitemap*.xml"))]

# Inputs that once broke something; kept forever.
REGRESSIONS: list[bytes] = [
    b"<rss><channel><item><title>\x00\x01</title><link>http://[::1</link></item></channel></rss>",
    b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": 1, "url": 5}]}',
    b"<?xml version='1.0' encoding='bogus'?><rss><channel><item><guid>\xff\xfe</guid>",
    b'<?xml version="1.0" encoding="\x80tf-8"?><rss><channel><item><title>a</title></item>',
    b'<?xml version="1.0" encoding="\x00tf-8"?><rss><channel><item><title>a</title></item>',
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate",
                                       "splice"]))  # fmt: skip
        if action == "flip":
            data[position] = draw(st.integers(0, 255))
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 64))]
        elif action == "insert":
            data[position:position] = draw(st.sampled_from([
                b"<", b">", b"&", b"&amp;", b"<![CDATA[", b"]]>", b"<!ENTITY a 'b'>", b"\x00",
                b"\xff\xfe", b"<item>", b"</item>", b"<entry>", b'"', b"{", b"}", b"\\u0000",
            ]))  # fmt: skip
        elif action == "duplicate":
            chunk = data[position : position + draw(st.integers(1, 256))]
            data[position:position] = chunk
        elif action == "truncate":
            del data[position:]
        else:
            other = draw(st.sampled_from(seeds))
            data[position:] = other[draw(st.integers(0, max(0, len(other) - 1))) :]
    return bytes(data)


def extract_and_normalise(body: bytes) -> None:
    try:
        result = parse_feed(body, url="https://fuzz.example/feed")
    except ExtractError:
        return
    for entry in result.entries:
        article = normalise_entry(entry, source_id="fuzz", timezone=JAKARTA, fetched_at=FETCHED)
        if article is not None:
            assert article.id and article.title is not None


@FUZZ
@given(mutated(FEED_SEEDS))
def test_feeds_survive_mutation(body: bytes) -> None:
    extract_and_normalise(body)


@FUZZ
@given(mutated(PAGE_SEEDS))
def test_article_pages_survive_mutation(body: bytes) -> None:
    page = extract_article(body, url="https://fuzz.example/berita/1")
    assert page.url


@FUZZ
@given(mutated(SITEMAP_SEEDS))
def test_sitemaps_survive_mutation(body: bytes) -> None:
    with contextlib.suppress(SitemapError):
        parse_sitemap(body, url="https://fuzz.example/sitemap.xml")


SITEMAP_REGRESSIONS: list[bytes] = [
    b'<urlset xmlns="}http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>x</loc></url>'
    b"</urlset>",
]

PAGE_REGRESSIONS: list[bytes] = [
    b'<!DOCTYPE html>\n<h\n{>\n  "',  # an attribute named "{": lxml would not delete it
    b'<a href="https://[">x</a><link rel="canonical" href="https://[::1">',  # bad IPv6
]


def test_regressions() -> None:
    for body in REGRESSIONS:
        extract_and_normalise(body)
    for body in SITEMAP_REGRESSIONS:
        with contextlib.suppress(SitemapError):
            parse_sitemap(body, url="https://fuzz.example/sitemap.xml")
    for body in PAGE_REGRESSIONS:
        assert extract_article(body, url="https://fuzz.example/berita/1").url


def test_the_seeds_are_there() -> None:
    assert len(FEED_SEEDS) >= 10 and len(PAGE_SEEDS) >= 10 and SITEMAP_SEEDS
    assert all(isinstance(seed, bytes) for seed in FEED_SEEDS)
    assert Path(FEED_FIXTURES).is_dir()
