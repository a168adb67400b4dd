import datetime
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from crosspost.lib import leases
from ingest.models import FeedSubscription, InboxItem
from ingest.services import (
    DuplicateOriginal,
    RepostError,
    feed_poll,
    feed_subscription_add,
    inbox_item_dismiss,
    inbox_item_repost,
)
from ingest.tasks import poll_feeds
from ingest.tests.conftest import Reply, article_html
from newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db

ETAG = '"feed-v1"'
LAST_MODIFIED = "Wed, 01 May 2024 10:00:00 GMT"


def rss(base: str, *paths: str) -> str:
    items = "".join(
        f"<item><title>Story &lt;b&gt;{p}&lt;/b&gt;</title><link>{base}{p}</link>"
        f"<description>&lt;p&gt;Summary of {p}&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</description>"
        f"<pubDate>Thu, 02 May 2024 08:00:00 GMT</pubDate></item>"
        for p in paths
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>The Harbour Ledger</title>{items}</channel></rss>'


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Metro Weekly</title><id>urn:x</id><updated>2024-05-01T00:00:00Z</updated>
<entry><title>Night buses return</title><link href="{url}"/><id>urn:1</id><updated>2024-05-01T00:00:00Z</updated>
<summary>Two routes.</summary></entry></feed>"""


@pytest.fixture
def feed(web):
    def serve(handler):
        if handler.headers.get("If-None-Match") == ETAG and handler.headers.get("If-Modified-Since") == LAST_MODIFIED:
            return Reply(status=304)
        return Reply(
            rss(web.url(""), "/one", "/two"),
            content_type="application/rss+xml",
            headers={"ETag": ETAG, "Last-Modified": LAST_MODIFIED},
        )

    web.route("/feed.xml", serve)
    return feed_subscription_add(url=web.url("/feed.xml"))


def test_polling_puts_new_items_in_the_inbox(web, feed):
    result = feed_poll(subscription=feed)
    assert result.new_items == 2 and not result.error
    items = list(InboxItem.objects.order_by("url"))
    assert [i.url for i in items] == [web.url("/one"), web.url("/two")]
    assert items[0].title == "Story /one"
    assert items[0].summary == "Summary of /one"
    assert items[0].published.isoformat() == "2024-05-02T08:00:00+00:00"
    feed.refresh_from_db()
    assert feed.title == "The Harbour Ledger"
    assert (feed.etag, feed.last_modified) == (ETAG, LAST_MODIFIED)


def test_polling_again_is_a_conditional_get_that_adds_nothing(web, feed):
    feed_poll(subscription=feed)
    feed.refresh_from_db()
    result = feed_poll(subscription=feed)
    assert result.not_modified and result.new_items == 0
    path, headers = web.requests[-1]
    assert headers["If-None-Match"] == ETAG and headers["If-Modified-Since"] == LAST_MODIFIED
    assert InboxItem.objects.count() == 2


def test_items_already_in_the_inbox_are_not_added_twice(web, feed):
    feed_poll(subscription=feed)
    feed.refresh_from_db()
    feed.etag = feed.last_modified = ""
    feed.save()
    assert feed_poll(subscription=feed).new_items == 0
    assert InboxItem.objects.count() == 2


def test_items_already_reposted_are_skipped(web, feed):
    web.route("/one", Reply(article_html(canonical="/one")))
    from ingest.services import repost_from_url

    repost_from_url(url=web.url("/one"))
    assert feed_poll(subscription=feed).new_items == 1


def test_an_atom_feed_works_too(web):
    web.route("/atom", Reply(ATOM.format(url=web.url("/bus")), content_type="application/atom+xml"))
    subscription = feed_subscription_add(url=web.url("/atom"))
    assert feed_poll(subscription=subscription).new_items == 1
    assert InboxItem.objects.get().title == "Night buses return"


@pytest.mark.parametrize(
    ("reply", "message"),
    [(Reply("gone", status=404), "HTTP 404"), (Reply("<html><body>hello</body></html>"), "not an RSS or Atom feed")],
)
def test_a_broken_feed_records_its_error(web, reply, message):
    web.route("/bad", reply)
    subscription = feed_subscription_add(url=web.url("/bad"))
    result = feed_poll(subscription=subscription)
    assert message in result.error
    subscription.refresh_from_db()
    assert message in subscription.last_error
    assert not InboxItem.objects.exists()


def test_a_feed_on_a_private_address_is_refused_at_poll_time(make_server, fetch_settings):
    server = make_server()
    server.route("/feed.xml", Reply(rss("http://x", "/a"), content_type="application/rss+xml"))
    subscription = feed_subscription_add(url=server.url("/feed.xml"))
    assert "not a public address" in feed_poll(subscription=subscription).error
    assert server.requests == []


def test_only_http_feeds_can_be_added(fetch_settings):
    with pytest.raises(RepostError):
        feed_subscription_add(url="file:///etc/passwd")


def _held(subscription, holder: str, minutes_ago: float) -> None:
    claimed_at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    FeedSubscription.objects.filter(pk=subscription.pk).update(claimed_by=holder, claimed_at=claimed_at)


def test_a_subscription_being_polled_by_a_live_worker_is_skipped(web, feed, settings):
    settings.CROSSPOST_LEASE_SECONDS = 600
    _held(feed, leases.holder(), minutes_ago=60)  # this very process: alive however long it takes
    assert feed_poll(subscription=feed).skipped
    _held(feed, "other-host:42:1", minutes_ago=5)
    assert feed_poll(subscription=feed).skipped
    assert not InboxItem.objects.exists()


def test_a_subscription_left_claimed_by_a_dead_worker_is_polled(web, feed, settings):
    settings.CROSSPOST_LEASE_SECONDS = 600
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    _held(feed, f"{leases.holder().split(':')[0]}:{child.pid}:1", minutes_ago=1)
    assert feed_poll(subscription=feed).new_items == 2
    _held(feed, "other-host:43:1", minutes_ago=11)
    assert feed_poll(subscription=feed).not_modified
    feed.refresh_from_db()
    assert (feed.claimed_by, feed.claimed_at) == ("", None)


def test_a_failing_feed_is_polled_less_often_until_it_works_again(web):
    replies = [Reply("gone", status=503), Reply("gone", status=503)]
    web.route("/flaky", lambda handler: replies.pop(0) if replies else Reply(
        rss(web.url(""), "/back"), content_type="application/rss+xml"))
    subscription = feed_subscription_add(url=web.url("/flaky"))
    assert "HTTP 503" in feed_poll(subscription=subscription).error
    subscription.refresh_from_db()
    wait = subscription.next_poll_at - timezone.now()
    assert subscription.failures == 1
    assert datetime.timedelta(seconds=23) < wait <= datetime.timedelta(seconds=36)  # leases.backoff(1)

    assert poll_feeds.enqueue().return_value == 0  # the scheduler's poll leaves it alone until then
    assert feed_poll(subscription=subscription).skipped
    assert "HTTP 503" in feed_poll(subscription=subscription, force=True).error  # an operator asking now
    subscription.refresh_from_db()
    assert subscription.failures == 2
    assert subscription.next_poll_at - timezone.now() > datetime.timedelta(seconds=47)  # leases.backoff(2)

    FeedSubscription.objects.filter(pk=subscription.pk).update(next_poll_at=timezone.now())
    assert feed_poll(subscription=subscription).new_items == 1
    subscription.refresh_from_db()
    assert (subscription.failures, subscription.next_poll_at, subscription.last_error) == (0, None, "")


def test_reposting_an_inbox_item_creates_the_draft_and_marks_the_item(web, feed):
    web.route("/one", Reply(article_html(canonical="/one")))
    feed_poll(subscription=feed)
    item = InboxItem.objects.get(url=web.url("/one"))
    article = inbox_item_repost(item=item)
    item.refresh_from_db()
    assert item.status == InboxItem.Status.REPOSTED and item.article_id == article.pk
    with pytest.raises(RepostError, match="already been handled"):
        inbox_item_repost(item=item)


def test_a_failed_inbox_repost_leaves_the_item_new(web, feed):
    feed_poll(subscription=feed)
    item = InboxItem.objects.get(url=web.url("/one"))  # /one is not served: 404
    with pytest.raises(RepostError, match="HTTP 404"):
        inbox_item_repost(item=item)
    item.refresh_from_db()
    assert item.status == InboxItem.Status.NEW
    assert not ArticlePage.objects.exists()


def test_reposting_an_inbox_item_already_reposted_points_at_the_existing_article(web, feed):
    web.route("/one", Reply(article_html(canonical="https://ledger.example.org/one")))
    web.route("/two", Reply(article_html(canonical="https://ledger.example.org/one")))
    feed_poll(subscription=feed)
    first = inbox_item_repost(item=InboxItem.objects.get(url=web.url("/one")))
    second = InboxItem.objects.get(url=web.url("/two"))
    with pytest.raises(DuplicateOriginal):
        inbox_item_repost(item=second)
    second.refresh_from_db()
    assert second.article_id == first.pk


def test_dismissing_an_item(feed):
    feed_poll(subscription=feed)
    item = InboxItem.objects.first()
    assert inbox_item_dismiss(item=item)
    assert not inbox_item_dismiss(item=item)
    item.refresh_from_db()
    assert item.status == InboxItem.Status.DISMISSED


def test_the_poll_task_polls_every_feed(web, feed):
    result = poll_feeds.enqueue()
    assert result.return_value == 2


def test_the_feeds_command_adds_and_polls(web):
    web.route("/f", Reply(rss(web.url(""), "/a"), content_type="application/rss+xml"))
    out = StringIO()
    call_command("feeds", "add", web.url("/f"), stdout=out)
    call_command("feeds", "poll", stdout=out, stderr=StringIO())
    assert "Following" in out.getvalue()
    assert "Polled 1 feeds: 1 new items, 0 errors" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("feeds", "add", "ftp://example.org/feed", stdout=StringIO())


def test_entries_with_impossible_dates_or_addresses_do_not_stop_the_feed(web):
    entries = "".join(
        f"<entry><title>{title}</title><link href=\"{link}\"/><id>urn:{n}</id><updated>{date}</updated></entry>"
        for n, (title, link, date) in enumerate([
            ("Zero date", web.url("/zero"), "0000-00-00T00:00:00Z"),
            ("Bad port", "https://ledger.example.org:99999/a", "2024-05-01T00:00:00Z"),
            ("Fine", web.url("/fine"), "2024-05-01T00:00:00Z"),
        ]))
    web.route("/atom.xml", Reply(f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
                                 f'<id>urn:x</id><updated>2024-05-01T00:00:00Z</updated>{entries}</feed>',
                                 content_type="application/atom+xml"))
    result = feed_poll(subscription=feed_subscription_add(url=web.url("/atom.xml")))
    assert not result.error
    assert sorted(InboxItem.objects.values_list("title", "published")) == [
        ("Fine", InboxItem.objects.get(title="Fine").published), ("Zero date", None)]
