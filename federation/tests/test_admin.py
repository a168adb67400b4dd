"""The editors' side: the Fediverse screen and blocking from Settings."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from federation import services
from federation.models import Block, Follower, Reaction
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


def test_the_fediverse_screen_shows_followers_deliveries_and_reactions(client, editor, followed_site, make_article,
                                                                     committed):
    article = committed(make_article, "Liked story")
    Reaction.objects.create(article=article, kind="like", activity_uri="https://m.example/l/1",
                            actor_uri="https://m.example/u/1")
    page = client.get("/admin/fediverse/").content.decode()
    assert "@crosspost@testserver" in page
    assert "127.0.0.1" in page  # the follower's server
    assert "Liked story" in page and "Create" in page


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
