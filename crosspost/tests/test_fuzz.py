"""Throw arbitrary input at every public URL and form: nothing a reader sends may cause a 500."""

import hashlib
import hmac
import json
import time

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crosspost.lib.ratelimit import ratelimit_reset

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Any text, including control characters, lone surrogates excluded (they cannot be URL-encoded).
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300)
NUMBERISH = st.one_of(TEXT, st.integers(min_value=-(2**70), max_value=2**70).map(str))


@pytest.fixture
def reader():
    cache.clear()
    return Client(raise_request_exception=False)


@pytest.fixture
def article(make_article):
    return make_article("Fuzzed story", dek="A dek", paragraphs=("Some words.", "More words."))


def assert_no_server_error(response, what):
    assert response.status_code < 500, (what, response.status_code)


@FUZZ
@given(q=TEXT, page=NUMBERISH)
def test_search_survives_any_query(reader, q, page):
    assert_no_server_error(reader.get("/search/", {"q": q, "page": page}), q)
    assert_no_server_error(reader.get("/fr/search/", {"q": q, "page": page}), q)


@FUZZ
@given(page=NUMBERISH, junk=TEXT)
def test_listings_and_feeds_survive_any_query_string(reader, article, page, junk):
    for path in ("/", "/articles/", "/authors/ada-reporter/", "/ar/articles/", article.url,
                 "/feed/rss/", "/authors/ada-reporter/feed/atom/", "/sitemap.xml", "/sitemap-articles.xml"):
        assert_no_server_error(reader.get(path, {"page": page, "p": page, "x": junk}), path)


@FUZZ
@given(segment=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80))
def test_any_path_is_a_page_or_a_404(reader, segment):
    for prefix in ("/", "/fr/", "/articles/", "/zh-hans/authors/"):
        response = reader.get(prefix + segment)
        # A page, a redirect to one (a missing slash, a language prefix) or not found; nothing else.
        assert response.status_code in (200, 301, 302, 404), (prefix + segment, response.status_code)


@FUZZ
@given(limit=NUMBERISH, offset=NUMBERISH, fields=TEXT, type_=TEXT, order=TEXT)
def test_the_api_answers_bad_parameters_with_400_not_500(reader, article, limit, offset, fields, type_, order):
    for endpoint in ("/api/v2/articles/", "/api/v2/pages/", "/api/v2/authors/"):
        response = reader.get(endpoint, {"limit": limit, "offset": offset, "fields": fields, "type": type_,
                                         "order": order})
        assert response.status_code in (200, 400), (endpoint, response.status_code)
        if response.status_code == 400:
            assert response.json()["message"], endpoint


API_PARAMETERS = st.dictionaries(
    keys=st.sampled_from(["id", "html_path", "search", "search_operator", "locale", "child_of", "descendant_of",
                          "ancestor_of", "translation_of", "site", "regions", "themes", "first_published_at",
                          "original_published_at", "title", "offset", "limit", "order", "rich_text_format"]),
    values=NUMBERISH, max_size=4)


@FUZZ
@example(params={"id": "abc"})
@example(params={"first_published_at": "x"})
@example(params={"regions": "abc"})
@example(params={"offset": str(2 ** 63)})
@example(params={"locale": "\x00"})
@example(params={"html_path": "/\x00/"})
@example(params={"search": '"', "search_operator": "x"})
@given(params=API_PARAMETERS)
def test_any_api_filter_or_lookup_is_answered_without_a_500(reader, article, params):
    for endpoint in ("/api/v2/articles/", "/api/v2/pages/", "/api/v2/pages/find/", "/api/v2/images/"):
        assert_no_server_error(reader.get(endpoint, params), (endpoint, params))


@FUZZ
@example(origin="http://[x", referer="http://blog.example:abc/")
@given(origin=TEXT, referer=TEXT)
def test_odd_origin_and_referer_headers_are_not_500s(reader, article, origin, referer):
    from engagement.republish import pixel_token

    assert_no_server_error(reader.post("/newsletter/subscribe/", {"email": "a@example.org"},
                                       headers={"Origin": origin}), origin)
    assert_no_server_error(reader.get(f"/r/{pixel_token(article.pk)}.gif", headers={"Referer": referer}), referer)


# Values that often pass a form's own validation, so examples reach the services behind it.
PLAUSIBLE = st.one_of(TEXT, st.emails(), st.emails(domains=st.text("\ufb03\u00dfab.", min_size=3, max_size=90).map(
    lambda name: name.strip(".") + ".com")), st.integers(-5, 20_000).map(str), st.sampled_from(
    ["month", "year", "feedback", "media", "approve", "deny", "print", "online", "mastodon.social", "1", ""]))
