"""A deterministic corpus of Indonesian news feeds for the benchmarks, with its truth.

`generate(folder, sources=250)` writes, from a seed and nothing else:
- `site/<host>/<source>.xml`: N feeds x 50 items, 70% RSS 2.0 (half with CDATA bodies, half
  with escaped HTML) and 30% Atom 1.0; 2-5 KB bodies with scripts, iframes, images, tracking
  links; dates as RFC 822 `+0700`, RFC 822 with `WIB`/`WITA`, and RFC 3339; about one item in
  ten is the same story carried by a second source (the same link, the same date).
- `truth.json`: every distinct story's canonical link and its real UTC instant, so a run can be
  checked: the published newest-N must be exactly these links, newest first.
- `sources.yaml` for `feeds run`, and a list of URLs for the references.

Sources are spread over many loopback hosts (127.0.1.x, ...), as real sources are spread over
many sites, so per-host politeness limits do not serialise the benchmark.

`change(folder, fraction)` rewrites that fraction of the feeds as a newsroom does: five new
items on top, the five oldest gone. The truth is updated to match.
"""

import html
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

ITEMS = 50
HTML_EVERY = 20  # one source in 20 is a site with no feed, read from its listing page
HOSTS = 250  # at most this many loopback hosts; several feeds a host beyond that
END = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # every story is older than this
WEEK = timedelta(days=7)
ZONES = {"WIB": timezone(timedelta(hours=7)), "WITA": timezone(timedelta(hours=8))}
REGIONS = ["Jakarta", "Makassar", "Surabaya", "Medan", "Bandung", "Denpasar", "Ambon", "Palu"]
VOCABULARY = (
    "pemerintah warga kota desa banjir jalan harga beras pasar sekolah guru presiden menteri "
    "gubernur bupati polisi kapal pelabuhan bandara listrik air bersih rumah sakit dokter "
    "pemilu partai anggaran proyek jembatan tol kereta cepat nelayan petani panen cuaca hujan "
    "gempa tanah longsor festival budaya sepak bola timnas liga pertandingan ekonomi investasi "
    "ekspor impor rupiah saham bank digital startup pelajar mahasiswa kampus penelitian"
)
WORDS = VOCABULARY.split()
SENTENCE_ENDS = ["kata dia.", "ujarnya.", "menurut keterangan resmi.", "pada Senin.", "hari ini."]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(slots=True)
class Story:
    link: str
    title: str
    date: datetime  # UTC; unique per story so the newest-N order is unambiguous
    body: str
    zone: str  # the zone the source writes its dates in


@dataclass(slots=True)
class FeedFile:
    source_id: str
    host: str
    kind: str  # "rss-cdata", "rss-escaped", "atom" or "html" (a listing page)
    zone: str
    stories: list[Story]

    @property
    def path(self) -> str:
        suffix = "html" if self.kind == "html" else "xml"
        return f"{self.host}/{self.source_id}.{suffix}"


def host_for(index: int, sources: int) -> str:
    hosts = min(sources, HOSTS)
    return f"127.0.{1 + (index % hosts) // 250}.{1 + (index % hosts) % 250}"


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def body_html(rng: random.Random, link: str, region: str) -> str:
    """2-5 KB of the HTML a CMS puts in a feed: dateline, paragraphs, chrome, trackers."""
    parts = [f"<p><strong>{region.upper()}</strong> - {words(rng, 18).capitalize()}.</p>"]
    target = rng.randint(2000, 5000)
    size = len(parts[0])
    while size < target:
        choice = rng.random()
        if choice < 0.1:
            part = (
                f'<p><img src="https://cdn.example.id/{rng.randrange(10**6)}.jpg" '
                f'data-src="https://cdn.example.id/{rng.randrange(10**6)}.jpg" '
                f'width="640" height="360" alt="{words(rng, 4)}"></p>'
            )
        elif choice < 0.15:
            part = "<script>window.dataLayer=window.dataLayer||[];dataLayer.push({ev:1});</script>"
        elif choice < 0.2:
            part = (
                f'<p>Baca juga: <a href="{link}-terkait-{rng.randrange(99)}?utm_source=rss'
                f'&amp;utm_medium=feed">{words(rng, 6)}</a></p>'
            )
        elif choice < 0.22:
            part = '<iframe src="https://www.youtube.com/embed/x" width="560"></iframe>'
        else:
            part = (
                f"<p>{words(rng, rng.randint(25, 60)).capitalize()}, "
                f"{rng.choice(SENTENCE_ENDS)}</p>"
            )
        parts.append(part)
        size += len(part)
    return "".join(parts)


def rfc822(instant: datetime, zone: str, style: str) -> str:
    local = instant.astimezone(ZONES[zone])
    suffix = zone if style == "abbrev" else local.strftime("%z")
    return (
        f"{DAYS[local.weekday()]}, {local.day:02d} {MONTHS[local.month - 1]} {local.year} "
        f"{local:%H:%M:%S} {suffix}"
    )


