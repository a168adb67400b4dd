"""Corrections go live at once, so only holders of the translate permission may make them, and
interface wording stays text whoever types it."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import translation
from lxml import html as lxml_html

from newsroom.services import CONTRIBUTOR_GROUP, EDITOR_GROUP
from translation.models import SegmentTranslation
from translation.segments import segment_hash
from translation.ui import ui_compile, ui_correct, ui_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    def make(group: str):
        user = django_user_model.objects.create_user(username=group.lower(), password="pw")
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def french_headline(make_article, libretranslate, django_capture_on_commit_callbacks):
    from translation.jobs import translation_request_many

    article = make_article("Harbour strike", paragraphs=("Dockers walked out.",))
    with django_capture_on_commit_callbacks(execute=True):
        translation_request_many(page=article, languages=["fr"])
    return article


def _french_h1(client, article) -> str:
    text = lxml_html.fromstring(client.get(f"/fr{article.url}").content).xpath("//h1/text()")[0]
    translation.activate("en")
    return text


def test_a_contributor_cannot_change_a_live_french_headline(client, staff, french_headline,
                                                            django_capture_on_commit_callbacks):
    client.force_login(staff(CONTRIBUTOR_GROUP))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/translations/page/{french_headline.pk}/fr/",
                               {f"segment-{segment_hash('en', 'Harbour strike')}": "Tout est faux"})
    assert response.status_code in (302, 403) and response.get("Location", "/admin/") == "/admin/"
    assert _french_h1(client, french_headline) == "«fr» Harbour strike"


def test_an_editor_corrects_the_french_headline(client, staff, french_headline, django_capture_on_commit_callbacks):
    client.force_login(staff(EDITOR_GROUP))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/translations/page/{french_headline.pk}/fr/",
                    {f"segment-{segment_hash('en', 'Harbour strike')}": "Grève au port"})
    assert _french_h1(client, french_headline) == "Grève au port"


def test_the_permission_can_be_given_to_any_group(client, staff, french_headline, django_capture_on_commit_callbacks):
    contributors = Group.objects.get(name=CONTRIBUTOR_GROUP)
    contributors.permissions.add(Permission.objects.get(codename="publish_translation"))
    client.force_login(staff(CONTRIBUTOR_GROUP))
    assert client.get("/admin/translations/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/translations/page/{french_headline.pk}/fr/",
                    {f"segment-{segment_hash('en', 'Harbour strike')}": "Grève au port"})
    assert _french_h1(client, french_headline) == "Grève au port"


def test_a_contributor_cannot_change_interface_strings(client, staff, make_article):
    client.force_login(staff(CONTRIBUTOR_GROUP))
    index = next(i for i, row in enumerate(ui_rows("fr")) if row["text"] == "Skip to content")
    response = client.post("/admin/translations/interface/fr/", {f"string-{index}": "Cliquez ici"})
    assert response.status_code in (302, 403) and response.get("Location", "/admin/") == "/admin/"
    assert not SegmentTranslation.objects.filter(language="fr").exists()


def test_typed_markup_in_interface_wording_is_refused(client, staff, make_article):
    client.force_login(staff(EDITOR_GROUP))
    index = next(i for i, row in enumerate(ui_rows("fr")) if row["text"] == "Skip to content")
    evil = 'Aller <form action="https://evil.example/"><button>au contenu</button></form>'
    response = client.post("/admin/translations/interface/fr/", {f"string-{index}": evil}, follow=True)
    assert "plain text" in response.content.decode()
    assert not SegmentTranslation.objects.filter(language="fr").exists()


def test_markup_already_stored_never_reaches_a_page_as_html(client, make_article, settings):
    """A translation stored before the check (or by an engine) is compiled as text."""
    from translation.models import Segment
    from translation.ui import _source_segment

    for english, french in [("Skip to content", '&lt;a href="https://evil.example/"&gt;Aller au contenu&lt;/a&gt;'),
                            ("Independent journalism is paid for by its readers.",
                             '&lt;form action="https://evil.example/"&gt;Payez ici&lt;/form&gt;')]:
        source, _ = _source_segment(english)
        digest = segment_hash("en", source)
        segment = Segment.objects.create(source_hash=digest, source_language="en", source_text=source)
        SegmentTranslation.objects.create(segment=segment, source_hash=digest, language="fr", text=french)
    ui_compile(language="fr")
    article = make_article("Story")
    page = client.get(f"/fr{article.url}").content.decode()
    translation.activate("en")
    assert "evil.example" not in page
    assert "Payez ici" in page and "Aller au contenu" in page


def test_the_markup_of_the_english_string_is_kept_and_nothing_else():
    from translation.ui import only_source_markup

    english = 'Or write to <a href="mailto:%(address)s">%(address)s</a>.'
    ui_correct(language="fr", text=english, translation='Ou écrivez à <a href="mailto:%(address)s">%(address)s</a>.')
    assert only_source_markup('Ou écrivez à <a href="mailto:%(address)s">%(address)s</a> <img src=x> 1 < 2.', english) \
        == 'Ou écrivez à <a href="mailto:%(address)s">%(address)s</a>  1  2.'
    with pytest.raises(ValueError, match="plain text"):
        ui_correct(language="fr", text=english, translation='Ou <a href="https://evil.example/">%(address)s</a> %(address)s.')
