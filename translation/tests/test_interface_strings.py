import pytest
from django.core.management import call_command
from django.utils import translation
from lxml import html as lxml_html

from translation.ui import catalogue_messages, protect, ui_correct, unprotect

pytestmark = pytest.mark.django_db


def test_the_source_catalogue_holds_the_templates_strings():
    ids = {m.msgid for m in catalogue_messages()}
    assert {"Skip to content", "Note to readers", "Click here to read the full article on %(name)s."} <= ids


def test_placeholders_survive_a_round_trip_and_losing_one_is_detected():
    protected, found = protect("Page %(n)s of %(total)s")
    assert found == ["%(n)s", "%(total)s"]
    assert unprotect(protected.replace("Page", "Seite").replace("of", "von"), found) == "Seite %(n)s von %(total)s"
    assert unprotect("Seite von", found) is None


def test_the_interface_is_machine_translated_once_and_served(client, libretranslate, make_article):
    article = make_article("Story")
    path = article.url
    call_command("translation", "ui", "--languages", "fr")
    sent = len(libretranslate.segments_sent)
    assert sent > 50
    tree = lxml_html.fromstring(client.get(f"/fr{path}").content)
    translation.activate("en")
    assert tree.xpath('//a[@class="skip-link"]/text()') == ["«fr» Skip to content"]
    call_command("translation", "ui", "--languages", "fr")
    assert len(libretranslate.segments_sent) == sent  # nothing new to send
    # English pages are untouched.
    assert lxml_html.fromstring(client.get(path).content).xpath('//a[@class="skip-link"]/text()') == ["Skip to content"]


def test_an_editor_corrects_an_interface_string_and_keeps_placeholders(client, make_article, django_capture_on_commit_callbacks):
    article = make_article("Story", publication=None)
    path = article.url
    with django_capture_on_commit_callbacks(execute=True):
        ui_correct(language="fr", text="Skip to content", translation="Aller au contenu")
    tree = lxml_html.fromstring(client.get(f"/fr{path}").content)
    translation.activate("en")
    assert tree.xpath('//a[@class="skip-link"]/text()') == ["Aller au contenu"]
    with pytest.raises(ValueError, match="placeholders"):
        ui_correct(language="fr", text="Page %(n)s of %(total)s", translation="Page %(n)s")


def test_editors_review_interface_strings_in_the_admin(client, django_user_model, make_article,
                                                       django_capture_on_commit_callbacks):
    from translation.ui import ui_rows

    client.force_login(django_user_model.objects.create_superuser(username="ed", password="pw"))
    path = make_article("Story").url
    screen = client.get("/admin/translations/interface/fr/")
    assert screen.status_code == 200
    index = next(i for i, row in enumerate(ui_rows("fr")) if row["text"] == "Skip to content")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/translations/interface/fr/", {f"string-{index}": "Aller au contenu"})
    assert response.status_code == 302
    tree = lxml_html.fromstring(client.get(f"/fr{path}").content)
    translation.activate("en")
    assert tree.xpath('//a[@class="skip-link"]/text()') == ["Aller au contenu"]
    assert client.get("/admin/translations/interface/xx/").status_code == 404


def test_saving_the_screen_unchanged_leaves_machine_wording_unreviewed(client, django_user_model, libretranslate):
    from translation.models import SegmentTranslation
    from translation.ui import ui_rows, ui_translate

    ui_translate(language="fr")
    machine = SegmentTranslation.objects.filter(language="fr", status=SegmentTranslation.Status.MACHINE).count()
    assert any(row["placeholders"] and row["translation"] for row in ui_rows("fr")), "placeholder strings are translated"
    client.force_login(django_user_model.objects.create_superuser(username="ed", password="pw"))
    form = lxml_html.fromstring(client.get("/admin/translations/interface/fr/").content)
    # What a browser sends: every textarea as shown, line ends as CRLF.
    sent = {area.get("name"): (area.text or "").replace("\n", "\r\n") for area in form.xpath("//textarea")}
    response = client.post("/admin/translations/interface/fr/", sent, follow=True)
    assert "0 interface string(s) saved as reviewed." in response.content.decode()
    assert SegmentTranslation.objects.filter(language="fr", status=SegmentTranslation.Status.REVIEWED).count() == 0
    assert SegmentTranslation.objects.filter(language="fr", status=SegmentTranslation.Status.MACHINE).count() == machine


def test_an_editor_may_put_placeholders_in_another_order(django_capture_on_commit_callbacks):
    text = "%(site)s daily — %(date)s"
    with django_capture_on_commit_callbacks(execute=True):
        ui_correct(language="de", text=text, translation="%(date)s: Tägliches von %(site)s")
    with translation.override("de"):
        assert translation.gettext(text) % {"site": "Ledger", "date": "3.12."} == "3.12.: Tägliches von Ledger"


def test_an_untranslated_interface_string_on_an_arabic_page_reads_as_english_left_to_right(
        client, make_article, django_capture_on_commit_callbacks):
    path = make_article("Story").url
    with django_capture_on_commit_callbacks(execute=True):
        ui_correct(language="ar", text="Skip to content", translation="انتقل إلى المحتوى")
    tree = lxml_html.fromstring(client.get(f"/ar{path}").content)
    translation.activate("en")
    assert tree.xpath("/html/@lang") == ["ar"] and tree.xpath("/html/@dir") == ["rtl"]
    skip = tree.xpath('//a[@class="skip-link"]')[0]
    assert skip.text_content() == "انتقل إلى المحتوى" and not skip.xpath(".//*[@lang]")
    marked = tree.xpath('//span[@lang="en"][@dir="ltr"]/text()')
    assert {"Authors", "Regions", "Sitemap", "By"} <= set(marked)
    # Wagtail's own Arabic catalogue already words "Latest": it is shown in Arabic, unmarked.
    latest = tree.xpath('//nav[contains(@class, "site-nav")]//li[1]/a')[0]
    assert latest.text_content() != "Latest" and not latest.xpath(".//*[@lang]")


def test_a_wording_that_reads_like_the_english_is_still_a_translation(client, make_article,
                                                                      django_capture_on_commit_callbacks):
    path = make_article("Story").url
    with django_capture_on_commit_callbacks(execute=True):
        ui_correct(language="fr", text="Sitemap", translation="Sitemap")
    tree = lxml_html.fromstring(client.get(f"/fr{path}").content)
    translation.activate("en")
    sitemap = tree.xpath('//a[@href="/sitemap.xml"]')[0]
    assert sitemap.text_content() == "Sitemap" and not sitemap.xpath(".//*[@lang]")
    assert "Authors" in tree.xpath('//span[@lang="en"][@dir="ltr"]/text()')


def test_english_pages_mark_no_interface_string(client, make_article):
    tree = lxml_html.fromstring(client.get(make_article("Story").url).content)
    assert tree.xpath('//span[@lang="en"][@dir="ltr"]') == []
