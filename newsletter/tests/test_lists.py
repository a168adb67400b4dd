"""Several newsletters: one confirmation for two lists, the preference centre, one-click leaving
one list, the welcome mail (through a real SMTP server on loopback), holding the demo's issue."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from lxml import html as lxml_html

from newsletter import selectors, services
from newsletter.models import Newsletter, Subscriber, Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


@pytest.fixture
def lists():
    daily = services.newsletter_default()
    weekly = Newsletter.objects.create(name="Climate weekly", slug="climate", schedule="weekly", weekday=4,
                                       position=1)
    science = Newsletter.objects.create(name="Science notes", slug="science", position=2)
    return daily, weekly, science


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def path_in(message, fragment: str) -> str:
    link = re.search(rf"http://testserver(\S*{fragment}\S*)", text_of(message))
    assert link, text_of(message)
    return link.group(1)


def form_post(client: Client, path: str, data: dict | None = None, *, button: str = ""):
    page = lxml_html.fromstring(client.get(path).content)
    token = page.xpath('//input[@name="csrfmiddlewaretoken"]/@value')
    payload = {"csrfmiddlewaretoken": token[0], **(data or {})} if token else dict(data or {})
    if button:
        payload[button] = ""
    return client.post(path, payload)


def active_lists(subscriber: Subscriber) -> set[str]:
    return {n.slug for n in services.subscriber_lists(subscriber=subscriber)}


def test_a_reader_joins_two_lists_with_one_confirmation_and_gets_a_welcome_mail(smtp, lists):
    daily, weekly, _ = lists
    client = Client(enforce_csrf_checks=True)
    page = lxml_html.fromstring(client.get("/newsletter/subscribe/").content)
    assert set(page.xpath('//input[@name="lists"]/@value')) >= {str(daily.pk), str(weekly.pk)}

    response = client.post("/newsletter/subscribe/", {"email": "ada@example.org", "lists": [daily.pk, weekly.pk]})
    assert response.status_code == 200
    (confirmation,) = smtp.to("ada@example.org")
    assert "Daily digest, Climate weekly" in text_of(confirmation)
    reader = Subscriber.objects.get()
    assert active_lists(reader) == set(), "nothing is sent before the reader confirms"

    assert form_post(client, path_in(confirmation, "/newsletter/confirm/")).status_code == 200
    assert active_lists(reader) == {"daily", "climate"}
    welcome = smtp.to("ada@example.org")[1]
    assert "Welcome" in welcome["Subject"]
    assert "Daily digest" in text_of(welcome) and "Climate weekly" in text_of(welcome)
    assert welcome["List-Unsubscribe"], "the welcome mail can be unsubscribed from too"

    assert form_post(client, path_in(confirmation, "/newsletter/confirm/")).status_code == 200
    assert len(smtp.to("ada@example.org")) == 2, "confirming again sends no second welcome"


def test_a_confirmed_reader_asking_for_another_list_must_confirm_it(smtp, lists, confirmed_subscribers):
    daily, weekly, _ = lists
    (reader,) = confirmed_subscribers(1)
    Client().post("/newsletter/subscribe/", {"email": reader.email, "lists": [weekly.pk]})
    assert active_lists(reader) == {"daily"}, "a stranger cannot add lists to someone's inbox"
    (confirmation,) = smtp.to(reader.email)
    form_post(Client(), path_in(confirmation, "/newsletter/confirm/"))
    assert active_lists(reader) == {"daily", "climate"}


def test_the_preference_centre_changes_lists_and_language(smtp, lists, confirmed_subscribers):
    from newsletter.rendering import preferences_url

    daily, weekly, science = lists
    (reader,) = confirmed_subscribers(1, newsletters=[daily, weekly])
    path = preferences_url(reader.pk, "en").removeprefix("http://testserver")
    client = Client(enforce_csrf_checks=True)
    page = lxml_html.fromstring(client.get(path).content)
    checked = set(page.xpath('//input[@name="lists"][@checked]/@value'))
    assert checked == {str(daily.pk), str(weekly.pk)}

    response = form_post(client, path, {"lists": [weekly.pk, science.pk], "language": "fr"}, button="save")
    assert response.status_code == 200 and "Your choices are saved." in response.content.decode()
    reader.refresh_from_db()
    assert active_lists(reader) == {"climate", "science"} and reader.language == "fr"

    form_post(client, path, {"language": "fr"}, button="leave_all")
    reader.refresh_from_db()
    assert active_lists(reader) == set() and reader.status == "unsubscribed"
    assert Client().get(path.replace(f"{reader.pk}:", f"{reader.pk + 1}:")).status_code == 400


def test_one_click_unsubscribe_leaves_only_the_list_that_sent_the_mail(smtp, lists, make_article, confirmed_subscribers):
    daily, weekly, _ = lists
    (reader,) = confirmed_subscribers(1, newsletters=[daily, weekly])
    services.selection_add(article=make_article("Glaciers retreat"), newsletter=weekly)
    digest = services.digest_build(date=datetime.date(2031, 3, 7), newsletter=weekly)
    assert services.digest_send(digest=digest, workers=1)["sent"] == 1
    (mail,) = smtp.to(reader.email)
    assert "Climate weekly" in text_of(mail)
    header = re.fullmatch(r"<(.+)>", mail["List-Unsubscribe"])
    assert header, mail["List-Unsubscribe"]
    link = header.group(1).removeprefix("http://testserver")

    # RFC 8058: the mail client POSTs this body, with no cookie and no CSRF token.
    response = Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "Climate weekly" in response.content.decode()
    reader.refresh_from_db()
    assert active_lists(reader) == {"daily"} and reader.status == "confirmed"
    (row,) = selectors.digests_stats(newsletter=weekly)
    assert (row["delivered"], row["unsubscribes"]) == (1, 1)


def test_an_unsubscribe_link_from_before_lists_leaves_every_list(smtp, lists, confirmed_subscribers):
    from crosspost.lib.signing import sign
    from newsletter.rendering import UNSUBSCRIBE_SALT

    daily, weekly, _ = lists
    (reader,) = confirmed_subscribers(1, newsletters=[daily, weekly])
    Client().post(f"/newsletter/unsubscribe/{sign(str(reader.pk), salt=UNSUBSCRIBE_SALT)}/")
    reader.refresh_from_db()
    assert active_lists(reader) == set() and reader.status == "unsubscribed"


def test_each_list_goes_to_its_own_readers_on_its_own_schedule(smtp, lists, make_article, confirmed_subscribers):
    daily, weekly, _ = lists
    confirmed_subscribers(2, prefix="daily", newsletters=[daily])
    confirmed_subscribers(1, prefix="weekly", newsletters=[weekly])
    services.selection_add(article=make_article("Daily story"), newsletter=daily)
    services.selection_add(article=make_article("Weekly story"), newsletter=weekly)
    thursday, friday = datetime.date(2031, 3, 6), datetime.date(2031, 3, 7)
    assert "climate" not in services.daily_digest_send(date=thursday, workers=1)["lists"], "Fridays only"
    assert set(smtp.counts()) == {"daily0@example.org", "daily1@example.org"}
    result = services.daily_digest_send(date=friday, workers=1)
    assert result["lists"]["climate"]["sent"] == 1
    assert "weekly0@example.org" in smtp.counts()


def test_a_section_list_takes_every_new_article_of_its_theme_since_its_last_issue(make_section, make_article):
    from newsroom.models import ThemePage

    climate = make_section(ThemePage, "Climate")
    weekly = Newsletter.objects.create(name="Climate weekly", slug="climate", rule="section", section=climate)
    first = make_article("Glaciers retreat", themes=[climate], days_ago=1)
    make_article("Elections loom")
    issue = services.digest_build(date=datetime.date(2031, 3, 7), newsletter=weekly)
    assert list(issue.articles.all()) == [first]
    later = make_article("Seas rise", themes=[climate])
    assert services.selections_pending(newsletter=weekly) == [later]


def test_a_held_list_waits_for_an_editor_to_release_it(smtp, lists, make_article, confirmed_subscribers, client,
                                                       django_user_model):
    daily, _, _ = lists
    Newsletter.objects.filter(pk=daily.pk).update(held=True)
    confirmed_subscribers(1)
    services.selection_add(article=make_article("Held story"))
    result = services.daily_digest_send(date=datetime.date(2031, 3, 6), workers=1)
    assert "daily" not in result["lists"] and smtp.messages == []

    client.force_login(django_user_model.objects.create_superuser("ed", "ed@example.org", "pw"))
    page = client.get("/admin/newsletter/digest/").content.decode()
    assert "This issue waits for you" in page and "Held story" in page, "the preview still shows the selection"
    client.post("/admin/newsletter/digest/release/", {"list": "daily"})
    assert services.daily_digest_send(date=datetime.date(2031, 3, 7), workers=1)["sent"] == 1


def test_the_demo_holds_its_digest_for_an_editor(settings):
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("demo")
    daily = Newsletter.objects.get(slug="daily")
    assert daily.held and len(services.selections_pending(newsletter=daily)) == 4
    result = services.daily_digest_send(workers=1)  # what the scheduler's first run does
    assert "daily" not in result["lists"]
    assert len(services.selections_pending(newsletter=daily)) == 4, "the newcomer still sees the demo's digest"
    assert Subscription.objects.filter(newsletter__slug="weekly").exists()
