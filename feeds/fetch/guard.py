"""SSRF protection: a source must not make us fetch from the machine's own network.

A feed URL, a redirect or a link followed from a page could point at 127.0.0.1, a 10.x
intranet host or a cloud metadata service (169.254.169.254). Every HTTP request checks the
addresses its host resolves to, before connecting, after every redirect too. Intranet set-ups
(and tests) allow networks explicitly.

Known limit: the HTTP client resolves the name again when it connects, so a DNS answer that
changes in between (rebinding) is not caught here; an egress firewall is the complete answer.
"""

import asyncio
import ipaddress
import socket
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Blocked(Exception):
    pass


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def is_public(address: Address) -> bool:
    """Loopback, private, link-local (cloud metadata), multicast, reserved: not public."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


async def resolve(host: str, port: int) -> list[Address]:
    """The addresses a connection to host would use (a hook tests can replace)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


async def check_host(host: str, port: int, *, allowed: tuple[Network, ...]) -> None:
    """Raises Blocked when any address of host is not public and not explicitly allowed."""
    try:
        addresses = await resolve(host, port)
    except OSError as error:
        raise Blocked(f"cannot resolve {host}: {error.strerror or error}") from None
    for address in addresses:
        if is_public(address) or any(address in network for network in allowed):
            continue
        raise Blocked(
            f"refused: {host} is {address}, a private/local address (SSRF protection); "
            "allow it with fetch.allow_networks, or allow_private on the source"
        )