def build(sources: int, seed: int = 2026, html_every: int = HTML_EVERY) -> list[FeedFile]:
    rng = random.Random(seed)
    feeds: list[FeedFile] = []
    used: set[datetime] = set()
    for index in range(sources):
        source_id = f"s{index:05d}"
        host = host_for(index, sources)
        kind = rng.choices(["rss-cdata", "rss-escaped", "atom"], [35, 35, 30])[0]
        if html_every and index % html_every == html_every - 1:
            kind = "html"  # a site without a feed: its "Berita Terkini" listing page
        zone = rng.choice(["WIB", "WIB", "WIB", "WITA"])
        feeds.append(FeedFile(source_id, host, kind, zone, []))
    for feed in feeds:
        for number in range(ITEMS):
            feed.stories.append(new_story(rng, feed, number, used, span=span_for(sources)))
    # One story in ten is also carried by another source: the same link, title and date.
    for feed in feeds:
        for position in range(0, ITEMS, 10):
            other = feeds[rng.randrange(len(feeds))]
            # Not into or out of listing pages: their minute dates would not be the truth.
            if other is not feed and "html" not in (feed.kind, other.kind):
                story = feed.stories[position]
                if all(s.link != story.link for s in other.stories):
                    other.stories[rng.randrange(ITEMS)] = story
    for feed in feeds:
        feed.stories.sort(key=lambda story: story.date, reverse=True)
    return feeds


