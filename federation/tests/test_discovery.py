"""Finding us: WebFinger, NodeInfo, and the same URLs answering JSON to servers and HTML to people."""

from __future__ import annotations

import pytest

from federation import documents
from federation.models import LocalActor

AP = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(make_article, make_section):
    from newsroom.models import ThemePage

    climate = make_section(ThemePage, "Climate change")
    return make_article("Floods in the delta", dek="Water everywhere", themes=[climate])


def test_webfinger_finds_the_site_actor_by_acct(client):
    answer = client.get("/.well-known/webfinger", {"resource": "acct:crosspost@testserver"})
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/jrd+json"
    data = answer.json()
    assert data["subject"] == "acct:crosspost@testserver"
    assert {"rel": "self", "type": AP, "href": "http://testserver/"} in data["links"]


def test_webfinger_finds_an_author_by_acct_and_by_their_page(client, article):
    by_acct = client.get("/.well-known/webfinger", {"resource": "acct:ada-reporter@testserver"}).json()
    by_url = client.get("/.well-known/webfinger", {"resource": "http://testserver/authors/ada-reporter/"}).json()
    assert by_acct == by_url
    assert by_acct["links"][0]["href"] == "http://testserver/authors/ada-reporter/"


@pytest.mark.parametrize("resource", ["acct:nobody@testserver", "acct:crosspost@elsewhere.example",
                                      "https://elsewhere.example/", ""])
def test_webfinger_says_404_or_400_for_what_is_not_ours(client, resource):
    answer = client.get("/.well-known/webfinger", {"resource": resource})
    assert answer.status_code == (400 if not resource else 404)


def test_nodeinfo_is_discoverable_and_valid_2x(client, article):
    links = client.get("/.well-known/nodeinfo").json()["links"]
    assert [link["rel"].rsplit("/", 1)[1] for link in links] == ["2.0", "2.1"]
    for link in links:
        data = client.get(link["href"].removeprefix("http://testserver")).json()
        assert data["software"]["name"] == "crosspost"
        assert data["protocols"] == ["activitypub"]
        assert data["usage"]["localPosts"] == 1
        assert data["openRegistrations"] is False


@pytest.mark.parametrize("accept", [AP, LD])
def test_an_author_page_answers_a_person_actor_to_a_server(client, article, accept):
    answer = client.get("/authors/ada-reporter/", HTTP_ACCEPT=accept)
    assert answer.status_code == 200
    assert answer["Content-Type"] == AP
    actor = answer.json()
    assert actor["type"] == "Person"
    assert actor["id"] == "http://testserver/authors/ada-reporter/"
    assert actor["preferredUsername"] == "ada-reporter"
    assert actor["name"] == "Ada Reporter"
    for box in ("inbox", "outbox", "followers", "following"):
        assert actor[box].startswith("http://testserver/ap/actors/ada-reporter/")
    assert actor["endpoints"]["sharedInbox"] == "http://testserver/ap/inbox"
    assert actor["publicKey"]["id"] == actor["id"] + "#main-key"
    assert "BEGIN PUBLIC KEY" in actor["publicKey"]["publicKeyPem"]


def test_the_same_author_page_is_html_for_a_browser(client, article):
    answer = client.get("/authors/ada-reporter/", HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert answer["Content-Type"].startswith("text/html")
    assert "Accept" in answer["Vary"]


def test_the_home_page_is_the_site_organization(client):
    actor = client.get("/", HTTP_ACCEPT=AP).json()
    assert actor["type"] == "Organization"
    assert actor["preferredUsername"] == "crosspost"


def test_each_actor_keeps_one_rsa_2048_key(client, article):
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    first = client.get("/authors/ada-reporter/", HTTP_ACCEPT=AP).json()["publicKey"]["publicKeyPem"]
    again = client.get("/authors/ada-reporter/", HTTP_ACCEPT=AP).json()["publicKey"]["publicKeyPem"]
    assert first == again
    key = load_pem_public_key(first.encode())
    assert isinstance(key, RSAPublicKey) and key.key_size == 2048
    assert LocalActor.objects.filter(username="ada-reporter").count() == 1


def test_an_article_page_answers_its_article_object(client, article):
    obj = client.get(article.url, HTTP_ACCEPT=AP).json()
    assert obj["type"] == "Article"
    assert obj["id"] == obj["url"] == "http://testserver" + article.url
    assert obj["name"] == "Floods in the delta"
    assert obj["summary"] == "Water everywhere"
    assert "<p>First paragraph.</p>" in obj["content"]
    assert obj["contentMap"] == {"en": obj["content"]}
    assert obj["attributedTo"] == ["http://testserver/authors/ada-reporter/"]
    assert obj["tag"] == [{"type": "Hashtag", "name": "#ClimateChange",
                           "href": "http://testserver/themes/climate-change/"}]
    assert documents.PUBLIC in obj["to"]


def test_a_repost_object_credits_the_original(client, make_article, publication):
    repost = make_article("Their story", publication=publication, original_url="https://ledger.example.org/story")
    obj = client.get(repost.url, HTTP_ACCEPT=AP).json()
    assert obj["source"]["href"] == "https://ledger.example.org/story"
    assert 'Originally published by <a href="https://ledger.example.org/story">The Harbour Ledger</a>' in obj["content"]


def test_the_page_cache_never_hands_cached_html_to_a_server(article, settings):
    from crosspost.tests.test_pagecache import Reader

    settings.PAGECACHE_LOCAL_SECONDS = 0
    reader = Reader()
    reader.get(article.url)
    _status, headers, _body = reader.get(article.url)
    assert headers["X-Cache"] == "hit"
    _status, headers, body = reader.get(article.url, ACCEPT=AP)
    assert headers["Content-Type"] == AP and b'"type": "Article"' in body


def test_the_actor_endpoint_and_its_collections(client, article):
    assert client.get("/ap/actors/ada-reporter", HTTP_ACCEPT=AP).json()["type"] == "Person"
    followers = client.get("/ap/actors/ada-reporter/followers").json()
    assert followers["type"] == "OrderedCollection" and followers["totalItems"] == 0
    assert client.get("/ap/actors/nobody/outbox").status_code == 404


def test_an_author_page_shows_the_handle_to_follow_with_a_copy_button(client, article):
    page = client.get("/authors/ada-reporter/").content.decode()
    assert "Follow on the fediverse:" in page
    assert 'value="@ada-reporter@testserver"' in page and "js-copy" in page
