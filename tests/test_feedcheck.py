"""Proves that tests/feedcheck.py catches each W3C Feed Validation Service rule it claims.

Every case starts from a feed that checks clean (GOOD_RSS / GOOD_ATOM), changes one thing
and expects the validator's message for it, with the validator's level (error/warning).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from tests.feedcheck import check_atom, check_rss

RSS_SELF = "https://example.com/feeds/terkini.xml"
ATOM_SELF = "https://example.com/feeds/terkini.atom"

GOOD_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:media="http://search.yahoo.com/mrss/">
  <channel>
    <title>Berita Terkini</title>
    <link>https://example.com/</link>
    <description>Berita terbaru dari seluruh Indonesia</description>
    <atom:link href="https://example.com/feeds/terkini.xml" rel="self"
               type="application/rss+xml"/>
    <language>id</language>
    <copyright>© 2024 Contoh Media</copyright>
    <managingEditor>redaksi@example.com (Redaksi)</managingEditor>
    <pubDate>Mon, 01 Jan 2024 08:00:00 +0700</pubDate>
    <lastBuildDate>Mon, 01 Jan 2024 08:00:00 +0700</lastBuildDate>
    <category>Nasional</category>
    <generator>feeds 0.1.0</generator>
    <ttl>15</ttl>
    <image>
      <url>https://example.com/logo.png</url>
      <title>Berita Terkini</title>
      <link>https://example.com/</link>
      <width>144</width>
      <height>60</height>
    </image>
    <item>
      <title>Harga beras naik &amp; stok menipis</title>
      <link>https://example.com/berita/1</link>
      <description>&lt;p&gt;Ringkasan &lt;a href="https://example.com/berita/1"&gt;berita&lt;/a&gt;.&lt;/p&gt;</description>
      <content:encoded><![CDATA[<p>Isi berita <strong>lengkap</strong>.</p>
        <img src="https://example.com/img/1.jpg" alt="Foto">]]></content:encoded>
      <dc:creator>Budi Santoso</dc:creator>
      <category>Ekonomi</category>
      <guid isPermaLink="true">https://example.com/berita/1</guid>
      <pubDate>Mon, 01 Jan 2024 07:30:00 +0700</pubDate>
      <enclosure url="https://example.com/img/1.jpg" length="34567" type="image/jpeg"/>
      <media:content url="https://example.com/img/1.jpg" medium="image" type="image/jpeg"
                     width="640" height="480">
        <media:title type="plain">Foto pasar</media:title>
        <media:credit role="photographer">Ani</media:credit>
      </media:content>
      <media:thumbnail url="https://example.com/img/1-thumb.jpg" width="120" height="90"/>
    </item>
    <item>
      <title>Judul dua</title>
      <link>https://example.com/berita/2</link>
      <author>budi@example.com (Budi Santoso)</author>
      <guid isPermaLink="false">urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</guid>
      <pubDate>Sun, 31 Dec 2023 23:15:00 GMT</pubDate>
      <enclosure url="https://example.com/audio/2.mp3" length="0" type="audio/mpeg"/>
    </item>
  </channel>
</rss>
"""

GOOD_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="id">
  <id>tag:example.com,2024:feeds/terkini</id>
  <title>Berita Terkini</title>
  <subtitle>Berita terbaru dari seluruh Indonesia</subtitle>
  <updated>2024-01-01T08:00:00+07:00</updated>
  <link rel="self" type="application/atom+xml" href="https://example.com/feeds/terkini.atom"/>
  <link rel="alternate" type="text/html" href="https://example.com/"/>
  <author>
    <name>Redaksi</name>
    <email>redaksi@example.com</email>
    <uri>https://example.com/</uri>
  </author>
  <generator uri="https://example.com/" version="0.1.0">feeds</generator>
  <rights>© 2024 Contoh Media</rights>
  <entry>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <title>Harga beras naik &amp; stok menipis</title>
    <updated>2024-01-01T07:30:00+07:00</updated>
    <published>2024-01-01T07:00:00+07:00</published>
    <link rel="alternate" type="text/html" href="https://example.com/berita/1"/>
    <link rel="enclosure" type="image/jpeg" length="34567" href="https://example.com/img/1.jpg"/>
    <category term="ekonomi" label="Ekonomi" scheme="https://example.com/kategori/"/>
    <summary type="html">&lt;p&gt;Ringkasan berita.&lt;/p&gt;</summary>
    <content type="html">&lt;p&gt;Isi &lt;a href="https://example.com/x"&gt;lengkap&lt;/a&gt;.&lt;/p&gt;</content>
  </entry>
  <entry>
    <id>https://example.com/berita/2</id>
    <title type="text">Judul dua</title>
    <updated>2023-12-31T23:15:00Z</updated>
    <author><name>Budi Santoso</name></author>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">
      <p>Isi <em>kedua</em>.</p></div></content>
    <link href="https://example.com/berita/2"/>
  </entry>
