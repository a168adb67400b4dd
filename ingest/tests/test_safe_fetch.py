import os
import socket
import threading
import time

import pytest

from crosspost.lib import safe_fetch
from crosspost.lib.safe_fetch import address_allowed, fetch
from ingest.tests.conftest import Reply


def test_it_fetches_a_page_on_an_allowed_host(web):
    url = web.route("/story", Reply("<p>Hello</p>"))
    result = fetch(url)
    assert result.status == 200
    assert result.content == b"<p>Hello</p>"
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"


def test_it_refuses_loopback_without_the_allow_setting(make_server, fetch_settings):
    server = make_server("127.0.0.1")
    url = server.route("/story", Reply("<p>secret</p>"))
    with pytest.raises(safe_fetch.AddressNotAllowed, match="127.0.0.1"):
        fetch(url)
    assert server.requests == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)", "gopher://x/", "/relative", "http://"]
)
def test_it_refuses_urls_that_are_not_http_or_https(fetch_settings, url):
    with pytest.raises(safe_fetch.BadURL):
        fetch(url)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "224.0.0.1",
        "100.64.0.1", "::1", "::", "fe80::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
    ],
)
def test_it_refuses_private_and_special_addresses(fetch_settings, address):
    assert not address_allowed("example.org", address)


def test_it_allows_public_addresses(fetch_settings):
    assert address_allowed("example.org", "93.184.216.34")
    assert address_allowed("example.org", "2606:2800:220:1:248:1893:25c8:1946")


def test_the_allow_setting_takes_host_names_and_networks(fetch_settings):
    fetch_settings.CROSSPOST_INGEST_ALLOW_HOSTS = ["intranet.example", "10.0.0.0/8"]
    assert address_allowed("intranet.example", "192.168.5.5")
    assert address_allowed("other.example", "10.20.30.40")
    assert address_allowed("other.example", "::ffff:10.20.30.40")
    assert not address_allowed("other.example", "192.168.5.5")


def test_it_follows_redirects_and_reports_the_final_url(web):
    final = web.route("/final", Reply("<p>arrived</p>"))
    web.route("/b", Reply(status=302, headers={"Location": "/final"}))
    start = web.route("/a", Reply(status=301, headers={"Location": web.url("/b")}))
    result = fetch(start)
    assert result.url == final
    assert result.content == b"<p>arrived</p>"


def test_it_stops_after_too_many_redirects(web):
    for n in range(10):
        web.route(f"/r{n}", Reply(status=302, headers={"Location": f"/r{n + 1}"}))
    with pytest.raises(safe_fetch.TooManyRedirects):
        fetch(web.url("/r0"))
    assert len(web.requests) == 4  # the first request and three redirects


def test_it_refuses_a_redirect_to_loopback(make_server, fetch_settings):
    fetch_settings.CROSSPOST_INGEST_ALLOW_HOSTS = ["127.0.0.2/32"]
    inside = make_server("127.0.0.1")
    inside_url = inside.route("/admin", Reply("<p>internal</p>"))
    outside = make_server("127.0.0.2")
    start = outside.route("/go", Reply(status=302, headers={"Location": inside_url}))
    with pytest.raises(safe_fetch.AddressNotAllowed, match="127.0.0.1"):
        fetch(start)
    assert inside.requests == []


def test_it_checks_the_address_it_actually_connected_to(make_server, fetch_settings, monkeypatch):
    # DNS rebinding: the name looks public when checked and points at loopback when connecting.
    server = make_server("127.0.0.1")
    server.route("/story", Reply("<p>internal</p>"))
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["93.184.216.34"])

    def rebinding(host, port, *args, **kwargs):
        if host == "rebind.example":
            address = next(answers, "127.0.0.1")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with pytest.raises(safe_fetch.AddressNotAllowed, match="connected to 127.0.0.1"):
        fetch(f"http://rebind.example:{server.port}/story")
    assert server.requests == []


def test_it_caps_the_response_size(web):
    web.route("/big", Reply(b"<p>" + b"x" * (600 * 1024)))
    with pytest.raises(safe_fetch.ResponseTooLarge):
        fetch(web.url("/big"))


