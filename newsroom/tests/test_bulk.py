import pytest
from django.core.management import call_command
from wagtail.models import Page

from newsroom.bulk import articles_bulk_create
from newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    call_command("demo")
    before = ArticlePage.objects.live().count()  # the demo's imported drafts are not live
    assert articles_bulk_create(count=300, batch_size=120, author_count=30) == 300
    return before


def test_bulk_articles_are_valid_live_pages_in_a_consistent_tree(archive, client):
    assert ArticlePage.objects.live().count() == archive + 300
    assert all(not problems for problems in Page.find_problems())
    article = ArticlePage.objects.order_by("-pk").first()
    assert article.authors and article.regions.exists() and article.body
    response = client.get(article.url)
    assert response.status_code == 200
    assert article.title in response.content.decode()


def test_bulk_articles_show_in_author_pages_feeds_and_search(archive, client):
    article = ArticlePage.objects.live().order_by("-pk").first()  # the newest bulk article
    author = article.authors[0]
    assert article.title in client.get(author.url).content.decode()
    assert client.get("/feed/rss/").status_code == 200
    for section in (*article.regions.all(), *article.themes.all()):
        assert article.title in client.get(section.url).content.decode()
    response = client.get("/search/", {"q": f'"{article.title}"', "author": author.title})
    assert article.title in response.content.decode()


def test_a_bulk_article_opens_and_saves_in_the_page_editor(archive, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="ed", password="pw"))
    article = ArticlePage.objects.order_by("-pk").first()
    assert client.get(f"/admin/pages/{article.pk}/edit/").status_code == 200
    revision = article.save_revision()
    revision.publish()
    assert ArticlePage.objects.get(pk=article.pk).live_revision_id == revision.pk


def test_the_demo_command_generates_archive_articles(capsys):
    call_command("demo", "--articles", "50")
    assert "Generated 50 archive articles" in capsys.readouterr().out
    assert ArticlePage.objects.count() >= 64
