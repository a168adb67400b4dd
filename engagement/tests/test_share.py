import pytest
from django.urls import reverse
from lxml import html as lxml_html


@pytest.fixture
def article(make_article):
    return make_article("Harbour strike ends")


def send(client, article, ip="203.0.113.5", **fields):
    data = {"recipient": "friend@example.org", "sender_name": "Ada", "note": "Worth a read", **fields}
    return client.post(reverse("engagement:share_email", args=[article.pk]), data, REMOTE_ADDR=ip)


def test_it_sends_one_fixed_mail_over_smtp(client, article, smtp):
    response = send(client, article)
    assert response.status_code == 200
    assert "We sent the article to friend@example.org" in response.content.decode()
    [message] = smtp.messages
    assert smtp.envelopes[0][1] == ["friend@example.org"]
    assert message["Subject"] == "An article shared with you from Crosspost: Harbour strike ends"
    body = message.get_content()
    assert article.canonical_url() in body
    assert "Their note: Worth a read" in body
    assert message["Message-ID"]


def test_it_refuses_a_sixth_email_in_an_hour(client, article, smtp):
    for n in range(5):
        assert send(client, article, recipient=f"friend{n}@example.org", sender_name=f"Ada {n}").status_code == 200
    response = send(client, article, recipient="friend6@example.org", sender_name="Someone else")
    assert response.status_code == 429
    assert "try again later" in response.content.decode()
    assert len(smtp.messages) == 5


def test_it_limits_one_sender_across_addresses(client, article, smtp):
    for n in range(5):
        send(client, article, ip=f"198.51.100.{n}", recipient=f"friend{n}@example.org")
    assert send(client, article, ip="198.51.100.99", recipient="new@example.org").status_code == 429
    assert len(smtp.messages) == 5


def test_it_limits_mail_to_one_recipient_from_many_senders(client, article, smtp):
    for n in range(5):
        send(client, article, ip=f"198.51.100.{n}", sender_name=f"Sender {n}")
    assert send(client, article, ip="198.51.100.77", sender_name="Sender 77").status_code == 429
    assert len(smtp.messages) == 5


@pytest.mark.parametrize("field,value", [
    ("sender_name", "Ada\r\nBcc: victim@example.org"),
    ("sender_name", "Ada\nSubject: free money"),
    ("recipient", "friend@example.org\r\nBcc: victim@example.org"),
    ("note", "hello\r\nBcc: victim@example.org"),
    ("note", "line\rbreak"),
])
def test_it_rejects_header_injection(client, article, smtp, field, value):
    response = send(client, article, **{field: value})
    assert response.status_code == 400
    assert "Line breaks are not allowed here." in response.content.decode() or field == "recipient"
    assert smtp.raw == []


def test_it_takes_one_recipient_only(client, article, smtp):
    for recipients in ("a@example.org, b@example.org", "a@example.org;b@example.org", "a@example.org b@example.org"):
        assert send(client, article, recipient=recipients).status_code == 400
    assert smtp.raw == []


def test_the_note_is_short_and_has_no_links(client, article, smtp):
    assert send(client, article, note="x" * 301).status_code == 400
    response = send(client, article, note="cheap pills at https://spam.example")
    assert response.status_code == 400 and "Links are not allowed" in response.content.decode()
    assert send(client, article, note="x" * 300).status_code == 200
    assert len(smtp.messages) == 1


def test_a_mail_server_outage_is_a_polite_page_not_a_500(client, article, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on discard
    settings.EMAIL_TIMEOUT = 2
    response = send(client, article)
    assert response.status_code == 503
    assert "could not send the email" in response.content.decode()


def test_the_form_page_works_without_javascript(client, article):
    response = client.get(reverse("engagement:share_email", args=[article.pk]))
    assert response.status_code == 200 and 'name="recipient"' in response.content.decode()


def test_an_unknown_article_is_a_404(client, db):
    assert client.post(reverse("engagement:share_email", args=[999999]), {}).status_code == 404


def test_share_links_need_no_third_party_script(client, article):
    page = client.get(article.url).content.decode()
    for prefix in ("https://x.com/intent/post?", "https://www.facebook.com/sharer/sharer.php?u=",
                   "https://t.me/share/url?", "https://wa.me/?text=", "https://bsky.app/intent/compose?",
                   "https://www.linkedin.com/sharing/share-offsite/?url=", "mailto:?subject="):
        assert prefix in page
    assert 'src="http' not in page.split('<section class="engagement"', 1)[1]


def test_mastodon_sharing_sends_the_reader_on_to_their_server(client, article):
    url = reverse("engagement:share_mastodon")
    response = client.get(url, {"instance": "https://Mastodon.Social/", "article": article.pk})
    # A Refresh, not a redirect: the CSP's form-action would stop a redirect after the form.
    assert response.status_code == 200 and "Location" not in response
    target = response["Refresh"].removeprefix("0;url=")
    assert target.startswith("https://mastodon.social/share?text=Harbour%20strike%20ends%20http")
    assert lxml_html.fromstring(response.content).xpath("//a[@class='button']/@href") == [target]
    assert client.get(url, {"instance": "@ada@fosstodon.org", "article": article.pk})["Refresh"].startswith(
        "0;url=https://fosstodon.org/share?")


@pytest.mark.parametrize("instance", ["evil.example/phish?x=", "javascript:alert(1)", "localhost", "a b.org",
                                      "x" * 300, "mastodon.social\r\nSet-Cookie: a=b"])
def test_mastodon_sharing_refuses_what_is_not_a_server_name(client, article, instance):
    response = client.get(reverse("engagement:share_mastodon"), {"instance": instance, "article": article.pk})
    assert response.status_code == 400
    assert "Location" not in response
