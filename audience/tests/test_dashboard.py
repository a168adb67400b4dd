import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audience.services import counters_flush
from audience.tests.test_beacon import beacon
from crosspost.lib import counters
from engagement.models import Comment
from engagement.pixel import hit_record
from ingest.models import SourceChange


def fill(client, make_article, n: int):
    articles = [make_article(f"Story {i}") for i in range(n)]
    for i, article in enumerate(articles):
        beacon(client, article, ip=f"203.0.113.{i}")
        hit_record(article_id=article.pk, page_url=f"https://partner{i}.example/a", domain=f"partner{i}.example")
        Comment.objects.create(article=article, name="Reader", email=f"r{i}@example.org", text="Waiting")
        SourceChange.objects.create(article=article, kind=SourceChange.Kind.CHANGED, distance=0.4)
    counters.counters_push()
    counters_flush()
    return articles


def home_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_admin_home_shows_readers_work_waiting_and_republications(client, make_article, admin_user):
    fill(client, make_article, 2)
    client.force_login(admin_user)
    _, page = home_queries(client)
    for heading in ("Readers", "Waiting for you", "Newsletter", "Members", "Republications"):
        assert f">{heading}</a></h2>" in page or f">{heading}</h2>" in page, heading
    assert 'class="sparkline"' in page
    assert "Comments waiting for moderation" in page and "<td>2</td>" in page
    assert "Views of republished copies this week" in page


def test_the_panels_cost_the_same_queries_with_ten_times_the_data(client, make_article, admin_user,
                                                                 django_assert_max_num_queries):
    fill(client, make_article, 2)
    client.force_login(admin_user)
    client.get("/admin/")  # settle the per-process caches (site root paths, permissions)
    few, _ = home_queries(client)
    fill(client, make_article, 20)
    many, _ = home_queries(client)
    assert many <= few + 2  # Wagtail's own panels list a few more pages; ours add nothing per row
    with django_assert_max_num_queries(few + 2):
        client.get("/admin/")


def test_the_dashboard_panels_stay_within_their_query_budget(client, make_article, editor,
                                                              django_assert_max_num_queries):
    from audience import panels

    fill(client, make_article, 5)
    request = type("Request", (), {"user": editor})()
    with django_assert_max_num_queries(18):
        shown = panels.homepage_panels(request)
        for panel in shown:
            panel.render_html({})
    assert [p.name for p in shown] == ["readers", "waiting", "newsletter", "republications"]


@pytest.mark.parametrize("group", ["Contributor"])
def test_panels_show_only_what_the_user_may_open(client, make_article, contributor, group):
    from audience import panels

    fill(client, make_article, 1)
    request = type("Request", (), {"user": contributor})()
    names = [p.name for p in panels.homepage_panels(request)]
    assert "readers" not in names and "members" not in names and "republications" not in names


def test_the_demo_brings_weeks_of_readers_and_a_partner(client, make_article, admin_user):
    from audience.demo import DAYS, audience_demo_load
    from audience.models import DailySiteViews
    from engagement.models import DailyRepublicationViews, Partner, Republication

    article = make_article("Demo story")
    Republication.objects.create(article=article, page_url="https://community-news.example/s",
                                 domain="community-news.example", views=210,
                                 first_seen="2026-01-01T00:00:00Z", last_seen="2026-01-02T00:00:00Z")
    audience_demo_load()
    audience_demo_load()  # twice changes nothing
    assert DailySiteViews.objects.count() == DAYS
    assert Republication.objects.get().partner == Partner.objects.get()
    assert DailyRepublicationViews.objects.filter(partner_pk=Partner.objects.get().pk).count() == 21
    client.force_login(admin_user)
    assert "Demo story" in client.get("/admin/reports/audience/?days=30").content.decode()


def test_reposts_with_source_changes_waiting_are_counted_and_linked(client, make_article, admin_user):
    from django.urls import reverse

    articles = fill(client, make_article, 5)
    settled = SourceChange.objects.filter(article=articles[0]).get()
    settled.status = SourceChange.Status.DISMISSED
    settled.save()
    SourceChange.objects.create(article=articles[0], kind=SourceChange.Kind.GONE, http_status=410)
    client.force_login(admin_user)
    _, page = home_queries(client)
    assert f'<a href="{reverse("ingest_source_changes")}">Reposts with source changes waiting</a></th><td>5</td>' in page
    newest = SourceChange.objects.filter(status="open").order_by("-detected_at")[:3]
    for change in newest:
        assert f'href="{reverse("ingest_source_change", args=[change.pk])}"' in page
    assert f"gone (404/410): {articles[0].title}" in page
    assert f'href="{reverse("ingest_source_change", args=[settled.pk])}"' not in page
    assert page.count('href="/admin/repost/sources/') == 4  # the count's link and the newest three


def test_source_changes_are_not_shown_to_those_who_cannot_repost(client, make_article, db):
    from django.contrib.auth import get_user_model

    from audience import panels

    fill(client, make_article, 1)
    reader = get_user_model().objects.create_user("nobody", "nobody@example.org", "x")
    request = type("Request", (), {"user": reader})()
    lines = [line.label for panel in panels.homepage_panels(request) for line in panel.lines]
    assert not any("source changes" in label for label in lines)


def test_the_newsletter_panel_shows_each_lists_next_issue_and_the_last_ones_results(make_article, editor):
    import datetime

    from django.utils import timezone

    from audience import panels
    from newsletter.models import Delivery, Digest, DigestClick, Newsletter, Subscriber
    from newsletter.services import selection_add

    daily = Newsletter.objects.create(name="Daily digest", slug="daily-panel", position=0)
    weekly = Newsletter.objects.create(name="Harbour weekly", slug="harbour-panel", position=1,
                                       schedule=Newsletter.Schedule.WEEKLY, weekday=4)
    article = make_article("Strike ends")
    sent = Digest.objects.create(newsletter=daily, date=datetime.date(2026, 12, 2), until=timezone.now(),
                                 recipients_ready_at=timezone.now())
    for n, (status, bounced) in enumerate([("sent", False), ("sent", False), ("failed", True)]):
        reader = Subscriber.objects.create(email=f"panel{n}@example.org", email_key=f"panel{n}@example.org")
        Delivery.objects.create(digest=sent, subscriber=reader, status=status, bounced=bounced)
    DigestClick.objects.create(digest=sent, article=article, clicks=4)
    selection_add(article=article, newsletter=weekly)
    selection_add(article=make_article("Ferry returns"), newsletter=weekly)

    request = type("Request", (), {"user": editor})()
    panel = next(p for p in panels.homepage_panels(request) if p.name == "newsletter")
    lines = {line.label: line.value for line in panel.lines}
    assert lines["Daily digest, next issue (every day at 07:00): articles"] == 0
    assert lines["Harbour weekly, next issue (Fridays at 07:00): articles"] == 2
    assert lines["Last sent: Daily digest, 2026-12-02: delivered"] == 2
    assert (lines["… failed"], lines["… bounced"], lines["… clicks on its links"]) == (1, 1, 4)
