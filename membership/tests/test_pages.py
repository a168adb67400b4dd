import json
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command
from lxml import html as lxml_html

from membership import services
from membership.models import Member, Payment
from membership.views import SESSION_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_calls(monkeypatch):
    """Stand-in for Stripe's API: records what we asked for, answers with a hosted URL."""
    calls = []

    class Sessions:
        def __init__(self, kind):
            self.kind = kind

        def create(self, params):
            calls.append((self.kind, params))
            return SimpleNamespace(url=f"https://checkout.stripe.example/{self.kind}")

    client = SimpleNamespace(checkout=SimpleNamespace(sessions=Sessions("checkout")),
                             billing_portal=SimpleNamespace(sessions=Sessions("portal")))
    monkeypatch.setattr(services, "_stripe", lambda: client)
    return calls


def test_the_membership_page_lists_tiers_with_prices_and_benefits(client, tier):
    tree = lxml_html.fromstring(client.get("/membership/").content)
    assert tree.xpath('//article[@class="tier"]/h2/text()') == ["Supporter"]
    prices = tree.xpath('//p[@class="tier__price"]')[0].text_content()
    assert "€12" in prices and "€120" in prices
    assert tree.xpath('//article[@class="tier"]//li/text()') == ["Our thanks", "Early access"]
    assert tree.xpath('//form[@action="/membership/donate/"]//input[@name="amount"]/@value') == ["10", "25", "50"]


def test_without_stripe_keys_the_page_says_memberships_are_not_enabled(client, tier, settings):
    settings.STRIPE_SECRET_KEY = ""
    page = client.get("/membership/").content.decode()
    assert "Memberships are not enabled yet" in page
    response = client.post("/membership/checkout/", {"tier": tier.pk, "interval": "month"})
    assert response.status_code == 400
    assert "not enabled yet" in response.content.decode()


def test_joining_sends_the_reader_to_stripe_checkout(client, tier, stripe_calls):
    response = client.post("/membership/checkout/", {"tier": tier.pk, "interval": "year", "email": "a@example.org"})
    assert response.status_code == 303
    assert response["Location"] == "https://checkout.stripe.example/checkout"
    [(kind, params)] = stripe_calls
    assert params["mode"] == "subscription"
    assert params["line_items"] == [{"price": "price_year", "quantity": 1}]
    assert params["customer_email"] == "a@example.org"
    assert params["success_url"].startswith("http://testserver/membership/thank-you/")
    assert params["metadata"] == {"tier_id": str(tier.pk), "interval": "year"}


def test_a_donation_opens_a_one_time_checkout(client, stripe_calls):
    response = client.post("/membership/donate/", {"amount": "25"})
    assert response.status_code == 303
    [(_, params)] = stripe_calls
    assert params["mode"] == "payment"
    assert params["line_items"][0]["price_data"]["unit_amount"] == 2500
    assert client.post("/membership/donate/", {"amount": "-5"}).status_code == 400


def test_bad_checkout_input_is_a_form_error_not_a_500(client, tier, stripe_calls):
    assert client.post("/membership/checkout/", {"tier": "999", "interval": "month"}).status_code == 400
    assert client.post("/membership/checkout/", {"tier": tier.pk, "interval": "weekly"}).status_code == 400
    assert stripe_calls == []


def test_a_member_signs_in_by_emailed_link_and_sees_membership_and_receipts(client, tier, stripe_calls):
    member = Member.objects.create(email="ada@example.org", tier=tier, status="active", stripe_customer_id="cus_1")
    Payment.objects.create(member=member, stripe_id="in_1", kind="membership", amount=1200, currency="eur",
                           paid_at="2026-10-01T00:00:00Z", receipt_url="https://invoice.stripe.example/in_1")
    assert client.post("/membership/sign-in/", {"email": "ADA@example.org"}).status_code == 200
    [message] = mail.outbox
    link = next(word for word in message.body.split() if "/membership/sign-in/" in word)
    path = link.replace("http://testserver", "")
    assert "Sign in as ada@example.org" in client.get(path).content.decode()
    assert client.get("/membership/account/").status_code == 302  # the GET alone signs nobody in
    assert client.post(path).status_code == 302
    account = client.get("/membership/account/").content.decode()
    assert "Supporter" in account and "€12" in account and "https://invoice.stripe.example/in_1" in account
    portal = client.post("/membership/account/billing/")
    assert portal.status_code == 303 and portal["Location"] == "https://checkout.stripe.example/portal"
    assert stripe_calls[-1][1]["customer"] == "cus_1"


