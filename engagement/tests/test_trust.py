"""What an anonymous reader can claim: not another reader's standing, not a link in our mails,
not a row id no database holds."""

import pytest
from django.test import Client
from django.urls import reverse

from engagement.comments import comment_approve
from engagement.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(make_article):
    return make_article("Harbour strike ends")


def post(client, article, **fields):
    data = {"name": "Ada", "email": "ada@example.org", "text": "Good piece.", "website": "", **fields}
    return client.post(reverse("engagement:comment_post", args=[article.pk]), data, REMOTE_ADDR="203.0.113.5")


def test_typing_an_approved_readers_address_does_not_publish_at_once(article):
    ada = Client()
    post(ada, article, text="First time here.")
    comment_approve(comment_ids=[Comment.objects.get().pk])
    impostor = Client()
    response = post(impostor, article, text="Buy cheap pills.")
    assert response.status_code == 200 and "once an editor has read it" in response.content.decode()
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING
    assert "Buy cheap pills." not in impostor.get(article.url).content.decode()


def test_the_approved_readers_own_browser_is_trusted(article):
    ada = Client()
    post(ada, article, text="First time here.")
    comment_approve(comment_ids=[Comment.objects.get().pk])
    assert post(ada, article, text="Back again.").status_code == 302
    assert post(ada, article, text="And again.").status_code == 302
    assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.APPROVED}


def test_a_cookie_names_one_address_only_and_cannot_be_forged(article):
    ada = Client()
    post(ada, article, text="First time here.")
    approved = Comment.objects.get()
    comment_approve(comment_ids=[approved.pk])
    post(ada, article, email="someone.else@example.org", text="Under another name.")
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING
    forger = Client()
    forger.cookies["commenter"] = str(approved.pk)
    post(forger, article, text="Forged.")
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING


@pytest.mark.parametrize("url", ["/share/mastodon/?instance=mastodon.social&article=" + "9" * 23,
                                 "/share/email/" + "9" * 23 + "/", "/comments/" + "9" * 23 + "/",
                                 "/contact/permission/" + "9" * 23 + "/"])
def test_ids_too_large_for_any_row_are_not_found_not_errors(client, article, url):
    assert client.get(url).status_code in (400, 404)
    assert client.post(url, {"name": "A", "email": "a@example.org", "text": "x"}).status_code in (400, 403, 404, 405)


@pytest.mark.parametrize("name", ["Your bank: verify at https://bank.example/verify", "Visit bank.example now",
                                  "www.bank.example"])
def test_a_share_mail_never_carries_an_address_in_the_senders_name(client, article, mailoutbox, name):
    response = client.post(reverse("engagement:share_email", args=[article.pk]),
                           {"recipient": "friend@example.org", "sender_name": name}, REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 400 and "Web addresses are not allowed" in response.content.decode()
    assert mailoutbox == []


def test_the_share_mails_subject_has_no_name_in_it(client, article, mailoutbox):
    client.post(reverse("engagement:share_email", args=[article.pk]),
                {"recipient": "friend@example.org", "sender_name": "Ada Lovelace"}, REMOTE_ADDR="203.0.113.5")
    [message] = mailoutbox
    assert "Ada" not in message.subject and "Harbour strike ends" in message.subject
    assert "Ada Lovelace thought you would like" in message.body
