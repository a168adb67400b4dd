"""No page pretends to be a translation it is not: hreflang, the switcher and robots follow the memory."""

import pytest
from django.utils import translation
from lxml import html as lxml_html

from translation.services import translations_store_reviewed

pytestmark = pytest.mark.django_db

PARAGRAPHS = ("Ministers met on Monday.", "Farmers said the deal was broken.")


def get(client, url):
    response = client.get(url)
    translation.activate("en")
    assert response.status_code == 200
    return response, lxml_html.fromstring(response.content)


def hreflangs(tree) -> dict[str, str]:
    return dict(zip(tree.xpath("//head/link[@hreflang]/@hreflang"), tree.xpath("//head/link[@hreflang]/@href")))


def switcher(tree) -> list[str]:
    return tree.xpath('//details[@class="language-switcher"]//a/@lang')


def robots(tree) -> list[str]:
    return tree.xpath('//head/meta[@name="robots"]/@content')


def translate_into_arabic(article, *, body: bool = True):
    pairs = [(article.title, "محادثات المياه")]
    if body:
        pairs += [(PARAGRAPHS[0], "التقى الوزراء يوم الاثنين."), (PARAGRAPHS[1], "قال المزارعون إن الاتفاق انهار.")]
    translations_store_reviewed(source_language="en", language="ar", pairs=pairs)


def test_an_untranslated_arabic_page_answers_readers_but_is_noindex_and_listed_nowhere(client, make_article):
    article = make_article("Water talks", paragraphs=PARAGRAPHS)
    response, tree = get(client, f"/ar{article.url}")
    assert robots(tree) == ["noindex"]
    assert hreflangs(tree) == {"en": f"http://testserver{article.url}", "x-default": f"http://testserver{article.url}"}
    assert switcher(tree) == ["en"]
    _, english = get(client, article.url)
    assert robots(english) == []
    assert "ar" not in hreflangs(english) and "ar" not in switcher(english)


def test_english_paragraphs_on_an_arabic_page_keep_their_own_direction(client, make_article):
    article = make_article("Water talks", dek="A deal in doubt.", paragraphs=PARAGRAPHS)
    _, tree = get(client, f"/ar{article.url}")
    assert tree.xpath("/html/@dir") == ["rtl"]
    paragraphs = tree.xpath('//div[@class="article__body"]//p')
    assert [p.text_content() for p in paragraphs] == list(PARAGRAPHS)
    assert {(p.get("lang"), p.get("dir")) for p in paragraphs} == {("en", "ltr")}
    (h1,) = tree.xpath("//h1")
    assert (h1.get("lang"), h1.get("dir")) == ("en", "ltr")
    (dek,) = tree.xpath('//p[@class="dek"]')
    assert dek.get("dir") == "ltr"


def test_a_translated_arabic_page_is_listed_everywhere_and_indexable(client, make_article):
    article = make_article("Water talks", paragraphs=PARAGRAPHS)
    translate_into_arabic(article)
    _, arabic = get(client, f"/ar{article.url}")
    assert robots(arabic) == []
    assert hreflangs(arabic)["ar"] == f"http://testserver/ar{article.url}"
    assert set(hreflangs(arabic)) == {"en", "ar", "x-default"}
    assert tree_paragraph_directions(arabic) == {(None, None)}
    _, english = get(client, article.url)
    assert set(hreflangs(english)) == {"en", "ar", "x-default"}
    assert switcher(english) == ["en", "ar"]
    _, french = get(client, f"/fr{article.url}")
    assert robots(french) == ["noindex"]
    assert "fr" not in hreflangs(french)


def tree_paragraph_directions(tree) -> set:
    return {(p.get("lang"), p.get("dir")) for p in tree.xpath('//div[@class="article__body"]//p')}


def test_a_translated_title_alone_does_not_make_a_translation(client, make_article):
    article = make_article("Water talks", paragraphs=PARAGRAPHS)
    translate_into_arabic(article, body=False)
    _, arabic = get(client, f"/ar{article.url}")
    assert robots(arabic) == ["noindex"]
    assert "ar" not in hreflangs(arabic)


def test_pages_without_text_of_their_own_exist_where_the_interface_is_translated(client, settings, tmp_path):
    from translation.ui import Message, write_mo

    settings.UI_LOCALE_DIR = tmp_path
    _, home = get(client, "/fr/")
    assert robots(home) == ["noindex"] and set(hreflangs(home)) == {"en", "x-default"}
    write_mo(tmp_path / "fr" / "LC_MESSAGES" / "django.mo", "fr", {Message("Search"): "Rechercher"})
    _, home = get(client, "/fr/")
    assert robots(home) == []
    assert set(hreflangs(home)) == {"en", "fr", "x-default"}
