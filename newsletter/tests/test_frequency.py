"""How often: a reader gets every issue of a list, or one weekly round-up of its issues instead;
never both, never neither. Mail goes through a real SMTP server on loopback."""

import datetime
import re
from unittest import mock

import pytest
from django.db.models import QuerySet
from django.test import Client
from django.utils import timezone
from lxml import html as lxml_html

from newsletter import rendering, services
from newsletter.models import Delivery, Digest, Newsletter, Subscriber, Subscription
from newsletter.tests.conftest import subscriptions_add

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2031, 3, 10)
WEDNESDAY_BEFORE = MONDAY - datetime.timedelta(days=5)
EVERY, WEEKLY = "every", "weekly"


@pytest.fixture(autouse=True)
def _roundups_on_monday(settings):
    settings.NEWSLETTER_ROUNDUP_WEEKDAY = 0
    settings.NEWSLETTER_WORKERS = 1


def readers(make, count: int, *, prefix: str, frequency: str, newsletters=None):
    found = make(count, prefix=prefix, newsletters=newsletters)
    Subscription.objects.filter(subscriber__in=found).update(frequency=frequency)
    return found


def issue_with(make_article, title: str, day: datetime.date, newsletter: Newsletter | None = None) -> Digest:
    services.selection_add(article=make_article(title), newsletter=newsletter)
    return services.digest_build(date=day, newsletter=newsletter)


def roundups() -> QuerySet:
    return Digest.objects.filter(kind=Digest.Kind.ROUNDUP)


def test_a_roundup_is_built_once_a_week_on_the_configured_weekday(smtp, make_article, confirmed_subscribers):
    readers(confirmed_subscribers, 1, prefix="weekly", frequency=WEEKLY)
    issue_with(make_article, "Ports reopen", WEDNESDAY_BEFORE)
    services.daily_digest_send(date=MONDAY - datetime.timedelta(days=1))
    assert not roundups().exists(), "Sunday is not the round-up day"

    first = services.daily_digest_send(date=MONDAY)
    second = services.daily_digest_send(date=MONDAY)

    (roundup,) = roundups()
    assert (roundup.date, roundup.period, roundup.newsletter) == (MONDAY, "2031-W11", services.newsletter_default())
    assert [a.title for a in roundup.articles.all()] == ["Ports reopen"]
    assert (first["sent"], second["sent"]) == (1, 0)
    assert len(smtp.to("weekly0@example.org")) == 1


def test_a_list_with_no_weekly_reader_gets_no_roundup(smtp, make_article, confirmed_subscribers):
    readers(confirmed_subscribers, 1, prefix="every", frequency=EVERY)
    issue_with(make_article, "Ports reopen", WEDNESDAY_BEFORE)
    services.daily_digest_send(date=MONDAY)
    assert not roundups().exists()

    readers(confirmed_subscribers, 1, prefix="weekly", frequency=WEEKLY)
    services.daily_digest_send(date=MONDAY)
    assert [a.title for a in roundups().get().articles.all()] == ["Ports reopen"]


def test_the_weekday_setting_moves_the_roundup(smtp, settings, make_article, confirmed_subscribers):
    settings.NEWSLETTER_ROUNDUP_WEEKDAY = 4
    readers(confirmed_subscribers, 1, prefix="weekly", frequency=WEEKLY)
    issue_with(make_article, "Ports reopen", WEDNESDAY_BEFORE)
    services.daily_digest_send(date=MONDAY)
    assert not roundups().exists()
    services.daily_digest_send(date=WEDNESDAY_BEFORE + datetime.timedelta(days=2))
    assert roundups().count() == 1


def test_a_second_scheduler_building_the_same_weeks_roundup_gets_the_first_ones(make_article):
    issue_with(make_article, "Ports reopen", WEDNESDAY_BEFORE)
    daily = services.newsletter_default()
    first = services.roundup_build(date=MONDAY, newsletter=daily)
    # The second scheduler looked before the first had committed: it saw no round-up yet.
    with mock.patch.object(QuerySet, "first", return_value=None):
        second = services.roundup_build(date=MONDAY + datetime.timedelta(days=2), newsletter=daily)
    assert second == first and roundups().count() == 1


