import pytest
from lxml import html as lxml_html

pytestmark = pytest.mark.django_db


def found(client, query: str, page: int = 1) -> list[str]:
    response = client.get("/search/", {"q": query, "page": page})
    assert response.status_code == 200
    return lxml_html.fromstring(response.content).xpath('//h3[@class="card__title"]/a/text()')


def test_it_finds_articles_by_title_dek_body_and_author(client, make_article):
    make_article("Glacier retreat accelerates", dek="Alpine ice", paragraphs=("Meltwater rivers swell.",),
                 authors=("Marta Quispe",))
    make_article("Budget talks stall", dek="Parliament", paragraphs=("Ministers disagree.",))
    assert found(client, "glacier") == ["Glacier retreat accelerates"]
    assert found(client, "alpine") == ["Glacier retreat accelerates"]
    assert found(client, "meltwater") == ["Glacier retreat accelerates"]
    assert found(client, "Quispe") == ["Glacier retreat accelerates"]
    assert found(client, "ministers") == ["Budget talks stall"]


def test_it_paginates_results(client, make_article):
    for n in range(14):
        make_article(f"Harvest report {n}")
    assert len(found(client, "harvest")) == 12
    assert len(found(client, "harvest", page=2)) == 2


def test_drafts_are_not_found(client, make_article):
    make_article("Secret draft about harvests", publish=False)
    assert found(client, "secret") == []


def test_an_empty_or_odd_query_is_not_an_error(client, make_article):
    make_article("Harbour OR quay works", paragraphs=("Cranes (new) arrive.",))
    empty = lxml_html.fromstring(client.get("/search/").content)
    # No query: the form to write one, and neither results nor a "nothing found" count.
    assert empty.xpath('//form[@role="search"]//input[@name="q"]')
    assert not empty.xpath('//h3[@class="card__title"]') and not empty.xpath('//p[@class="result-count"]')
    # Query syntax is never passed to the engine: quotes, operators and brackets are plain words.
    assert found(client, "\"' OR 1=1 --") == []
    assert found(client, "x" * 5000) == []
    assert found(client, "AND OR NOT ( ) *") == []
    assert found(client, "harbour OR (cranes)") == ["Harbour OR quay works"]
