import pytest
from django.contrib.auth.models import Group
from lxml import html as lxml_html

from newsletter.models import Selection, Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return user


def test_an_editor_adds_an_article_to_the_newsletter_from_its_page_menu(client, editor, make_article):
    article = make_article("Ports reopen")
    edit = client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert "Add to newsletter" in edit
    url = f"/admin/newsletter/digest/select/{article.pk}/"
    assert client.get(url).status_code == 200 and not Selection.objects.exists()
    client.post(url)
    assert Selection.objects.get().selected_by == editor
    assert "Remove from newsletter" in client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    client.post(url)
    assert not Selection.objects.exists()


def test_a_contributor_cannot_select_articles(client, django_user_model, make_article):
    contributor = django_user_model.objects.create_user("contrib", "c@example.org", "pw")
    contributor.groups.add(Group.objects.get(name="Contributor"))
    client.force_login(contributor)
    article = make_article("Ports reopen")
    # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
    response = client.post(f"/admin/newsletter/digest/select/{article.pk}/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert not Selection.objects.exists()


def test_the_preview_shows_the_next_digest_and_sends_a_test_to_the_editor(smtp, client, editor, make_article):
    from newsletter import services

    services.selection_add(article=make_article("Ports reopen"))
    page = client.get("/admin/newsletter/digest/?language=fr")
    assert page.status_code == 200
    srcdoc = lxml_html.fromstring(page.content).xpath("//iframe/@srcdoc")[0]
    assert "Ports reopen" in srcdoc and "/fr/articles/" in srcdoc
    client.post("/admin/newsletter/digest/send-test/", {"language": "fr"})
    (test,) = smtp.to("editor@example.org")
    assert test["Subject"].startswith("[TEST]") and "Ports reopen" in test.get_body().get_content()
    assert not Subscriber.objects.exists()


def test_subscribers_can_be_searched_filtered_and_exported(client, editor, confirmed_subscribers):
    confirmed_subscribers(2)
    Subscriber.objects.create(email="ada@example.org", name="Ada Lovelace")
    listing = client.get("/admin/newsletter/subscribers/?q=lovelace").content.decode()
    assert "ada@example.org" in listing and "reader0@example.org" not in listing
    filtered = client.get("/admin/newsletter/subscribers/?status=pending").content.decode()
    assert "ada@example.org" in filtered and "reader0@example.org" not in filtered
    export = client.get("/admin/newsletter/digest/export.csv")
    body = b"".join(export.streaming_content).decode()
    assert body.splitlines()[0].startswith("email,name,language,status")
    assert body.count("@example.org") == 3


def test_adding_a_duplicate_address_in_the_admin_is_a_form_error(client, editor, confirmed_subscribers):
    confirmed_subscribers(1)
    response = client.post(
        "/admin/newsletter/subscribers/new/",
        {"email": "READER0@example.org", "name": "", "language": "en", "status": "pending"},
    )
    assert response.status_code == 200
    assert "already on the list" in response.content.decode()
    assert Subscriber.objects.count() == 1
