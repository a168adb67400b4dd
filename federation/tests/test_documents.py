"""What the fediverse reads about us: an author's Person actor, and an article's languages."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.rich_text import RichText

from federation import documents, services
from newsroom.services import author_get_or_create
from translation.services import translations_store_reviewed

pytestmark = pytest.mark.django_db
AP = "application/activity+json"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _picture(kind: str) -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (600, 500), (30, 90, 160)).save(buffer, format=kind)
    image = Image(title="Portrait")
    image.file = ImageFile(buffer, name=f"portrait.{kind.lower()}")
    image.save()
    return image


def _author(*, photo: Image | None = None, bio: str = ""):
    author = author_get_or_create(name="Ada Reporter")
    author.photo, author.bio = photo, bio
    author.save_revision().publish()
    author.refresh_from_db()
    return author


def _person(client) -> dict:
    answer = client.get("/authors/ada-reporter/", HTTP_ACCEPT=AP)
    assert answer.status_code == 200
    return answer.json()


@pytest.mark.parametrize(("kind", "media_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png")])
def test_an_author_with_a_photo_has_it_as_icon_at_an_absolute_url(client, kind, media_type):
    author = _author(photo=_picture(kind))
    icon = _person(client)["icon"]
    rendition = author.photo.get_rendition("fill-400x400")
    assert icon == {"type": "Image", "mediaType": media_type, "url": "http://testserver" + rendition.url}


def test_an_author_without_a_photo_has_no_icon(client):
    _author()
    assert "icon" not in _person(client)


def test_the_person_links_to_the_authors_archive_page_and_carries_the_bio(client, make_article):
    make_article("Floods in the delta")
    _author(bio="<p>Covers <b>rivers</b> and the people who live by them.</p>")
    person = _person(client)
    assert person["url"] == "http://testserver/authors/ada-reporter/"
    archive = client.get(person["url"].removeprefix("http://testserver"), HTTP_ACCEPT="text/html")
    assert archive["Content-Type"].startswith("text/html") and "Floods in the delta" in archive.content.decode()
    assert person["summary"] == "<p>Covers <b>rivers</b> and the people who live by them.</p>"


def test_a_link_in_the_bio_reaches_the_summary_as_an_absolute_link(client, make_article):
    article = make_article("Floods in the delta")
    _author(bio=f'<p>Wrote <a linktype="page" id="{article.pk}">the floods story</a>.</p>')
    summary = _person(client)["summary"]
    assert "linktype" not in summary
    assert summary == f'<p>Wrote <a href="http://testserver{article.url}">the floods story</a>.</p>'


# ---- contentMap ---------------------------------------------------------------------------------

PARAGRAPHS = ("The river rose overnight.", "Families left by boat.")
FRENCH = {"Floods in the delta": "Inondations dans le delta",
          "The river rose overnight.": "Le fleuve est monté pendant la nuit.",
          "Families left by boat.": "Les familles sont parties en bateau."}
GERMAN = {"Floods in the delta": "Hochwasser im Delta",
          "The river rose overnight.": "Der Fluss stieg über Nacht.",
          "Families left by boat.": "Die Familien flohen mit Booten."}


def _store(language: str, pairs: dict[str, str]) -> None:
    translations_store_reviewed(source_language="en", language=language, pairs=list(pairs.items()))


def _object(article) -> dict:
    return documents.article_object(article, followers=[])


def test_the_content_map_holds_the_source_and_each_stored_translation(make_article):
    article = make_article("Floods in the delta", paragraphs=PARAGRAPHS)
    _store("fr", FRENCH)
    _store("de", GERMAN)
    obj = _object(article)
    assert set(obj["contentMap"]) == {"en", "fr", "de"}
    assert obj["content"] == obj["contentMap"]["en"] == article.body_html()
    assert obj["contentMap"]["fr"] == "<p>Le fleuve est monté pendant la nuit.</p><p>Les familles sont parties en bateau.</p>"
    assert "Der Fluss stieg über Nacht." in obj["contentMap"]["de"]


def test_links_to_our_pages_are_absolute_in_every_language(make_article):
    story = make_article("Floods in the delta", paragraphs=PARAGRAPHS)
    link = f'<a linktype="page" id="{story.pk}">earlier story</a>'
    article = make_article("Boats return", paragraphs=(f"See the {link}.",))
    _store("fr", {"Boats return": "Les bateaux reviennent",
                  f'See the <a href="{story.url}">earlier story</a>.': f'Voir <a href="{story.url}">l’article</a>.'})
    content_map = _object(article)["contentMap"]
    assert f'<a href="http://testserver{story.url}">earlier story</a>' in content_map["en"]
    assert f'<a href="http://testserver{story.url}">l’article</a>' in content_map["fr"]


def test_a_half_translated_language_is_left_out_of_the_content_map(make_article):
    article = make_article("Floods in the delta", paragraphs=PARAGRAPHS)
    _store("fr", {k: v for k, v in FRENCH.items() if k != "Families left by boat."})
    assert set(_object(article)["contentMap"]) == {"en"}


def test_an_article_written_in_french_keys_its_content_by_french(make_article):
    article = make_article("Inondations dans le delta", paragraphs=("Le fleuve est monté.",), language="fr")
    translations_store_reviewed(source_language="fr", language="en",
                                pairs=[("Inondations dans le delta", "Floods in the delta"),
                                       ("Le fleuve est monté.", "The river rose.")])
    obj = _object(article)
    assert obj["content"] == obj["contentMap"]["fr"] == "<p>Le fleuve est monté.</p>"
    assert obj["contentMap"]["en"] == "<p>The river rose.</p>"


def test_the_languages_are_found_in_a_query_or_two_not_one_per_language(make_article, settings,
                                                                        django_assert_max_num_queries):
    assert len(settings.LANGUAGES) > 30
    article = make_article("Floods in the delta", paragraphs=PARAGRAPHS)
    _store("fr", FRENCH)
    with django_assert_max_num_queries(12):
        assert set(_object(article)["contentMap"]) == {"en", "fr"}


def test_an_article_without_a_language_still_carries_its_content(make_article):
    article = make_article("Floods in the delta", paragraphs=PARAGRAPHS)
    article.language = ""  # the editor refuses a blank one; the object must not rely on it
    obj = _object(article)
    assert obj["content"] == article.body_html() and "The river rose overnight." in obj["content"]
    assert obj["contentMap"] == {"en": obj["content"]}


def test_the_create_and_update_carry_the_translations(committed, make_article, remote, settings):
    from federation.models import Follower

    ada = services.actor_for_author(author_get_or_create(name="Ada Reporter"))
    Follower.objects.create(actor=ada, remote=services.remote_actor_store(remote.document()))
    _store("fr", FRENCH)
    article = committed(make_article, "Floods in the delta", paragraphs=PARAGRAPHS)
    article.body = [("paragraph", RichText("<p>The river rose overnight.</p>"))]
    _store("fr", {"The river rose overnight.": "Le fleuve est monté pendant la nuit."})
    committed(article.save_revision().publish)
    sent = {a["type"]: a for a in (json.loads(body) for _, _, body in remote.server.posted)}
    assert sent["Create"]["object"]["contentMap"]["fr"].startswith("<p>Le fleuve est monté pendant la nuit.</p>")
    assert "Les familles sont parties en bateau." in sent["Create"]["object"]["contentMap"]["fr"]
    assert sent["Update"]["object"]["contentMap"] == {
        "en": "<p>The river rose overnight.</p>", "fr": "<p>Le fleuve est monté pendant la nuit.</p>"}
