import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from newsletter import services
from newsletter.models import Delivery, Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def digest(make_article, publication):
    own = make_article("Harbour strike ends", dek="Dockers vote to return.", authors=("Ada Reporter",))
    repost = make_article(
        "Grain prices fall",
        authors=("Ben Writer",),
        publication=publication,
        original_url="https://ledger.example.org/grain",
    )
    services.selection_add(article=own)
    services.selection_add(article=repost)
    return services.digest_build(date=own.first_published_at.date())


def test_the_digest_lists_title_dek_byline_link_and_original_source(smtp, digest, confirmed_subscribers):
    confirmed_subscribers(1)
    services.digest_send(digest=digest, workers=1)
    (message,) = smtp.parsed()
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert text.index("Harbour strike ends") < text.index("Grain prices fall")
    assert "By Ada Reporter" in text and "Dockers vote to return." in text
    assert "Originally published by The Harbour Ledger: https://ledger.example.org/grain" in text
    assert 'href="https://ledger.example.org/grain"' in html
    assert 'style="' in html and "max-width:600px" in html and 'name="viewport"' in html


def test_each_reader_gets_the_digest_in_their_language_with_their_own_unsubscribe_link(smtp, digest, confirmed_subscribers):
    english = confirmed_subscribers(2)
    (french,) = confirmed_subscribers(1, language="fr", prefix="lecteur")
    services.digest_send(digest=digest, workers=1)
    links = {m["To"]: m["List-Unsubscribe"] for m in smtp.parsed()}
    assert len(set(links.values())) == 3
    assert links[french.email].startswith("<http://testserver/fr/newsletter/unsubscribe/")
    (to_french,) = smtp.to(french.email)
    text = to_french.get_body(preferencelist=("plain",)).get_content()
    link = next(line for line in text.splitlines() if line.startswith("http://testserver/n/c/"))
    assert Client().get(link.removeprefix("http://testserver"))["Location"].startswith("http://testserver/fr/articles/")
    assert links[english[0].email].startswith("<http://testserver/newsletter/unsubscribe/")
    assert len({m["Message-ID"] for m in smtp.parsed()}) == 3


def test_sending_again_sends_nothing_new(smtp, digest, confirmed_subscribers):
    confirmed_subscribers(5)
    first = services.digest_send(digest=digest, workers=1)
    again = services.digest_send(digest=digest, workers=1)
    assert (first["sent"], again["sent"], again["skipped"]) == (5, 0, 5)
    assert len(smtp.messages) == 5


def test_readers_who_confirm_after_the_digest_went_out_do_not_get_it_on_a_rerun(smtp, digest, confirmed_subscribers):
    confirmed_subscribers(2)
    services.digest_send(digest=digest, workers=1)
    confirmed_subscribers(1, prefix="late")
    assert services.digest_send(digest=digest, workers=1)["sent"] == 0


def test_a_reader_who_unsubscribes_before_their_turn_is_skipped(smtp, digest, confirmed_subscribers):
    readers = confirmed_subscribers(3)
    from newsletter import sending

    sending.deliveries_create(digest)
    services.subscriber_unsubscribe(subscriber=readers[1])
    result = services.digest_send(digest=digest, workers=1)
    assert (result["sent"], result["skipped"]) == (2, 1)
    assert readers[1].email not in smtp.counts()


def test_a_deferred_copy_waits_its_backoff_and_a_permanent_refusal_is_recorded(smtp, digest, confirmed_subscribers):
    readers = confirmed_subscribers(3)
    smtp.replies[readers[0].email] = ["451 4.7.1 Greylisted, try again"]
    smtp.replies[readers[1].email] = ["550 5.1.1 No such user"]
    first = services.digest_send(digest=digest, workers=1)
    assert (first["sent"], first["failed"], first["deferred"]) == (1, 1, 1)
    greylisted = Delivery.objects.get(subscriber=readers[0])
    assert greylisted.status == "pending" and greylisted.retry_at > timezone.now()
    assert services.digest_send(digest=digest, workers=1)["sent"] == 0, "not before its backoff is over"

    Delivery.objects.filter(pk=greylisted.pk).update(retry_at=timezone.now())
    assert services.digest_send(digest=digest, workers=1)["sent"] == 1
    assert smtp.counts() == {readers[0].email: 1, readers[2].email: 1}
    assert Delivery.objects.get(subscriber=readers[0]).status == "sent"
    failed = Delivery.objects.get(subscriber=readers[1])
    assert failed.status == "failed" and failed.error.startswith("550")


def test_a_copy_deferred_on_every_attempt_is_given_up_as_failed(smtp, settings, digest, confirmed_subscribers):
    settings.NEWSLETTER_MAX_ATTEMPTS = 2
    (reader,) = confirmed_subscribers(1)
    smtp.replies[reader.email] = ["452 4.2.2 Mailbox full"] * 3
    services.digest_send(digest=digest, workers=1)
    Delivery.objects.update(retry_at=None)
    assert services.digest_send(digest=digest, workers=1)["failed"] == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 2) and delivery.error.startswith("452")
    reader.refresh_from_db()
    assert reader.status == "confirmed", "a full mailbox is not a bounce"


def test_a_mailbox_that_does_not_exist_is_struck_off_but_a_policy_refusal_is_not(
        smtp, digest, confirmed_subscribers):
    readers = confirmed_subscribers(4)
    smtp.replies[readers[0].email] = ["550 5.1.1 No such user"]
    smtp.replies[readers[1].email] = ["550 5.7.1 Sender address blocked by policy"]
    smtp.replies[readers[2].email] = ["553 Mailbox name not allowed"]
    result = services.digest_send(digest=digest, workers=1)
    assert (result["sent"], result["failed"], result["bounced"]) == (1, 3, 2)
    for reader in readers:
        reader.refresh_from_db()
    assert [reader.status for reader in readers] == ["bounced", "confirmed", "bounced", "confirmed"]
    assert readers[0].bounced_at is not None


