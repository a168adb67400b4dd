import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from lxml import html as lxml_html
from wagtail.rich_text import RichText

from newsroom.models import RegionPage, ThemePage
from search.models import ArticleSearchEntry
from search.selectors import ArticleSearch, SearchFilters, query_terms

pytestmark = pytest.mark.django_db


def titles(client, **params) -> list[str]:
    response = client.get("/search/", params)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content).xpath('//h3[@class="card__title"]/a/text()')


def test_a_title_match_ranks_above_a_body_only_match(client, make_article):
    make_article("Ferry timetable changes", paragraphs=("The lighthouse keeper retires.",), days_ago=5)
    make_article("Lighthouse keeper retires", days_ago=30)
    make_article("Dek only", dek="A lighthouse on the cape", days_ago=1)
    assert titles(client, q="lighthouse") == ["Lighthouse keeper retires", "Dek only", "Ferry timetable changes"]


def test_every_word_must_match_and_phrases_keep_their_order(client, make_article):
    make_article("Salt marsh restoration", paragraphs=("Volunteers plant reeds.",))
    make_article("Salt prices", paragraphs=("The marsh is far away.",))
    assert titles(client, q="salt reeds") == ["Salt marsh restoration"]
    assert titles(client, q='"salt marsh"') == ["Salt marsh restoration"]


@pytest.mark.parametrize("small_section", [2000, 1], ids=["sections gathered first", "sections tested per match"])
def test_it_filters_by_region_theme_author_and_date(client, make_article, make_section, monkeypatch, small_section):
    monkeypatch.setattr("search.selectors.SMALL_SECTION", small_section)
    north, south = make_section(RegionPage, "North"), make_section(RegionPage, "South")
    climate = make_section(ThemePage, "Climate")
    make_article("Flood defences north", regions=[north], themes=[climate], authors=("Ines Okafor",), days_ago=400)
    make_article("Flood defences south", regions=[south], authors=("Tomas Berger",), days_ago=2)
    assert titles(client, q="flood", region=north.pk) == ["Flood defences north"]
    assert titles(client, q="flood", theme=climate.pk) == ["Flood defences north"]
    assert titles(client, q="flood", author="berger") == ["Flood defences south"]
    assert titles(client, q="flood", author="nobody at all") == []
    since = (timezone.now() - datetime.timedelta(days=10)).date().isoformat()
    assert titles(client, q="flood", date_from=since) == ["Flood defences south"]
    assert titles(client, q="flood", date_to=since) == ["Flood defences north"]


def test_bad_filter_values_are_ignored(client, make_article):
    make_article("Tramway extension")
    assert titles(client, q="tramway", region="abc", theme="999999", date_from="yesterday") == ["Tramway extension"]


def test_the_first_and_last_dates_there_are_are_open_ends(client, make_article):
    make_article("Tramway extension")
    assert titles(client, q="tramway", date_from="0001-01-01", date_to="9999-12-31") == ["Tramway extension"]


@pytest.mark.parametrize("query", ['"', '"unbalanced', "NEAR(a b)", "title:tramway", "a* OR -b", "^", "'", "()",
                                   "tramway AND", "&|!:*", "\x00", "ü" * 300])
def test_odd_queries_are_not_errors(client, make_article, query):
    make_article("Tramway extension")
    assert client.get("/search/", {"q": query}).status_code == 200


def test_operators_are_read_as_words():
    assert query_terms('title:tramway AND "salt  marsh" -x*') == [["title"], ["tramway"], ["AND"], ["salt", "marsh"],
                                                                 ["x"]]
    assert ArticleSearch("*** ()").count() == 0


def test_unpublished_articles_leave_the_index(client, make_article):
    article = make_article("Orchard frost warning")
    assert titles(client, q="orchard") == ["Orchard frost warning"]
    article.unpublish()
    assert titles(client, q="orchard") == []
    assert not ArticleSearchEntry.objects.filter(article_id=article.pk).exists()


def test_deleted_articles_leave_the_index(client, make_article):
    article = make_article("Orchard frost warning")
    article.delete()
    assert titles(client, q="orchard") == []
    assert ArticleSearch("orchard").count() == 0


def test_an_edited_article_is_reindexed_when_published(client, make_article):
    article = make_article("Orchard frost warning")
    article.title = "Vineyard hail damage"
    article.body = [("paragraph", RichText("<p>Growers count the cost.</p>"))]
    article.save_revision().publish()
    assert titles(client, q="orchard") == []
    assert titles(client, q="growers") == ["Vineyard hail damage"]


def test_a_saved_draft_does_not_change_what_readers_find(client, make_article):
    article = make_article("Orchard frost warning")
    article.title = "Unpublished new title"
    article.save_revision()
    assert titles(client, q="orchard") == ["Orchard frost warning"]


def test_rebuilding_the_index_restores_every_live_article(make_article, capsys):
    make_article("Orchard frost warning")
    make_article("Draft piece", publish=False)
    ArticleSearchEntry.objects.all().delete()
    call_command("search_rebuild")
    assert "Indexed 1 articles" in capsys.readouterr().out
    assert ArticleSearch("orchard").count() == 1


def test_results_past_the_ranked_window_continue_newest_first(make_article, monkeypatch):
    monkeypatch.setattr("search.selectors.RANK_WINDOW", 3)
    for n in range(7):
        make_article(f"Harbour note {n}", days_ago=n)
    search = ArticleSearch("harbour", SearchFilters())
    everything = [a.title for a in search[0:7]]
    assert sorted(everything) == sorted(f"Harbour note {n}" for n in range(7))
    assert [a.title for a in search[2:5]] == everything[2:5]
    assert everything[3:] == ["Harbour note 3", "Harbour note 2", "Harbour note 1", "Harbour note 0"]


def test_migrating_a_site_whose_index_is_empty_fills_it(make_article):
    from search.apps import _index_existing_articles

    make_article("Orchard frost warning")
    ArticleSearchEntry.objects.all().delete()
    _index_existing_articles(sender=None)
    assert ArticleSearch("orchard").count() == 1


def test_a_word_in_more_articles_than_are_counted_says_more_than(client, make_article, monkeypatch):
    monkeypatch.setattr("search.selectors.COUNT_CAP", 2)
    for n in range(3):
        make_article(f"Harbour note {n}")
    text = client.get("/search/", {"q": "harbour"}).content.decode()
    assert "More than 2 articles match" in text
    assert "3 articles match" not in text
    monkeypatch.setattr("search.selectors.COUNT_CAP", 3)
    assert "3 articles match" in client.get("/search/", {"q": "harbour"}).content.decode()


def test_more_matches_than_the_ranked_window_count_as_more_than_the_cap(make_article, monkeypatch):
    monkeypatch.setattr("search.selectors.RANK_WINDOW", 3)
    monkeypatch.setattr("search.selectors.COUNT_CAP", 3)
    for n in range(4):
        make_article(f"Harbour note {n}")
    assert ArticleSearch("harbour").count_capped
    make_article("Lighthouse one")
    assert ArticleSearch("lighthouse").count() == 1 and not ArticleSearch("lighthouse").count_capped
    for n in range(2):
        make_article(f"Lighthouse {n + 2}")
    assert ArticleSearch("lighthouse").count() == 3 and not ArticleSearch("lighthouse").count_capped
