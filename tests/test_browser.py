"""The published page and feeds in a real browser: headless Chromium on 127.0.0.1.

The offline snapshot (36 articles, five outlets) is published into a temporary folder and
served by a real HTTP server; Chromium loads index.html and the RSS and Atom feeds, whose
feed.xsl it must fetch from the same origin and apply. The DOM it ends up with is checked, and
a phone-sized screenshot of each page is kept in tests/artifacts/ for people to look at.

Feeds are served here as application/xml: that is what makes a browser apply the stylesheet
(Chromium shows application/rss+xml as plain source text, Firefox offers it as a download);
feed readers accept either type.

Without Chromium the tests are skipped, except under CI (the CI variable set), where .ci/run
installs it and a missing browser is a failure.
"""

import os
import shutil
import signal
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree, html

from feeds.cli import main
from tests.conftest import REPO
from tests.server import FixtureServer, Route

ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = (390, 844)  # CSS pixels of a common phone screen
TIMEOUT = 60  # seconds for one Chromium run; a hung browser fails the test, never blocks it
SERVED_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".rss": "application/xml; charset=utf-8",
    ".atom": "application/xml; charset=utf-8",
    ".xsl": "text/xsl; charset=utf-8",
}
EXPLANATION = "Salin alamat ini ke aplikasi pembaca berita Anda"


def find_chromium() -> str:
    """The browser, or a skip (a failure under CI, which must run these tests)."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    reason = "Chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}, but CI is set: .ci/run should have installed it")
    pytest.skip(reason)


def chromium(*arguments: str) -> str:
    """Run headless Chromium with a throwaway profile; its stdout. The whole process group is
    killed if it runs past TIMEOUT (a page that triggers a download never finishes)."""
    browser = find_chromium()
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                   "--no-first-run", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                   f"--user-data-dir={profile}", *arguments]  # fmt: skip
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, start_new_session=True)  # fmt: skip
        try:
            out, err = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"Chromium did not finish within {TIMEOUT} s: {' '.join(arguments)}")
    assert process.returncode == 0, err[-2000:]
    return out


def dom(url: str) -> html.HtmlElement:
    """The document as Chromium has it after loading (and, for a feed, after XSLT)."""
    return html.fromstring(chromium("--dump-dom", url))


def screenshot(url: str, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.unlink(missing_ok=True)
    chromium(f"--screenshot={path}", f"--window-size={PHONE[0]},{PHONE[1]}", url)
    return path


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureServer]:
    """The snapshot published and served: /index.html, /berita-terkini.rss, /feed.xsl …"""
    find_chromium()
    folder = tmp_path_factory.mktemp("browser")
    database = f"sqlite:///{folder / 'feeds.db'}"
    sources = str(REPO / "snapshot" / "sources.yaml")
    code = main(["run", "--sources", sources, "--output", str(folder / "output"), "--db", database])
    assert code == 0
    server = FixtureServer().start()
    for file in (folder / "output").iterdir():
        if file.suffix in SERVED_TYPES:
            server.routes[f"/{file.name}"] = Route(file.read_bytes(), SERVED_TYPES[file.suffix])
    yield server
    server.stop()


def first_item_title(server: FixtureServer, name: str) -> str:
    """The newest item's title, read from the served feed itself."""
    root = etree.fromstring(server.routes[f"/{name}"].body)
    atom_titles = "//*[local-name()='entry']/*[local-name()='title']/text()"
    return root.xpath(f"//item/title/text() | {atom_titles}")[0]


def test_index_page_renders_as_a_page_for_people(site: FixtureServer) -> None:
    document = dom(site.url("/index.html"))
    assert document.findtext(".//h1") == "Berita Terkini"
    headings = [h.text_content() for h in document.iter("h3")]
    assert headings[0] == first_item_title(site, "berita-terkini.rss")
    assert len(headings) == 36
    assert "WITA" in document.text_content() and "WIB" in document.text_content()
    assert not document.xpath("//script | //link[@rel='stylesheet']")


@pytest.mark.parametrize(("name", "kind"), [("berita-terkini.rss", "RSS"),
                                            ("berita-terkini.atom", "Atom")])  # fmt: skip
def test_a_feed_opened_in_the_browser_is_shown_through_the_stylesheet(
    site: FixtureServer, name: str, kind: str
) -> None:
    """Not the XML source: the page feed.xsl makes of it, with the feed's title, the
    subscribe address and explanation, and the items' titles as text."""
    document = dom(site.url(f"/{name}"))
    assert document.findtext(".//h1") == "Berita Terkini"
    text = " ".join(document.text_content().split())
    assert f"Ini adalah feed {kind}. {EXPLANATION}" in text
    assert f"https://berita.example.id/feeds/{name}" in text
    headings = [h.text_content() for h in document.iter("h3")]
    assert headings[0] == first_item_title(site, name)
    assert not document.xpath("//pre")  # the source view Chromium uses when it cannot style
    assert site.hits("/feed.xsl"), "the stylesheet was fetched from the feed's own origin"


@pytest.mark.parametrize("name", ["index.html", "berita-terkini.rss"])
def test_phone_sized_screenshot(site: FixtureServer, name: str) -> None:
    """A PNG per page in tests/artifacts/ (git-ignored), to look at after a run."""
    path = screenshot(site.url(f"/{name}"), f"{name.replace('.', '-')}.png")
    assert png_size(path) == PHONE
    assert path.stat().st_size > 10_000  # a blank page compresses to far less


@pytest.fixture(scope="module")
def served_by_feeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The snapshot published and served by feeds' own HTTP app (as `feeds serve` does),
    under a real uvicorn on 127.0.0.1; yields the base URL."""
    import socket
    import threading
    import time
    from datetime import timedelta

    import uvicorn

    from feeds.serve.http import build_app
    from feeds.serve.state import ServiceState

    find_chromium()
    folder = tmp_path_factory.mktemp("served")
    sources = str(REPO / "snapshot" / "sources.yaml")
    assert main(["run", "--sources", sources, "--output", str(folder / "output"),
                 "--db", f"sqlite:///{folder / 'feeds.db'}"]) == 0  # fmt: skip
    app = build_app(folder / "output", ServiceState(publish_max_age=timedelta(hours=1)),
                    max_age_seconds=900)  # fmt: skip
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    listener.close()


def test_feeds_own_server_lets_the_browser_style_a_feed(served_by_feeds: str) -> None:
    """feeds serve answers a browser's navigation with generic XML, so the stylesheet runs,
    while readers still get application/rss+xml (tests/test_http.py)."""
    document = dom(f"{served_by_feeds}/berita-terkini.rss")
    assert document.findtext(".//h1") == "Berita Terkini"
    assert not document.xpath("//pre")
    assert len(list(document.iter("h3"))) == 36
