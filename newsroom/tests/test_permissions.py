import pytest
from django.contrib.auth.models import Group

from newsroom.services import CONTRIBUTOR_GROUP, EDITOR_GROUP

pytestmark = pytest.mark.django_db


def article_form(title: str, slug: str, **extra) -> dict:
    """What the page editor posts for a plain article with no authors or body blocks."""
    return {
        "title": title,
        "slug": slug,
        "body-count": "0",
        "article_authors-TOTAL_FORMS": "0",
        "article_authors-INITIAL_FORMS": "0",
        "article_authors-MIN_NUM_FORMS": "0",
        "article_authors-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
        "repost_mode": "excerpt",
        "excerpt_paragraphs": "4",
        "language": "en",
        **extra,
    }


@pytest.fixture
def member(django_user_model):
    def make(group_name: str):
        user = django_user_model.objects.create_user(username=group_name.lower(), password="pw-for-tests")
        user.groups.add(Group.objects.get(name=group_name))
        return user

    return make


def test_an_editor_can_publish_articles(member, make_article):
    article = make_article(publish=False)
    permissions = article.permissions_for_user(member(EDITOR_GROUP))
    assert permissions.can_edit()
    assert permissions.can_publish()


def test_a_contributor_can_edit_but_only_submit_for_moderation(member, make_article):
    article = make_article(publish=False)
    permissions = article.permissions_for_user(member(CONTRIBUTOR_GROUP))
    assert permissions.can_edit()
    assert not permissions.can_publish()
    assert permissions.can_submit_for_moderation()


def test_a_contributor_publish_attempt_through_the_admin_is_refused(client, member, make_article):
    article = make_article("Pending story", publish=False)
    client.force_login(member(CONTRIBUTOR_GROUP))
    response = client.get(f"/admin/pages/{article.pk}/edit/")
    assert response.status_code == 200
    assert "action-publish" not in response.content.decode()
    client.post(f"/admin/pages/{article.pk}/edit/", article_form("Pending story", article.slug, **{"action-publish": "publish"}))
    article.refresh_from_db()
    assert not article.live
    client.post(f"/admin/pages/{article.pk}/edit/", article_form("Pending story", article.slug, **{"action-submit": "submit"}))
    article.refresh_from_db()
    assert not article.live
    assert article.current_workflow_state is not None and article.current_workflow_state.status == "in_progress"


def test_both_groups_can_reach_the_admin(client, member):
    for name in (EDITOR_GROUP, CONTRIBUTOR_GROUP):
        client.force_login(member(name))
        assert client.get("/admin/").status_code == 200


def test_an_editor_can_create_and_publish_an_article_in_the_admin(client, member):
    from newsroom.models import ArticlePage
    from newsroom.services import section_folder

    client.force_login(member(EDITOR_GROUP))
    folder = section_folder("articles")
    form = client.get(f"/admin/pages/add/newsroom/articlepage/{folder.pk}/")
    assert form.status_code == 200
    data = article_form("Written in the admin", "written-in-the-admin", dek="From the editor.", **{"action-publish": "publish"})
    response = client.post(f"/admin/pages/add/newsroom/articlepage/{folder.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = ArticlePage.objects.get(slug="written-in-the-admin")
    assert article.live
    assert client.get("/articles/written-in-the-admin/").status_code == 200