def test_a_roundup_covers_the_issues_since_the_previous_roundup_and_not_the_days_own(make_article):
    daily = services.newsletter_default()
    issue_with(make_article, "Too old", MONDAY - datetime.timedelta(days=8))
    services.roundup_build(date=MONDAY - datetime.timedelta(days=7), newsletter=daily)
    issue_with(make_article, "Wednesday story", WEDNESDAY_BEFORE)
    issue_with(make_article, "Monday story", MONDAY)
    roundup = services.roundup_build(date=MONDAY, newsletter=daily)
    assert [a.title for a in roundup.articles.all()] == ["Wednesday story"]
    next_week = services.roundup_build(date=MONDAY + datetime.timedelta(days=7), newsletter=daily)
    assert [a.title for a in next_week.articles.all()] == ["Monday story"]


def test_weekly_readers_get_the_roundup_and_no_issue_and_every_issue_readers_the_reverse(
        smtp, make_article, confirmed_subscribers):
    readers(confirmed_subscribers, 1, prefix="every", frequency=EVERY)
    readers(confirmed_subscribers, 1, prefix="weekly", frequency=WEEKLY)
    issue_with(make_article, "Ports reopen", WEDNESDAY_BEFORE)
    services.daily_digest_send(date=WEDNESDAY_BEFORE)
    issue_with(make_article, "Harbour strike ends", MONDAY)
    services.daily_digest_send(date=MONDAY)

    issues, roundup = smtp.to("every0@example.org"), smtp.to("weekly0@example.org")
    assert [m["Subject"] for m in issues] == ["Crosspost daily — 5 March 2031", "Crosspost daily — 10 March 2031"]
    (message,) = roundup
    # strip(): Python folds a long encoded subject onto its own line, and parsing keeps the fold's space.
    assert message["Subject"].strip() == "Crosspost weekly round-up of Daily digest — 10 March 2031"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Ports reopen" in text and "Harbour strike ends" not in text, "Monday's issue waits for next week"
    assert "weekly round-up because you chose it" in text
    assert message["Message-ID"] not in {m["Message-ID"] for m in issues}


def test_every_confirmed_reader_gets_exactly_one_of_issue_or_roundup(smtp, make_article, confirmed_subscribers):
    weekly_list = Newsletter.objects.create(name="Climate weekly", slug="climate", schedule="weekly", weekday=0)
    daily = services.newsletter_default()
    every = readers(confirmed_subscribers, 3, prefix="every", frequency=EVERY, newsletters=[daily, weekly_list])
    weekly = readers(confirmed_subscribers, 2, prefix="weekly", frequency=WEEKLY, newsletters=[daily, weekly_list])
    issue_with(make_article, "Ports reopen", WEDNESDAY_BEFORE)
    services.selection_add(article=make_article("Glaciers"), newsletter=weekly_list)

    services.daily_digest_send(date=WEDNESDAY_BEFORE)
    services.daily_digest_send(date=MONDAY)

    def got(digest: Digest) -> set[str]:
        return set(digest.deliveries.filter(status=Delivery.Status.SENT).values_list("subscriber__email", flat=True))

    everyone = {r.email for r in every + weekly}
    issue = Digest.objects.get(newsletter=daily, kind=Digest.Kind.ISSUE, date=WEDNESDAY_BEFORE)
    (roundup,) = roundups()
    assert roundup.newsletter == daily, "a weekly list's issue already is its round-up"
    assert got(issue) == {r.email for r in every} and got(roundup) == {r.email for r in weekly}
    assert got(issue) | got(roundup) == everyone and not got(issue) & got(roundup)
    assert got(Digest.objects.get(newsletter=weekly_list)) == everyone, "weekly readers of a weekly list get it"


def test_a_reader_who_switches_to_weekly_during_a_send_is_skipped_by_the_issue(smtp, make_article,
                                                                                confirmed_subscribers):
    (reader,) = readers(confirmed_subscribers, 1, prefix="every", frequency=EVERY)
    issue = issue_with(make_article, "Ports reopen", WEDNESDAY_BEFORE)
    from newsletter import sending

    sending.deliveries_create(issue)
    Subscription.objects.filter(subscriber=reader).update(frequency=WEEKLY)
    assert services.digest_send(digest=issue, workers=1)["skipped"] == 1
    assert smtp.messages == []


