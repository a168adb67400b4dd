import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from audience.services import counters_flush
from crosspost.lib.counters import counters_push
from engagement.models import DailyRepublicationViews, Partner, Republication
from engagement.pixel import hit_record
from engagement.republish import pixel_token


def republication_hits_flush() -> int:
    """What the task worker does every minute, after the web process handed its counts over."""
    counters_push()
    return counters_flush().republication_views


@pytest.fixture
def article(make_article):
    return make_article("Harbour strike ends")


def hit(client, article, referer=None):
    extra = {"HTTP_REFERER": referer} if referer is not None else {}
    return client.get(f"/r/{pixel_token(article.pk)}.gif", **extra)


def test_it_answers_with_an_uncacheable_gif(client, article):
    response = hit(client, article, "https://blog.example.net/strike/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content.startswith(b"GIF89a")
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_a_forged_token_is_refused(client, article):
    assert client.get(f"/r/{article.pk}:forged.gif").status_code == 404


def test_a_hit_writes_nothing_to_the_database(client, article, django_assert_num_queries):
    token = pixel_token(article.pk)
    client.get("/healthz")  # the process has looked up this host's Site (kept for seconds), as any has
    with django_assert_num_queries(0):
        client.get(f"/r/{token}.gif", HTTP_REFERER="https://blog.example.net/strike/")
    assert not Republication.objects.exists()


def test_flushed_hits_become_republications_per_page(client, article, make_article):
    other = make_article("Second story")
    for _ in range(3):
        hit(client, article, "https://blog.example.net/strike/#comments")
    hit(client, article, "https://Blog.Example.net/strike/")
    hit(client, article, "https://news.example.com/?p=12")
    hit(client, other, "https://news.example.com/?p=99")

    assert republication_hits_flush() == 6

    rows = {(r.article_id, r.page_url): r for r in Republication.objects.all()}
    assert rows[(article.pk, "https://blog.example.net/strike/")].views == 4
    assert rows[(article.pk, "https://blog.example.net/strike/")].domain == "blog.example.net"
    assert rows[(article.pk, "https://news.example.com/?p=12")].views == 1
    assert rows[(other.pk, "https://news.example.com/?p=99")].views == 1


def test_a_second_flush_adds_only_new_hits(client, article):
    hit(client, article, "https://blog.example.net/strike/")
    republication_hits_flush()
    assert republication_hits_flush() == 0
    for _ in range(2):
        hit_record(article_id=article.pk, page_url="https://blog.example.net/strike/", domain="blog.example.net")
    assert republication_hits_flush() == 2
    row = Republication.objects.get()
    assert row.views == 3
    assert row.last_seen >= row.first_seen


def test_hits_are_also_counted_per_day_for_the_charts(client, article):
    for _ in range(3):
        hit(client, article, "https://blog.example.net/strike/")
    hit(client, article, "https://news.example.com/?p=12")
    republication_hits_flush()
    rows = dict(DailyRepublicationViews.objects.filter(day=timezone.localdate()).values_list("domain", "views"))
    assert rows == {"blog.example.net": 3, "news.example.com": 1}


def test_a_partners_pixel_names_the_partner(client, article):
    partner = Partner.objects.create(name="Community News", domain="https://www.community-news.example/")
    assert partner.domain == "community-news.example"
    client.get(f"/r/{pixel_token(article.pk, partner.pk)}.gif", HTTP_REFERER="https://community-news.example/a/")
    republication_hits_flush()
    row = Republication.objects.get()
    assert row.partner == partner
    assert DailyRepublicationViews.objects.get().partner_pk == partner.pk


def test_a_pixel_naming_a_deleted_partner_still_counts_the_article(client, article):
    partner = Partner.objects.create(name="Gone", domain="gone.example")
    token = pixel_token(article.pk, partner.pk)
    partner.delete()
    client.get(f"/r/{token}.gif", HTTP_REFERER="https://gone.example/a/")
    republication_hits_flush()
    assert Republication.objects.get().partner is None


def test_own_pages_are_skipped_and_missing_referers_pooled(client, article):
    hit(client, article, "http://testserver/articles/harbour-strike-ends/")
    hit(client, article, "javascript:alert(1)")
    hit(client, article)
    hit(client, article, "")
    republication_hits_flush()
    row = Republication.objects.get()
    assert (row.page_url, row.domain, row.views) == ("", "", 2)


def test_a_referer_with_a_broken_port_still_gets_the_gif_and_counts_as_junk(client, article):
    for referer in ("http://blog.example:abc/", "http://blog.example:99999/post"):
        response = hit(client, article, referer)
        assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    hit(client, article, "http://blog.example:8080/post")
    republication_hits_flush()
    assert list(Republication.objects.values_list("page_url", "views")) == [("http://blog.example:8080/post", 1)]


def test_the_command_lists_republications_as_json(client, article):
    hit(client, article, "https://blog.example.net/strike/")
    hit(client, article, "https://blog.example.net/strike/")
    republication_hits_flush()
    out = StringIO()
    call_command("republications", "--json", stdout=out)
    [row] = json.loads(out.getvalue())
    assert row["article"] == "Harbour strike ends"
    assert row["domain"] == "blog.example.net"
    assert row["page_url"] == "https://blog.example.net/strike/"
    assert row["views"] == 2
    assert row["first_seen"] and row["last_seen"]


def test_the_command_prints_a_table(client, article):
    hit(client, article, "https://blog.example.net/strike/")
    republication_hits_flush()
    out = StringIO()
    call_command("republications", "--article", str(article.pk), stdout=out)
    assert "blog.example.net" in out.getvalue() and "Harbour strike ends" in out.getvalue()


def test_editors_see_republications_per_article(client, article, editor):
    hit(client, article, "https://blog.example.net/strike/")
    republication_hits_flush()
    client.force_login(editor)
    page = client.get(f"/admin/engagement/republications/?article={article.pk}").content.decode()
    assert "https://blog.example.net/strike/" in page


def test_made_up_referers_cannot_grow_the_table_without_bound(client, article, monkeypatch):
    from engagement import pixel

    monkeypatch.setattr(pixel, "MAX_NEW_PAGES", 3)
    hit(client, article, "https://known.example/")
    republication_hits_flush()
    for n in range(10):
        hit(client, article, f"https://spam.example/{n}")
    hit(client, article, "https://known.example/")
    republication_hits_flush()
    assert Republication.objects.count() == 4
    assert Republication.objects.get(page_url="https://known.example/").views == 2
