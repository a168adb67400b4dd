import pytest
from django.urls import reverse

from engagement.models import PermissionRequest

FORM = {"name": "Carla Print", "email": "carla@daily.example", "organisation": "The Daily Example",
        "use": "print", "message": "Saturday edition, page 4."}


@pytest.fixture
def article(make_article):
    return make_article("Harbour strike ends")


def test_the_permission_round_trip(client, article, smtp, editor, engagement_settings):
    url = reverse("engagement:permission_request", args=[article.pk])
    assert 'name="organisation"' in client.get(url).content.decode()
    response = client.post(url, FORM)
    assert response.status_code == 200 and "An editor will answer you" in response.content.decode()

    request = PermissionRequest.objects.get()
    assert (request.article, request.status, request.use) == (article, "pending", "print")
    [to_editors] = smtp.messages
    assert to_editors["To"] == "rights@newsroom.example"
    assert to_editors["Reply-To"] == "carla@daily.example"
    assert "The Daily Example" in to_editors["Subject"]
    assert reverse("engagement_permission", args=[request.pk]) in to_editors.get_content()

    client.force_login(editor)
    admin_url = reverse("engagement_permission", args=[request.pk])
    assert "Saturday edition" in client.get(admin_url).content.decode()
    client.post(admin_url, {"decision": "approve", "message": "Please credit us on the page."})
    request.refresh_from_db()
    assert request.status == "approved" and request.answered_by == editor
    answer = smtp.messages[-1]
    assert answer["To"] == "carla@daily.example"
    assert "approved" in answer["Subject"]
    assert "Please credit us on the page." in answer.get_content()
    assert article.canonical_url() in answer.get_content()

    client.post(admin_url, {"decision": "deny", "message": "changed my mind"})
    request.refresh_from_db()
    assert request.status == "approved" and len(smtp.messages) == 2


def test_a_denial_is_mailed_too(client, article, smtp, editor):
    client.post(reverse("engagement:permission_request", args=[article.pk]), FORM)
    request = PermissionRequest.objects.get()
    client.force_login(editor)
    client.post(reverse("engagement_permission", args=[request.pk]), {"decision": "deny"})
    assert PermissionRequest.objects.get().status == "denied"
    [answer] = smtp.messages  # no editor address configured: only the requester gets mail
    assert "declined" in answer["Subject"]


def test_bad_input_re_renders_the_form(client, article, smtp):
    url = reverse("engagement:permission_request", args=[article.pk])
    response = client.post(url, {**FORM, "email": "not-an-address", "organisation": "A\r\nBcc: x@y.z"})
    assert response.status_code == 400
    assert "Line breaks are not allowed" in response.content.decode()
    assert not PermissionRequest.objects.exists() and smtp.raw == []


def test_requests_are_rate_limited(client, article, smtp):
    url = reverse("engagement:permission_request", args=[article.pk])
    for _ in range(5):
        client.post(url, FORM)
    assert client.post(url, FORM).status_code == 429
    assert PermissionRequest.objects.count() == 5


def test_the_admin_lists_requests(client, article, editor):
    client.post(reverse("engagement:permission_request", args=[article.pk]), FORM)
    client.force_login(editor)
    assert "The Daily Example" in client.get(reverse("engagement_permissions")).content.decode()


def test_an_answer_the_mail_server_refuses_stays_open_with_the_editors_text(client, article, smtp, editor, settings):
    from crosspost.lib.localnet import free_port

    client.post(reverse("engagement:permission_request", args=[article.pk]), FORM)
    request = PermissionRequest.objects.get()
    client.force_login(editor)
    admin_url = reverse("engagement_permission", args=[request.pk])
    mail_port, settings.EMAIL_PORT = settings.EMAIL_PORT, free_port()  # the mail server goes away
    response = client.post(admin_url, {"decision": "approve", "message": "Please credit us."})
    assert response.status_code == 503
    page = response.content.decode()
    assert "could not be mailed" in page and "Please credit us." in page
    assert PermissionRequest.objects.get().status == "pending"
    settings.EMAIL_PORT = mail_port
    client.post(admin_url, {"decision": "approve", "message": "Please credit us."})
    assert PermissionRequest.objects.get().status == "approved"
    assert smtp.messages[-1]["To"] == "carla@daily.example"


def test_odd_ids_in_the_moderation_screens_are_ignored(client, article, editor):
    client.force_login(editor)
    for value in ("\u00b2", "9" * 30):
        assert client.post(reverse("engagement_comments"), {"one": f"approve:{value}", "ids": value}).status_code == 302
        assert client.get(reverse("engagement_comments"), {"article": value}).status_code == 200
        assert client.get(reverse("engagement_republications"), {"article": value}).status_code == 200
