"""The public sign-up form mails whatever address it is given, so it must not be a way to mail
someone who asked us to stop, nor to flood an inbox."""

import pytest
from django.core import mail

from newsletter import services
from newsletter.models import Subscriber

pytestmark = pytest.mark.django_db


def sign_up(client, email="ada@example.org", ip="203.0.113.5"):
    return client.post("/newsletter/subscribe/", {"email": email, "name": "Ada"}, REMOTE_ADDR=ip)


def test_an_address_that_complained_stays_complained_and_gets_no_mail(client):
    Subscriber.objects.create(email="ada@example.org", status="confirmed")
    services.subscriber_mark_bounced(email="ada@example.org", complaint=True)
    response = sign_up(client)
    assert response.status_code == 200  # the same answer as for anyone: nothing to learn
    assert Subscriber.objects.get().status == Subscriber.Status.COMPLAINED
    assert mail.outbox == []


def test_one_address_gets_a_few_confirmation_mails_a_day_whoever_asks(client):
    for n in range(6):
        assert sign_up(client, ip=f"198.51.100.{n}").status_code == 200
    assert len(mail.outbox) == services.CONFIRMATIONS_PER_DAY
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    sign_up(client, email="other@example.org")
    assert mail.outbox[-1].to == ["other@example.org"]
