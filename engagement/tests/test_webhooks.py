import datetime
import hashlib
import hmac
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from engagement import services
from engagement.models import WebhookDelivery, WebhookEndpoint


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
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 1, "HTTP 500")
    first_delay = delivery.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=50) < first_delay <= datetime.timedelta(seconds=60)

    assert services.webhooks_retry_due() == {}  # not due yet
    services.webhooks_retry_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 2)
    assert delivery.next_attempt_at - timezone.now() > datetime.timedelta(seconds=250)

    out = StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(services.timezone, "now", lambda: delivery.next_attempt_at + datetime.timedelta(seconds=1))
        call_command("webhooks", "retry", stdout=out)
    assert json.loads(out.getvalue()) == {"delivered": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 3, "")
    assert len(receiver.requests) == 3


def test_it_gives_up_after_the_last_delay(make_article, endpoint, receiver, django_capture_on_commit_callbacks,
                                          monkeypatch):
    monkeypatch.setattr(services, "WEBHOOK_RETRY_DELAYS", [1])
    receiver.statuses = [500, 500, 500]
    publish(make_article, django_capture_on_commit_callbacks)
    services.webhooks_retry_due(now=timezone.now() + datetime.timedelta(seconds=5))
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 2)


def test_a_closed_port_is_recorded(make_article, db, django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(name="Down", url="http://127.0.0.1:9/", secret="x")
    publish(make_article, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and "ConnectionError" in delivery.last_error


def test_only_http_and_https_endpoints_are_accepted(db):
    with pytest.raises(ValidationError):
        WebhookEndpoint(name="x", url="ftp://example.org/hook", secret="s").full_clean()
    endpoint = WebhookEndpoint.objects.create(name="x", url="file:///etc/passwd", secret="s")
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="article.published", payload="{}",
                                              next_attempt_at=timezone.now())
    assert services.webhook_deliver(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.last_error == "only http and https URLs are allowed"


def test_a_delivery_is_sent_once_even_if_the_task_runs_twice(make_article, endpoint, receiver,
                                                             django_capture_on_commit_callbacks):
    publish(make_article, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert services.webhook_deliver(delivery_id=delivery.pk) == "skipped"
    assert len(receiver.requests) == 1
