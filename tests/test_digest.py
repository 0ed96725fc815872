"""feeds/digest.py: items a source lists again exactly as before are recognised by their entry
digest and not normalised again; anything that could make a different article is read again."""

from datetime import UTC, datetime

import feeds.digest
from feeds.digest import Digest, digest_feed, entry_digest
from feeds.extract import RawEntry

FETCHED_AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def feed(*items: tuple[str, str, str]) -> bytes:
    """RSS 2.0 with (title, link, pubDate) items."""
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
        f"<description>&lt;p&gt;Isi berita {title}.&lt;/p&gt;</description></item>"
        for title, link, date in items
    )
    channel = f"<channel><title>T</title>{body}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


ITEMS = [
    (f"Berita {number}", f"https://portal.example/{number}", "Sat, 28 Nov 2026 09:00:00 +0700")
    for number in range(5)
]


def digest(body: bytes, known: dict[str, str] | None = None, **context: str) -> Digest:
    options = {"source_id": "portal", "timezone": "Asia/Jakarta", "language": "id", **context}
    result = digest_feed(
        body, url="https://portal.example/rss", content_type=None, fetched_at=FETCHED_AT,
        kind="feed", known_entries=known, **options,
    )  # fmt: skip
    assert result is not None
    return result


def known_from(first: Digest) -> dict[str, str]:
    """What the store keeps of a first read: each article's entry digest and id."""
    return {article.entry_digest: article.id for article in first.articles if article.entry_digest}


def test_items_read_before_are_recognised_and_not_normalised(normalised) -> None:
    first = digest(feed(*ITEMS))
    assert len(first.articles) == 5 and first.unchanged == []
    assert len(normalised) == 5
    normalised.clear()

    again = digest(feed(*ITEMS), known_from(first))
    assert again.articles == [] and normalised == []
    assert again.unchanged == [article.id for article in first.articles]  # in feed order
    assert again.entries == 5


def test_an_edited_item_and_a_new_one_are_read_the_others_are_not(normalised) -> None:
    first = digest(feed(*ITEMS))
    normalised.clear()
    edited = ("Berita 2 (diperbarui)", ITEMS[2][1], ITEMS[2][2])
    new = ("Berita 9", "https://portal.example/9", "Sat, 28 Nov 2026 10:00:00 +0700")
    again = digest(feed(new, ITEMS[0], ITEMS[1], edited, ITEMS[3], ITEMS[4]), known_from(first))
    assert normalised == ["Berita 9", "Berita 2 (diperbarui)"]
    assert [article.title for article in again.articles] == normalised
    assert again.unchanged == [first.articles[i].id for i in (0, 1, 3, 4)]


def test_the_digest_covers_the_source_settings_and_the_version(monkeypatch) -> None:
    """Another time zone or language reads the same item into another article, and so may a
    new version of feeds: each makes a new digest, so the item is read again."""
    entry = RawEntry(title="Berita", link="https://portal.example/1", published="Sabtu 09:00")
    context = ("portal", "Asia/Jakarta", "id")
    base = entry_digest(entry, context)
    assert entry_digest(RawEntry(**{**entry_fields(entry)}), context) == base  # a copy: same
    assert entry_digest(entry, ("portal", "Asia/Makassar", "id")) != base
    assert entry_digest(entry, ("portal", "Asia/Jakarta", "en")) != base
    assert entry_digest(entry, ("lain", "Asia/Jakarta", "id")) != base
    assert entry_digest(RawEntry(**{**entry_fields(entry), "title": "Berita!"}), context) != base
    monkeypatch.setattr(feeds.digest, "__version__", "99.0")
    assert entry_digest(entry, context) != base

    first = digest(feed(*ITEMS))
    elsewhere = digest(feed(*ITEMS), known_from(first), timezone="Asia/Makassar")
    assert elsewhere.unchanged == [] and len(elsewhere.articles) == 5


def entry_fields(entry: RawEntry) -> dict[str, object]:
    return {name: getattr(entry, name) for name in RawEntry.__slots__}


def test_clamped_and_implausible_dates_are_always_read_again(normalised) -> None:
    """A future date is clamped to the fetch time (a later fetch gives another date), and a
    1970 date is warned about at every fetch: neither is recorded for recognising."""
    items = [
        ("Masa depan", "https://portal.example/f", "Mon, 01 Jan 2035 09:00:00 +0700"),
        ("Tanpa tanggal", "https://portal.example/z", "Thu, 01 Jan 1970 00:00:00 +0000"),
        ITEMS[0],
    ]
    first = digest(feed(*items))
    assert [(a.date_clamped, a.date_implausible) for a in first.articles] == [
        (True, False), (False, True), (False, False)]  # fmt: skip
    assert [a.entry_digest is None for a in first.articles] == [True, True, False]
    normalised.clear()
    again = digest(feed(*items), known_from(first))
    assert normalised == ["Masa depan", "Tanpa tanggal"]
    assert again.unchanged == [first.articles[2].id]


def test_a_recognised_item_keeps_its_article_against_a_later_item_with_the_same_link() -> None:
    """A feed listing one link twice: the first item makes the article, as when both are
    normalised; a changed second copy must not update it."""
    first = digest(feed(ITEMS[0], ITEMS[1]))
    copy = ("Salinan lain", ITEMS[0][1], ITEMS[0][2])
    again = digest(feed(ITEMS[0], ITEMS[1], copy), known_from(first))
    assert again.articles == []
    assert again.unchanged == [first.articles[0].id, first.articles[1].id]
