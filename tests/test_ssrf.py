"""SSRF protection: sources cannot make feeds fetch from local or private addresses.

Only loopback addresses are used: 127.0.0.1 is allowed in the tests' configuration (the
fixture servers live there); a second server on 127.0.0.2 plays the forbidden intranet host,
and a resolver hook plays names that resolve to 10.x and cloud metadata addresses, recording
lookups and never connecting.
"""

import json

import pytest

from feeds.fetch import fetcher as fetcher_module
from feeds.fetch import guard
from tests.conftest import Workspace, serve_fixture
from tests.server import FixtureServer, Route


@pytest.fixture
def intranet():
    """A server on 127.0.0.2: reachable, but not allowed by the tests' configuration."""
    server = FixtureServer(host="127.0.0.2").start()
    yield server
    server.stop()


def source(source_id: str, url: str, **extra) -> dict:
    return {"id": source_id, "name": source_id, "url": url, **extra}


def test_a_private_address_is_refused_before_connecting(server, intranet, workspace, feeds):
    serve_fixture(intranet, "rss20.xml")
    workspace.write_config([source("intranet", intranet.url("/rss20.xml"))])
    result = feeds("run")
    assert "failed: refused: 127.0.0.2 is 127.0.0.2, a private/local address" in result.out
    assert intranet.requests == []
    status = json.loads(feeds("status", "--json").out)["sources"][0]
    assert "SSRF protection" in status["last_error"]


def test_a_redirect_to_a_private_address_is_refused(server, intranet, workspace, feeds):
    serve_fixture(intranet, "rss20.xml")
    server.routes["/pindah.xml"] = Route(
        status=302, headers={"Location": intranet.url("/rss20.xml")}
    )
    workspace.write_config([source("pindah", server.url("/pindah.xml"))])
    result = feeds("run")
    assert "failed: refused: 127.0.0.2" in result.out
    assert server.hits("/pindah.xml") and intranet.requests == []


def test_allowed_per_source_or_everywhere(server, intranet, workspace, feeds):
    serve_fixture(intranet, "rss20.xml")
    workspace.write_config([source("intranet", intranet.url("/rss20.xml"), allow_private=True)])
    assert "4 new" in feeds("run").out
    workspace.write_config([source("intranet2", intranet.url("/rss20.xml"))],
                           fetch={"allow_private": True})  # fmt: skip
    assert "failed:" not in feeds("run").out
    workspace.write_config([source("intranet3", intranet.url("/rss20.xml"))],
                           fetch={"allow_networks": ["127.0.0.0/8"]})  # fmt: skip
    assert "failed:" not in feeds("run").out


def test_article_links_into_the_intranet_are_not_followed(server, intranet, workspace, feeds):
    intranet.routes["/rahasia.html"] = Route(b"<html><body><h1>Rahasia</h1></body></html>",
                                             "text/html")  # fmt: skip
    listing = f'<html><body><article><a href="{intranet.url("/rahasia.html")}">Judul</a></article>'
    server.routes["/indeks/"] = Route(f"{listing}</body></html>".encode(), "text/html")
    workspace.write_config([source("situs", server.url("/indeks/"), kind="html",
                                   select={"item": "article"}, follow=True)],
                           fetch={"host_delay": "0s"})  # fmt: skip
    result = feeds("run")
    assert "1 new" in result.out
    assert "could not be read" in result.err and "SSRF protection" in result.err
    assert intranet.requests == []


@pytest.mark.parametrize(
    ("host", "address"),
    [("intranet.example", "10.0.0.5"), ("metadata.example", "169.254.169.254"),
     ("v6.example", "::1"), ("mapped.example", "::ffff:192.168.1.10")],
)  # fmt: skip
def test_names_resolving_to_private_addresses_never_connect(
    monkeypatch, workspace: Workspace, feeds, host: str, address: str
) -> None:
    lookups: list[str] = []
    connections: list[str] = []

    async def fake_resolve(name: str, port: int):  # type: ignore[no-untyped-def]
        lookups.append(name)
        return [guard.ipaddress.ip_address(address)]

    async def no_connection(self, url, headers):  # type: ignore[no-untyped-def]
        connections.append(url)
        raise AssertionError("the guard let a request through")

    monkeypatch.setattr(guard, "resolve", fake_resolve)
    monkeypatch.setattr(fetcher_module.Fetcher, "_get_once", no_connection)
    workspace.write_config([source("nama", f"http://{host}/feed.xml")])
    result = feeds("run")
    shown = guard.ipaddress.ip_address(address)
    assert f"failed: refused: {host} is {shown}, a private/local address" in result.out
    assert lookups == [host] and connections == []
