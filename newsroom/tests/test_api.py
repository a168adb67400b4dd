import pytest

from newsroom.models import RegionPage

pytestmark = pytest.mark.django_db


def test_the_articles_endpoint_lists_live_articles_with_their_fields(client, make_article, make_section, publication):
    region = make_section(RegionPage, "Europe")
    make_article("Public story", dek="In the API", regions=[region], publication=publication,
                 original_url="https://ledger.example.org/x")
    make_article("Draft story", publish=False)
    listing = client.get("/api/v2/articles/", {"fields": "dek,byline,regions,original_url,source"}).json()
    assert listing["meta"]["total_count"] == 1
    item = listing["items"][0]
    assert item["title"] == "Public story"
    assert item["dek"] == "In the API"
    assert item["byline"] == [{"name": "Ada Reporter", "url": "/authors/ada-reporter/"}]
    assert item["original_url"] == "https://ledger.example.org/x"
    detail = client.get(f"/api/v2/articles/{item['id']}/").json()
    assert detail["regions"][0]["title"] == "Europe"
    assert detail["source"] == {
        "name": "The Harbour Ledger", "homepage": "https://ledger.example.org/", "url": "https://ledger.example.org/x"
    }


def test_authors_and_taxonomies_have_endpoints(client, make_article, make_section):
    make_section(RegionPage, "Africa")
    make_article(authors=("Ada Reporter",))
    assert [i["title"] for i in client.get("/api/v2/authors/").json()["items"]] == ["Ada Reporter"]
    assert [i["title"] for i in client.get("/api/v2/regions/").json()["items"]] == ["Africa"]
    assert client.get("/api/v2/themes/").json()["meta"]["total_count"] == 0
    assert client.get("/api/v2/dossiers/").status_code == 200


def test_the_api_is_read_only(client, make_article):
    article = make_article()
    assert client.post("/api/v2/articles/", {}).status_code == 405
    assert client.delete(f"/api/v2/articles/{article.pk}/").status_code == 405


@pytest.mark.parametrize("path, params", [
    ("/api/v2/pages/find/", {"id": "abc"}),
    ("/api/v2/pages/", {"first_published_at": "x"}),
    ("/api/v2/articles/", {"original_published_at": "yesterday"}),
    ("/api/v2/articles/", {"regions": "abc"}),
    ("/api/v2/pages/", {"offset": str(2 ** 63)}),
    ("/api/v2/pages/", {"locale": "\x00"}),
    ("/api/v2/pages/find/", {"html_path": "/\x00/"}),
    ("/api/v2/pages/", {"search": '"'}),
    ("/api/v2/images/", {"search": "water"}),
])
def test_a_bad_query_parameter_is_the_clients_error_with_a_message(client, make_article, path, params):
    make_article()
    response = client.get(path, params)
    assert response.status_code == 400
    assert response.json()["message"]


def test_the_api_still_filters_and_pages_with_good_parameters(client, make_article, make_section):
    region = make_section(RegionPage, "Europe")
    make_article("In Europe", regions=[region])
    make_article("Elsewhere")
    listing = client.get("/api/v2/articles/", {"regions": str(region.pk), "offset": "0", "limit": "5"}).json()
    assert [item["title"] for item in listing["items"]] == ["In Europe"]
    found = client.get("/api/v2/pages/find/", {"html_path": region.url})
    assert found.status_code == 302
