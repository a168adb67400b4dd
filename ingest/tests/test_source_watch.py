"""Source watch: originals re-fetched on loopback; changes, 410s and retractions reach editors."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from lxml import html as lxml_html

from ingest.models import HostBudget, SourceChange, SourceWatch
from ingest.services import repost_from_url
from ingest.sourcewatch import (
    change_rows,
    source_change_apply,
    source_change_dismiss,
    sources_check_article,
    sources_check_due,
)
from ingest.tests.conftest import PARAGRAPHS, Reply, article_html
from newsroom.licences import RepostMode
from newsroom.models import ArticleCorrection
from translation.services import translations_store_reviewed

pytestmark = pytest.mark.django_db

CHANGED = [PARAGRAPHS[0],
           "Under a revised agreement the work will now start in spring, and the cooperatives will be paid "
           "only for the weeks in which the northern quay is closed to their members.",
           *PARAGRAPHS[2:]]


@pytest.fixture
def original(web):
    """The original on loopback; `original.serve(...)` changes what it answers."""
    class Original:
        url = web.route("/2024/05/dredging", Reply(article_html(canonical="/2024/05/dredging")))

        def serve(self, reply):
            web.route("/2024/05/dredging", reply)

        @property
        def hits(self):
            return [r for r in web.requests if r[0] == "/2024/05/dredging"]
    return Original()


@pytest.fixture
def repost(original):
    return repost_from_url(url=original.url, publish=True, mode=str(RepostMode.FULL))


def due_now(watch):
    SourceWatch.objects.filter(pk=watch.pk).update(next_check_at=timezone.now() - datetime.timedelta(minutes=1))


def test_publishing_a_repost_starts_watching_its_original(repost, make_article, settings):
    watch = SourceWatch.objects.get(article=repost)
    assert watch.url == repost.original_url and watch.host == "127.0.0.1"
    assert watch.watch_until == repost.first_published_at + datetime.timedelta(days=settings.CROSSPOST_SOURCE_WATCH_DAYS)
    assert timezone.now() <= watch.next_check_at <= timezone.now() + datetime.timedelta(hours=6)
    assert not SourceWatch.objects.filter(article=make_article("Our own")).exists()


def test_an_unchanged_original_is_unchanged_and_asked_for_conditionally(repost, original):
    original.serve(Reply(article_html(canonical="/2024/05/dredging"), headers={"ETag": '"v1"'}))
    assert sources_check_article(article=repost).status == "unchanged"
    original.serve(lambda request: Reply(status=304, body=b"") if request.headers.get("If-None-Match") == '"v1"'
                   else Reply(article_html(canonical="/2024/05/dredging")))
    result = sources_check_article(article=repost)
    assert result.status == "unchanged"
    assert original.hits[-1][1].get("If-None-Match") == '"v1"'
    assert not SourceChange.objects.exists()


def test_a_changed_original_shows_up_as_a_source_change_with_a_diff(repost, original, admin_client):
    original.serve(Reply(article_html(canonical="/2024/05/dredging", paragraphs=CHANGED)))
    result = sources_check_article(article=repost)
    assert result.status == "changed" and result.distance is not None and result.distance > 0.05
    change = SourceChange.objects.get(article=repost, status="open")
    assert change.kind == "changed"
    rows = change_rows(change)
    replaced = [row for row in rows if row["tag"] != "equal"]
    assert replaced == [{"tag": "replace", "ours": PARAGRAPHS[1], "theirs": CHANGED[1]}]
    assert [row["ours"] for row in rows if row["tag"] == "equal"] == [PARAGRAPHS[0], *PARAGRAPHS[2:]]
    listing = admin_client.get("/admin/repost/sources/").content.decode()
    assert repost.title in listing
    page = lxml_html.fromstring(admin_client.get(f"/admin/repost/sources/{change.pk}/").content)
    (row,) = page.xpath('//table[@class="source-diff"]//tr[@class="replace"]')
    assert [" ".join(td.text_content().split()) for td in row.xpath("td")] == [PARAGRAPHS[1], CHANGED[1]]


def test_applying_it_keeps_the_translations_of_unchanged_paragraphs(repost, original, client):
    translations_store_reviewed(source_language="en", language="fr", pairs=[
        (PARAGRAPHS[0], "L'autorité portuaire a approuvé jeudi un plan de dragage."),
        (PARAGRAPHS[1], "Selon l'accord, les travaux auront lieu en hiver."),
    ])
    original.serve(Reply(article_html(canonical="/2024/05/dredging", paragraphs=CHANGED)))
    sources_check_article(article=repost)
    article = source_change_apply(change=SourceChange.objects.get(article=repost))
    assert SourceChange.objects.get(article=repost).status == "applied"
    assert article.revisions.count() >= 2 and article.live
    page = lxml_html.fromstring(client.get(f"/fr{article.url}").content)
    translation.activate("en")
    paragraphs = [p.text_content() for p in page.xpath('//div[@class="article__body"]//p')]
    assert paragraphs[0] == "L'autorité portuaire a approuvé jeudi un plan de dragage."
    assert paragraphs[1] == CHANGED[1]  # new text: no translation yet
    # Our copy now matches the original: the next check finds nothing.
    assert sources_check_article(article=article).status == "unchanged"


def test_a_410_shows_as_gone(repost, original):
    original.serve(Reply("gone", status=410, content_type="text/plain"))
    result = sources_check_article(article=repost)
    assert result.status == "gone"
    change = SourceChange.objects.get(article=repost)
    assert (change.kind, change.http_status) == ("gone", 410)
    with pytest.raises(ValueError):
        source_change_apply(change=change)
    assert SourceChange.objects.get(pk=change.pk).status == "open"


def test_a_page_that_now_says_it_was_retracted_is_reported(repost, original):
    notice = "Editor's note: this article has been retracted after the harbour authority withdrew the plan."
    original.serve(Reply(article_html(canonical="/2024/05/dredging", paragraphs=[notice, *PARAGRAPHS])))
    sources_check_article(article=repost)
    assert SourceChange.objects.get(article=repost).kind == "retracted"


def test_a_dismissed_version_is_not_reported_again_but_a_new_one_is(repost, original):
    original.serve(Reply(article_html(canonical="/2024/05/dredging", paragraphs=CHANGED)))
    sources_check_article(article=repost)
    source_change_dismiss(change=SourceChange.objects.get(article=repost))
    sources_check_article(article=repost)
    assert not SourceChange.objects.filter(status="open").exists()
    original.serve(Reply(article_html(canonical="/2024/05/dredging", paragraphs=CHANGED[:2])))
    sources_check_article(article=repost)
    assert SourceChange.objects.filter(status="open").count() == 1


def test_the_scheduled_pass_checks_only_what_is_due_and_keeps_to_the_host_budget(web, settings):
    settings.CROSSPOST_SOURCE_WATCH_PER_HOST_HOUR = 2
    articles = []
    for n in range(4):
        path = f"/story-{n}"
        url = web.route(path, Reply(article_html(f"Story number {n} of four", canonical=path,
                                                 paragraphs=[f"Paragraph {n}: {p}" for p in PARAGRAPHS])))
        articles.append(repost_from_url(url=url, publish=True, mode=str(RepostMode.FULL)))
    watches = list(SourceWatch.objects.order_by("pk"))
    for watch in watches[:3]:
        due_now(watch)
    SourceWatch.objects.filter(pk=watches[3].pk).update(next_check_at=timezone.now() + datetime.timedelta(hours=3))
    web.requests.clear()
    results = sources_check_due()
    assert sorted(r.status for r in results) == ["deferred", "unchanged", "unchanged"]
    assert len(web.requests) == 2
    assert "/story-3" not in [path for path, _ in web.requests]
    assert HostBudget.objects.get(host="127.0.0.1").used == 2
    deferred = SourceWatch.objects.get(article_id=next(r.article_id for r in results if r.status == "deferred"))
    assert deferred.next_check_at > timezone.now() and deferred.claimed_by == ""
    assert sources_check_due() == []  # nothing due any more


def test_a_watch_held_by_a_live_worker_is_left_alone(repost):
    from crosspost.lib.leases import holder

    watch = SourceWatch.objects.get(article=repost)
    due_now(watch)
    SourceWatch.objects.filter(pk=watch.pk).update(claimed_by=holder(), claimed_at=timezone.now())
    assert sources_check_due() == []


def test_watching_ends_after_the_configured_days(repost, original):
    watch = SourceWatch.objects.get(article=repost)
    SourceWatch.objects.filter(pk=watch.pk).update(watch_until=timezone.now() + datetime.timedelta(minutes=1))
    due_now(watch)
    sources_check_due()
    assert SourceWatch.objects.get(pk=watch.pk).next_check_at is None


def test_the_command_prints_one_json_object_per_article(repost, original):
    original.serve(Reply("gone", status=410, content_type="text/plain"))
    out = io.StringIO()
    call_command("sources", "check", "--article", str(repost.pk), "--json", stdout=out)
    (line,) = out.getvalue().splitlines()
    assert json.loads(line) == {"id": repost.pk, "status": "gone", "distance": None}
    due_now(SourceWatch.objects.get(article=repost))
    original.serve(Reply(article_html(canonical="/2024/05/dredging")))
    out = io.StringIO()
    call_command("sources", "check", "--json", stdout=out)
    (line,) = out.getvalue().splitlines()
    assert json.loads(line)["status"] == "unchanged" and json.loads(line)["distance"] == 0


def test_editors_apply_note_or_dismiss_from_the_admin(repost, original, admin_client):
    original.serve(Reply(article_html(canonical="/2024/05/dredging", paragraphs=CHANGED)))
    sources_check_article(article=repost)
    change = SourceChange.objects.get(article=repost)
    response = admin_client.post(f"/admin/repost/sources/{change.pk}/note/",
                                 {"kind": "update", "text": "The Harbour Ledger has since updated the original."})
    assert response.status_code == 302
    assert SourceChange.objects.get(pk=change.pk).status == "noted"
    assert ArticleCorrection.objects.get(page=repost).text == "<p>The Harbour Ledger has since updated the original.</p>"
    # The item is closed: a second action is refused, nothing changes.
    admin_client.post(f"/admin/repost/sources/{change.pk}/dismiss/")
    assert SourceChange.objects.get(pk=change.pk).status == "noted"