def test_it_caps_a_response_that_does_not_declare_its_size(web):
    def endless(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        try:
            for _ in range(100):
                handler.wfile.write(b"<p>" + b"y" * 65536 + b"</p>")
        except (BrokenPipeError, ConnectionResetError):
            pass
        handler.close_connection = True

    web.route("/stream", endless)
    with pytest.raises(safe_fetch.ResponseTooLarge):
        fetch(web.url("/stream"))


def test_a_large_download_streams_into_a_file_of_any_type_within_its_own_limits(web, tmp_path):
    body = b"\x00\x01" * (400 * 1024)  # past the page limit of 512 KB, and not a web page
    web.route("/model.bin", Reply(body, content_type="application/octet-stream"))
    with (tmp_path / "model.bin").open("wb") as sink:
        result = fetch(web.url("/model.bin"), accept=(), max_bytes=len(body), timeout=30, sink=sink)
    assert result.content == b"" and (tmp_path / "model.bin").read_bytes() == body
    with (tmp_path / "short.bin").open("wb") as sink, pytest.raises(safe_fetch.ResponseTooLarge):
        fetch(web.url("/model.bin"), accept=(), max_bytes=len(body) - 1, sink=sink)


def test_it_gives_up_on_a_server_that_does_not_answer(web, settings):
    settings.CROSSPOST_FETCH_TIMEOUT = 1

    def silent(handler):
        time.sleep(2.5)
        return Reply("<p>too late</p>")

    web.route("/slow", silent)
    started = time.monotonic()
    with pytest.raises(safe_fetch.FetchTimeout):
        fetch(web.url("/slow"))
    assert time.monotonic() - started < 2


def test_it_gives_up_on_a_server_that_trickles_its_body(web, settings):
    settings.CROSSPOST_FETCH_TIMEOUT = 1

    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        try:
            for _ in range(30):
                handler.wfile.write(b"<p>.</p>")
                handler.wfile.flush()
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass
        handler.close_connection = True

    web.route("/trickle", trickle)
    started = time.monotonic()
    with pytest.raises(safe_fetch.FetchTimeout):
        fetch(web.url("/trickle"))
    assert time.monotonic() - started < 2


def test_it_gives_up_on_a_server_that_trickles_its_headers(web, settings):
    settings.CROSSPOST_FETCH_TIMEOUT = 1

    def trickle(handler):
        try:
            handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(30):
                handler.wfile.write(b"a")
                handler.wfile.flush()
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass
        handler.close_connection = True

    web.route("/headers", trickle)
    started = time.monotonic()
    with pytest.raises(safe_fetch.FetchTimeout):
        fetch(web.url("/headers"))
    assert time.monotonic() - started < 1.5


def test_it_refuses_what_is_not_a_web_page(web):
    web.route("/file.pdf", Reply(b"%PDF-1.4", content_type="application/pdf"))
    with pytest.raises(safe_fetch.UnsupportedContentType, match="application/pdf"):
        fetch(web.url("/file.pdf"))


@pytest.mark.parametrize("status", [404, 500, 503])
def test_it_reports_http_errors_in_one_line(web, status):
    web.route("/broken", Reply("oops", status=status))
    with pytest.raises(safe_fetch.HTTPStatusError) as error:
        fetch(web.url("/broken"))
    assert error.value.status == status
    assert "\n" not in str(error.value) and f"HTTP {status}" in str(error.value)


def test_it_sends_conditional_headers_and_returns_not_modified(web):
    def conditional(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            return Reply(status=304)
        return Reply("<rss/>", content_type="application/rss+xml", headers={"ETag": '"v1"'})

    url = web.route("/feed", conditional)
    first = fetch(url, accept=safe_fetch.FEED_TYPES)
    assert first.headers["etag"] == '"v1"'
    second = fetch(url, accept=safe_fetch.FEED_TYPES, headers={"If-None-Match": '"v1"'})
    assert second.not_modified and second.content == b""


@pytest.mark.parametrize("address", [
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1",  # NAT64 to 127.0.0.1, 169.254.169.254, 10.0.0.1
    "2002:7f00:1::", "2002:a9fe:a9fe::1",  # 6to4 around 127.0.0.1 and the metadata address
    "::127.0.0.1", "::10.0.0.1",  # IPv4-compatible
    "::ffff:0:127.0.0.1", "::ffff:0:a9fe:a9fe",  # IPv4-translated
    "fec0::1", "fec0:1::5",  # site-local
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo whose client is 10.0.0.1
])
def test_it_refuses_ipv6_forms_that_lead_to_a_private_ipv4_address(fetch_settings, address):
    assert not address_allowed("example.org", address)


def test_ipv6_forms_of_a_public_ipv4_address_stay_allowed(fetch_settings):
    assert address_allowed("example.org", "64:ff9b::5db8:d822")  # NAT64 to 93.184.216.34
    assert address_allowed("example.org", "2002:5db8:d822::1")


def test_it_posts_a_body_and_reads_the_answer(web):
    url = web.route("/inbox", Reply("accepted", status=202, content_type="text/plain"))
    result = safe_fetch.post(url, b'{"type": "Create"}', content_type="application/activity+json")
    assert result.status == 202
    assert result.content == b"accepted"
    path, headers, body = web.posted[0]
    assert (path, body) == ("/inbox", b'{"type": "Create"}')
    assert headers["Content-Type"] == "application/activity+json"


def test_a_post_refuses_loopback_without_the_allow_setting(make_server, fetch_settings):
    server = make_server("127.0.0.1")
    url = server.route("/hook", Reply("ok"))
    with pytest.raises(safe_fetch.AddressNotAllowed):
        safe_fetch.post(url, b"{}", content_type="application/json")
    assert server.posted == []


def test_a_post_does_not_follow_a_redirect(web):
    web.route("/elsewhere", Reply("ok"))
    url = web.route("/hook", Reply(status=307, headers={"Location": "/elsewhere"}))
    with pytest.raises(safe_fetch.HTTPStatusError) as raised:
        safe_fetch.post(url, b"{}", content_type="application/json")
    assert raised.value.status == 307
    assert [path for path, _, _ in web.posted] == ["/hook"]


def test_a_post_reports_the_receivers_error_status(web):
    url = web.route("/hook", Reply("busy", status=503, content_type="text/plain"))
    with pytest.raises(safe_fetch.HTTPStatusError) as raised:
        safe_fetch.post(url, b"{}", content_type="application/json")
    assert raised.value.status == 503


def test_a_refused_connection_is_reported_as_refused_not_as_a_timeout(fetch_settings):
    from crosspost.lib.localnet import free_port

    fetch_settings.CROSSPOST_INGEST_ALLOW_HOSTS = ["127.0.0.1"]
    url = f"http://127.0.0.1:{free_port()}/hook"
    with pytest.raises(safe_fetch.ConnectionFailed, match="ConnectionRefusedError"):
        safe_fetch.post(url, b"{}", content_type="application/json")
    with pytest.raises(safe_fetch.ConnectionFailed, match="ConnectionRefusedError"):
        fetch(url)


def test_fetches_share_one_watchdog_thread_and_leave_nothing_armed(web):
    url = web.route("/many", Reply("<p>again</p>"))
    for _ in range(30):
        assert fetch(url).status == 200
    watchdogs = [t for t in threading.enumerate() if t.name == "safe-fetch-watchdog"]
    assert len(watchdogs) == 1
    assert safe_fetch._watchdog.live == {}


def test_the_watchdog_wakes_for_a_deadline_earlier_than_the_one_it_sleeps_on():
    late, soon = socket.socketpair(), socket.socketpair()
    late_expired, soon_expired = threading.Event(), threading.Event()
    token = safe_fetch._watchdog.arm(time.monotonic() + 60, late[0], late_expired)
    time.sleep(0.05)  # the watchdog is now asleep until the late deadline
    safe_fetch._watchdog.arm(time.monotonic() + 0.2, soon[0], soon_expired)
    assert soon_expired.wait(2)
    assert soon[1].recv(10) == b""  # shut down: the other end reads end-of-file
    assert not late_expired.is_set()
    safe_fetch._watchdog.cancel(token)
    for pair in (late, soon):
        for end in pair:
            end.close()


def test_a_forked_process_gets_a_watchdog_of_its_own():
    parent_pair = socket.socketpair()
    token = safe_fetch._watchdog.arm(time.monotonic() + 60, parent_pair[0], threading.Event())  # the parent's thread runs
    pid = os.fork()
    if pid == 0:  # the child: the parent's thread is not here, so a deadline needs a new one
        pair, expired = socket.socketpair(), threading.Event()
        safe_fetch._watchdog.arm(time.monotonic() + 0.1, pair[0], expired)
        os._exit(0 if expired.wait(3) else 1)
    _, status = os.waitpid(pid, 0)
    safe_fetch._watchdog.cancel(token)
    for end in parent_pair:
        end.close()
    assert os.waitstatus_to_exitcode(status) == 0
