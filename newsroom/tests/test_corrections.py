"""Corrections and updates: on the article in every language, on /corrections/, in JSON-LD, announced once."""

import datetime
from urllib.parse import urlsplit

import extruct
import feedparser
import pytest
from django.utils import translation
from lxml import html as lxml_html

from engagement.models import WebhookDelivery, WebhookEndpoint
from newsroom.models import AnnouncedCorrection, ArticleCorrection
from newsroom.publishing import EVENTS
from newsroom.services import article_add_correction
from translation.services import translations_store_reviewed

pytestmark = pytest.mark.django_db

NOTE = "An earlier version gave the wrong date for the vote."


def get(client, url):
    response = client.get(url)
    translation.activate("en")
    assert response.status_code == 200
    return response


def notes_on(response) -> list[str]:
    tree = lxml_html.fromstring(response.content)
    return [" ".join(p.text_content().split()) for p in tree.xpath('//aside[@id="corrections"]//div[@class and contains(@class, "correction")]/p[not(@class)]')]


@pytest.fixture
def corrected(make_article):
    article = make_article("Council vote delayed", paragraphs=("The council met.",))
    article_add_correction(page=article, kind="correction", text=NOTE)
    article.refresh_from_db()
    return article


def test_a_correction_shows_on_the_article(client, corrected):
    assert notes_on(get(client, corrected.url)) == [NOTE]
    tree = lxml_html.fromstring(get(client, corrected.url).content)
    assert tree.xpath('//aside[@id="corrections"]//strong/text()') == ["Correction"]


def test_it_shows_in_every_language_translated_through_the_memory(client, corrected):
    translations_store_reviewed(source_language="en", language="fr",
                                pairs=[(NOTE, "Une version antérieure donnait une mauvaise date pour le vote.")])
    assert notes_on(get(client, f"/fr{corrected.url}")) == ["Une version antérieure donnait une mauvaise date pour le vote."]
    arabic = lxml_html.fromstring(get(client, f"/ar{corrected.url}").content)
    (untranslated,) = arabic.xpath('//aside[@id="corrections"]//p[not(@class)]')
    assert untranslated.text_content() == NOTE and untranslated.get("dir") == "ltr"


def test_the_json_ld_carries_the_correction_and_a_later_date_modified(client, corrected):
    data = extruct.extract(get(client, corrected.url).content.decode(), base_url="http://testserver/",
                           syntaxes=["json-ld"])["json-ld"]
    (article,) = [d for d in data if d.get("@type") == "NewsArticle"]
    (correction,) = article["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"] == NOTE
    note = ArticleCorrection.objects.get(page=corrected)
    assert datetime.datetime.fromisoformat(correction["datePublished"]) == note.date
    assert datetime.datetime.fromisoformat(article["dateModified"]) >= note.date


def test_the_corrections_page_lists_it_with_feeds(client, corrected, make_article):
    make_article("Never corrected")
    tree = lxml_html.fromstring(get(client, "/corrections/").content)
    assert [a.text_content() for a in tree.xpath('//ol[@class="corrections-list"]//a')] == ["Council vote delayed"]
    assert NOTE in tree.text_content()
    for kind in ("rss", "atom"):
        feed = feedparser.parse(get(client, f"/corrections/feed/{kind}/").content)
        assert not feed.bozo
        (entry,) = feed.entries
        assert entry.title == "Correction: Council vote delayed"
        assert entry.link.endswith(f"{corrected.url}#corrections")
    assert get(client, "/fr/corrections/").status_code == 200


def test_the_corrections_page_is_paginated(client, make_article):
    article = make_article("Often corrected")
    for n in range(23):
        ArticleCorrection.objects.create(page=article, kind="update", text=f"<p>Update number {n}.</p>")
    first = lxml_html.fromstring(get(client, "/corrections/").content)
    assert len(first.xpath('//ol[@class="corrections-list"]/li')) == 20
    second = lxml_html.fromstring(get(client, "/corrections/?page=2").content)
    assert len(second.xpath('//ol[@class="corrections-list"]/li')) == 3


def test_adding_one_runs_the_article_corrected_event(make_article, monkeypatch, django_capture_on_commit_callbacks):
    assert [step.name for step in EVENTS["article_corrected"]] == ["search.index", "pagecache.purge",
                                                                    "webhooks.announce"]
    WebhookEndpoint.objects.create(name="Partner", url="https://partner.example.org/hook", secret="s3cret")
    article = make_article("Council vote delayed")
    purged: list[str] = []

    def purge(urls, languages=None) -> int:
        purged.extend(urlsplit(u).path for u in urls)
        return 0

    monkeypatch.setattr("crosspost.pagecache.pagecache_purge_urls", purge)
    with django_capture_on_commit_callbacks(execute=True):
        article_add_correction(page=article, kind="update", text="The vote is now set for Friday.")
    assert {"/corrections/", article.url, "/corrections/feed/rss/"} <= set(purged)
    delivery = WebhookDelivery.objects.get(event__startswith="article.corrected")
    assert '"event":"article.corrected"' in delivery.payload and "Friday" in delivery.payload
    # Publishing again announces nothing new; a second note is announced by itself.
    article.refresh_from_db()
    article.save_revision().publish()
    assert WebhookDelivery.objects.filter(event__startswith="article.corrected").count() == 1
    article_add_correction(page=article, kind="correction", text="The meeting is in the town hall.")
    assert WebhookDelivery.objects.filter(event__startswith="article.corrected").count() == 2
    assert AnnouncedCorrection.objects.filter(article=article).count() == 2


def test_a_correction_is_kept_with_the_revisions(corrected):
    latest = corrected.get_latest_revision_as_object()
    assert [c.text for c in latest.corrections.all()] == [f"<p>{NOTE}</p>"]
    assert corrected.revisions.count() >= 2


def test_an_empty_or_unknown_note_is_refused_and_nothing_is_written(make_article):
    article = make_article()
    revisions = article.revisions.count()
    with pytest.raises(ValueError):
        article_add_correction(page=article, kind="correction", text="   ")
    with pytest.raises(ValueError):
        article_add_correction(page=article, kind="gossip", text="x")
    assert article.revisions.count() == revisions
    assert not ArticleCorrection.objects.exists()


def test_editors_have_a_corrections_tab(admin_client, make_article):
    article = make_article()
    page = lxml_html.fromstring(admin_client.get(f"/admin/pages/{article.pk}/edit/").content)
    assert page.xpath('//section[@id="tab-corrections"]')


def test_the_api_carries_the_notes(client, corrected):
    data = client.get(f"/api/v2/articles/{corrected.pk}/").json()
    assert [(n["kind"], n["text"]) for n in data["correction_notes"]] == [("correction", f"<p>{NOTE}</p>")]
