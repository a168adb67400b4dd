"""The one HTTP client for URLs that users give us (ingest, feeds, lead images).

A URL typed by an editor or found in a feed must not let anyone reach our own network. So:
only http and https; every address we connect to is checked *after* the connection is made
(the peer address of the socket, not the URL text or an earlier DNS answer, which defeats DNS
rebinding); redirects are followed by hand and each hop is checked again; responses are capped
in bytes and in wall-clock time. `CROSSPOST_INGEST_ALLOW_HOSTS` lets an operator (or a test)
reach named private hosts or networks.

Every failure is a `FetchError` subclass whose message is one line fit for an editor.
"""

from __future__ import annotations

import heapq
import ipaddress
import os
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import Message
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
    "application/json",
    "text/html",  # some servers label every response this way; feedparser decides
    "text/plain",
)
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024


class FetchError(Exception):
    """Base of every fetching failure; str() is one line for an editor or a log."""


class BadURL(FetchError):
    pass


class AddressNotAllowed(FetchError):
    pass


class TooManyRedirects(FetchError):
    pass


class ResponseTooLarge(FetchError):
    pass


class FetchTimeout(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class UnsupportedContentType(FetchError):
    pass


class ConnectionFailed(FetchError):
    pass


@dataclass
class FetchResult:
    url: str  # after redirects
    status: int  # 200, or 304 for a conditional GET that found nothing new
    content: bytes
    content_type: str = ""
    charset: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        return self.content.decode(self.charset or "utf-8", errors="replace")


# --- address policy ---------------------------------------------------------------------


def _allow_list() -> tuple[set[str], list[ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    names: set[str] = set()
    networks = []
    for entry in settings.CROSSPOST_INGEST_ALLOW_HOSTS:
        entry = entry.strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.rstrip("."))
    return names, networks


_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")
_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address leads to: mapped, translated, compatible, NAT64, 6to4, Teredo.

    Each reaches the IPv4 host inside it (through the kernel, a gateway or a relay), so it is as
    public as that host, whatever the IPv6 registry says of the prefix.
    """
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    found = [ip.ipv4_mapped] if ip.ipv4_mapped is not None else []
    if ip in _TRANSLATED or any(ip in network for network in _NAT64) or (ip in _COMPATIBLE and int(ip) > 1):
        found.append(low32)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:  # fec0::/10, deprecated but routed inside
        return False
    embedded = _embedded_ipv4(ip)
    if embedded:
        return all(v4.is_global and not v4.is_multicast for v4 in embedded)
    return ip.is_global and not ip.is_multicast


def address_allowed(host: str, address: str) -> bool:
    """May we talk to `address`, reached by the name `host`?"""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    names, networks = _allow_list()
    if host.lower().strip("[]").rstrip(".") in names:
        return True
    candidates = [ip, *_embedded_ipv4(ip)]
    if any(c in network for c in candidates for network in networks if c.version == network.version):
        return True
    return _public(ip)


def _check_resolution(host: str, port: int) -> None:
    # A friendly early answer for names that plainly point inside; the socket check in
    # `_GuardedHTTPConnection` is what actually protects us.
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ConnectionFailed(f"cannot resolve host {host}") from None
    for *_, sockaddr in infos:
        if not address_allowed(host, str(sockaddr[0])):
            raise AddressNotAllowed(f"refused: {host} resolves to {sockaddr[0]}, which is not a public address")


def _check_peer(sock: socket.socket, host: str) -> None:
    peer = sock.getpeername()[0]
    if not address_allowed(host, peer):
        sock.close()
        raise AddressNotAllowed(f"refused: {host} connected to {peer}, which is not a public address")


def _expire(sock: socket.socket, expired: threading.Event) -> None:
    expired.set()
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Watchdog:
    """One thread per process that cuts sockets at their deadlines.

    A thread per connection (threading.Timer) cost more than the request itself in a fan-out of
    hundreds a second: starting a thread waits for it to take the GIL. Here arming is a heap
    push, cancelling a dict removal; the thread sleeps until the earliest live deadline.
    """

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.heap: list[tuple[float, int]] = []
        self.live: dict[int, tuple[socket.socket, threading.Event]] = {}
        self.serial = 0
        self.thread: threading.Thread | None = None

    def arm(self, deadline: float, sock: socket.socket, expired: threading.Event) -> int:
        with self.lock:
            self.serial += 1
            self.live[self.serial] = (sock, expired)
            heapq.heappush(self.heap, (deadline, self.serial))
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="safe-fetch-watchdog", daemon=True)
                self.thread.start()
            elif self.heap[0][1] == self.serial:
                self.lock.notify()  # the new deadline is the earliest: wake up sooner
            return self.serial

    def cancel(self, token: int) -> None:
        with self.lock:
            self.live.pop(token, None)  # its heap entry is skipped when it comes up

    def _run(self) -> None:
        with self.lock:
            while True:
                while self.heap and self.heap[0][1] not in self.live:
                    heapq.heappop(self.heap)
                if not self.heap:
                    self.lock.wait()
                    continue
                wait = self.heap[0][0] - time.monotonic()
                if wait > 0:
                    self.lock.wait(wait)
                    continue
                _deadline, token = heapq.heappop(self.heap)
                sock, expired = self.live.pop(token)
                _expire(sock, expired)

    def after_fork(self) -> None:
        # The thread does not exist in a forked child; its sockets are the parent's business.
        self.__init__()  # type: ignore[misc]


_watchdog = _Watchdog()
os.register_at_fork(after_in_child=_watchdog.after_fork)


class _Guarded:
    """Mixed into urllib3's connections: check the peer, and cut the socket at the deadline.

    Socket timeouts bound each read, not the whole exchange: a server trickling one byte at a
    time would never trip them. The watchdog shuts the socket down when the fetch's time is up.
    """

    deadline: float = 0.0
    watchdogs: list[int]
    expired: threading.Event

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        _check_peer(sock, self.host)  # type: ignore[attr-defined]
        self.watchdogs.append(_watchdog.arm(self.deadline, sock, self.expired))
        return sock


class _GuardedHTTPConnection(_Guarded, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    pass


class _GuardedPool:
    deadline: float = 0.0
    watchdogs: list[int]
    expired: threading.Event

    def _new_conn(self):
        conn = super()._new_conn()  # type: ignore[misc]
        conn.deadline, conn.watchdogs, conn.expired = self.deadline, self.watchdogs, self.expired
        return conn

    def close(self) -> None:
        for token in self.watchdogs:
            _watchdog.cancel(token)
        super().close()  # type: ignore[misc]


class _HTTPPool(_GuardedPool, HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _HTTPSPool(_GuardedPool, HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


# --- fetching ---------------------------------------------------------------------------


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL we are willing to try, or BadURL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise BadURL(f"not a valid URL: {url[:200]}") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise BadURL(f"only http and https URLs can be fetched, not {scheme or 'a relative URL'}: {url[:200]}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise BadURL(f"the URL has no host: {url[:200]}")
    return scheme, host, port or (443 if scheme == "https" else 80)


def _user_agent() -> str:
    return f"Crosspost/0.1 (+{settings.SITE_URL})"


def _media_type(value: str) -> tuple[str, str | None]:
    message = Message()
    message["content-type"] = value or "application/octet-stream"
    return message.get_content_type(), message.get_param("charset")  # type: ignore[return-value]


def fetch(
    url: str,
    *,
    accept: Iterable[str] = HTML_TYPES,
    headers: dict[str, str] | None = None,
    max_bytes: int | None = None,
    timeout: float | None = None,
    sink: BinaryIO | None = None,
) -> FetchResult:
    """GET `url` safely. Raises a FetchError; returns a 304 result for a satisfied conditional GET.

    With `sink`, the body is written there as it arrives instead of being kept (a large download:
    the result's content is empty); `timeout` then replaces CROSSPOST_FETCH_TIMEOUT for the whole
    exchange. An empty `accept` takes any type.
    """
    accept = tuple(accept)
    limit = max_bytes or settings.CROSSPOST_FETCH_MAX_BYTES
    budget = float(timeout or settings.CROSSPOST_FETCH_TIMEOUT)
    deadline = time.monotonic() + budget
    request_headers = {"User-Agent": _user_agent(),
                       "Accept": ", ".join(accept) + ", */*;q=0.1" if accept else "*/*"}
    request_headers.update(headers or {})
    current = url.strip()
    for _hop in range(settings.CROSSPOST_FETCH_MAX_REDIRECTS + 1):
        pool, response = _request(current, request_headers, deadline, budget=budget)
        try:
            if response.status in REDIRECT_STATUSES and response.headers.get("Location"):
                current = urljoin(current, response.headers["Location"])
                continue
            return _read(current, response, accept, limit, deadline, budget, pool.expired, sink)
        finally:
            response.release_conn()
            pool.close()
    raise TooManyRedirects(f"too many redirects (more than {settings.CROSSPOST_FETCH_MAX_REDIRECTS}) from {url}")


def post(
    url: str,
    body: bytes,
    *,
    content_type: str,
    headers: dict[str, str] | None = None,
    max_bytes: int = 64 * 1024,
) -> FetchResult:
    """POST `body` to `url` safely (webhooks, ActivityPub inboxes, WebSub callbacks).

    A redirect is not followed: re-sending a signed or one-off body elsewhere is not ours to
    decide, so a 3xx raises HTTPStatusError like any other failure. The answer is read up to
    `max_bytes` whatever its type (receivers rarely label a short acknowledgement).
    """
    budget = float(settings.CROSSPOST_FETCH_TIMEOUT)
    deadline = time.monotonic() + budget
    request_headers = {"User-Agent": _user_agent(), "Content-Type": content_type}
    request_headers.update(headers or {})
    pool, response = _request(url.strip(), request_headers, deadline, method="POST", body=body)
    try:
        return _read(url.strip(), response, (), max_bytes, deadline, budget, pool.expired)
    finally:
        response.release_conn()
        pool.close()


def _remaining(deadline: float, budget: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchTimeout(f"gave up after {budget:g} seconds")
    return left


def _request(
    url: str, headers: dict[str, str], deadline: float, *, method: str = "GET", body: bytes | None = None,
    budget: float | None = None,
) -> tuple[_GuardedPool, urllib3.BaseHTTPResponse]:
    scheme, host, port = check_url(url)
    budget = budget or float(settings.CROSSPOST_FETCH_TIMEOUT)
    _check_resolution(host, port)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    pool_class: type[_HTTPPool | _HTTPSPool] = _HTTPSPool if scheme == "https" else _HTTPPool
    left = _remaining(deadline, budget)
    pool = pool_class(host, port, maxsize=1, retries=False, timeout=urllib3.Timeout(connect=left, read=left))
    pool.deadline, pool.watchdogs, pool.expired = deadline, [], threading.Event()
    try:
        response = pool.urlopen(
            method, target, body=body, headers=headers, redirect=False, retries=False, preload_content=False
        )
        if pool.expired.is_set():  # the watchdog cut the headers short
            raise FetchTimeout(f"{host} did not answer within {budget:g} seconds")
        return pool, response
    except FetchError:
        pool.close()
        raise
    except urllib3.exceptions.NewConnectionError as exc:  # urllib3 files a refusal under TimeoutError
        pool.close()
        raise ConnectionFailed(f"could not fetch {url[:200]}: {type(exc.__cause__ or exc).__name__}") from None
    except urllib3.exceptions.TimeoutError:
        pool.close()
        raise FetchTimeout(f"{host} did not answer within {budget:g} seconds") from None
    except urllib3.exceptions.SSLError:
        pool.close()
        raise ConnectionFailed(f"TLS error talking to {host}") from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        pool.close()
        if pool.expired.is_set():
            raise FetchTimeout(f"{host} did not answer within {budget:g} seconds") from None
        reason = getattr(exc, "reason", None) or exc
        raise ConnectionFailed(f"could not fetch {url[:200]}: {type(reason).__name__}") from None


def _read(
    url: str,
    response: urllib3.BaseHTTPResponse,
    accept: tuple[str, ...],
    limit: int,
    deadline: float,
    budget: float,
    expired: threading.Event,
    sink: BinaryIO | None = None,
) -> FetchResult:
    headers = {k.lower(): v for k, v in response.headers.items()}
    if response.status == 304:
        return FetchResult(url=url, status=304, content=b"", headers=headers)
    if response.status >= 400 or response.status < 200 or response.status in REDIRECT_STATUSES:
        raise HTTPStatusError(f"{url[:200]} answered HTTP {response.status}", response.status)
    content_type, charset = _media_type(headers.get("content-type", ""))
    if accept and content_type not in accept:
        raise UnsupportedContentType(f"{url[:200]} is {content_type}, not a web page we can read")
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ResponseTooLarge(f"{url[:200]} is larger than {limit} bytes")
    body = bytearray()
    size = 0
    try:
        while True:
            _remaining(deadline, budget)
            chunk = response.read1(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise ResponseTooLarge(f"{url[:200]} is larger than {limit} bytes")
            if sink is None:
                body += chunk
            else:
                sink.write(chunk)
    except urllib3.exceptions.TimeoutError:
        raise FetchTimeout(f"gave up after {budget:g} seconds") from None
    except (urllib3.exceptions.HTTPError, OSError):
        if expired.is_set():
            raise FetchTimeout(f"gave up after {budget:g} seconds") from None
        raise ConnectionFailed(f"the connection to {url[:200]} broke off") from None
    if expired.is_set():  # the watchdog cut the body short
        raise FetchTimeout(f"gave up after {budget:g} seconds")
    return FetchResult(
        url=url, status=response.status, content=bytes(body), content_type=content_type,
        charset=charset, headers=headers,
    )
