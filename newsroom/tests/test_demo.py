import pytest
from django.core.management import call_command

from newsroom.models import ArticlePage, AuthorPage, DossierPage, RegionPage, ThemePage

pytestmark = pytest.mark.django_db


def test_the_demo_builds_a_newsroom_with_reposts_and_an_admin(client, capsys, django_user_model):
    call_command("demo")
    articles = ArticlePage.objects.live()
    assert articles.count() >= 12
    reposts = articles.filter(publication__isnull=False)
    assert reposts.count() >= 3
    assert {a.repost_mode for a in reposts} == {"excerpt", "full"}
    assert AuthorPage.objects.live().count() >= 4
    assert RegionPage.objects.count() >= 2 and ThemePage.objects.count() >= 2 and DossierPage.objects.count() >= 2
    assert django_user_model.objects.filter(username="admin", is_superuser=True).exists()
    assert set(django_user_model.objects.get(username="contributor").groups.values_list("name", flat=True)) == {
        "Contributor"}
    assert django_user_model.objects.get(username="editor").has_perm("translation.publish_translation")
    assert "password:" in capsys.readouterr().out
    excerpt = reposts.filter(repost_mode="excerpt").first()
    page = client.get(excerpt.url).content.decode()
    assert f"Click here to read the full article on {excerpt.publication.name}" in page


def test_running_the_demo_twice_adds_nothing_and_prints_no_new_password(capsys):
    call_command("demo")
    count = ArticlePage.objects.count()
    capsys.readouterr()
    call_command("demo")
    assert ArticlePage.objects.count() == count
    assert "password:" not in capsys.readouterr().out


def test_if_empty_leaves_an_existing_newsroom_alone(make_article, capsys):
    make_article("Our only story")
    call_command("demo", "--if-empty")
    assert ArticlePage.objects.count() == 1


def test_the_demo_ships_french_and_arabic_translations(client, django_capture_on_commit_callbacks):
    from django.utils import translation
    from lxml import html as lxml_html

    from newsroom.demo import demo_data

    ARTICLE_TRANSLATIONS = demo_data("translations")["ARTICLE_TRANSLATIONS"]

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo")
    title = next(iter(ARTICLE_TRANSLATIONS))
    path = ArticlePage.objects.get(title=title).url
    for language in ("fr", "ar"):
        tree = lxml_html.fromstring(client.get(f"/{language}{path}").content)
        translation.activate("en")
        assert tree.xpath("//h1/text()") == [ARTICLE_TRANSLATIONS[title][language]["title"]]
        assert "Translation in progress" not in tree.text_content()
        assert tree.xpath('//article[@class="article"]/@lang') == [language]
        skip = tree.xpath('//a[@class="skip-link"]/text()')[0]
        assert skip != "Skip to content"


def test_the_demo_selects_articles_for_the_next_newsletter_and_adds_readers():
    from newsletter.models import Selection, Subscriber

    call_command("demo")
    assert Selection.objects.count() == 4
    assert Subscriber.objects.filter(status="confirmed").count() >= 3
    assert Subscriber.objects.filter(status="pending").exists()


def test_the_demo_shows_every_search_policy_a_correction_and_a_source_change(client, admin_client):
    from ingest.models import SourceChange
    from newsroom.models import ArticleCorrection

    call_command("demo")
    reposts = ArticlePage.objects.live().filter(publication__isnull=False)
    assert {a.effective_search_policy for a in reposts} == {"self", "noindex-news", "canonical-original"}
    note = ArticleCorrection.objects.get()
    assert note.page.publication_id is None
    assert "An earlier version" in client.get("/corrections/").content.decode()
    change = SourceChange.objects.get(status="open")
    page = admin_client.get(f"/admin/repost/sources/{change.pk}/").content.decode()
    assert 'class="replace"' in page and "Apply the new text" in page
