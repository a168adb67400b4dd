"""The real stripe library against a stand-in for Stripe's API on loopback: what we send is what
Stripe documents, and what it answers is read back. Nothing leaves the machine."""

import functools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import stripe

from membership import services
from membership.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_api(monkeypatch):
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            requests.append({"path": self.path, "auth": self.headers["Authorization"], "form": parse_qs(body)})
            kind = "billing_portal.session" if "billing_portal" in self.path else "checkout.session"
            answer = json.dumps({"id": "cs_test_1", "object": kind, "url": f"https://stripe.example/{kind}"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setattr(stripe, "StripeClient", functools.partial(stripe.StripeClient, base_addresses={"api": base}))
    yield requests
    server.shutdown()
    server.server_close()


def test_checkout_creates_a_subscription_session_with_the_tiers_price(stripe_api, tier):
    url = services.checkout_session_create(tier=tier, interval="month", email="ada@example.org")
    assert url == "https://stripe.example/checkout.session"
    [request] = stripe_api
    assert request["path"] == "/v1/checkout/sessions"
    assert request["auth"] == "Bearer sk_test_123"
    form = request["form"]
    assert form["mode"] == ["subscription"]
    assert form["line_items[0][price]"] == ["price_month"]
    assert form["customer_email"] == ["ada@example.org"]
    assert form["cancel_url"] == ["http://testserver/membership/"]
    assert form["success_url"] == ["http://testserver/membership/thank-you/?session_id={CHECKOUT_SESSION_ID}"]


def test_a_donation_session_carries_its_amount_and_currency(stripe_api):
    services.donation_session_create(amount=25, currency="eur")
    form = stripe_api[0]["form"]
    assert form["mode"] == ["payment"]
    assert (form["line_items[0][price_data][unit_amount]"], form["line_items[0][price_data][currency]"]) == (
        ["2500"], ["eur"])


def test_the_billing_portal_opens_for_the_members_customer(stripe_api, tier):
    member = Member.objects.create(email="ada@example.org", tier=tier, stripe_customer_id="cus_9")
    assert services.portal_session_create(member=member) == "https://stripe.example/billing_portal.session"
    [request] = stripe_api
    assert request["path"] == "/v1/billing_portal/sessions"
    assert request["form"]["customer"] == ["cus_9"]
    assert request["form"]["return_url"] == ["http://testserver/membership/account/"]


def test_a_stripe_outage_is_a_polite_message_not_a_500(monkeypatch, tier):
    monkeypatch.setattr(stripe, "StripeClient", functools.partial(
        stripe.StripeClient, base_addresses={"api": "http://127.0.0.1:9"}, max_network_retries=0))
    with pytest.raises(services.MembershipError, match="could not be opened"):
        services.checkout_session_create(tier=tier, interval="year")
