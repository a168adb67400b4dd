import hashlib
import hmac
import json
import time

import pytest

from membership.models import Tier

SECRET = "whsec_test_secret"


@pytest.fixture(autouse=True)
def stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_WEBHOOK_SECRET = SECRET


@pytest.fixture
def tier(db):
    return Tier.objects.create(name="Supporter", monthly_amount=1200, yearly_amount=12000, currency="eur",
                               stripe_monthly_price_id="price_month", stripe_yearly_price_id="price_year",
                               benefits="Our thanks\nEarly access")


def signed(payload: dict, *, secret: str = SECRET, timestamp: int | None = None) -> tuple[bytes, str]:
    """The body and Stripe-Signature header Stripe would send: v1 = HMAC-SHA256 of "{t}.{body}"."""
    body = json.dumps(payload).encode()
    t = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={t},v1={signature}"


def event(event_id: str, event_type: str, obj: dict) -> dict:
    return {"id": event_id, "object": "event", "type": event_type, "data": {"object": obj}}


@pytest.fixture
def post_event(client):
    def post(payload: dict, **kwargs):
        body, header = signed(payload, **kwargs)
        return client.post("/webhooks/stripe/", body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)

    return post