def span_for(sources: int) -> timedelta:
    """The stories of 1,000 sources spread over a week, of more over as many weeks: listing
    pages date on whole minutes, and a week has only 10,080 of them."""
    return WEEK * max(1, -(-sources // 1000))


def new_story(
    rng: random.Random,
    feed: FeedFile,
    number: int,
    used: set[datetime],
    after: datetime | None = None,
    span: timedelta = WEEK,
) -> Story:
    """A story dated within `span` before END, or (a change) just after `after`."""
    step = timedelta(seconds=1)
    if after is None:
        date = END - span + timedelta(seconds=rng.randrange(int(span.total_seconds())))
    else:
        date = after + step
    if feed.kind == "html":
        # Listing pages print minutes only: their stories are dated on whole minutes, so
        # what the page says is the exact truth.
        step = timedelta(minutes=1)
        if date.second:
            date = date.replace(second=0) + step
    while date in used:
        date += step
    used.add(date)
    slug = "-".join(words(rng, 5).split())
    link = f"https://{feed.source_id}.example.id/berita/{number}-{rng.randrange(10**9)}/{slug}"
    title = words(rng, rng.randint(6, 12)).capitalize()
    return Story(link, title, date, body_html(rng, link, rng.choice(REGIONS)), feed.zone)


def render(feed: FeedFile, rng: random.Random) -> str:
    if feed.kind == "atom":
        return render_atom(feed)
    if feed.kind == "html":
        return render_listing(feed)
    items = []
    for story in feed.stories:
        style = rng.choice(["abbrev", "offset"])
        link = f"{story.link}?utm_source=rss&utm_medium=feed"  # trackers on every link
        body = (
            f"<![CDATA[{story.body}]]>"
            if feed.kind == "rss-cdata"
            else html.escape(story.body, quote=False)
        )
        items.append(
            f"<item><title>{html.escape(story.title)}</title><link>{html.escape(link)}</link>"
            f'<guid isPermaLink="false">{html.escape(story.link)}</guid>'
            f"<pubDate>{rfc822(story.date, feed.zone, style)}</pubDate>"
            f"<category>Nasional</category><dc:creator>Redaksi</dc:creator>"
            f"<description>{body}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>Portal {feed.source_id}</title><link>https://{feed.source_id}.example.id/</link>"
        f"<description>Berita {feed.source_id}</description><language>id</language>"
        + "".join(items)
        + "</channel></rss>\n"
    )


def render_atom(feed: FeedFile) -> str:
    entries = []
    for story in feed.stories:
        local = story.date.astimezone(ZONES[feed.zone]).isoformat()
        entries.append(
            f"<entry><title>{html.escape(story.title)}</title>"
            f'<link rel="alternate" href="{html.escape(story.link)}"/><id>{story.link}</id>'
            f"<published>{local}</published><updated>{local}</updated>"
            f"<author><name>Redaksi</name></author>"
            f'<content type="html">{html.escape(story.body, quote=False)}</content></entry>'
        )
    newest = feed.stories[0].date.astimezone(ZONES[feed.zone]).isoformat()
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Portal {feed.source_id}</title><id>https://{feed.source_id}.example.id/</id>"
        f'<link rel="alternate" href="https://{feed.source_id}.example.id/"/>'
        f"<updated>{newest}</updated>" + "".join(entries) + "</feed>\n"
    )


INDONESIAN_DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
INDONESIAN_MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip
LISTING_SELECTORS = {
    "item": "article.berita",
    "link": "h2 a@href",
    "title": "h2 a",
    "date": "time",
    "summary": "p.ringkasan",
}


def render_listing(feed: FeedFile) -> str:
    """A news site's listing page with its chrome; dates as Indonesian text in the site's zone
    ("Sabtu, 21 November 2026 14:40 WIB"), to the minute, as such pages print them."""
    items = []
    for story in feed.stories:
        local = story.date.astimezone(ZONES[feed.zone])
        date = (
            f"{INDONESIAN_DAYS[local.weekday()]}, {local.day} "
            f"{INDONESIAN_MONTHS[local.month - 1]} {local.year} {local:%H:%M} {feed.zone}"
        )
        text = html.escape(html_to_plain(story.body)[:200])
        items.append(
            f'<article class="berita"><h2><a href="{html.escape(story.link)}?utm_source=indeks">'
            f"{html.escape(story.title)}</a></h2><time>{date}</time>"
            f'<p class="ringkasan">{text}</p></article>'
        )
    return (
        '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
        f"<title>Berita Terkini - Portal {feed.source_id}</title></head><body>"
        '<nav><a href="/">Beranda</a> <a href="/nasional">Nasional</a></nav>'
        "<main><h1>Berita Terkini</h1>" + "".join(items) + "</main>"
        "<footer>Hak cipta dilindungi undang-undang</footer></body></html>\n"
    )


def html_to_plain(fragment: str) -> str:
    import re

    return " ".join(re.sub(r"<script.*?</script>|<[^>]+>", " ", fragment).split())


def write(folder: Path, feeds: list[FeedFile], port: int, seed: int) -> None:
    rng = random.Random(seed + 1)
    site = folder / "site"
    for feed in feeds:
        path = site / feed.path
        path.parent.mkdir(parents=True, exist_ok=True)
        text = render(feed, rng)
        # Untouched feeds keep their file, so their ETag and Last-Modified stay the same.
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    stories = {story.link: story for feed in feeds for story in feed.stories}
    truth = sorted(stories.values(), key=lambda story: story.date, reverse=True)
    (folder / "truth.json").write_text(
        json.dumps([[story.link, story.date.isoformat()] for story in truth]), encoding="utf-8"
    )
    urls = [f"http://{feed.host}:{port}/{feed.path.split('/', 1)[1]}" for feed in feeds]
    (folder / "urls.json").write_text(json.dumps(urls), encoding="utf-8")
    (folder / "state.json").write_text(
        json.dumps({"sources": len(feeds), "seed": seed, "port": port, "changes": 0}),
        encoding="utf-8",
    )


def generate(folder: Path, sources: int = 250, *, port: int, seed: int = 2026) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write(folder, build(sources, seed), port, seed)


def change(folder: Path, fraction: float) -> int:
    """Rewrite `fraction` of the feeds: five new items on top, the five oldest dropped."""
    state = json.loads((folder / "state.json").read_text())
    feeds = build(state["sources"], state["seed"])
    for round_number in range(1, state["changes"] + 1):
        apply_change(feeds, fraction, state["seed"] + round_number)
    state["changes"] += 1
    changed = apply_change(feeds, fraction, state["seed"] + state["changes"])
    write(folder, feeds, state["port"], state["seed"])
    (folder / "state.json").write_text(json.dumps(state), encoding="utf-8")
    return changed


def apply_change(feeds: list[FeedFile], fraction: float, seed: int) -> int:
    rng = random.Random(seed)
    chosen = rng.sample(feeds, max(1, round(len(feeds) * fraction)))
    used = {story.date for feed in feeds for story in feed.stories}
    for feed in chosen:
        fresh = []
        for number in range(5):
            # New stories are the newest of all: just after everything seen so far.
            fresh.append(new_story(rng, feed, 1000 * seed + number, used, after=max(used)))
        feed.stories = sorted(fresh, key=lambda s: s.date, reverse=True) + feed.stories[:-5]
    return len(chosen)


def sources_yaml(folder: Path, database: Path, output: Path, *, limit: int = 500) -> Path:
    """A sources.yaml for `feeds run` over the corpus, plus nine topical outputs."""
    urls = json.loads((folder / "urls.json").read_text())
    lines = [
        "stream:",
        "  title: Berita Terkini",
        "  link: https://berita.example.id/",
        "  description: Bench stream",
        "  language: id",
        "defaults:",
        "  timezone: Asia/Jakarta",
        f"  limit: {limit}",
        "fetch:",
        "  concurrency: 32",
        "  allow_networks: [127.0.0.0/8]",
        "storage:",
        f"  database: sqlite:///{database}",
        f"  output: {output}",
        "sources:",
    ]
    for index, url in enumerate(urls):
        lines += [f"  - id: s{index:05d}", f"    name: Portal {index}", f"    url: {url}"]
        if url.endswith(".html"):
            lines += ["    kind: html", "    select:"]
            lines += [f"      {name}: '{value}'" for name, value in LISTING_SELECTORS.items()]
    path = folder / "sources.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
