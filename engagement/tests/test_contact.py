import pytest
from django.urls import reverse

from engagement.models import ContactMessage

FORM = {"name": "Dee Reader", "email": "dee@example.org", "subject": "A correction", "message": "The date is wrong."}


@pytest.mark.parametrize("name,kind,to", [("engagement:contact_feedback", "feedback", "letters@newsroom.example"),
                                          ("engagement:contact_media", "media", "press@newsroom.example")])
def test_messages_are_stored_and_mailed(client, smtp, engagement_settings, name, kind, to):
    assert client.get(reverse(name)).status_code == 200
    response = client.post(reverse(name), FORM)
    assert response.status_code == 200
    saved = ContactMessage.objects.get()
    assert saved.kind == kind and saved.subject == "A correction"
    [message] = smtp.messages
    assert message["To"] == to and message["Reply-To"] == "dee@example.org"
    assert "The date is wrong." in message.get_content()


def test_contact_is_rate_limited_and_checks_input(client, smtp, db):
    assert client.post(reverse("engagement:contact_feedback"), {**FORM, "subject": "x\ny"}).status_code == 400
    for _ in range(5):
        client.post(reverse("engagement:contact_feedback"), FORM)
    response = client.post(reverse("engagement:contact_feedback"), FORM)
    assert response.status_code == 429
    assert ContactMessage.objects.count() == 5


def test_bots_filling_the_honeypot_are_thanked_and_ignored(client, db):
    assert client.post(reverse("engagement:contact_feedback"), {**FORM, "website": "x"}).status_code == 200
    assert not ContactMessage.objects.exists()


def test_the_footer_links_to_the_forms_and_follow_us(client, make_article, engagement_settings):
    engagement_settings.telegram = "https://t.me/examplenews"
    engagement_settings.save()
    page = client.get(make_article().url).content.decode()
    assert 'href="https://t.me/examplenews"' in page
    assert reverse("engagement:contact_feedback") in page and reverse("engagement:contact_media") in page


def test_editors_read_messages_in_the_admin(client, editor):
    client.post(reverse("engagement:contact_feedback"), FORM)
    client.force_login(editor)
    assert "The date is wrong." in client.get(reverse("engagement_messages")).content.decode()
    client.post(reverse("engagement_messages"), {"handled": ContactMessage.objects.get().pk})
    assert ContactMessage.objects.get().handled


def test_the_demo_fills_every_screen(client, make_article, editor):
    from engagement.demo import engagement_demo_load
    from engagement.models import Comment, PermissionRequest, Republication

    article = make_article("Newest")
    engagement_demo_load()
    engagement_demo_load()
    assert Comment.objects.filter(article=article, status="approved").count() == 3
    assert Comment.objects.filter(status="pending").count() == 2
    assert PermissionRequest.objects.count() == 1 and Republication.objects.exists()
    assert "Priya S." in client.get(article.url).content.decode()
    client.force_login(editor)
    for name in ("engagement_comments", "engagement_permissions", "engagement_republications",
                 "engagement_messages", "engagement_deliveries", "engagement_banned:index",
                 "engagement_webhooks:index"):
        assert client.get(reverse(name)).status_code == 200, name


def test_the_article_edit_screen_links_to_its_republications(client, make_article, editor):
    article = make_article()
    client.force_login(editor)
    page = client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert f"/admin/engagement/republications/?article={article.pk}" in page
