"""The editors' side: the Fediverse screen and blocking from Settings."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from federation import services
from federation.models import Block, Follower, Reaction, RemoteServer, WebSubSubscription
from newsroom.services import EDITOR_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user(username="ed", password="pw")
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    client.force_login(user)
    return user


@pytest.fixture
def followed_site(remote):
    site = services.actor_for_site()
    Follower.objects.create(actor=site, remote=services.remote_actor_store(remote.document()))
    return site


def _rows(page: str, heading: str) -> str:
    """The table (or list) under one heading of the Fediverse screen, tags stripped."""
    section = page.split(f"<h2>{heading}</h2>", 1)[1].split("<h2>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", section).split())


def test_the_fediverse_screen_shows_followers_deliveries_and_reactions(client, editor, followed_site, make_article,
                                                                     committed):
    article = committed(make_article, "Liked story")
    for n, kind in enumerate(["like", "like", "announce"]):
        Reaction.objects.create(article=article, kind=kind, activity_uri=f"https://m.example/l/{n}",
                                actor_uri=f"https://m.example/u/{n}")
    RemoteServer.objects.create(domain="down.example", consecutive_failures=4, last_error="HTTP 503")
    Block.objects.create(domain="spam.example", reason="spam")
    WebSubSubscription.objects.create(topic="http://testserver/feed/rss/", callback="https://r.example/cb",
                                      lease_expires_at=timezone.now() + datetime.timedelta(days=1))
    page = client.get("/admin/fediverse/").content.decode()
    assert "@crosspost@testserver Site 1" in _rows(page, "Followers per actor")
    assert _rows(page, "Followers per server").endswith("127.0.0.1 1")
    assert "Liked story Create" in _rows(page, "Latest posts")
    assert "down.example 4 — HTTP 503" in _rows(page, "Failing servers")
    assert "Liked story 2 1" in _rows(page, "Likes and boosts")
    assert "http://testserver/feed/rss/ 1" in _rows(page, "Feeds pushed by WebSub")
    assert "spam.example — spam" in _rows(page, "Blocked")


def test_an_editor_blocks_a_domain_and_its_followers_go(client, editor, followed_site):
    answer = client.post("/admin/federation_blocks/new/", {"domain": "127.0.0.1", "actor_uri": "", "reason": "spam"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert Block.objects.get().domain == "127.0.0.1"
    assert not Follower.objects.exists()


def test_a_block_needs_a_domain_or_an_actor_not_both(client, editor):
    answer = client.post("/admin/federation_blocks/new/", {"domain": "a.example", "actor_uri": "https://a.example/u",
                                                          "reason": ""})
    assert answer.status_code == 200 and not Block.objects.exists()


def test_the_demo_shows_actors_a_follower_and_a_delivered_post(client, editor, make_article):
    from federation.demo import federation_demo_load
    from federation.models import Delivery, LocalActor

    make_article(authors=("Ada Reporter", "Bo Editor"))
    federation_demo_load()
    federation_demo_load()  # twice changes nothing
    assert LocalActor.objects.filter(kind="site").count() == 1 and LocalActor.objects.filter(kind="author").count() == 2
    assert Follower.objects.filter(remote__domain="fediverse.example").exists()
    assert Delivery.objects.filter(status="done").count() == 1
    assert client.get("/", HTTP_ACCEPT="application/activity+json").json()["type"] == "Organization"
    page = client.get("/admin/fediverse/").content.decode()
    assert "fediverse.example" in page
    assert "/feed/" in _rows(page, "Feeds pushed by WebSub")
    article = Delivery.objects.get(status="done").activity.article
    shown = client.get(article.url).content.decode()
    assert "@reader@fediverse.example on the fediverse" in shown and "Mastodon timeline" in shown
