"""The reader's address comes from X-Forwarded-For only when a trusted proxy sent the request."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from crosspost.lib.client import client_address, parse_networks
from engagement.models import Comment

NGINX = "10.0.0.2"


@pytest.fixture
def behind_nginx(settings):
    settings.CROSSPOST_TRUSTED_PROXIES = parse_networks("CROSSPOST_TRUSTED_PROXIES", ["10.0.0.0/24", "fd00::/8"])


def address(remote: str, forwarded: str | None = None) -> str:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


def test_without_trusted_proxies_the_header_is_ignored():
    assert address("203.0.113.5", "198.51.100.1") == "203.0.113.5"


def test_the_address_nginx_appended_is_the_reader(behind_nginx):
    assert address(NGINX, "198.51.100.7") == "198.51.100.7"


def test_what_a_reader_writes_before_nginx_s_entry_is_not_believed(behind_nginx):
    assert address(NGINX, "1.2.3.4, 198.51.100.7") == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(behind_nginx):
    assert address(NGINX, "1.2.3.4, 198.51.100.7, 10.0.0.9") == "198.51.100.7"
    assert address("fd00::5", "2001:db8::42, fd00::9") == "2001:db8::42"


def test_a_spoofed_header_from_anyone_else_is_ignored(behind_nginx):
    assert address("203.0.113.5", "10.0.0.3") == "203.0.113.5"
    assert address("203.0.113.5", "198.51.100.7") == "203.0.113.5"


def test_garbage_in_the_header_falls_back_to_the_last_address_vouched_for(behind_nginx):
    assert address(NGINX, "") == NGINX
    assert address(NGINX, "not-an-address") == NGINX
    assert address(NGINX, "<script>, 198.51.100.7") == "198.51.100.7"
    assert address(NGINX, "198.51.100.7:51234") == "198.51.100.7"
    assert address(NGINX, "[2001:db8::1]:443") == "2001:db8::1"


def test_an_ipv4_reader_on_an_ipv6_socket_is_the_same_reader():
    assert address("::ffff:203.0.113.5") == "203.0.113.5"


def test_a_bad_cidr_is_refused_naming_the_setting():
    with pytest.raises(ValueError, match="CROSSPOST_TRUSTED_PROXIES.*'10.0.0.0/33'"):
        parse_networks("CROSSPOST_TRUSTED_PROXIES", ["10.0.0.0/33"])


def comment(client, article, forwarded: str, remote: str = NGINX, email: str = "ada@example.org"):
    data = {"name": "Ada", "email": email, "text": "Good piece.", "website": ""}
    return client.post(reverse("engagement:comment_post", args=[article.pk]), data,
                       REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)


@pytest.mark.django_db
def test_behind_nginx_one_busy_reader_does_not_use_up_another_s_limit(client, make_article, behind_nginx):
    article = make_article("Harbour strike ends")
    for n in range(5):
        assert comment(client, article, "198.51.100.7", email=f"r{n}@example.org").status_code == 200
    assert comment(client, article, "198.51.100.7", email="r6@example.org").status_code == 429
    assert comment(client, article, "198.51.100.8", email="other@example.org").status_code == 200
    assert Comment.objects.count() == 6


@pytest.mark.django_db
def test_a_reader_cannot_escape_the_limit_by_inventing_forwarded_addresses(client, make_article, behind_nginx):
    article = make_article("Harbour strike ends")
    for n in range(5):
        response = comment(client, article, f"198.51.100.{n}", remote="203.0.113.5", email=f"r{n}@example.org")
        assert response.status_code == 200
    assert comment(client, article, "198.51.100.99", remote="203.0.113.5", email="r9@example.org").status_code == 429
    # Through nginx too: what they prepend is theirs; nginx's own entry names them.
    for n in range(5):
        forged = f"192.0.2.{n}, 203.0.113.6"
        assert comment(client, article, forged, email=f"s{n}@example.org").status_code == 200
    assert comment(client, article, "192.0.2.99, 203.0.113.6", email="s9@example.org").status_code == 429


def test_layers_before_django_read_the_wsgi_environ_the_same_way(behind_nginx):
    from crosspost.lib.client import client_address_from

    assert client_address_from({"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.7"}) == "198.51.100.7"
    assert client_address_from({"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}) == "203.0.113.5"