def test_an_interrupted_roundup_is_resumed_by_the_resume_task(smtp, settings, make_article, confirmed_subscribers):
    from newsletter.tasks import resume_digest

    readers(confirmed_subscribers, 3, prefix="weekly", frequency=WEEKLY)
    today = timezone.localdate()
    issue_with(make_article, "Ports reopen", today - datetime.timedelta(days=2))
    roundup = services.roundup_build(date=today, newsletter=services.newsletter_default())
    settings.EMAIL_PORT = 1  # the server is down: the send stops with copies left pending
    services.digest_send(digest=roundup, workers=1)
    settings.EMAIL_PORT = smtp.port

    resumed = resume_digest.enqueue().return_value

    assert resumed is not None and resumed["sent"] == 3 and "daily round-up" in resumed["lists"]
    assert set(smtp.counts().values()) == {1} and len(smtp.counts()) == 3
    assert resume_digest.enqueue().return_value is None


def test_roundups_are_not_in_the_public_archive(smtp, client, make_article, confirmed_subscribers):
    readers(confirmed_subscribers, 1, prefix="every", frequency=EVERY)
    readers(confirmed_subscribers, 1, prefix="weekly", frequency=WEEKLY)
    issue_with(make_article, "Ports reopen", WEDNESDAY_BEFORE)
    services.daily_digest_send(date=WEDNESDAY_BEFORE)
    services.daily_digest_send(date=MONDAY)
    assert roundups().get().deliveries.filter(status="sent").count() == 1

    archive = client.get("/newsletter/archive/daily/").content.decode()
    assert WEDNESDAY_BEFORE.isoformat() in archive and MONDAY.isoformat() not in archive
    assert client.get(f"/newsletter/archive/daily/{MONDAY.isoformat()}/").status_code == 404
    assert client.get(f"/newsletter/archive/daily/{WEDNESDAY_BEFORE.isoformat()}/").status_code == 200


# ---- the preference centre ----------------------------------------------------------------------


def preferences_path(subscriber: Subscriber) -> str:
    return re.sub(r"^https?://[^/]+", "", rendering.preferences_url(subscriber.pk, "en"))


def test_the_preference_centre_offers_how_often_for_each_list_but_a_weekly_one(confirmed_subscribers):
    weekly_list = Newsletter.objects.create(name="Climate weekly", slug="climate", schedule="weekly", weekday=4)
    (reader,) = confirmed_subscribers(1, newsletters=[services.newsletter_default(), weekly_list])
    page = lxml_html.fromstring(Client().get(preferences_path(reader)).content)
    (fieldset,) = page.xpath('//fieldset[@class="newsletter-frequency"]')
    assert fieldset.xpath("legend")[0].text_content() == "How often: Daily digest"
    radios = fieldset.xpath(".//input[@type='radio']")
    assert [(r.get("value"), r.get("checked") is not None) for r in radios] == [("every", True), ("weekly", False)]
    labels = {label.get("for"): label.text_content() for label in fieldset.xpath(".//label")}
    assert [labels[r.get("id")] for r in radios] == ["Every issue", "One weekly round-up"]


def test_a_reader_changes_a_lists_frequency_in_the_preference_centre(confirmed_subscribers):
    daily = services.newsletter_default()
    (reader,) = confirmed_subscribers(1)
    client = Client()
    response = client.post(preferences_path(reader), {"lists": [daily.pk], "language": "en",
                                                      f"frequency_{daily.pk}": "weekly", "save": ""})
    assert response.status_code == 200 and "Your choices are saved." in response.content.decode()
    assert Subscription.objects.get(subscriber=reader).frequency == WEEKLY
    page = lxml_html.fromstring(client.get(preferences_path(reader)).content)
    assert page.xpath(f'//input[@name="frequency_{daily.pk}"][@checked]/@value') == ["weekly"]