def test_an_unreachable_server_leaves_the_rest_pending_for_the_next_run(smtp, settings, digest, confirmed_subscribers):
    confirmed_subscribers(3)
    settings.EMAIL_PORT = 1  # nothing listens there
    result = services.digest_send(digest=digest, workers=1)
    assert result["sent"] == 0 and result["errors"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}


def test_a_day_with_no_selected_articles_sends_nothing_and_leaves_nothing_to_resume(smtp, confirmed_subscribers):
    import datetime

    confirmed_subscribers(2)
    day = datetime.date(2031, 5, 1)
    result = services.daily_digest_send(date=day, workers=1)
    assert result["empty"] and smtp.messages == []
    assert not Delivery.objects.exists(), "no pending copy per reader"
    assert services.digest_resume(date=day) is None


def test_a_5xx_refusal_of_the_message_strikes_off_a_mailbox_that_does_not_exist(smtp, digest, confirmed_subscribers):
    readers = confirmed_subscribers(3)
    smtp.data_replies[readers[0].email] = "550 5.1.1 Mailbox unknown (checked after DATA)"
    smtp.data_replies[readers[1].email] = "554 5.7.1 Message refused as spam"
    result = services.digest_send(digest=digest, workers=1)
    assert (result["sent"], result["failed"], result["bounced"]) == (1, 2, 1)
    statuses = [r.status for r in Subscriber.objects.order_by("pk")]
    assert statuses == ["bounced", "confirmed", "confirmed"], "a content refusal is not a bounce"
    assert list(Delivery.objects.filter(bounced=True).values_list("subscriber", flat=True)) == [readers[0].pk]


def test_a_full_mailbox_strikes_the_reader_off_only_after_several_digests_in_a_row(
        smtp, settings, make_article, confirmed_subscribers):
    import datetime

    settings.NEWSLETTER_SOFT_BOUNCES = 2
    (reader,) = confirmed_subscribers(1)
    for day in (1, 2, 3):
        services.selection_add(article=make_article(f"Story {day}"))
        smtp.data_replies[reader.email] = "552 5.2.2 Mailbox full" if day != 2 else ""
        services.digest_send(digest=services.digest_build(date=datetime.date(2031, 6, day)), workers=1)
        reader.refresh_from_db()
        assert reader.status == "confirmed", "a delivery in between resets the count"
    services.selection_add(article=make_article("Story 4"))
    smtp.data_replies[reader.email] = "552 5.2.2 Mailbox full"
    services.digest_send(digest=services.digest_build(date=datetime.date(2031, 6, 4)), workers=1)
    reader.refresh_from_db()
    assert (reader.status, reader.soft_bounces) == ("bounced", 2)


def test_each_digest_takes_only_what_was_selected_since_the_previous_one(make_article):
    import datetime

    first = make_article("First")
    services.selection_add(article=first)
    monday = services.digest_build(date=datetime.date(2031, 5, 5))
    second = make_article("Second")
    services.selection_add(article=second)
    tuesday = services.digest_build(date=datetime.date(2031, 5, 6))
    assert list(monday.articles.all()) == [first]
    assert list(tuesday.articles.all()) == [second]
    assert services.digest_build(date=datetime.date(2031, 5, 6)) == tuesday


def test_the_send_command_prints_sent_skipped_and_failed_as_json(smtp, digest, confirmed_subscribers, capsys):
    import json

    confirmed_subscribers(2)
    call_command("newsletter", "send", "--date", digest.date.isoformat(), "--json", "--workers", "1")
    result = json.loads(capsys.readouterr().out)
    assert {k: result[k] for k in ("sent", "skipped", "failed")} == {"sent": 2, "skipped": 0, "failed": 0}


def test_the_daily_task_builds_and_sends_todays_digest(smtp, digest, confirmed_subscribers, settings):
    from newsletter.tasks import send_daily_digest

    settings.NEWSLETTER_WORKERS = 1
    confirmed_subscribers(1)
    result = send_daily_digest.enqueue(date=digest.date.isoformat()).return_value
    assert result is not None and result["sent"] == 1
    assert Subscriber.objects.get().deliveries.get().status == "sent"


def test_without_an_smtp_server_digests_land_as_files_a_newcomer_can_read(settings, tmp_path, digest, confirmed_subscribers):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    confirmed_subscribers(2)
    assert services.digest_send(digest=digest, workers=1)["sent"] == 2
    written = "".join(path.read_text() for path in tmp_path.iterdir())
    assert written.count("List-Unsubscribe-Post: List-Unsubscribe=One-Click") == 2
    assert "To: reader0@example.org" in written and "Harbour strike ends" in written


def test_an_interrupted_send_is_resumed_by_the_resume_task(smtp, settings, digest, confirmed_subscribers):
    from newsletter.tasks import resume_digest

    settings.NEWSLETTER_WORKERS = 1
    confirmed_subscribers(3)
    assert resume_digest.enqueue().return_value is None, "nothing started yet: nothing to resume"
    settings.EMAIL_PORT = 1  # the server is down: the send stops with copies left pending
    services.digest_send(digest=digest, workers=1)
    settings.EMAIL_PORT = smtp.port
    assert digest.date == timezone.localdate()
    resumed = resume_digest.enqueue().return_value
    assert resumed is not None and resumed["sent"] == 3
    assert resume_digest.enqueue().return_value is None
