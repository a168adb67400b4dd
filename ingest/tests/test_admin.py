import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from ingest.models import FeedSubscription, InboxItem
from ingest.tests.conftest import Reply, article_html
from newsroom.models import ArticlePage
from newsroom.services import EDITOR_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")
    client.force_login(user)
    return client


def test_the_admin_menu_offers_reposting(admin_client):
    page = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Repost from URL" in page and "Inbox" in page


def test_reposting_from_a_url_opens_the_new_draft(admin_client, web):
    url = web.route("/story", Reply(article_html()))
    response = admin_client.post(reverse("ingest_repost"), {"url": url, "mode": "full"})
    article = ArticlePage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[article.pk])
    assert article.repost_mode == "full" and not article.live
    assert article.owner.username == "boss"


def test_reposting_pasted_html(admin_client, fetch_settings):
    response = admin_client.post(
        reverse("ingest_repost"), {"html": article_html(), "source_url": "https://ledger.example.org/saved"}
    )
    assert response.status_code == 302
    assert ArticlePage.objects.get().original_url == "https://ledger.example.org/2024/05/dredging"


def test_a_duplicate_shows_the_existing_article(admin_client, web):
    url = web.route("/story", Reply(article_html()))
    admin_client.post(reverse("ingest_repost"), {"url": url})
    response = admin_client.post(reverse("ingest_repost"), {"url": url})
    article = ArticlePage.objects.get()
    assert response.status_code == 200
    assert "already reposted" in response.content.decode()
    assert reverse("wagtailadmin_pages:edit", args=[article.pk]) in response.content.decode()


def test_a_failure_is_a_form_error(admin_client, web):
    response = admin_client.post(reverse("ingest_repost"), {"url": web.route("/x", Reply("gone", status=404))})
    assert response.status_code == 200
    assert "HTTP 404" in response.content.decode()
    assert not ArticlePage.objects.exists()


def test_the_form_needs_a_url_or_html(admin_client):
    response = admin_client.post(reverse("ingest_repost"), {"url": ""})
    assert "Give the original" in response.content.decode()


def test_people_who_cannot_add_articles_cannot_repost(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(user)
    response = client.get(reverse("ingest_repost"))
    # Without admin access Wagtail sends the user to its login page; nothing of the form shows.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


@pytest.fixture
def inbox_item(web):
    subscription = FeedSubscription.objects.create(url=web.url("/feed.xml"), title="The Harbour Ledger")
    web.route("/one", Reply(article_html()))
    return InboxItem.objects.create(subscription=subscription, url=web.url("/one"), title="Harbour to dredge")


def test_the_inbox_lists_new_items_with_repost_and_dismiss_buttons(admin_client, inbox_item):
    page = admin_client.get(reverse("ingest_inbox")).content.decode()
    assert "Harbour to dredge" in page
    assert reverse("ingest_inbox_repost", args=[inbox_item.pk]) in page
    assert reverse("ingest_inbox_dismiss", args=[inbox_item.pk]) in page
    assert "csrfmiddlewaretoken" in page


def test_reposting_from_the_inbox(admin_client, inbox_item):
    response = admin_client.post(reverse("ingest_inbox_repost", args=[inbox_item.pk]))
    article = ArticlePage.objects.get()
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[article.pk])
    inbox_item.refresh_from_db()
    assert inbox_item.status == InboxItem.Status.REPOSTED


def test_dismissing_from_the_inbox_only_takes_post(admin_client, inbox_item):
    url = reverse("ingest_inbox_dismiss", args=[inbox_item.pk])
    assert admin_client.get(url).status_code == 405
    admin_client.post(url)
    inbox_item.refresh_from_db()
    assert inbox_item.status == InboxItem.Status.DISMISSED
    assert "Harbour to dredge" not in admin_client.get(reverse("ingest_inbox")).content.decode()


def test_feeds_are_managed_in_the_admin(admin_client, fetch_settings):
    response = admin_client.post(reverse("feeds:add"), {"url": "https://ledger.example.org/feed/", "title": "Ledger"})
    assert response.status_code == 302
    assert FeedSubscription.objects.get().title == "Ledger"
    assert "Ledger" in admin_client.get(reverse("feeds:index")).content.decode()


def test_editors_may_manage_feeds():
    editors = Group.objects.get(name=EDITOR_GROUP)
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {"add_feedsubscription", "change_feedsubscription", "delete_feedsubscription"} <= codenames
