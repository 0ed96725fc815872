"""output/index.html: the main stream as a page for people, in Indonesian.

What it shows: the latest articles of Berita Terkini (title linked to the article, source,
time in the source's own zone, summary, picture), links to every published feed, and how
each source is doing. What it must never do: run script or load anything from elsewhere —
the only outside URLs are the articles' own links and pictures. Every text is escaped, since
titles come from other people's feeds ("<script>" in a title is text here).

Built with plain Python and html.escape (no template engine is a dependency). Times are
absolute ("Jumat, 27 November 2026 14:40 WITA", never "2 menit lalu"), so the page changes
only when its content does; a source's last success moves with every successful fetch, which
is the one reason an idle run rewrites this page.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from html import escape

from feeds.config import MAIN_STREAM_SLUG, Output, Settings
from feeds.publish.localtime import indonesian_time
from feeds.store import StoredArticle
from feeds.store.schema import SourceRow

# The formats every output is published in: file suffix, MIME type, name for people.
FORMATS = (
    ("rss", "application/rss+xml", "RSS"),
    ("atom", "application/atom+xml", "Atom"),
    ("json", "application/feed+json", "JSON Feed"),
)
ERROR_LENGTH = 200  # a last error longer than this is cut: the table stays readable

# One stylesheet for this page and for feed.xsl (which must not contain "<" or "&").
CSS = """
:root { color-scheme: light dark; --fg: #1d232a; --muted: #59626b; --bg: #faf9f6;
  --card: #ffffff; --line: #e1ddd4; --accent: #b3261e; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8e6e3; --muted: #a9b0b7; --bg: #15181b; --card: #1e2226; --line: #32383e;
    --accent: #ff8a80; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
.wrap { max-width: 46rem; margin: 0 auto; padding: 0 1rem 2rem; }
header.masthead { border-bottom: 3px solid var(--accent); padding: 1.25rem 0 0.75rem; }
h1 { margin: 0; font-size: 1.75rem; line-height: 1.2; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.75rem; }
h3 { font-size: 1.1rem; line-height: 1.35; margin: 0 0 0.25rem; }
p { margin: 0.4rem 0; }
a { color: var(--accent); }
h3 a { color: inherit; text-decoration: none; }
h3 a:hover, h3 a:focus { text-decoration: underline; }
.lead, .meta, footer, .note { color: var(--muted); }
.meta { font-size: 0.9rem; }
.subscribe { font-size: 0.95rem; }
.subscribe a { margin-right: 0.5rem; }
ol.articles, ul.feeds { list-style: none; margin: 0; padding: 0; }
ol.articles li { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  margin: 0 0 1rem; overflow: hidden; }
article .body { padding: 0.75rem 1rem 0.9rem; }
article img { display: block; width: 100%; height: auto; aspect-ratio: 16 / 9;
  object-fit: cover; background: var(--line); }
ul.feeds li { padding: 0.5rem 0; border-bottom: 1px solid var(--line); }
code, .url { overflow-wrap: anywhere; word-break: break-word; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.9rem;
  background: var(--card); border: 1px solid var(--line); border-radius: 4px;
  padding: 0.1rem 0.3rem; user-select: all; }
table { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.5rem;
  border-bottom: 1px solid var(--line); }
td.number { text-align: right; }
.failing { color: var(--accent); font-weight: 600; }
@media (max-width: 600px) {
  table, thead, tbody, tr, th, td { display: block; }
  thead { position: absolute; left: -9999px; }
  tr { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 0.75rem;
    background: var(--card); padding: 0.25rem 0; }
  td { border: 0; padding: 0.2rem 0.75rem; }
  td.number { text-align: left; }
  td::before { content: attr(data-label) ": "; color: var(--muted); }
  td:first-child::before { content: none; }
  td:first-child { font-weight: 600; }
}
footer { border-top: 1px solid var(--line); margin-top: 2rem; padding-top: 0.75rem;
  font-size: 0.85rem; }
""".strip()


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """One row of the status table: a configured source and its health from the store."""

    name: str
    enabled: bool
    zone: str
    last_success: datetime | None
    failures: int
    articles: int
    last_error: str | None


def source_statuses(
    settings: Settings, rows: Iterable[SourceRow], counts: dict[str, int]
) -> list[SourceStatus]:
    """Every configured source in the order of sources.yaml; one never fetched has no row."""
    by_id = {row.id: row for row in rows}
    statuses = []
    for source in settings.sources:
        row = by_id.get(source.id)
        statuses.append(
            SourceStatus(
                name=source.name,
                enabled=source.enabled,
                zone=settings.timezone_for(source),
                last_success=row.last_success_at if row else None,
                failures=(row.consecutive_failures or 0) if row else 0,
                articles=counts.get(source.id, 0),
                last_error=row.last_error if row else None,
            )
        )
    return statuses


def render_index(
    settings: Settings,
    items: list[StoredArticle],
    built_at: datetime,
    statuses: list[SourceStatus],
) -> bytes:
    """The page's bytes: the same inputs always give the same bytes."""
    stream = settings.config.stream
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(stream.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(stream.title)}</title>",
        f'<meta name="description" content="{escape(stream.description)}">',
        *alternate_links(settings.outputs),
        f"<style>\n{CSS}\n</style>",
        "</head>",
        "<body>",
        '<div class="wrap">',
        masthead(settings),
        "<main>",
        latest_articles(settings, items),
        subscriptions(settings.outputs),
        status_table(statuses),
        "</main>",
        footer(settings, built_at),
        "</div>",
        "</body>",
        "</html>",
    ]
    return ("\n".join(parts) + "\n").encode("utf-8")


