"""Importing Ghost exports: a Ghost 5 newsroom file and a fixture of Ghost's own migration tools."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from PIL import Image as PILImage
from wagtail.contrib.redirects.models import Redirect

from imports.models import ImportedObject, SimplePage
from imports.tests.conftest import DATA
from newsletter.models import Subscriber
from newsletter.services import newsletter_default
from newsletter.tests.test_subscription import csrf_post, link_in
from newsroom.models import ArticlePage, AuthorPage, ThemePage

pytestmark = pytest.mark.django_db

COASTLINE = "crosspost-ghost-newsroom.json"


def post(source_id: str, model=ArticlePage):
    return model.objects.get(pk=ImportedObject.objects.get(source="ghost", source_id=source_id).target_id)


@pytest.fixture
def images(tmp_path):
    root = tmp_path / "images"
    for name in ("2026/11/quay.png", "2019/05/old.png"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        PILImage.new("RGB", (48, 32), "teal").save(root / name)
    return root


@pytest.fixture
def coastline(run_import, images) -> dict:
    return run_import("ghost", COASTLINE, "--media", str(images))


def test_posts_and_pages_arrive_with_their_status(coastline):
    assert coastline["articles"] == 6 and coastline["pages"] == 1
    assert post("6553a1f0c2a1b1001a000001").live
    assert not post("6553a1f0c2a1b1001a000004").live  # a draft
    scheduled = post("6553a1f0c2a1b1001a000003")
    assert not scheduled.live and scheduled.go_live_at == datetime.datetime(2031, 1, 15, 6, tzinfo=datetime.UTC)
    assert not post("6553a1f0c2a1b1001a000006").live
    assert {"source_id": "6553a1f0c2a1b1001a000006",
            "note": "visible to paid members only on Ghost: imported as a draft"} in coastline["notes"]
    assert post("6553a1f0c2a1b1001a000007", SimplePage).url == "/about-us/"


def test_several_authors_keep_their_order(coastline):
    article = post("6553a1f0c2a1b1001a000001")
    assert [a.title for a in article.authors] == ["Ana Costa", "Greta Lindqvist", "Farid Haddad"]
    assert AuthorPage.objects.get(title="Ana Costa").bio == "Covers the harbour and the city council."
    assert article.title == "Ports & power: the new harbour deal"
    assert article.dek == "A deal, and its critics."


def test_the_primary_tag_becomes_a_theme_and_internal_tags_are_dropped(coastline):
    article = post("6553a1f0c2a1b1001a000001")
    assert [t.title for t in article.themes.all()] == ["Harbour"]
    assert coastline["terms_dropped"] == {"internal tag": 1, "tag": 1}
    assert not ThemePage.objects.filter(slug__in=["hash-newsletter", "economy"]).exists()


def test_a_mapping_keeps_secondary_tags_too(run_import, images):
    run_import("ghost", COASTLINE, "--media", str(images), "--map", "tag:economy=dossier:harbour-deal")
    article = post("6553a1f0c2a1b1001a000001")
    assert [d.slug for d in article.dossiers.all()] == ["harbour-deal"]


def test_feature_images_and_body_images_become_wagtail_images(coastline):
    article = post("6553a1f0c2a1b1001a000001")
    assert article.hero_image is not None
    assert article.hero_caption == "The quay at dawn. Photo: Ana Costa"
    figure = [b for b in article.body if b.block_type == "figure"][0]
    assert figure.value["image"].pk == article.hero_image.pk  # fetched once, used twice
    assert 'href="https://www.youtube.com/embed/xyz987"' in str(article.body[-1].value)
    assert coastline["images"] == 2 and coastline["media_missing"] == 0


def test_a_post_written_in_mobiledoc_only_is_rendered(coastline):
    body = post("6553a1f0c2a1b1001a000005").body
    html = str(body[0].value)
    assert "<strong>the river flooded</strong>" in html and "<h2>What changed</h2>" in html
    assert body[1].block_type == "figure" and body[1].value["caption"] == "From 2019"


def test_a_post_with_a_canonical_url_becomes_a_repost_of_its_original(coastline):
    repost = post("6553a1f0c2a1b1001a000002")
    assert repost.is_repost
    assert repost.original_url == "https://valleyherald.example/2026/09/30/drought-maps/"
    assert repost.publication.homepage == "https://valleyherald.example/"


def test_ghost_urls_answer_301_to_the_new_pages(coastline, client):
    article = post("6553a1f0c2a1b1001a000001")
    for old in ("/ports-and-power/", "/2026/11/ports-and-power/"):
        response = client.get(old)
        assert response.status_code == 301 and response["Location"] == article.url
    assert client.get(article.url).status_code == 200
    assert client.get("/tag/harbour/")["Location"] == ThemePage.objects.get(slug="harbour").url
    assert client.get("/author/greta/")["Location"] == AuthorPage.objects.get(title="Greta Lindqvist").url
    assert client.get("/spring-ideas/").status_code == 404  # a draft: nothing public to send readers to
    assert not Redirect.objects.filter(old_path="/about-us").exists()  # the page lives there already


def test_a_ghost_drafts_old_url_leads_to_it_once_an_editor_publishes_it(coastline, client):
    draft = post("6553a1f0c2a1b1001a000004")
    assert client.get("/spring-ideas/").status_code == 404
    draft.save_revision().publish()
    draft.refresh_from_db()
    response = client.get("/spring-ideas/")
    assert response.status_code == 301 and response["Location"] == draft.url
    assert client.get(draft.url).status_code == 200


def test_members_become_pending_readers_and_unsubscribed_stay_so(coastline):
    readers = dict(Subscriber.objects.values_list("email_key", "status"))
    assert readers == {"reader.one@example.org": "pending", "reader.two@example.org": "pending",
                       "gone@example.org": "unsubscribed", "bouncing@example.org": "unsubscribed"}


def test_members_confirmed_on_ghost_can_be_imported_as_confirmed(run_import, images):
    run_import("ghost", COASTLINE, "--members-confirmed")
    assert Subscriber.objects.get(email_key="reader.one@example.org").status == "confirmed"
    assert Subscriber.objects.get(email_key="gone@example.org").status == "unsubscribed"


def test_members_join_the_list_named_like_their_ghost_newsletter_waiting_for_confirmation(coastline):
    reader = Subscriber.objects.get(email_key="reader.one@example.org")
    (subscription,) = reader.subscriptions.all()
    assert subscription.newsletter == newsletter_default() and subscription.confirmed_at is None
    assert not Subscriber.objects.get(email_key="gone@example.org").subscriptions.exists()


def test_no_mail_goes_to_members_unless_the_editor_asks(run_import, images, smtp):
    assert run_import("ghost", COASTLINE)["confirmations_sent"] == 0
    assert smtp.messages == []


def test_members_confirmed_on_ghost_are_sent_no_confirmation(run_import, images, smtp):
    run_import("ghost", COASTLINE)
    run_import("ghost", COASTLINE, "--members-confirmed", "--send-confirmations")  # the editor changed their mind
    reader = Subscriber.objects.get(email_key="reader.two@example.org")
    assert reader.status == "confirmed" and reader.subscriptions.get().confirmed_at is not None
    assert smtp.messages == []


def test_pending_members_get_one_confirmation_mail_and_a_welcome_once_they_confirm(run_import, images, smtp):
    report = run_import("ghost", COASTLINE, "--send-confirmations")
    assert report["confirmations_sent"] == 2
    assert sorted(smtp.counts()) == ["Reader.Two@example.org", "reader.one@example.org"]  # not the unsubscribed
    (confirmation,) = smtp.to("reader.one@example.org")
    client = Client(enforce_csrf_checks=True)
    assert csrf_post(client, link_in(confirmation, "/newsletter/confirm/")).status_code == 200
    reader = Subscriber.objects.get(email_key="reader.one@example.org")
    assert reader.status == "confirmed" and reader.subscriptions.get().confirmed_at is not None
    assert len(smtp.to("reader.one@example.org")) == 2  # the newsletter's welcome mail
    again = run_import("ghost", COASTLINE, "--send-confirmations")
    assert again["confirmations_sent"] == 0 and len(smtp.messages) == 3  # each member is asked once


def test_a_refused_confirmation_is_noted_and_sent_on_the_next_run(run_import, images, smtp):
    smtp.replies["reader.one@example.org"] = ["550 no such mailbox"]
    report = run_import("ghost", COASTLINE, "--send-confirmations")
    assert report["confirmations_sent"] == 1
    assert any(n["source_id"] == "m1" and "confirmation mail to reader.one@example.org failed" in n["note"]
               for n in report["notes"])
    assert run_import("ghost", COASTLINE, "--send-confirmations")["confirmations_sent"] == 1
    assert len(smtp.to("reader.one@example.org")) == 1


def test_a_dry_run_sends_no_confirmation(run_import, images, smtp):
    assert run_import("ghost", COASTLINE, "--send-confirmations", "--dry-run")["confirmations_sent"] == 0
    assert smtp.messages == [] and not Subscriber.objects.exists()


def test_importing_again_duplicates_nothing(coastline, run_import, images):
    again = run_import("ghost", COASTLINE, "--media", str(images))
    assert again["created"] == {} and again["unchanged"]["articles"] == 6
    assert ArticlePage.objects.count() == 6 and Subscriber.objects.count() == 4


def test_a_changed_post_is_updated_in_place(coastline, run_import, tmp_path, images):
    data = json.loads((DATA / COASTLINE).read_text())
    data["db"][0]["data"]["posts"][0]["title"] = "Ports and power: the harbour deal, revised"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    out = io.StringIO()
    call_command("import", "ghost", str(edited), "--media", str(images), "--json", stdout=out)
    report = json.loads(out.getvalue().splitlines()[-1])
    assert report["updated"] == {"articles": 1}
    assert post("6553a1f0c2a1b1001a000001").title == "Ports and power: the harbour deal, revised"
    assert ArticlePage.objects.count() == 6


def test_the_migrate_tools_fixture_imports_with_its_lexical_post(run_import):
    report = run_import("ghost", "ghost-migrate-2.0.json")
    assert report["articles"] == 3
    assert [a.title for a in post("9b7114425bee6e3b17baf7c0").authors] == ["Alice Johnson"]
    assert report["media_missing"] == 5  # example.com serves no pictures: listed, never fatal
    lexical = post("3686b35d96fe6fd2a2748c81")
    assert "lexical-image.jpg" in str(lexical.body[0].value)


def test_a_broken_ghost_file_is_one_clear_error(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"db": [{"meta": {}, "data": {"posts": [')
    with pytest.raises(CommandError, match="not a complete JSON file"):
        call_command("import", "ghost", str(broken))
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"hello": "world"}')
    with pytest.raises(CommandError, match="not a Ghost export"):
        call_command("import", "ghost", str(wrong))
    assert not ArticlePage.objects.exists()
