"""Which receiver addresses Engage may send webhooks to: the guard against server-side request
forgery.

A subscription's URL must be ``https`` (plain ``http`` only where private targets are allowed),
carry no user name or password, and its host must resolve only to public addresses: loopback,
link-local (cloud metadata services live there), private, shared, reserved, multicast and
unspecified ranges are refused, IPv4 inside IPv6 (mapped, NAT64, 6to4) judged by its IPv4 part.
The check runs when a subscription is saved and again at every delivery, on the very address
the connection is made to (``GuardedAdapter``), because DNS can change in between; redirects are
never followed. ``Policy(allow_private=True)`` (``ENGAGE_WEBHOOK_ALLOW_PRIVATE=1``) lifts the
address rules, for development and the tests' local receivers.
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL = 2000
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")


class AddressRefused(Exception):
    """The URL or the address it resolves to is not one Engage sends webhooks to."""


@dataclass(frozen=True)
class Policy:
    allow_private: bool = False


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (tests replace this, so no query leaves the machine)."""
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _SIX_TO_FOUR:
        return ip.sixtofour
    return None


def address_problem(address: str) -> str | None:
    """Why an IP address is refused, or None when it is a public one."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "it is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            ip = inner
    if ip.is_loopback:
        return "it is a loopback address"
    if ip.is_link_local:
        return "it is a link-local address"
    if ip.is_multicast:
        return "it is a multicast address"
    if ip.is_unspecified:
        return "it is an unspecified address"
    if ip.is_reserved:
        return "it is a reserved address"
    if ip.is_private:
        return "it is a private address"
    if not ip.is_global:
        return "it is a reserved address"
    return None


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int


def parse(url: object, policy: Policy) -> Target:
    """The URL's scheme, host and port, or ``AddressRefused`` saying what is wrong with it."""
    if not isinstance(url, str) or not url.strip():
        raise AddressRefused("Enter the receiver's web address, starting with https://")
    if len(url) > MAX_URL:
        raise AddressRefused(f"The web address must be {MAX_URL} characters or fewer")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise AddressRefused("The web address must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AddressRefused("Enter a valid web address, like https://example.org/webhooks") from None
    allowed = ("https", "http") if policy.allow_private else ("https",)
    if parts.scheme not in allowed:
        raise AddressRefused("The web address must start with https://")
    if not parts.hostname:
        raise AddressRefused("Enter a valid web address, like https://example.org/webhooks")
    if parts.username is not None or parts.password is not None:
        raise AddressRefused("The web address must not hold a user name or password")
    if parts.fragment:
        raise AddressRefused("The web address must not have a #fragment")
    return Target(parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80))


def check_host(host: str, port: int, policy: Policy) -> list[str]:
    """Resolve ``host`` and return its addresses, refusing it when any of them is not public."""
    try:
        literal = ipaddress.ip_address(host.split("%", 1)[0])
        addresses = [str(literal)]
    except ValueError:
        try:
            addresses = resolve(host.rstrip("."), port)
        except (OSError, UnicodeError):
            raise AddressRefused(f"{host} could not be found (its name does not resolve)") from None
        if not addresses:
            raise AddressRefused(f"{host} could not be found (its name does not resolve)")
    if not policy.allow_private:
        for address in addresses:
            problem = address_problem(address)
            if problem:
                raise AddressRefused(f"Engage does not send webhooks to {host}: {problem}")
    return addresses


def check_url(url: object, policy: Policy) -> str:
    """The URL, checked: its form, and every address its host resolves to."""
    target = parse(url, policy)
    check_host(target.host, target.port, policy)
    return str(url)