def alternate_links(outputs: list[Output]) -> list[str]:
    """<link rel="alternate"> for every feed, so browsers and readers find them from the page.
    Relative: the page is published in the same folder as the feeds."""
    return [
        f'<link rel="alternate" type="{mime}" title="{escape(output.title)} ({label})" '
        f'href="{escape(output.slug)}.{suffix}">'
        for output in outputs
        for suffix, mime, label in FORMATS
    ]


def masthead(settings: Settings) -> str:
    stream = settings.config.stream
    main = main_output(settings.outputs)
    links = " ".join(feed_links(main))
    return (
        '<header class="masthead">\n'
        f"<h1>{escape(stream.title)}</h1>\n"
        f'<p class="lead">{escape(stream.description)}</p>\n'
        f'<p class="subscribe">Berlangganan: {links}</p>\n'
        "</header>"
    )


def latest_articles(settings: Settings, items: list[StoredArticle]) -> str:
    cards = "\n".join(f"<li>{article_card(settings, item)}</li>" for item in items)
    body = (
        f'<ol class="articles">\n{cards}\n</ol>'
        if items
        else '<p class="note">Belum ada berita.</p>'
    )
    return (
        '<section aria-labelledby="terbaru">\n'
        '<h2 id="terbaru">Berita terbaru</h2>\n'
        f"{body}\n"
        "</section>"
    )


def article_card(settings: Settings, item: StoredArticle) -> str:
    row = item.row
    title = escape(row.title)
    heading = f'<a href="{escape(row.url)}">{title}</a>' if row.url else title
    sources = ", ".join(source_name(settings, source_id) for source_id in item.source_ids)
    when = indonesian_time(row.date, zone_of(settings, row.source_id))
    lines = ["<article>"]
    if row.image_url:
        # The picture's size is unknown: width/height give the 16:9 box CSS keeps, so the
        # page does not jump while lazy images arrive.
        lines.append(f'<img src="{escape(row.image_url)}" alt="" loading="lazy" '
                     'decoding="async" width="640" height="360">')  # fmt: skip
    lines += [
        '<div class="body">',
        f"<h3>{heading}</h3>",
        f'<p class="meta">{escape(sources)} · <time datetime="{row.date.isoformat()}">'
        f"{escape(when)}</time></p>",
    ]
    if row.summary:
        lines.append(f"<p>{escape(row.summary)}</p>")
    lines += ["</div>", "</article>"]
    return "\n".join(lines)


def subscriptions(outputs: list[Output]) -> str:
    entries = "\n".join(
        f"<li><strong>{escape(output.title)}</strong><br>{' '.join(feed_links(output))}</li>"
        for output in outputs
    )
    return (
        '<section aria-labelledby="langganan">\n'
        '<h2 id="langganan">Berlangganan</h2>\n'
        "<p>Salin alamat salah satu feed ke aplikasi pembaca berita Anda.</p>\n"
        f'<ul class="feeds">\n{entries}\n</ul>\n'
        '<p><a href="sources.opml">Daftar sumber dan feed (OPML)</a></p>\n'
        "</section>"
    )


def feed_links(output: Output) -> list[str]:
    return [
        f'<a href="{escape(output.slug)}.{suffix}" type="{mime}">{label}</a>'
        for suffix, mime, label in FORMATS
    ]


STATUS_COLUMNS = ("Sumber", "Terakhir berhasil", "Gagal berturut-turut", "Artikel",
                  "Galat terakhir")  # fmt: skip


def status_table(statuses: list[SourceStatus]) -> str:
    head = "".join(f'<th scope="col">{label}</th>' for label in STATUS_COLUMNS)
    rows = "\n".join(status_row(status) for status in statuses)
    return (
        '<section aria-labelledby="status">\n'
        '<h2 id="status">Status sumber</h2>\n'
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n"
        "</section>"
    )


def status_row(status: SourceStatus) -> str:
    name = escape(status.name) + ("" if status.enabled else " (nonaktif)")
    success = "belum pernah"
    if status.last_success:
        success = indonesian_time(status.last_success, status.zone)
    error = status.last_error or "—"
    if len(error) > ERROR_LENGTH:
        error = error[: ERROR_LENGTH - 1] + "…"
    sumber, berhasil, gagal, artikel, galat = STATUS_COLUMNS
    cells = [
        cell(sumber, name),
        cell(berhasil, escape(success)),
        cell(gagal, str(status.failures), "number failing" if status.failures else "number"),
        cell(artikel, str(status.articles), "number"),
        cell(galat, escape(error), "url"),
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def cell(label: str, content: str, css_class: str | None = None) -> str:
    """A table cell; its column label goes along for the narrow-screen layout, where each row
    becomes a card of "label: value" lines."""
    attributes = f' data-label="{label}"' + (f' class="{css_class}"' if css_class else "")
    return f"<td{attributes}>{content}</td>"


def footer(settings: Settings, built_at: datetime) -> str:
    zone = settings.config.defaults.timezone
    return (
        "<footer>\n"
        f"<p>Daftar berita diperbarui {escape(indonesian_time(built_at, zone))}. "
        "Dihimpun otomatis dari sumber-sumber di atas; hak cipta setiap berita milik "
        "medianya masing-masing.</p>\n"
        "</footer>"
    )


def main_output(outputs: list[Output]) -> Output:
    return next((output for output in outputs if output.slug == MAIN_STREAM_SLUG), outputs[0])


def source_name(settings: Settings, source_id: str) -> str:
    source = settings.source(source_id)
    return source.name if source else source_id


def zone_of(settings: Settings, source_id: str) -> str:
    """The zone of the source that first brought the article; a source since removed from
    sources.yaml falls back to the default zone."""
    source = settings.source(source_id)
    return settings.timezone_for(source) if source else settings.config.defaults.timezone
