import pytest
from django.utils import translation

from translation.models import SegmentTranslation, TranslationJob
from translation.segments import segment_hash

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="ed", email="ed@example.org", password="pw")
    client.force_login(user)
    return user


def test_the_page_editor_links_to_the_translations_screen(client, editor, make_article):
    article = make_article()
    page = client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert f"/admin/translations/page/{article.pk}/" in page


def test_an_editor_pretranslates_an_article_into_chosen_languages(client, editor, libretranslate, make_article,
                                                                   django_capture_on_commit_callbacks):
    article = make_article("Harbour strike", paragraphs=("Dockers walked out.",))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/translations/page/{article.pk}/", {"languages": ["fr", "de", "xx"]})
    assert response.status_code == 302
    assert set(TranslationJob.objects.values_list("language", "status")) == {("fr", "done"), ("de", "done")}
    assert SegmentTranslation.objects.get(source_hash=segment_hash("en", "Dockers walked out."), language="de").text \
        == "«de» Dockers walked out."
    overview = client.get(f"/admin/translations/page/{article.pk}/").content.decode()
    assert "Done" in overview


def test_an_editor_corrects_a_segment_and_it_is_marked_reviewed(client, editor, libretranslate, make_article,
                                                                  django_capture_on_commit_callbacks):
    article = make_article("Harbour strike", paragraphs=('Dockers <a href="https://u.example/">walked</a> out.',))
    path = article.url
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/translations/page/{article.pk}/", {"languages": ["fr"]})
    screen = client.get(f"/admin/translations/page/{article.pk}/fr/")
    assert screen.status_code == 200
    assert "«fr» Harbour strike" in screen.content.decode()
    title_hash = segment_hash("en", "Harbour strike")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/translations/page/{article.pk}/fr/", {
            f"segment-{title_hash}": "Grève au port<script>alert(1)</script>",
        })
    assert response.status_code == 302
    corrected = SegmentTranslation.objects.get(source_hash=title_hash, language="fr")
    assert corrected.status == "reviewed" and corrected.reviewed_by == editor
    assert corrected.text == "Grève au port"
    translation.activate("en")
    reader = client.get(f"/fr{path}").content.decode()
    assert "<h1>Grève au port</h1>" in reader


def test_retranslating_keeps_the_corrections_typed_before_pressing_it(client, editor, libretranslate, make_article,
                                                                      django_capture_on_commit_callbacks, settings):
    article = make_article("Harbour strike", paragraphs=("Dockers walked out.",))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/translations/page/{article.pk}/", {"languages": ["fr"]})
    title_hash, body_hash = segment_hash("en", "Harbour strike"), segment_hash("en", "Dockers walked out.")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/translations/page/{article.pk}/fr/", {
            f"segment-{title_hash}": "Grève au port", "retranslate": "1"})
    title = SegmentTranslation.objects.get(source_hash=title_hash, language="fr")
    assert (title.text, title.status) == ("Grève au port", "reviewed")
    assert SegmentTranslation.objects.get(source_hash=body_hash, language="fr").text == "«fr» Dockers walked out."

    settings.CROSSPOST_MT_BACKEND = ""  # no engine: the machine text is kept, not dropped for nothing
    response = client.post(f"/admin/translations/page/{article.pk}/fr/", {"retranslate": "1"}, follow=True)
    assert "No machine-translation engine is configured" in response.content.decode()
    assert SegmentTranslation.objects.filter(source_hash=body_hash, language="fr").exists()


def test_failed_jobs_are_listed_with_their_error(client, editor, libretranslate, make_article,
                                                 django_capture_on_commit_callbacks):
    libretranslate.fail_with = 500
    article = make_article("Broken engine day")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/translations/page/{article.pk}/", {"languages": ["fr"]})
    listing = client.get("/admin/translations/?status=failed").content.decode()
    assert "Broken engine day" in listing
    assert "HTTP 500" in listing


def test_publishing_pretranslates_into_the_configured_languages(libretranslate, make_article, settings,
                                                                django_capture_on_commit_callbacks):
    settings.CROSSPOST_PRETRANSLATE = ["fr", "ar"]
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article("Published and translated")
    assert set(TranslationJob.objects.filter(page=article).values_list("language", flat=True)) == {"fr", "ar"}


def test_contributors_without_edit_rights_cannot_open_translations(client, django_user_model, make_article):
    user = django_user_model.objects.create_user(username="reader", password="pw")
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    article = make_article()
    response = client.get(f"/admin/translations/page/{article.pk}/")
    # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
    assert response.status_code == 302 and response["Location"] == "/admin/"
