"""Editors (not only superusers) manage lists, and subscribers they add join a list."""

import pytest
from django.contrib.auth.models import Group

from newsletter.models import Newsletter, Subscriber, Subscription
from newsletter.services import newsletter_default

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user("editor", "editor@example.org", "pw")
    user.groups.add(Group.objects.get(name="Editor"))
    client.force_login(user)
    return user


def add(client, **fields):
    data = {"email": "reader@example.org", "name": "Reader", "language": "en", "status": "confirmed", **fields}
    response = client.post("/admin/newsletter/subscribers/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Subscriber.objects.get(email="reader@example.org")


def lists_of(subscriber) -> set[str]:
    return set(Subscription.objects.filter(subscriber=subscriber, unsubscribed_at__isnull=True)
               .values_list("newsletter__slug", flat=True))


def test_a_subscriber_an_editor_adds_without_choosing_joins_the_default_list(client, editor):
    default = newsletter_default()
    subscriber = add(client)
    assert lists_of(subscriber) == {default.slug}
    assert Subscription.objects.get(subscriber=subscriber).confirmed_at is not None


def test_a_subscriber_an_editor_adds_joins_the_lists_chosen_and_an_edit_changes_them(client, editor):
    newsletter_default()
    weekly = Newsletter.objects.create(name="Weekly harbour", slug="harbour")
    climate = Newsletter.objects.create(name="Climate", slug="climate")
    subscriber = add(client, newsletters=[weekly.pk, climate.pk])
    assert lists_of(subscriber) == {"harbour", "climate"}
    form = client.get(f"/admin/newsletter/subscribers/edit/{subscriber.pk}/").content.decode()
    assert f'value="{weekly.pk}"' in form and "Weekly harbour" in form
    client.post(f"/admin/newsletter/subscribers/edit/{subscriber.pk}/",
                {"email": subscriber.email, "name": "Reader", "language": "en", "status": "confirmed",
                 "newsletters": [climate.pk]})
    assert lists_of(subscriber) == {"climate"}


def test_a_pending_subscriber_waits_for_confirmation_on_the_lists_chosen(client, editor):
    subscriber = add(client, status="pending")
    assert Subscription.objects.get(subscriber=subscriber).confirmed_at is None


def test_editors_manage_lists_on_the_lists_screen(client, editor):
    assert client.get("/admin/newsletter/lists/").status_code == 200
    response = client.post("/admin/newsletter/lists/new/", {
        "name": "Regional weekly", "slug": "regional", "description": "", "schedule": "weekly", "weekday": 0,
        "rule": "picked", "public": "on", "position": 1})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Newsletter.objects.filter(slug="regional").exists()
