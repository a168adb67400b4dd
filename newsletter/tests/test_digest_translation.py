import pytest

from newsletter.rendering import article_text_for_language
from translation.segments import text_segment
from translation.services import translations_store_reviewed

pytestmark = pytest.mark.django_db


def test_the_digest_uses_stored_translations_of_titles_and_deks(make_article):
    article = make_article("Harbour strike ends", dek="Dockers back at work")
    translations_store_reviewed(source_language="en", language="fr", pairs=[
        (text_segment("Harbour strike ends"), "Fin de la grève au port"),
    ])
    assert article_text_for_language(article, "fr") == {"title": "Fin de la grève au port",
                                                         "dek": "Dockers back at work"}
    assert article_text_for_language(article, "en") == {"title": "Harbour strike ends", "dek": "Dockers back at work"}
