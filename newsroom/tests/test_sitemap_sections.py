"""/sitemap-sections.xml lists each home, folder, author and section page in every language it is
indexable in: the languages its hreflang links name, and none where it answers with noindex."""

import pytest
from lxml import etree
from lxml import html as lxml_html

from newsroom.models import RegionPage
from newsroom.tests.test_sitemap_languages import NS, hreflang_hrefs
from newsroom.tests.test_sitemap_parts import SCHEMA
from translation.services import translations_store_reviewed
from translation.ui import ui_correct

pytestmark = pytest.mark.django_db


def sections_listed(client) -> list[str]:
    response = client.get("/sitemap-sections.xml")
    assert response.status_code == 200
    tree = etree.fromstring(response.content)
    SCHEMA.assertValid(tree)
    return [loc.replace("http://testserver", "") for loc in tree.xpath("//s:url/s:loc/text()", namespaces=NS)]


def noindex(client, url) -> bool:
    return bool(lxml_html.fromstring(client.get(url).content).xpath('//meta[@name="robots"][@content="noindex"]'))


def described_region(make_section, title: str) -> RegionPage:
    region = make_section(RegionPage, title)
    region.description = f"<p>Stories from {title}.</p>"
    region.save_revision().publish()
    return region


def test_a_section_is_listed_in_the_languages_its_description_is_translated_into(client, make_section):
    europe = described_region(make_section, "Europe").url
    asia = described_region(make_section, "Asia").url
    translations_store_reviewed(source_language="en", language="fr",
                                pairs=[("Europe", "L’Europe"), ("Stories from Europe.", "Nouvelles d’Europe.")])
    translations_store_reviewed(source_language="en", language="ar", pairs=[("Europe", "أوروبا")])  # title only
    urls = sections_listed(client)
    assert {europe, f"/fr{europe}", asia} <= set(urls)
    assert f"/ar{europe}" not in urls and f"/fr{asia}" not in urls
    for path in (europe, asia):
        assert {url for url in urls if url.endswith(path)} == hreflang_hrefs(client, path)
    assert noindex(client, f"/ar{europe}") and not noindex(client, f"/fr{europe}")


def test_pages_without_text_of_their_own_are_listed_where_the_interface_is_translated(
        client, make_article, django_capture_on_commit_callbacks):
    make_article("Story", authors=("Ada Reporter",))
    author = "/authors/ada-reporter/"
    assert not [url for url in sections_listed(client) if url.startswith("/de/")]
    with django_capture_on_commit_callbacks(execute=True):
        ui_correct(language="de", text="Skip to content", translation="Zum Inhalt")
    urls = sections_listed(client)
    assert {"/", "/de/", author, f"/de{author}"} <= set(urls)
    assert {url for url in urls if url.endswith(author)} == hreflang_hrefs(client, author)
    assert not noindex(client, f"/de{author}") and noindex(client, f"/fr{author}")
    assert f"/fr{author}" not in urls