def test_an_invalid_frequency_is_a_form_error_and_saves_nothing(confirmed_subscribers):
    daily = services.newsletter_default()
    (reader,) = confirmed_subscribers(1)
    response = Client().post(preferences_path(reader), {"lists": [], "language": "fr",
                                                        f"frequency_{daily.pk}": "hourly", "save": ""})
    assert response.status_code == 400
    page = lxml_html.fromstring(response.content)
    assert page.xpath('//fieldset[@class="newsletter-frequency"]//p[@class="error"]')
    reader.refresh_from_db()
    assert reader.language == "en" and services.subscriber_lists(subscriber=reader) == [daily]
    assert Subscription.objects.get(subscriber=reader).frequency == EVERY


def test_a_new_sign_up_gets_every_issue(smtp, confirmed_subscribers):
    services.subscriber_subscribe(email="new@example.org")
    assert Subscription.objects.get(subscriber__email="new@example.org").frequency == EVERY


def test_joining_a_list_in_the_preference_centre_takes_the_frequency_chosen(confirmed_subscribers):
    daily = services.newsletter_default()
    science = Newsletter.objects.create(name="Science notes", slug="science", position=2)
    (reader,) = confirmed_subscribers(1)
    Client().post(preferences_path(reader), {"lists": [daily.pk, science.pk], "language": "en",
                                             f"frequency_{science.pk}": "weekly", "save": ""})
    assert dict(Subscription.objects.filter(subscriber=reader).values_list("newsletter__slug", "frequency")) == {
        "daily": EVERY, "science": WEEKLY}


# ---- the admin -----------------------------------------------------------------------------------


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return user


def cells(page, row_text: str) -> list[str]:
    (row,) = [r for r in page.xpath("//table[contains(@class, 'listing')]/tbody/tr") if row_text in r.text_content()]
    return [" ".join(td.text_content().split()) for td in row.xpath("td")]


def test_the_lists_screen_counts_readers_per_frequency(client, editor, confirmed_subscribers):
    readers(confirmed_subscribers, 3, prefix="every", frequency=EVERY)
    weekly = readers(confirmed_subscribers, 2, prefix="weekly", frequency=WEEKLY)
    Subscriber.objects.filter(pk=weekly[0].pk).update(status=Subscriber.Status.BOUNCED)
    page = lxml_html.fromstring(client.get("/admin/newsletter/lists/").content)
    headers = [" ".join(th.text_content().split()) for th in page.xpath("//table[contains(@class, 'listing')]/thead//th")]
    row = dict(zip(headers, cells(page, "Daily digest")))
    assert (row["Readers: every issue"], row["Readers: weekly round-up"]) == ("3", "1")


def test_the_subscribers_screen_shows_each_subscriptions_frequency(client, editor, confirmed_subscribers):
    science = Newsletter.objects.create(name="Science notes", slug="science", position=2)
    (reader,) = readers(confirmed_subscribers, 1, prefix="weekly", frequency=WEEKLY)
    subscriptions_add([reader], [science])
    page = lxml_html.fromstring(client.get("/admin/newsletter/subscribers/").content)
    row = " ".join(cells(page, "weekly0@example.org"))
    assert "Daily digest (One weekly round-up)" in row and "Science notes (Every issue)" in row


def test_the_digests_screen_marks_roundups(smtp, client, editor, make_article, confirmed_subscribers):
    readers(confirmed_subscribers, 1, prefix="every", frequency=EVERY)
    readers(confirmed_subscribers, 1, prefix="weekly", frequency=WEEKLY)
    issue_with(make_article, "Ports reopen", WEDNESDAY_BEFORE)
    services.daily_digest_send(date=WEDNESDAY_BEFORE)
    services.daily_digest_send(date=MONDAY)
    page = lxml_html.fromstring(client.get("/admin/newsletter/digests/").content)
    badged = [" ".join(r.text_content().split()) for r in page.xpath("//table//tbody/tr")
              if r.xpath(".//span[contains(@class, 'w-status')]")]
    assert len(badged) == 1 and "Weekly round-up" in badged[0] and "March 10, 2031" in badged[0]
