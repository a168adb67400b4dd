"""Importing WordPress exports: a WordPress.com-style newsroom file, WXR 1.0/1.1 and Co-Authors Plus fixtures."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.contrib.redirects.models import Redirect

from engagement.models import Comment
from imports.models import ImportedObject, SimplePage
from imports.tests.conftest import DATA, SAMPLES
from newsroom.models import ArticlePage, AuthorPage, RegionPage, ThemePage

pytestmark = pytest.mark.django_db

COURIER = str(SAMPLES / "delta-courier.xml")


def imported(kind: str, source_id: str, model=ArticlePage):
    target = ImportedObject.objects.get(kind=kind, source_id=source_id).target_id
    return model.objects.get(pk=target)


# --- the Delta Courier: WordPress.com namespace, co-authors, media, shortcodes, mapping ----------

@pytest.fixture
def courier(run_import, uploads) -> dict:
    return run_import("wordpress", COURIER, "--media", str(uploads), "--map", "category:europe=region:europe")


def test_the_wordpress_com_namespace_is_read(courier):
    assert courier["articles"] == 4 and courier["pages"] == 1
    assert courier["skipped"] == [{"source_id": "105", "reason": "in the trash"}]


def test_co_authors_make_the_byline_in_their_order(courier):
    article = imported("post", "101")
    assert [a.title for a in article.authors] == ["Lena Varga", "Jonas Berger", "Mira Okafor"]


def test_categories_follow_the_editors_mapping(courier):
    article = imported("post", "101")
    assert [r.slug for r in article.regions.all()] == ["europe"]
    assert [t.title for t in article.themes.all()] == ["Water & Climate"]
    assert RegionPage.objects.get(slug="europe").description == ""


def test_dates_excerpt_and_featured_image_are_kept(courier):
    article = imported("post", "101")
    assert article.first_published_at == datetime.datetime(2026, 10, 2, 8, 0, tzinfo=datetime.UTC)
    assert article.last_published_at == datetime.datetime(2026, 10, 5, 12, 30, tzinfo=datetime.UTC)
    assert article.dek == "The board votes to dredge, at last."
    assert article.hero_image.title == "The northern channel at low tide"
    assert courier["images"] == 2 and courier["media_missing"] == 0


def test_captions_galleries_and_embeds_become_clean_blocks(courier):
    body = imported("post", "101").body
    kinds = [block.block_type for block in body]
    assert kinds == ["paragraph", "figure", "figure", "paragraph", "figure", "figure", "paragraph"]
    assert body[2].value["caption"] == "The board in session"
    html = str(body[6].value)
    assert 'href="https://www.youtube.com/watch?v=abc123XYZ"' in html and 'href="https://vimeo.com/76979871"' in html
    assert "[sic]" in str(body[3].value)
    assert "script" not in html and "javascript:" not in html and "onclick" not in html
    assert courier["shortcodes_dropped"] == {"contact-form": 1, "contact-field": 1}
    assert courier["converted"]["wp:image"] == 1 and courier["converted"]["gallery"] == 1


def test_approved_comments_come_over_and_the_rest_stay_behind(courier):
    comments = list(Comment.objects.filter(article=imported("post", "101")).order_by("created_at"))
    assert [(c.name, c.parent_id) for c in comments] == [
        ("Pieter", None), ("Mira Okafor", comments[0].pk), ("Pieter", comments[0].pk)]
    assert comments[0].text == "About time.\nThe silt has been a hazard for years."
    assert comments[0].created_at == datetime.datetime(2026, 10, 2, 9, 15, tzinfo=datetime.UTC)
    assert all(c.status == Comment.Status.APPROVED for c in comments)
    assert courier["comments_dropped"] == {"spam": 1, "pingback": 1, "unapproved": 1}


def test_a_future_post_is_scheduled_for_its_date(courier):
    scheduled = imported("post", "102")
    assert not scheduled.live
    assert scheduled.go_live_at == datetime.datetime(2030, 3, 1, 7, 0, tzinfo=datetime.UTC)
    assert scheduled.revisions.get().approved_go_live_at == scheduled.go_live_at


def test_drafts_and_private_posts_stay_drafts(courier):
    assert not imported("post", "103").live
    assert imported("post", "103").slug == "notes-for-the-salt-marsh-story"
    assert not imported("post", "104").live
    assert {"source_id": "104", "note": "private on WordPress: imported as a draft"} in courier["notes"]


def test_a_page_becomes_a_plain_page_at_its_old_address(courier, client):
    about = imported("page", "2", SimplePage)
    assert about.url == "/about/"
    assert "We report on the delta since 1998." in about.body and 'embedtype="image"' in about.body
    assert client.get("/about/").status_code == 200
    assert client.get("/?page_id=2")["Location"] == "/about/"


def test_authors_and_sections_keep_their_old_addresses(courier, client):
    assert client.get("/author/mira/")["Location"] == AuthorPage.objects.get(title="Mira Okafor").url
    assert client.get("/category/europe/")["Location"] == "/regions/europe/"
    assert client.get("/category/water/")["Location"] == ThemePage.objects.get(slug="water").url


def test_a_dry_run_reports_and_writes_nothing(run_import, uploads):
    report = run_import("wordpress", COURIER, "--media", str(uploads), "--dry-run")
    assert report["dry_run"] and report["articles"] == 4
    assert not ArticlePage.objects.exists() and not Comment.objects.exists() and not Redirect.objects.exists()


def test_a_truncated_file_is_one_clear_error_and_imports_nothing(tmp_path):
    whole = (DATA / COURIER).read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    with pytest.raises(CommandError) as error:
        call_command("import", "wordpress", str(cut))
    assert "not a complete XML file" in str(error.value) and "\n" not in str(error.value)
    assert not ArticlePage.objects.exists() and not AuthorPage.objects.filter(title="Mira Okafor").exists()


def test_a_file_that_is_not_an_export_is_refused(tmp_path):
    other = tmp_path / "feed.xml"
    other.write_text("<rss><channel><item><title>x</title></item></channel></rss>")
    with pytest.raises(CommandError, match="not a WordPress export"):
        call_command("import", "wordpress", str(other))


def test_a_bad_mapping_rule_is_refused(tmp_path):
    with pytest.raises(CommandError, match="--map 'category:europe=planet:earth'"):
        call_command("import", "wordpress", str(DATA / COURIER), "--map", "category:europe=planet:earth")


# --- older formats and Co-Authors Plus as Ghost's migration tools test it --------------------------

def test_wxr_1_0_and_1_1_exports_import(run_import):
    old = run_import("wordpress", "wordpress-wxr-1.0.xml")
    assert old["articles"] >= 1 and ArticlePage.objects.filter(title="Hello world!").exists()
    newer = run_import("wordpress", "wordpress-wxr-1.1.xml")
    assert newer["articles"] + newer["pages"] >= 5


def test_co_authors_plus_bylines_are_ordered_and_deduplicated(run_import):
    run_import("wordpress", "wordpress-co-authors-plus.xml")
    bylines = {a.title: [x.title for x in a.authors] for a in ArticlePage.objects.all()}
    assert bylines["Three Author Post"] == ["Alice Smith", "Bob Jones", "Carol White"]
    assert bylines["Duplicate Author Entries Post"] == ["Alice Smith", "Bob Jones"]
    assert bylines["Single Co-Author Post"] == ["Bob Jones"]