def test_sign_in_does_not_reveal_who_is_a_member(client):
    response = client.post("/membership/sign-in/", {"email": "stranger@example.org"})
    assert response.status_code == 200 and "If that address belongs to a member" in response.content.decode()
    assert mail.outbox == []


def test_when_the_mail_server_is_down_a_member_is_told_instead_of_waiting_for_a_link(client, tier, settings):
    from crosspost.lib.localnet import free_port
    from newsletter.models import Subscriber

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", free_port(), False
    member = Member.objects.create(email="ada@example.org", tier=tier, status="active")
    response = client.post("/membership/sign-in/", {"email": "ada@example.org"})
    assert response.status_code == 503 and "could not send the sign-in email" in response.content.decode()
    session = client.session
    session[SESSION_KEY] = member.pk
    session.save()
    response = client.post("/membership/account/newsletter/")
    assert response.status_code == 503 and "could not send the confirmation email" in response.content.decode()
    assert Subscriber.objects.get().status == "pending"  # kept: asking again sends the link


def test_forged_and_expired_sign_in_links_are_refused(client, tier, monkeypatch):
    member = Member.objects.create(email="ada@example.org", tier=tier, status="active")
    assert client.post("/membership/sign-in/forged-token/").status_code == 400
    from crosspost.lib.signing import sign

    token = sign(str(member.pk), salt=services.LOGIN_SALT, timestamped=True)
    monkeypatch.setattr(services, "LOGIN_MAX_AGE", -1)
    assert client.post(f"/membership/sign-in/{token}/").status_code == 400
    assert client.get("/membership/account/").status_code == 302


def test_the_members_command_prints_json(tier, capsys):
    Member.objects.create(email="b@example.org", tier=tier, status="past_due", since="2026-01-05T10:00:00Z")
    call_command("members", "--json")
    assert json.loads(capsys.readouterr().out) == [
        {"email": "b@example.org", "tier": "Supporter", "status": "past_due", "since": "2026-01-05T10:00:00+00:00",
         "renews": None}]


def test_editors_see_revenue_by_month_with_a_chart(client, django_user_model):
    from membership.demo import membership_demo_load

    membership_demo_load()
    client.force_login(django_user_model.objects.create_superuser(username="ed", password="pw"))
    page = client.get("/admin/membership/revenue/")
    assert page.status_code == 200
    tree = lxml_html.fromstring(page.content)
    assert len(tree.xpath("//svg//rect")) == 12
    assert tree.xpath("//table//tbody/tr")
    assert client.get("/admin/members/").status_code == 200


def test_every_article_and_the_header_link_to_membership(client, make_article):
    tree = lxml_html.fromstring(client.get(make_article().url).content)
    assert "/membership/" in tree.xpath('//nav[@class="site-nav"]//a/@href')
    assert tree.xpath('//aside[@class="member-cta"]//a/@href') == ["/membership/"]


def test_a_signed_in_member_gets_the_newsletter_offer_in_one_click(client, tier):
    from newsletter.models import Subscriber

    member = Member.objects.create(email="ada@example.org", name="Ada", tier=tier, status="active")
    session = client.session
    session[SESSION_KEY] = member.pk
    session.save()
    assert "/membership/account/newsletter/" in client.get("/membership/account/").content.decode()
    response = client.post("/membership/account/newsletter/")
    assert response.status_code == 200 and "ada@example.org" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.name, subscriber.status) == ("ada@example.org", "Ada", "pending")
    assert [message.to for message in mail.outbox] == [["ada@example.org"]]  # the newsletter's confirmation
    Subscriber.objects.update(status="confirmed")
    assert "/membership/account/newsletter/" not in client.get("/membership/account/").content.decode()


def test_the_newsletter_offer_needs_a_signed_in_member(client):
    response = client.post("/membership/account/newsletter/")
    assert response.status_code == 302 and response["Location"].endswith("/membership/sign-in/")
