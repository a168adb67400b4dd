import pytest
from django.urls import reverse

from engagement.comments import address_ban, comment_approve
from engagement.models import BannedAddress, Comment
from engagement.templatetags.engagement_tags import comment_html


@pytest.fixture
def article(make_article):
    return make_article("Harbour strike ends")


def post(client, article, ip="203.0.113.5", **fields):
    data = {"name": "Ada", "email": "ada@example.org", "text": "Good piece.", "website": "", **fields}
    return client.post(reverse("engagement:comment_post", args=[article.pk]), data, REMOTE_ADDR=ip)


def test_a_first_comment_waits_for_moderation(client, article):
    response = post(client, article, text="First time here.")
    assert response.status_code == 200 and "once an editor has read it" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert "First time here." not in client.get(article.url).content.decode()


def test_approved_commenters_are_published_at_once(client, article):
    post(client, article, text="First time here.")
    comment_approve(comment_ids=list(Comment.objects.values_list("pk", flat=True)))
    response = post(client, article, email="ADA@example.org ", text="Back again.")
    second = Comment.objects.latest("pk")
    assert second.status == Comment.Status.APPROVED
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{second.pk}")
    page = client.get(article.url).content.decode()
    assert "First time here." in page and "Back again." in page
    assert "ada@example.org" not in page.lower()


def test_an_address_that_grows_past_its_lookup_key_when_case_folded_is_a_form_error(client, article):
    address = "a" * 60 + "@" + ".".join(["\u00df" * 31] * 4) + ".de"  # 191 characters, 315 case-folded
    response = post(client, article, email=address)
    assert response.status_code == 400 and "Enter a valid email address." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_honeypot_stores_nothing(client, article):
    response = post(client, article, website="http://spam.example")
    assert response.status_code == 200
    assert not Comment.objects.exists()


def test_more_than_two_links_are_refused(client, article):
    response = post(client, article, text="see http://a.example http://b.example www.c.example")
    assert response.status_code == 400
    assert "at most 2 links" in response.content.decode()
    assert post(client, article, text="see http://a.example and http://b.example").status_code == 200


def test_comments_are_rate_limited(client, article):
    for n in range(5):
        assert post(client, article, email=f"r{n}@example.org").status_code == 200
    response = post(client, article, email="r6@example.org")
    assert response.status_code == 429 and "try again later" in response.content.decode()
    assert Comment.objects.count() == 5


def test_text_is_escaped_and_links_are_nofollow_ugc():
    out = comment_html('<script>alert("x")</script> see https://example.org/a?b=1&c=2.\n\nbye')
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">https://example.org/a?b=1&amp;c=2</a>.' in out
    assert out.count("<p>") == 2
    assert 'href="https://www.example.org"' in comment_html("www.example.org")
    assert "onmouseover" not in comment_html('https://x.example/"onmouseover="alert(1)').split('href="')[1].split('"')[0]


def test_replies_stay_one_level_deep(client, article):
    top = Comment.objects.create(article=article, name="A", email="a@example.org", text="top", status="approved")
    reply = Comment.objects.create(article=article, parent=top, name="B", email="b@example.org", text="r",
                                   status="approved")
    post(client, article, parent=reply.pk, text="reply to a reply")
    assert Comment.objects.latest("pk").parent == top


def test_a_reply_to_an_unapproved_comment_is_refused(client, article):
    hidden = Comment.objects.create(article=article, name="A", email="a@example.org", text="top")
    assert post(client, article, parent=hidden.pk).status_code == 400


def test_closed_comments(client, make_article):
    closed = make_article(comments_open=False)
    page = client.get(closed.url).content.decode()
    assert "Comments are closed." in page and 'name="text"' not in page
    response = post(client, closed)
    assert response.status_code == 400 and "Comments are closed" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_banned_address_is_refused_and_its_comments_taken_down(client, article):
    old = Comment.objects.create(article=article, name="T", email="troll@example.org", text="x", status="approved")
    address_ban(email="Troll@Example.org")
    assert BannedAddress.objects.get().email == "troll@example.org"
    old.refresh_from_db()
    assert old.status == Comment.Status.REJECTED
    assert post(client, article, email="troll@example.org").status_code == 400


def test_editors_moderate_from_the_admin(client, article, editor):
    post(client, article, text="Please approve me.")
    post(client, article, email="spam@example.org", text="Buy now.", ip="203.0.113.9")
    good, bad = Comment.objects.order_by("pk")
    client.force_login(editor)
    page = client.get(reverse("engagement_comments")).content.decode()
    assert "Please approve me." in page and "Buy now." in page
    client.post(reverse("engagement_comments"), {"one": f"approve:{good.pk}"})
    client.post(reverse("engagement_comments"), {"action": "ban", "ids": [bad.pk]})
    good.refresh_from_db(), bad.refresh_from_db()
    assert good.status == "approved" and good.moderated_by == editor
    assert bad.status == "rejected"
    assert BannedAddress.objects.filter(email="spam@example.org").exists()
    client.logout()
    page = client.get(article.url).content.decode()
    assert "Please approve me." in page and "Buy now." not in page


def test_bulk_reject(client, article, editor):
    for n in range(3):
        post(client, article, email=f"r{n}@example.org")
    client.force_login(editor)
    ids = list(Comment.objects.values_list("pk", flat=True))
    client.post(reverse("engagement_comments"), {"action": "reject", "ids": ids})
    assert set(Comment.objects.values_list("status", flat=True)) == {"rejected"}


def test_a_get_on_the_comment_endpoint_goes_back_to_the_article(client, article):
    response = client.get(reverse("engagement:comment_post", args=[article.pk]))
    assert response.status_code == 302 and response["Location"].endswith("#comments")


def test_moderation_drops_the_cached_article(client, article, settings, django_capture_on_commit_callbacks):
    from crosspost import pagecache
    from crosspost.tests.test_pagecache import Reader

    settings.PAGECACHE_LOCAL_SECONDS = 0
    pagecache.pagecache_clear()
    reader = Reader()
    reader.get(article.url)
    assert reader.get(article.url)[1]["X-Cache"] == "hit"
    post(client, article, text="Dredging will silt the bay.")
    # A held comment changes nothing readers see, so the cached copy stays.
    assert reader.get(article.url)[1]["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comment_ids=[Comment.objects.get().pk])
    _, headers, body = reader.get(article.url)
    assert headers["X-Cache"] == "miss" and b"Dredging will silt the bay." in body