FORM_FIELDS = st.dictionaries(
    keys=st.sampled_from(["email", "name", "language", "recipient", "sender_name", "note", "text", "parent",
                          "website", "instance", "article", "message", "organisation", "subject", "body",
                          "use", "q", "csrfmiddlewaretoken", "tier", "interval", "amount", "decision"]),
    values=st.one_of(PLAUSIBLE, st.lists(PLAUSIBLE, min_size=2, max_size=3)), max_size=8,
)
FORMS = ("/newsletter/subscribe/", "/fr/newsletter/subscribe/", "/share/email/{pk}/", "/comments/{pk}/",
         "/share/mastodon/", "/newsletter/unsubscribe/junk/", "/newsletter/confirm/junk/", "/contact/",
         "/contact/media/", "/contact/permission/", "/contact/permission/{pk}/", "/ar/contact/",
         "/membership/checkout/", "/membership/donate/", "/membership/sign-in/", "/membership/sign-in/junk/",
         "/membership/sign-out/", "/membership/account/billing/")


@FUZZ
@given(data=FORM_FIELDS)
def test_public_forms_survive_any_post(reader, article, data):
    for path in FORMS:
        ratelimit_reset()  # rate limits would otherwise turn later examples into 429s
        path = path.format(pk=article.pk)
        assert_no_server_error(reader.post(path, data), (path, data))


@FUZZ
@given(data=FORM_FIELDS)
def test_form_pages_survive_any_query_string(reader, article, data):
    for path in ("/share/mastodon/", "/share/email/{pk}/", "/contact/", "/contact/permission/{pk}/",
                 "/membership/", "/membership/thank-you/", "/membership/sign-in/", "/membership/account/",
                 "/newsletter/subscribe/"):
        path = path.format(pk=article.pk)
        assert_no_server_error(reader.get(path, data), (path, data))


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                    max_leaves=12)


@FUZZ
@given(body=st.one_of(JSON.map(json.dumps), TEXT), signature=TEXT)
def test_webhooks_answer_forged_deliveries_with_4xx(reader, settings, body, signature):
    settings.NEWSLETTER_WEBHOOK_SECRET = "bounce-secret"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_fuzz"
    response = reader.post("/newsletter/webhook/bounce/", body, content_type="application/json",
                           headers={"Authorization": "Bearer bounce-secret"})
    # Rightly authorised: either a bounce we could read or a 400 saying what was expected.
    assert response.status_code in (200, 400), (body, response.status_code)
    assert ("ok" if response.status_code == 200 else "error") in response.json()
    for path, headers in (("/newsletter/webhook/bounce/", {"Authorization": signature}),
                          ("/webhooks/stripe/", {"Stripe-Signature": signature})):
        response = reader.post(path, body, content_type="application/json", headers=headers)
        assert 400 <= response.status_code < 500, (path, body, response.status_code)


STRIPE_OBJECT = st.dictionaries(
    st.sampled_from(["id", "customer", "customer_email", "customer_details", "subscription", "mode", "status",
                     "metadata", "amount_total", "amount_paid", "currency", "items", "current_period_end",
                     "cancel_at_period_end", "lines", "email", "payment_status", "invoice", "billing_reason"]),
    JSON, max_size=10)


@FUZZ
@example(event_type="invoice.paid", obj={}, event_id="no-invoice-id")
@given(event_type=st.sampled_from(["checkout.session.completed", "invoice.paid", "invoice.payment_failed",
                                   "customer.subscription.updated", "customer.subscription.created",
                                   "customer.subscription.deleted", "charge.refunded"]),
       obj=STRIPE_OBJECT, event_id=TEXT)
def test_a_genuinely_signed_but_odd_stripe_event_is_not_a_500(reader, settings, event_type, obj, event_id):
    # Stripe retries a delivery that failed with a 5xx for days; an event we cannot use must get a 4xx.
    settings.STRIPE_WEBHOOK_SECRET = "whsec_fuzz"
    payload = json.dumps({"id": "evt_" + event_id, "type": event_type, "data": {"object": obj}})
    timestamp = int(time.time())
    digest = hmac.new(b"whsec_fuzz", f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    response = reader.post("/webhooks/stripe/", payload, content_type="application/json",
                           headers={"Stripe-Signature": f"t={timestamp},v1={digest}"})
    # Processed, or refused with a 400 so that Stripe stops retrying; never a 5xx, 403 or 404.
    assert response.status_code in (200, 400), (payload, response.status_code)


@FUZZ
@given(token=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=120))
def test_signed_links_and_pixels_survive_forged_tokens(reader, token):
    for path in (f"/newsletter/confirm/{token}/", f"/newsletter/unsubscribe/{token}/", f"/r/{token}.gif"):
        assert_no_server_error(reader.get(path), path)
