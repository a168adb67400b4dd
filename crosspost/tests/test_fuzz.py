"""Throw arbitrary input at every public URL and form: nothing a reader sends may cause a 500."""

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings, strategies as st

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Any text, including control characters, lone surrogates excluded (they cannot be URL-encoded).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
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
        assert_no_server_error(reader.get(prefix + segment), prefix + segment)


@FUZZ
@given(limit=NUMBERISH, offset=NUMBERISH, fields=TEXT, type_=TEXT, order=TEXT)
def test_the_api_answers_bad_parameters_with_400_not_500(reader, article, limit, offset, fields, type_, order):
    for endpoint in ("/api/v2/articles/", "/api/v2/pages/", "/api/v2/authors/"):
        response = reader.get(endpoint, {"limit": limit, "offset": offset, "fields": fields, "type": type_,
                                         "order": order})
        assert_no_server_error(response, endpoint)


FORM_FIELDS = st.dictionaries(
    keys=st.sampled_from(["email", "name", "language", "recipient", "sender_name", "note", "text", "parent",
                          "website", "instance", "article", "message", "organisation", "subject", "body",
                          "use", "q", "csrfmiddlewaretoken"]),
    values=TEXT, max_size=8,
)


@FUZZ
@given(data=FORM_FIELDS)
def test_public_forms_survive_any_post(reader, article, data):
    for path in ("/newsletter/subscribe/", f"/share/email/{article.pk}/", f"/comments/{article.pk}/",
                 "/share/mastodon/", "/newsletter/webhook/bounce/", "/newsletter/unsubscribe/junk/",
                 "/newsletter/confirm/junk/", "/fr/newsletter/subscribe/"):
        cache.clear()  # rate limits would otherwise turn later examples into 429s
        assert_no_server_error(reader.post(path, data), path)


@FUZZ
@given(token=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=120))
def test_signed_links_and_pixels_survive_forged_tokens(reader, token):
    for path in (f"/newsletter/confirm/{token}/", f"/newsletter/unsubscribe/{token}/", f"/r/{token}.gif"):
        assert_no_server_error(reader.get(path), path)
