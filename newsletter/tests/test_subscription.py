import re

import pytest
from django.core.cache import cache
from django.test import Client
from lxml import html as lxml_html

from newsletter import services
from newsletter.models import Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def link_in(message, path: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(rf"http://testserver([^\s]*{path}[^\s]*)", text)
    assert link, text
    return link.group(1)


def csrf_post(client: Client, url: str):
    page = client.get(url)
    assert page.status_code == 200
    token = lxml_html.fromstring(page.content).xpath('//input[@name="csrfmiddlewaretoken"]/@value')
    return client.post(url, {"csrfmiddlewaretoken": token[0]} if token else {})


def test_a_reader_subscribes_confirms_gets_the_digest_and_unsubscribes_in_one_click(smtp, make_article):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/newsletter/subscribe/", {"email": "Ada@Example.ORG", "name": "Ada", "language": "en"})
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status) == ("Ada@example.org", "pending")

    (confirmation,) = smtp.to("Ada@example.org")
    confirm_path = link_in(confirmation, "/newsletter/confirm/")
    assert client.get(confirm_path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "pending", "a link scanner's GET must not confirm"
    assert csrf_post(client, confirm_path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed"

    article = make_article("Ports reopen", dek="Ships are moving again.", authors=("Ada Reporter",))
    services.selection_add(article=article)
    result = services.daily_digest_send(workers=1)
    assert (result["sent"], result["failed"]) == (1, 0), result
    welcome, digest = smtp.to("Ada@example.org")[1:]
    assert "/newsletter/preferences/" in welcome.get_body(preferencelist=("plain",)).get_content()
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<(.+)>", digest["List-Unsubscribe"])
    assert unsubscribe, digest["List-Unsubscribe"]
    unsubscribe_url = unsubscribe.group(1)
    assert unsubscribe_url.startswith("http://testserver/newsletter/unsubscribe/")
    html = digest.get_body(preferencelist=("html",)).get_content()
    text = digest.get_body(preferencelist=("plain",)).get_content()
    for part in (html, text):
        assert "Ports reopen" in part and "Ships are moving again." in part and "Ada Reporter" in part
        assert unsubscribe_url in part
    click = link_in(digest, "/n/c/")
    assert Client().get(click)["Location"] == f"http://testserver{article.url}"

    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe_url.removeprefix("http://testserver"), {"List-Unsubscribe": "One-Click"}
    )
    assert one_click.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"


def test_the_unsubscribe_link_asks_before_unsubscribing(smtp, confirmed_subscribers):
    from newsletter.rendering import unsubscribe_url

    (reader,) = confirmed_subscribers(1)
    path = unsubscribe_url(reader.pk, "fr").removeprefix("http://testserver")
    assert path.startswith("/fr/newsletter/unsubscribe/")
    page = Client().get(path)
    assert page.status_code == 200 and b"<button" in page.content
    reader.refresh_from_db()
    assert reader.status == "confirmed"


def test_odd_capitalisation_and_duplicates_make_one_subscriber(smtp):
    client = Client()
    for address in ("ada@example.org", "ADA@EXAMPLE.ORG", " Ada@example.org "):
        assert client.post("/newsletter/subscribe/", {"email": address}).status_code == 200
    assert Subscriber.objects.count() == 1
    assert len(smtp.messages) == 3, "a pending reader who signs up again gets a fresh link"


def test_a_confirmed_reader_who_signs_up_again_gets_no_mail(smtp, confirmed_subscribers):
    confirmed_subscribers(1)
    response = Client().post("/newsletter/subscribe/", {"email": "Reader0@example.org"})
    assert response.status_code == 200
    assert smtp.messages == []
    assert Subscriber.objects.get().status == "confirmed"


def test_a_reader_who_unsubscribed_can_subscribe_again(smtp, confirmed_subscribers):
    (reader,) = confirmed_subscribers(1)
    services.subscriber_unsubscribe(subscriber=reader)
    Client().post("/newsletter/subscribe/", {"email": reader.email, "language": "fr"})
    reader.refresh_from_db()
    assert (reader.status, reader.language) == ("pending", "fr")
    (confirmation,) = smtp.parsed()
    assert "/fr/newsletter/confirm/" in confirmation.get_body(preferencelist=("plain",)).get_content()


# A Unicode domain Django accepts but that cannot be encoded for mailing (a label of 75 letters
# once "ﬃ" becomes "ffi"), and one whose case-folded form outgrows the 254-character lookup key.
UNMAILABLE = "reader@" + "\ufb03" * 25 + ".com"
OUTGROWS_ITS_KEY = "a" * 60 + "@" + ".".join(["\u00df" * 31] * 4) + ".de"


@pytest.mark.parametrize("address", ["not-an-address", "ada@", "@example.org", "a b@example.org", "",
                                     UNMAILABLE, OUTGROWS_ITS_KEY])
def test_a_malformed_address_gets_a_form_error_and_no_mail(smtp, address):
    response = Client().post("/newsletter/subscribe/", {"email": address})
    assert response.status_code == 400
    tree = lxml_html.fromstring(response.content)
    assert tree.xpath('//input[@id="subscribe-email"][@aria-invalid="true"]')
    assert smtp.messages == [] and not Subscriber.objects.exists()


def test_a_forged_or_expired_link_gets_a_polite_400(smtp, confirmed_subscribers):
    (reader,) = confirmed_subscribers(1)
    for path in (f"/newsletter/confirm/{reader.pk}:forged/", f"/newsletter/unsubscribe/{reader.pk}/", "/newsletter/unsubscribe/x:y:z/"):
        assert Client().post(path).status_code == 400
    reader.refresh_from_db()
    assert reader.status == "confirmed"


def test_sign_ups_from_one_address_are_rate_limited(smtp, settings):
    settings.NEWSLETTER_SUBSCRIBE_RATE = 2
    codes = [Client().post("/newsletter/subscribe/", {"email": f"r{n}@example.org"}).status_code for n in range(3)]
    assert codes == [200, 200, 429]


def test_every_page_carries_the_subscribe_form(client, make_article):
    article = make_article("Anything")
    for path in ("/", article.url, "/fr" + article.url):
        tree = lxml_html.fromstring(client.get(path).content)
        forms = tree.xpath('//footer//form[contains(@class, "newsletter-form")]')
        assert len(forms) == 1
        assert forms[0].get("action") in ("/newsletter/subscribe/", "/fr/newsletter/subscribe/")


def test_the_newsletter_address_leads_to_the_sign_up_page(client):
    response = client.get("/newsletter/", follow=True)
    assert response.redirect_chain[-1][0] == "/newsletter/subscribe/"
    assert response.status_code == 200 and b'name="email"' in response.content


def test_when_the_mail_server_is_down_the_reader_is_told_and_signing_up_again_sends_the_link(smtp, settings):
    from crosspost.lib.localnet import free_port

    settings.EMAIL_PORT = free_port()  # nothing listens there
    response = Client().post("/newsletter/subscribe/", {"email": "ada@example.org"})
    assert response.status_code == 503
    assert "Your sign-up is saved" in response.content.decode()
    assert Subscriber.objects.get().status == "pending"
    settings.EMAIL_PORT = smtp.port
    assert Client().post("/newsletter/subscribe/", {"email": "ada@example.org"}).status_code == 200
    assert len(smtp.to("ada@example.org")) == 1 and Subscriber.objects.count() == 1
