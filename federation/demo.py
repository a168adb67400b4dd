"""Demo federation data: the site and author actors, a follower on a fictional server, a delivered
post, a like, a reply from the fediverse under the article, and a WebSub subscriber of the site feed.

The follower lives at fediverse.example, which never answers; its delivery of the newest article
is recorded as made, so *Fediverse* shows a delivery, and later posts show it as a failing
server (which is what a real unreachable server looks like). Its reply is approved, so the
article shows a comment marked as from the fediverse. Safe to run twice.
"""

from __future__ import annotations

import datetime

from django.db.models import F
from django.utils import timezone

from federation import delivery, services
from federation.models import Activity, Delivery, Follower, Reaction, RemoteActor, Reply, WebSubSubscription

DEMO_SERVER = "https://fediverse.example"


def federation_demo_load() -> None:
    from newsroom.models import ArticlePage, AuthorPage

    site = services.actor_for_site()
    for author in AuthorPage.objects.live():
        services.actor_for_author(author)
    reader, _ = RemoteActor.objects.get_or_create(
        uri=f"{DEMO_SERVER}/users/reader",
        defaults={"key_id": f"{DEMO_SERVER}/users/reader#main-key", "public_key_pem": site.public_key_pem,
                  "inbox": f"{DEMO_SERVER}/users/reader/inbox", "shared_inbox": f"{DEMO_SERVER}/inbox",
                  "username": "reader", "name": "A demo reader", "url": f"{DEMO_SERVER}/@reader",
                  "domain": "fediverse.example", "fetched_at": timezone.now()},
    )
    Follower.objects.get_or_create(actor=site, remote=reader, defaults={"follow_id": f"{reader.uri}#follows/1"})
    article = ArticlePage.objects.live().order_by(F("first_published_at").desc(nulls_last=True), "-pk").first()
    if article is None:
        return
    create = Activity.objects.filter(article=article, type="Create").first()
    if create is None:
        create = delivery.article_federate(article=article, kind="Create")[0]
    Delivery.objects.update_or_create(
        activity=create, inbox=reader.shared_inbox,
        defaults={"domain": reader.domain, "status": Delivery.Status.DONE, "attempts": 1,
                  "next_attempt_at": timezone.now(), "delivered_at": timezone.now()},
    )
    # Keyed on the activity: a second run may pick another newest article, and the like is one.
    Reaction.objects.get_or_create(activity_uri=f"{reader.uri}#likes/1",
                                   defaults={"article": article, "kind": Reaction.Kind.LIKE,
                                             "actor_uri": reader.uri})
    _demo_reply(reader, article)
    _demo_websub_subscriber()


def _demo_reply(reader: RemoteActor, article) -> None:
    from engagement.models import Comment

    object_uri = f"{DEMO_SERVER}/users/reader/statuses/1"
    if Reply.objects.filter(object_uri=object_uri).exists():
        return
    comment = Comment.objects.create(
        article=article, name=reader.name, email=f"reader@{reader.domain}", status=Comment.Status.APPROVED,
        text="Read this on my Mastodon timeline. Thanks for following up on it.")
    Reply.objects.create(comment=comment, object_uri=object_uri, actor_uri=reader.uri, actor_url=reader.url,
                         handle=f"@reader@{reader.domain}")


def _demo_websub_subscriber() -> None:
    from federation import websub
    from newsroom.models import HomePage

    home = HomePage.objects.live().first()
    if home is None:
        return
    topic = websub.feed_topics(home)[0]
    WebSubSubscription.objects.get_or_create(
        topic=topic, callback="https://reader.example/websub/callback",
        defaults={"secret": "demo-secret", "lease_expires_at": timezone.now() + datetime.timedelta(days=10)})