</feed>
"""


def variant(base: str, old: str, new: str) -> bytes:
    """The base feed with one change; refuses to run if the change would be a no-op."""
    assert base.count(old) == 1, f"fixture text must occur exactly once: {old!r}"
    return base.replace(old, new).encode("utf-8")


def assert_reported(problems: list[str], level: str, text: str) -> None:
    found = [p for p in problems if p.startswith(f"{level}:") and text in p]
    assert found, f"expected an {level} containing {text!r}; got {problems}"


def rfc822(day: dt.date, clock: str = "08:00:00 +0700") -> str:
    """An RFC 822 date with the right weekday, for dates computed at test time."""
    weekday = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[day.weekday()]
    return f"{weekday}, {day.day:02d} {day.strftime('%b')} {day.year} {clock}"


@dataclass(frozen=True)
class Case:
    """One bad variant: replace `old` by `new`, expect `level` with `message`."""

    old: str
    new: str
    level: str
    message: str


# --------------------------------------------------------------------------------------
# The good feeds are clean
# --------------------------------------------------------------------------------------


def test_good_rss_is_clean() -> None:
    assert check_rss(GOOD_RSS.encode(), self_url=RSS_SELF) == []


def test_good_atom_is_clean() -> None:
    assert check_atom(GOOD_ATOM.encode(), self_url=ATOM_SELF) == []


# --------------------------------------------------------------------------------------
# RSS 2.0
# --------------------------------------------------------------------------------------

ITEM1_TITLE = "<title>Harga beras naik &amp; stok menipis</title>"
ITEM1_DESCRIPTION = (
    '<description>&lt;p&gt;Ringkasan &lt;a href="https://example.com/berita/1"&gt;'
    "berita&lt;/a&gt;.&lt;/p&gt;</description>"
)
ITEM1_GUID = '<guid isPermaLink="true">https://example.com/berita/1</guid>'
ITEM2_GUID = '<guid isPermaLink="false">urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</guid>'
ITEM1_PUBDATE = "<pubDate>Mon, 01 Jan 2024 07:30:00 +0700</pubDate>"
ITEM1_ENCLOSURE = (
    '<enclosure url="https://example.com/img/1.jpg" length="34567" type="image/jpeg"/>'
)
ITEM2_AUTHOR = "<author>budi@example.com (Budi Santoso)</author>"
SELF_LINK = (
    '<atom:link href="https://example.com/feeds/terkini.xml" rel="self"\n'
    '               type="application/rss+xml"/>'
)
MEDIA_CONTENT_OPEN = (
    '<media:content url="https://example.com/img/1.jpg" medium="image" type="image/jpeg"'
)
MEDIA_THUMBNAIL = (
    '<media:thumbnail url="https://example.com/img/1-thumb.jpg" width="120" height="90"/>'
)
FUTURE = rfc822(dt.date(2999, 1, 1))

RSS_CASES = {
    # document level
    "not-well-formed": Case("</channel>", "", "error", "XML parsing error"),
    "undefined-entity": Case("Judul dua", "Judul&nbsp;dua", "error", "XML parsing error"),
    "no-xml-declaration": Case(
        '<?xml version="1.0" encoding="UTF-8"?>\n', "", "warning", "Missing XML declaration"
    ),
    "declaration-without-encoding": Case(
        ' encoding="UTF-8"', "", "warning", "No character encoding was specified"
    ),
    "latin1-declared": Case('encoding="UTF-8"', 'encoding="ISO-8859-1"', "warning", "not UTF-8"),
    "obscure-encoding-name": Case(
        'encoding="UTF-8"', 'encoding="utf8"', "warning", "Obscure XML character encoding: utf8"
    ),
    "xml-1.1": Case('version="1.0"', 'version="1.1"', "error", "Incorrect XML Version: 1.1"),
    "double-encoded-utf8": Case(
        "Judul dua", "Kafe Ã© dua", "warning", "title contains bad characters"
    ),
    "c1-control-character": Case("Judul dua", "Judul\u0096dua", "warning", "bad characters"),
    "unknown-namespace": Case(
        "<rss ", '<rss xmlns:foo="http://example.com/ns" ', "warning", "Use of unknown namespace"
    ),
    "media-namespace-without-slash": Case(
        'xmlns:media="http://search.yahoo.com/mrss/"',
        'xmlns:media="http://search.yahoo.com/mrss"',
        "error",
        "Missing trailing slash in mediaRSS namespace",
    ),
    "reserved-prefix": Case(
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"',
        'xmlns:content="http://purl.org/rss/1.0/modules/content"',
        "warning",
        'The prefix "content" generally is associated with the namespace',
    ),
    "bad-xml-lang": Case(
        "<channel>", '<channel xml:lang="qq">', "error", "xml:lang must be an ISO-639"
    ),
    "unexpected-attribute": Case(
        "<title>Judul dua</title>",
        '<title lang="id">Judul dua</title>',
        "error",
        "Unexpected lang attribute on title element",
    ),
    "extension-attribute-on-core": Case(
        "<title>Judul dua</title>",
        '<title xmlns:x="http://example.com/x" x:note="1">Judul dua</title>',
        "warning",
        "Use of extension attribute on RSS 2.0 core element",
    ),
    "unexpected-text": Case(
        "<link>https://example.com/berita/2</link>",
        "<link>https://example.com/berita/2</link> stray",
        "error",
        "Unexpected Text",
    ),
    "undefined-item-element": Case(
        "<title>Judul dua</title>",
        "<title>Judul dua</title><subtitle>x</subtitle>",
        "error",
        "Undefined item element: subtitle",
    ),
    "markup-element-in-title": Case(
        "<title>Judul dua</title>",
        "<title>Judul <b>dua</b></title>",
        "error",
        "Undefined title element: b",
    ),
    "content-encoded-in-channel": Case(
        "<ttl>15</ttl>",
        "<ttl>15</ttl><content:encoded>x</content:encoded>",
        "error",
        "Undefined channel element: content:encoded",
    ),
    # rss and channel
    "missing-version": Case(
        '<rss version="2.0" ', "<rss ", "error", "Missing rss attribute: version"
    ),
    "bad-version": Case('version="2.0"', 'version="3.0"', "error", "Invalid RSS Version"),
    "missing-channel-title": Case(
        "<title>Berita Terkini</title>\n    <link>",
        "<link>",
        "error",
        "Missing channel element: title",
    ),
    "missing-channel-link": Case(
        "<link>https://example.com/</link>\n    <description>",
        "<description>",
        "error",
        "Missing channel element: link",
    ),
    "missing-channel-description": Case(
        "<description>Berita terbaru dari seluruh Indonesia</description>",
        "",
        "error",
        "Missing channel element: description",
    ),
    "duplicate-channel-title": Case(
        "<ttl>15</ttl>",
        "<ttl>15</ttl><title>Lagi</title>",
        "error",
        "channel contains more than one title",
    ),
    "relative-channel-link": Case(
        "<link>https://example.com/</link>\n    <description>",
        "<link>/</link>\n    <description>",
        "error",
        "link must be a full and valid URL",
    ),
    "html-in-channel-description": Case(
        "<description>Berita terbaru dari seluruh Indonesia</description>",
        "<description>Berita &lt;b&gt;terbaru&lt;/b&gt;</description>",
        "warning",
        "description should not contain HTML",
    ),
    "ttl-zero": Case("<ttl>15</ttl>", "<ttl>0</ttl>", "error", "ttl must be a positive integer"),
    "ttl-not-integer": Case(
        "<ttl>15</ttl>", "<ttl>15m</ttl>", "error", "ttl must be a positive integer"
    ),
    "bad-language": Case(
        "<language>id</language>",
        "<language>indonesia</language>",
        "error",
        "language must be an ISO-639 language code",
    ),
    "missing-self-link": Case(SELF_LINK, "", "warning", 'Missing atom:link with rel="self"'),
    "relative-self-link": Case(
        'href="https://example.com/feeds/terkini.xml"',
        'href="/feeds/terkini.xml"',
        "warning",
        "Relative href value on self link",
    ),
    "self-link-wrong-type": Case(
        'type="application/rss+xml"',
        'type="text/html"',
        "warning",
        '"self" link references a non-Atom representation',
    ),
    "self-link-elsewhere": Case(
        'href="https://example.com/feeds/terkini.xml"',
        'href="https://example.com/feeds/lain.xml"',
        "warning",
        "Self reference doesn't match document location",
    ),
    "metadata-after-items": Case(
        "</channel>",
        "<webMaster>web@example.com (Web)</webMaster></channel>",
        "warning",
        "Misplaced Item",
    ),
    "managing-editor-not-email": Case(
        "<managingEditor>redaksi@example.com (Redaksi)</managingEditor>",
        "<managingEditor>Redaksi</managingEditor>",
        "error",
        "Invalid email address",
    ),
    "last-build-date-iso": Case(
        "<lastBuildDate>Mon, 01 Jan 2024 08:00:00 +0700</lastBuildDate>",
        "<lastBuildDate>2024-01-01T08:00:00+07:00</lastBuildDate>",
        "error",
        "lastBuildDate must be an RFC-822 date-time",
    ),
    "dc-creator-beside-managing-editor": Case(
        "<ttl>15</ttl>",
        "<ttl>15</ttl><dc:creator>Redaksi</dc:creator>",
        "warning",
        "A channel should not include both managingEditor and dc:creator",
    ),
    "text-input": Case(
        "<ttl>15</ttl>",
        "<ttl>15</ttl><textInput><title>Cari</title></textInput>",
        "warning",
        "Avoid Text Input",
    ),
    "cloud-without-port": Case(
        "<ttl>15</ttl>",
        '<ttl>15</ttl><cloud domain="rpc.example.com" path="/RPC2" '
        'registerProcedure="ping" protocol="xml-rpc"/>',
        "error",
        "Missing cloud attribute: port",
    ),
    # image
    "image-link-mismatch": Case(
        "<link>https://example.com/</link>\n      <width>",
        "<link>https://example.com/beranda</link>\n      <width>",
        "warning",
        "Image link doesn't match channel link",
    ),
    "image-title-mismatch": Case(
        "<title>Berita Terkini</title>\n      <link>",
        "<title>Logo</title>\n      <link>",
        "warning",
        "Image title doesn't match channel title",
    ),
    "image-missing-url": Case(
        "<url>https://example.com/logo.png</url>", "", "error", "Missing image element: url"
    ),
    "image-too-wide": Case(
        "<width>144</width>", "<width>200</width>", "error", "width must be between 1 and 144"
    ),
    "image-format": Case(
        "https://example.com/logo.png",
        "https://example.com/logo.svg",
        "warning",
        "Image not in required format",
    ),
    # items
    "item-without-title-or-description": Case(
        "<title>Judul dua</title>",
        "",
        "error",
        "item must contain either title or description",
    ),
    "item-without-guid": Case(ITEM2_GUID, "", "warning", "item should contain a guid element"),
    "blank-item-title": Case(
        "<title>Judul dua</title>", "<title></title>", "warning", "title should not be blank"
    ),
    "html-in-item-title": Case(
        ITEM1_TITLE,
        "<title>Harga &lt;b&gt;beras&lt;/b&gt; naik</title>",
        "warning",
        "title should not contain HTML",
    ),
    "double-escaped-entity-in-title": Case(
        ITEM1_TITLE,
        "<title>Harga beras naik &amp;amp; stok menipis</title>",
        "warning",
        "title should not contain HTML",
    ),
    "raw-less-than-in-title": Case(
        ITEM1_TITLE,
        "<title>Harga &lt;naik</title>",
        "warning",
        'Encode "&" and "<" in plain text using hexadecimal character references',
    ),
    "relative-item-link": Case(
        "<link>https://example.com/berita/2</link>",
        "<link>/berita/2</link>",
        "error",
        "link must be a full and valid URL",
    ),
    "space-in-item-link": Case(
        "<link>https://example.com/berita/2</link>",
        "<link>https://example.com/berita dua</link>",
        "error",
        "Invalid character in a URI",
    ),
    "http-link-without-host": Case(
        "<link>https://example.com/berita/2</link>",
        "<link>http:/berita/2</link>",
        "error",
        "link must be a full and valid URL",
    ),
    # guid
    "permalink-guid-not-url": Case(
        ITEM1_GUID,
        '<guid isPermaLink="true">berita-1</guid>',
        "error",
        "guid must be a full URL, unless isPermaLink attribute is false",
    ),
    "default-permalink-guid-not-url": Case(
        ITEM1_GUID,
        "<guid>berita-1</guid>",
        "error",
        "guid must be a full URL, unless isPermaLink attribute is false",
    ),
    "permalink-guid-urn-uuid": Case(
        ITEM2_GUID,
        "<guid>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</guid>",
        "error",
        "guid must be a full URL, unless isPermaLink attribute is false",
    ),
    "permalink-guid-tag": Case(
        ITEM2_GUID,
        "<guid>tag:example.com,2024:berita/2</guid>",
        "error",
        "guid must be a full URL, unless isPermaLink attribute is false",
    ),
    "bad-ispermalink-value": Case(
        'isPermaLink="true"',
        'isPermaLink="yes"',
        "error",
        "isPermaLink attribute of guid must be 'true' or 'false'",
    ),
    "short-numeric-guid": Case(
        ITEM2_GUID,
        '<guid isPermaLink="false">12345</guid>',
        "warning",
        "The specified guid is not sufficiently unique",
    ),
    "duplicate-guid": Case(
        ITEM2_GUID, ITEM1_GUID, "error", "guid values must not be duplicated within a feed"
    ),
    # dates
    "pubdate-iso8601": Case(
        ITEM1_PUBDATE,
        "<pubDate>2024-01-01T07:30:00+07:00</pubDate>",
        "error",
        "pubDate must be an RFC-822 date-time",
    ),
    "pubdate-wrong-weekday": Case(
        ITEM1_PUBDATE,
        "<pubDate>Tue, 01 Jan 2024 07:30:00 +0700</pubDate>",
        "error",
        "Incorrect day of week",
    ),
    "pubdate-two-digit-year": Case(
        ITEM1_PUBDATE,
        "<pubDate>Mon, 01 Jan 24 07:30:00 +0700</pubDate>",
        "warning",
        "Problematical RFC 822 date-time value",
    ),
    "pubdate-military-zone": Case(
        ITEM1_PUBDATE,
        "<pubDate>Mon, 01 Jan 2024 07:30:00 G</pubDate>",
        "warning",
        "Problematical RFC 822 date-time value",
    ),
    "pubdate-without-zone": Case(
        ITEM1_PUBDATE,
        "<pubDate>Mon, 01 Jan 2024 07:30:00</pubDate>",
        "error",
        "pubDate must be an RFC-822 date-time",
    ),
    "pubdate-zone-with-colon": Case(
        ITEM1_PUBDATE,
        "<pubDate>Mon, 01 Jan 2024 07:30:00 +07:00</pubDate>",
        "error",
        "pubDate must be an RFC-822 date-time",
    ),
    "pubdate-full-month-name": Case(
        ITEM1_PUBDATE,
        "<pubDate>Mon, 01 January 2024 07:30:00 +0700</pubDate>",
        "error",
        "pubDate must be an RFC-822 date-time",
    ),
    "pubdate-no-such-day": Case(
        ITEM1_PUBDATE,
        "<pubDate>Sat, 31 Feb 2024 07:30:00 +0700</pubDate>",
        "error",
        "pubDate must be an RFC-822 date-time",
    ),
    "pubdate-in-the-future": Case(
        ITEM1_PUBDATE, f"<pubDate>{FUTURE}</pubDate>", "warning", "Implausible date"
    ),
    "pubdate-before-1990": Case(
        ITEM1_PUBDATE,
        "<pubDate>Mon, 01 Jan 1900 07:30:00 +0700</pubDate>",
        "warning",
        "Implausible date",
    ),
    "dc-date-not-w3cdtf": Case(
        "<dc:creator>Budi Santoso</dc:creator>",
        "<dc:creator>Budi Santoso</dc:creator><dc:date>01/01/2024</dc:date>",
        "error",
        "dc:date must be an W3CDTF date",
    ),
    "dc-date-beside-pubdate": Case(
        "<dc:creator>Budi Santoso</dc:creator>",
        "<dc:creator>Budi Santoso</dc:creator><dc:date>2024-01-01</dc:date>",
        "warning",
        "An item should not include both pubDate and dc:date",
    ),
    # authors
    "author-without-email": Case(
        ITEM2_AUTHOR, "<author>Budi Santoso</author>", "error", "Invalid email address"
    ),
    "author-email-only": Case(
        ITEM2_AUTHOR,
        "<author>budi@example.com</author>",
        "warning",
        "Email address is missing real name",
    ),
    "author-name-angle-email": Case(
        ITEM2_AUTHOR,
        "<author>Budi Santoso &lt;budi@example.com&gt;</author>",
        "warning",
        "Email address is not in the recommended format",
    ),
    "author-and-dc-creator": Case(
        "<dc:creator>Budi Santoso</dc:creator>",
        "<dc:creator>Budi Santoso</dc:creator>" + ITEM2_AUTHOR,
        "warning",
        "An item should not include both author and dc:creator",
    ),
    "two-authors": Case(
        ITEM2_AUTHOR,
        ITEM2_AUTHOR + "<author>ani@example.com (Ani)</author>",
        "error",
        "item contains more than one author",
    ),
    # enclosures
    "enclosure-without-length": Case(
        ' length="34567"', "", "error", "Missing enclosure attribute: length"
    ),
    "enclosure-length-minus-one": Case(
        'length="34567"', 'length="-1"', "error", "Use zero for unknown length"
    ),
    "enclosure-negative-length": Case(
        'length="34567"', 'length="-5"', "error", "length must be a non-negative integer"
    ),
    "enclosure-length-not-integer": Case(
        'length="34567"',
        'length="34 kB"',
        "error",
        "length attribute of enclosure must be a positive integer",
    ),
    "enclosure-without-type": Case(
        ITEM1_ENCLOSURE,
        '<enclosure url="https://example.com/img/1.jpg" length="34567"/>',
        "error",
        "Missing enclosure attribute: type",
    ),
    "enclosure-bad-type": Case(
        ITEM1_ENCLOSURE,
        '<enclosure url="https://example.com/img/1.jpg" length="34567" type="jpeg"/>',
        "error",
        "type attribute of enclosure must be a valid MIME type",
    ),
    "enclosure-without-url": Case(
        ITEM1_ENCLOSURE,
        '<enclosure length="34567" type="image/jpeg"/>',
        "error",
        "Missing enclosure attribute: url",
    ),
    "enclosure-relative-url": Case(
        ITEM1_ENCLOSURE,
        '<enclosure url="/img/1.jpg" length="34567" type="image/jpeg"/>',
        "error",
        "url must be a full URL",
    ),
    "enclosure-undotted-host": Case(
        ITEM1_ENCLOSURE,
        '<enclosure url="http://localhost/img/1.jpg" length="34567" type="image/jpeg"/>',
        "error",
        "url must be a full URL",
    ),
    "two-enclosures": Case(
        ITEM1_ENCLOSURE,
        ITEM1_ENCLOSURE + ITEM1_ENCLOSURE,
        "warning",
        "item contains more than one enclosure",
    ),
    # categories and source
    "blank-item-category": Case(
        "<category>Ekonomi</category>",
        "<category></category>",
        "warning",
        "category should not be blank",
    ),
    "html-in-category": Case(
        "<category>Ekonomi</category>",
        "<category>&lt;b&gt;Ekonomi&lt;/b&gt;</category>",
        "warning",
        "category should not contain HTML",
    ),
    "source-without-url": Case(
        ITEM2_AUTHOR,
        ITEM2_AUTHOR + "<source>Antara</source>",
        "error",
        "Missing source attribute: url",
    ),
    # embedded HTML
    "script-in-description": Case(
        ITEM1_DESCRIPTION,
        "<description>&lt;p&gt;x&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description>",
        "warning",
        "description should not contain script tag",
    ),
    "iframe-in-content": Case(
        '<img src="https://example.com/img/1.jpg" alt="Foto">',
        '<iframe src="https://www.youtube.com/embed/x"></iframe>',
        "warning",
        "content:encoded should not contain iframe tag",
    ),
    "object-in-content": Case(
        '<img src="https://example.com/img/1.jpg" alt="Foto">',
        '<object data="https://example.com/x.swf"></object>',
        "warning",
        "content:encoded should not contain object tag",
    ),
    "embed-in-content": Case(
        '<img src="https://example.com/img/1.jpg" alt="Foto">',
        '<embed src="https://example.com/x.swf">',
        "warning",
        "content:encoded should not contain embed tag",
    ),
    "style-element-in-content": Case(
        "<p>Isi berita",
        "<style>p{}</style><p>Isi berita",
        "warning",
        "content:encoded should not contain style tag",
    ),
    "onclick-in-description": Case(
        '&lt;a href="https://example.com/berita/1"&gt;',
        '&lt;a href="https://example.com/berita/1" onclick="go()"&gt;',
        "warning",
        "description should not contain onclick attribute",
    ),
    "onerror-in-content": Case(
        'alt="Foto">',
        'alt="Foto" onerror="x()">',
        "warning",
        "content:encoded should not contain onerror attribute",
    ),
    "dangerous-style": Case(
        "<p>Isi berita",
        '<p style="background: url(https://evil.example/x)">Isi berita',
        "warning",
        "style attribute contains potentially dangerous content",
    ),
    "javascript-url": Case(
        '&lt;a href="https://example.com/berita/1"&gt;',
        '&lt;a href="javascript:alert(1)"&gt;',
        "warning",
        "javascript: URL (checker extra",
    ),
    "relative-link-in-description": Case(
        '&lt;a href="https://example.com/berita/1"&gt;',
        '&lt;a href="/berita/1"&gt;',
        "warning",
        "description should not contain relative URL references",
    ),
    "relative-image-in-content": Case(
        'src="https://example.com/img/1.jpg" alt="Foto"',
        'src="img/1.jpg" alt="Foto"',
        "warning",
        "content:encoded should not contain relative URL references",
    ),
    "non-html-tag": Case(
        "<strong>lengkap</strong>", "<o:p>lengkap</o:p>", "warning", "Non-html tag (o:p)"
    ),
    "content-before-description": Case(
        ITEM1_DESCRIPTION + "\n      <content:encoded>",
        "<content:encoded>",
        "warning",
        "Ensure description precedes content:encoded",
    ),
    # media RSS
    "media-file-size-zero": Case(
        MEDIA_CONTENT_OPEN,
        MEDIA_CONTENT_OPEN + ' fileSize="0"',
        "error",
        "fileSize must be a positive integer",
    ),
    "media-bad-medium": Case(
        'medium="image"', 'medium="picture"', "error", 'Invalid content medium: "picture"'
    ),
    "media-relative-url": Case(
        MEDIA_CONTENT_OPEN,
        '<media:content url="img/1.jpg" medium="image" type="image/jpeg"',
        "error",
        "url must be a full and valid URL",
    ),
    "media-thumbnail-without-url": Case(
        MEDIA_THUMBNAIL,
        '<media:thumbnail width="120" height="90"/>',
        "error",
        "Missing media:thumbnail attribute: url",
    ),
    "media-title-bad-type": Case(
        '<media:title type="plain">',
        '<media:title type="text">',
        "error",
        'type attribute must be "plain" or "html"',
    ),
    "media-credit-unknown-role": Case(
        'role="photographer"', 'role="Fotografer"', "error", "Invalid Credit Role"
    ),
    "media-group-with-one-content": Case(
        MEDIA_THUMBNAIL,
        MEDIA_THUMBNAIL + '<media:group><media:content url="https://example.com/v.mp4"/>'
        "</media:group>",
        "error",
        "media:group must have multiple media:content children",
    ),
    "media-element-unknown-to-validator": Case(
        MEDIA_THUMBNAIL,
        MEDIA_THUMBNAIL + "<media:community/>",
        "error",
        "Undefined item element: media:community",
    ),
}


@pytest.mark.parametrize("case", RSS_CASES.values(), ids=RSS_CASES.keys())
def test_rss_rule(case: Case) -> None:
    problems = check_rss(variant(GOOD_RSS, case.old, case.new), self_url=RSS_SELF)
    assert_reported(problems, case.level, case.message)


def test_rss_invalid_utf8_bytes() -> None:
    data = GOOD_RSS.encode().replace(b"Judul dua", b"Judul \xff dua")
    assert_reported(check_rss(data), "error", "maybe a high-bit character")


def test_rss_checker_rejects_atom() -> None:
    assert_reported(check_rss(GOOD_ATOM.encode()), "error", "Not an RSS 2.0 document")


RSS_CLEAN_VARIANTS = {
    "enclosure-length-zero": Case('length="34567"', 'length="0"', "", ""),
    "language-with-region": Case("<language>id</language>", "<language>id-ID</language>", "", ""),
    "three-letter-language": Case("<language>id</language>", "<language>ind</language>", "", ""),
    "z-zone": Case(ITEM1_PUBDATE, "<pubDate>Mon, 01 Jan 2024 00:30:00 Z</pubDate>", "", ""),
    "no-weekday": Case(ITEM1_PUBDATE, "<pubDate>01 Jan 2024 07:30:00 +0700</pubDate>", "", ""),
    "self-url-canonically-equal": Case(
        'href="https://example.com/feeds/terkini.xml"',
        'href="https://EXAMPLE.com:443/feeds/./terkini.xml"',
        "",
        "",
    ),
}


@pytest.mark.parametrize("case", RSS_CLEAN_VARIANTS.values(), ids=RSS_CLEAN_VARIANTS.keys())
def test_rss_accepted_variant(case: Case) -> None:
    """Forms the validator accepts must not be reported (guards against over-eager rules)."""
    assert check_rss(variant(GOOD_RSS, case.old, case.new), self_url=RSS_SELF) == []


def test_rss_board_docs_silence_extension_attribute_warning() -> None:
    """The validator drops UseOfExtensionAttr when <docs> names the RSS Board spec."""
    with_attribute = GOOD_RSS.replace(
        "<title>Judul dua</title>",
        '<title xmlns:x="http://example.com/x" x:note="1">Judul dua</title>',
    )
    with_docs = variant(
        with_attribute,
        "<ttl>15</ttl>",
        "<ttl>15</ttl><docs>http://www.rssboard.org/rss-specification</docs>",
    )
    problems = check_rss(with_docs, self_url=RSS_SELF)
    assert problems == ["warning: line 46: Use of unknown namespace: http://example.com/x"]


def test_rss_without_self_url_skips_location_check() -> None:
    data = variant(GOOD_RSS, "feeds/terkini.xml", "feeds/lain.xml")
    assert check_rss(data) == []


# --------------------------------------------------------------------------------------
# Atom 1.0
# --------------------------------------------------------------------------------------

FEED_ID = "<id>tag:example.com,2024:feeds/terkini</id>"
FEED_AUTHOR = """<author>
    <name>Redaksi</name>
    <email>redaksi@example.com</email>
    <uri>https://example.com/</uri>
  </author>"""
ENTRY1_ID = "<id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>"
ENTRY1_UPDATED = "<updated>2024-01-01T07:30:00+07:00</updated>"
ENTRY1_SUMMARY = '<summary type="html">&lt;p&gt;Ringkasan berita.&lt;/p&gt;</summary>'
ENTRY1_CONTENT = (
    '<content type="html">&lt;p&gt;Isi &lt;a href="https://example.com/x"&gt;lengkap'
    "&lt;/a&gt;.&lt;/p&gt;</content>"
)
ENTRY1_ALTERNATE = '<link rel="alternate" type="text/html" href="https://example.com/berita/1"/>'
ENTRY2_ID = "<id>https://example.com/berita/2</id>"
ENTRY2_CONTENT = (
    '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">\n'
    "      <p>Isi <em>kedua</em>.</p></div></content>"
)
FEED_SELF = (
    '<link rel="self" type="application/atom+xml" href="https://example.com/feeds/terkini.atom"/>'
)

ATOM_CASES = {
    # document level
    "obsolete-namespace": Case(
        'xmlns="http://www.w3.org/2005/Atom"',
        'xmlns="http://purl.org/atom/ns#"',
        "error",
        "This feed uses an obsolete namespace",
    ),
    "bad-xml-lang": Case('xml:lang="id"', 'xml:lang="indonesian"', "error", "xml:lang must be"),
    "prefixed-atom-root": Case(
        '<feed xmlns="http://www.w3.org/2005/Atom"',
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:a="http://www.w3.org/2005/Atom"',
        "warning",
        "Avoid Namespace Prefix: a",
    ),
    "xhtml-prefix-inside": Case(
        ENTRY2_CONTENT,
        '<content type="xhtml"><x:div xmlns:x="http://www.w3.org/1999/xhtml">'
        "<x:p>Isi</x:p></x:div></content>",
        "warning",
        "Avoid Namespace Prefix: x",
    ),
    # feed
    "missing-feed-id": Case(FEED_ID, "", "error", "Missing feed element: id"),
    "missing-feed-title": Case(
        "<title>Berita Terkini</title>", "", "error", "Missing feed element: title"
    ),
    "missing-feed-updated": Case(
        "<updated>2024-01-01T08:00:00+07:00</updated>",
        "",
        "error",
        "Missing feed element: updated",
    ),
    "duplicate-feed-title": Case(
        "<rights>", "<title>Lagi</title><rights>", "error", "feed contains more than one title"
    ),
    "missing-self-link": Case(FEED_SELF, "", "warning", 'Missing atom:link with rel="self"'),
    "self-link-elsewhere": Case(
        "feeds/terkini.atom",
        "feeds/lain.atom",
        "warning",
        "Self reference doesn't match document location",
    ),
    "relative-self-link": Case(
        'href="https://example.com/feeds/terkini.atom"',
        'href="terkini.atom"',
        "warning",
        "Relative href value on self link",
    ),
    "metadata-after-entries": Case(
        "</feed>",
        '<link rel="related" href="https://example.com/lain"/></feed>',
        "error",
        "link must appear before all entries",
    ),
    "duplicate-feed-alternates": Case(
        FEED_SELF,
        FEED_SELF + '<link rel="alternate" type="text/html" href="https://example.com/id/"/>',
        "error",
        "Duplicate alternate links with the same type and hreflang",
    ),
    "undefined-feed-element": Case(
        "<rights>",
        "<description>x</description><rights>",
        "error",
        "Undefined feed element: description",
    ),
    # ids
    "relative-id": Case(ENTRY2_ID, "<id>berita/2</id>", "error", "id must be a full and valid URL"),
    "malformed-uuid": Case(
        ENTRY1_ID,
        "<id>urn:uuid:1225c695-cfb8-4ebb-aaaa</id>",
        "error",
        "id is not a valid UUID",
    ),
    "tag-with-capital-authority": Case(
        FEED_ID,
        "<id>tag:Example.com,2024:feeds/terkini</id>",
        "error",
        "id is not a valid TAG",
    ),
    "tag-without-date": Case(
        FEED_ID, "<id>tag:example.com:feeds/terkini</id>", "error", "id is not a valid TAG"
    ),
    "malformed-urn": Case(FEED_ID, "<id>urn:x:terkini</id>", "error", "id is not a valid URN"),
    "urn-with-slash": Case(
        FEED_ID, "<id>urn:feeds:berita/terkini</id>", "error", "id is not a valid URN"
    ),
    "non-canonical-host": Case(
        ENTRY2_ID,
        "<id>https://Example.com/berita/2</id>",
        "warning",
        "is not in canonical form",
    ),
    "non-canonical-empty-path": Case(
        ENTRY2_ID, "<id>https://example.com</id>", "warning", "is not in canonical form"
    ),
    "non-canonical-default-port": Case(
        ENTRY2_ID,
        "<id>https://example.com:443/berita/2</id>",
        "warning",
        "is not in canonical form",
    ),
    "whitespace-in-id": Case(
        ENTRY2_ID,
        "<id> https://example.com/berita/2</id>",
        "error",
        "Whitespace not permitted here",
    ),
    "duplicate-entry-id": Case(
        ENTRY2_ID,
        "<id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>",
        "warning",
        "Two entries with the same id",
    ),
    # dates
    "updated-with-space": Case(
        ENTRY1_UPDATED,
        "<updated>2024-01-01 07:30:00+07:00</updated>",
        "error",
        "updated must be an RFC-3339 date-time",
    ),
    "updated-without-zone": Case(
        ENTRY1_UPDATED,
        "<updated>2024-01-01T07:30:00</updated>",
        "error",
        "updated must be an RFC-3339 date-time",
    ),
    "updated-lower-case-t": Case(
        ENTRY1_UPDATED,
        "<updated>2024-01-01t07:30:00+07:00</updated>",
        "error",
        "updated must be an RFC-3339 date-time",
    ),
    "updated-without-seconds": Case(
        ENTRY1_UPDATED,
        "<updated>2024-01-01T07:30+07:00</updated>",
        "error",
        "updated must be an RFC-3339 date-time",
    ),
    "updated-no-such-day": Case(
        ENTRY1_UPDATED,
        "<updated>2024-02-30T07:30:00+07:00</updated>",
        "error",
        "updated must be an RFC-3339 date-time",
    ),
    "updated-rfc822": Case(
        ENTRY1_UPDATED,
        "<updated>Mon, 01 Jan 2024 07:30:00 +0700</updated>",
        "error",
        "updated must be an RFC-3339 date-time",
    ),
    "updated-in-the-future": Case(
        ENTRY1_UPDATED,
        "<updated>2999-01-01T07:30:00+07:00</updated>",
        "warning",
        "Implausible date",
    ),
    "published-bad": Case(
        "<published>2024-01-01T07:00:00+07:00</published>",
        "<published>2024-01-01</published>",
        "error",
        "published must be an RFC-3339 date-time",
    ),
    "same-updated-twice": Case(
        "<updated>2023-12-31T23:15:00Z</updated>",
        ENTRY1_UPDATED,
        "warning",
        "Two entries with the same value for atom:updated",
    ),
    # entries
    "missing-entry-title": Case(
        "<title>Harga beras naik &amp; stok menipis</title>",
        "",
        "error",
        "Missing entry element: title",
    ),
    "missing-entry-id": Case(ENTRY1_ID, "", "error", "Missing entry element: id"),
    "missing-entry-updated": Case(ENTRY1_UPDATED, "", "error", "Missing entry element: updated"),
    "missing-author": Case(FEED_AUTHOR, "", "error", "Missing entry element: author"),
    "entry-without-content-or-alternate": Case(
        ENTRY2_CONTENT + '\n    <link href="https://example.com/berita/2"/>',
        "<summary>Ringkasan</summary>",
        "error",
        "Missing content or alternate link",
    ),
    "entry-without-content-or-summary": Case(
        ENTRY1_SUMMARY + "\n    " + ENTRY1_CONTENT,
        "",
        "warning",
        "Missing textual content",
    ),
    "content-src-without-summary": Case(
        ENTRY2_CONTENT,
        '<content type="text/html" src="https://example.com/berita/2"/>',
        "error",
        "Missing summary",
    ),
    "content-src-without-type": Case(
        ENTRY2_CONTENT,
        '<content src="https://example.com/berita/2"/><summary>x</summary>',
        "warning",
        "Missing content attribute: type",
    ),
    "content-type-cdata": Case(
        '<content type="html">', '<content type="CDATA">', "error", "Not a valid MIME type"
    ),
    "title-mime-type": Case(
        '<title type="text">',
        '<title type="text/plain">',
        "error",
        'type attribute must be "text", "html", or "xhtml"',
    ),
    "undeclared-html-in-summary": Case(
        '<summary type="html">',
        "<summary>",
        "warning",
        "summary should not contain HTML unless declared in the type attribute",
    ),
    "script-in-html-content": Case(
        "&lt;p&gt;Isi &lt;a",
        "&lt;script&gt;x()&lt;/script&gt;&lt;p&gt;Isi &lt;a",
        "warning",
        "content should not contain script tag",
    ),
    "iframe-in-html-content": Case(
        "&lt;p&gt;Isi &lt;a",
        "&lt;iframe src='https://example.com/v'&gt;&lt;/iframe&gt;&lt;p&gt;Isi &lt;a",
        "warning",
        "content should not contain iframe tag",
    ),
    "xhtml-without-div": Case(
        ENTRY2_CONTENT,
        '<content type="xhtml"><p xmlns="http://www.w3.org/1999/xhtml">Isi</p></content>',
        "error",
        "Missing xhtml:div element",
    ),
    "onclick-in-xhtml": Case(
        "<p>Isi <em>kedua</em>.</p>",
        '<p onclick="x()">Isi</p>',
        "warning",
        "content should not contain onclick attribute",
    ),
    "object-in-xhtml": Case(
        "<p>Isi <em>kedua</em>.</p>",
        '<object data="https://example.com/x.swf"/>',
        "warning",
        "content should not contain object tag",
    ),
    "not-base64": Case(
        ENTRY2_CONTENT,
        '<content type="image/png">not base64 at all!</content><summary>x</summary>',
        "warning",
        "content claims to be base64-encoded, but isn't",
    ),
    "blank-title": Case(
        '<title type="text">Judul dua</title>',
        '<title type="text"></title>',
        "warning",
        "title should not be blank",
    ),
    "markup-in-text-title": Case(
        '<title type="text">Judul dua</title>',
        '<title type="text">Judul <b xmlns="">dua</b></title>',
        "error",
        "Undefined title element: b",
    ),
    "undefined-entry-element": Case(
        ENTRY2_ID,
        ENTRY2_ID + "<description>x</description>",
        "error",
        "Undefined entry element: description",
    ),
    "two-entry-titles": Case(
        '<title type="text">Judul dua</title>',
        '<title type="text">Judul dua</title><title>Lagi</title>',
        "error",
        "entry contains more than one title",
    ),
    # links
    "link-without-href": Case(
        '<link href="https://example.com/berita/2"/>',
        '<link rel="alternate"/>',
        "error",
        "link must have an href attribute",
    ),
    "link-href-with-space": Case(
        'href="https://example.com/berita/2"',
        'href="https://example.com/berita dua"',
        "error",
        "Invalid character in a URI",
    ),
    "unregistered-rel": Case(
        'rel="enclosure"', 'rel="attachment"', "warning", "Unregistered link relationship"
    ),
    "bad-link-type": Case(
        'type="image/jpeg" length="34567"',
        'type="jpeg" length="34567"',
        "error",
        "Not a valid MIME type",
    ),
    "negative-link-length": Case(
        'length="34567"', 'length="-1"', "error", "length must be a non-negative integer"
    ),
    "bad-hreflang": Case(
        ENTRY1_ALTERNATE,
        '<link rel="alternate" type="text/html" hreflang="indonesian" '
        'href="https://example.com/berita/1"/>',
        "error",
        "hreflang must be an ISO-639 language code",
    ),
    "duplicate-entry-alternates": Case(
        ENTRY1_ALTERNATE,
        ENTRY1_ALTERNATE + '<link type="text/html" href="https://example.com/b/1"/>',
        "error",
        "Duplicate alternate links with the same type and hreflang",
    ),
    "feedgen-style-enclosure-without-rel": Case(
        '<link href="https://example.com/berita/2"/>',
        '<link href="https://example.com/berita/2"/><link href="https://example.com/img/2.jpg"/>',
        "error",
        "Duplicate alternate links with the same type and hreflang",
    ),
    "history-rel-in-entry": Case(
        '<link href="https://example.com/berita/2"/>',
        '<link href="https://example.com/berita/2"/>'
        '<link rel="next" href="https://example.com/berita/3"/>',
        "warning",
        "next link relation found in entry",
    ),
    "link-with-text": Case(
        '<link href="https://example.com/berita/2"/>',
        '<link href="https://example.com/berita/2">Baca</link>',
        "warning",
        "link should not have text",
    ),
    # people and categories
    "author-without-name": Case(
        "<author><name>Budi Santoso</name></author>",
        "<author><email>budi@example.com</email></author>",
        "error",
        "Missing author element: name",
    ),
    "author-bad-email": Case(
        "<email>redaksi@example.com</email>",
        "<email>redaksi di example.com</email>",
        "error",
        "email must be an email address",
    ),
    "email-in-author-name": Case(
        "<name>Budi Santoso</name>",
        "<name>Budi &lt;budi@example.com&gt;</name>",
        "warning",
        "name should not include email address",
    ),
    "author-relative-uri-ok-but-space-not": Case(
        "<uri>https://example.com/</uri>",
        "<uri>https://example.com/redaksi kami</uri>",
        "error",
        "Invalid character in a URI",
    ),
    "category-without-term": Case(
        'term="ekonomi" ', "", "error", "Missing category attribute: term"
    ),
    "category-relative-scheme": Case(
        'scheme="https://example.com/kategori/"',
        'scheme="/kategori/"',
        "error",
        "scheme must be a full and valid URL",
    ),
}


@pytest.mark.parametrize("case", ATOM_CASES.values(), ids=ATOM_CASES.keys())
def test_atom_rule(case: Case) -> None:
    problems = check_atom(variant(GOOD_ATOM, case.old, case.new), self_url=ATOM_SELF)
    assert_reported(problems, case.level, case.message)


def test_atom_checker_rejects_rss() -> None:
    assert_reported(check_atom(GOOD_RSS.encode()), "error", "Not an Atom 1.0 feed")


def test_atom_all_entries_same_id_is_an_error() -> None:
    """Ten or more entries sharing one id: the per-entry warnings become a single error."""
    entry = (
        "<entry><id>https://example.com/berita/1</id><title>Sama</title>"
        "<updated>2024-01-01T07:{minute:02d}:00+07:00</updated>"
        '<link href="https://example.com/berita/1"/></entry>\n'
    )
    entries = "".join(entry.format(minute=minute) for minute in range(10))
    data = variant(
        GOOD_ATOM, GOOD_ATOM[GOOD_ATOM.index("  <entry>") : GOOD_ATOM.index("</feed>")], entries
    )
    problems = check_atom(data, self_url=ATOM_SELF)
    assert_reported(problems, "error", "All entries have the same id")
    assert not [p for p in problems if "Two entries with the same id" in p]


def test_atom_nine_duplicates_among_eleven_entries_stay_warnings() -> None:
    """The error needs *all* entries to share the id; otherwise each duplicate warns."""
    first = GOOD_ATOM[GOOD_ATOM.index("  <entry>") : GOOD_ATOM.index("  <entry>\n    " + ENTRY2_ID)]
    data = variant(GOOD_ATOM, first, first * 10)
    problems = check_atom(data, self_url=ATOM_SELF)
    assert_reported(problems, "warning", "Two entries with the same id")
    assert not [p for p in problems if "All entries have the same id" in p]


ATOM_CLEAN_VARIANTS = {
    "http-id": Case(FEED_ID, "<id>https://example.com/feeds/terkini</id>", "", ""),
    "tag-id-with-month": Case(FEED_ID, "<id>tag:example.com,2024-01:terkini</id>", "", ""),
    "upper-case-uuid": Case(
        ENTRY1_ID, "<id>urn:uuid:1225C695-CFB8-4EBB-AAAA-80DA344EFA6A</id>", "", ""
    ),
    "fractional-seconds-and-z": Case(
        ENTRY1_UPDATED, "<updated>2024-01-01T00:30:00.123456Z</updated>", "", ""
    ),
    "alternates-differing-in-language": Case(
        ENTRY1_ALTERNATE,
        ENTRY1_ALTERNATE
        + '<link rel="alternate" type="text/html" hreflang="en" href="https://example.com/en/1"/>',
        "",
        "",
    ),
    "relative-self-under-absolute-base": Case(
        'href="https://example.com/feeds/terkini.atom"',
        'xml:base="https://example.com/feeds/" href="terkini.atom"',
        "",
        "",
    ),
}


@pytest.mark.parametrize("case", ATOM_CLEAN_VARIANTS.values(), ids=ATOM_CLEAN_VARIANTS.keys())
def test_atom_accepted_variant(case: Case) -> None:
    """Forms the validator accepts must not be reported (guards against over-eager rules)."""
    assert check_atom(variant(GOOD_ATOM, case.old, case.new), self_url=ATOM_SELF) == []


def test_atom_authors_on_every_entry_instead_of_the_feed() -> None:
    without_feed_author = GOOD_ATOM.replace(FEED_AUTHOR, "")
    data = variant(
        without_feed_author,
        "<published>",
        "<author><name>Ani</name></author><published>",
    )
    assert check_atom(data, self_url=ATOM_SELF) == []
