"""The address of the reader who sent a request, through the proxies the operator trusts.

Behind nginx every request comes from nginx's address, so rate limits keyed on `REMOTE_ADDR`
made all readers share one limit. nginx appends the address it saw to `X-Forwarded-For`
(`$proxy_add_x_forwarded_for` in deploy/nginx.conf); anything to the left of that was written by
the client and may be invented. So the header is read only when the request comes from an
address in `CROSSPOST_TRUSTED_PROXIES`, from the right, skipping further trusted proxies: the
first address that is not one of ours is the reader. From anyone else the header is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(name: str, values: list[str]) -> tuple[Network, ...]:
    """CIDRs (or single addresses) from a setting; a bad one raises ValueError naming the setting."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ValueError(f"{name} must list IP addresses or CIDRs (e.g. 10.0.0.0/8), got {value!r}") from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.5:443
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # An IPv4 client reached over an IPv6 socket is the same reader as over IPv4.
    return getattr(address, "ipv4_mapped", None) or address


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The reader's IP address as text ('' when the server gave none)."""
    return client_address_from(request.META)


def client_address_from(environ: Mapping) -> str:
    """client_address() for a WSGI environ or request.META, for layers that run before Django's."""
    remote = _address(environ.get("REMOTE_ADDR", ""))
    if remote is None:
        return ""
    proxies = settings.CROSSPOST_TRUSTED_PROXIES
    if not proxies or not _trusted(remote, proxies):
        return str(remote)
    client = remote
    forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        address = _address(hop)
        if address is None:  # garbage the client wrote: the last address we could vouch for stands
            break
        client = address
        if not _trusted(address, proxies):
            break
    return str(client)
