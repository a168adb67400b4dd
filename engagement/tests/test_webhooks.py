import datetime
import hashlib
import hmac
import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from crosspost.lib import leases
from crosspost.lib.localnet import free_port
from engagement.models import WebhookDelivery, WebhookEndpoint
from engagement.webhooks import webhook_deliver, webhooks_retry_due


@pytest.fixture
def endpoint(receiver, db):
    return WebhookEndpoint.objects.create(name="Channel bot", url=receiver.url, secret="s3cret")


def publish(make_article, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return make_article("Harbour strike ends", dek="Dockers back at work", **kwargs)


def test_publishing_posts_a_signed_json_event(make_article, endpoint, receiver, django_capture_on_commit_callbacks):
    article = publish(make_article, django_capture_on_commit_callbacks)
    [request] = receiver.requests
    body, headers = request["body"], request["headers"]
    assert request["json"] == {
        "event": "article.published", "id": article.pk, "title": "Harbour strike ends",
        "url": article.canonical_url(), "dek": "Dockers back at work", "authors": ["Ada Reporter"],
        "published_at": article.first_published_at.isoformat(),
    }
    signed = headers["X-Crosspost-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(b"s3cret", signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Crosspost-Signature"], expected)
    assert abs(int(headers["X-Crosspost-Timestamp"]) - timezone.now().timestamp()) < 60
    assert headers["Content-Type"] == "application/json"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)


def test_republishing_an_article_does_not_announce_it_again(make_article, endpoint, receiver,
                                                            django_capture_on_commit_callbacks):
    article = publish(make_article, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert len(receiver.requests) == 1


def test_inactive_endpoints_and_other_pages_are_left_alone(make_article, make_section, endpoint, receiver,
                                                           django_capture_on_commit_callbacks):
    from newsroom.models import ThemePage

    with django_capture_on_commit_callbacks(execute=True):
        make_section(ThemePage, "Economy")
    endpoint.active = False
    endpoint.save()
    publish(make_article, django_capture_on_commit_callbacks)
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_failures_are_retried_with_backoff(make_article, endpoint, receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [500, 503]
    publish(make_article, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "HTTP 500" in delivery.last_error and delivery.claimed_by == ""
    first_delay = delivery.next_attempt_at - timezone.now()
    # leases.backoff: 30 s, doubling, ±20 % jitter.
    assert datetime.timedelta(seconds=23) < first_delay <= datetime.timedelta(seconds=36)

    assert webhooks_retry_due() == {}  # not due yet
    webhooks_retry_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 2)
    assert datetime.timedelta(seconds=47) < delivery.next_attempt_at - timezone.now() <= datetime.timedelta(seconds=72)

    out = StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: delivery.next_attempt_at + datetime.timedelta(seconds=1))
        call_command("webhooks", "retry", stdout=out)
    assert json.loads(out.getvalue()) == {"delivered": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 3, "")
    assert len(receiver.requests) == 3


def test_it_gives_up_after_the_last_attempt(make_article, endpoint, receiver, django_capture_on_commit_callbacks,
                                            settings):
    settings.ENGAGEMENT_WEBHOOK_ATTEMPTS = 2
    receiver.statuses = [500, 500, 500]
    publish(make_article, django_capture_on_commit_callbacks)
    webhooks_retry_due(now=timezone.now() + datetime.timedelta(minutes=5))
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert len(receiver.requests) == 2


def test_a_closed_port_is_recorded(make_article, receiver, django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(name="Down", url=f"http://127.0.0.1:{free_port()}/", secret="x")
    publish(make_article, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and "ConnectionRefusedError" in delivery.last_error


def test_a_webhook_to_a_private_address_is_refused(make_article, endpoint, receiver, settings,
                                                   django_capture_on_commit_callbacks):
    settings.CROSSPOST_INGEST_ALLOW_HOSTS = []  # the receiver listens on loopback, which is ours
    publish(make_article, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert receiver.requests == []
    assert delivery.status == "failed" and "not a public address" in delivery.last_error


def test_a_redirect_is_not_followed(make_article, endpoint, receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [307]
    publish(make_article, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 1
    assert delivery.status == "pending" and "HTTP 307" in delivery.last_error


def test_only_http_and_https_endpoints_are_accepted(db):
    with pytest.raises(ValidationError):
        WebhookEndpoint(name="x", url="ftp://example.org/hook", secret="s").full_clean()
    endpoint = WebhookEndpoint.objects.create(name="x", url="file:///etc/passwd", secret="s")
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="article.published", payload="{}",
                                              next_attempt_at=timezone.now())
    assert webhook_deliver(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("only http and https URLs")


def test_a_delivery_is_sent_once_even_if_the_task_runs_twice(make_article, endpoint, receiver,
                                                             django_capture_on_commit_callbacks):
    publish(make_article, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert webhook_deliver(delivery_id=delivery.pk) == "skipped"
    assert len(receiver.requests) == 1


def _held_delivery(endpoint, holder: str, minutes_ago: float) -> WebhookDelivery:
    """A delivery a worker claimed `minutes_ago` and never finished."""
    return WebhookDelivery.objects.create(
        endpoint=endpoint, event="article.published", payload='{"event": "article.published"}',
        status=WebhookDelivery.Status.SENDING, attempts=1, next_attempt_at=timezone.now(),
        claimed_by=holder, claimed_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


def test_a_delivery_left_sending_by_a_dead_worker_is_sent(endpoint, receiver):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    host = leases.holder().split(":")[0]
    delivery = _held_delivery(endpoint, f"{host}:{child.pid}:1", minutes_ago=1)
    assert webhooks_retry_due() == {"delivered": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.claimed_by) == ("delivered", 2, "")


def test_a_delivery_held_by_a_live_worker_is_left_alone_until_its_lease_lapses(endpoint, receiver, settings):
    settings.CROSSPOST_LEASE_SECONDS = 600
    busy = _held_delivery(endpoint, leases.holder(), minutes_ago=60)  # this very process: alive
    elsewhere = _held_delivery(endpoint, "other-host:42:1", minutes_ago=5)
    lapsed = _held_delivery(endpoint, "other-host:43:1", minutes_ago=11)
    assert webhooks_retry_due() == {"skipped": 2, "delivered": 1}
    for delivery in (busy, elsewhere, lapsed):
        delivery.refresh_from_db()
    assert (busy.status, elsewhere.status, lapsed.status) == ("sending", "sending", "delivered")
    assert len(receiver.requests) == 1
