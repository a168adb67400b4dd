"""Demo engagement data, so a fresh `make demo` shows every screen filled in. Safe to run twice."""

from __future__ import annotations

import datetime

from django.utils import timezone

from engagement.models import Comment, PermissionRequest, Republication, WebhookEndpoint
from engagement.services import engagement_settings
from newsroom.models import ArticlePage


def engagement_demo_load() -> None:
    config = engagement_settings()
    config.telegram = config.telegram or "https://t.me/crosspost_demo"
    config.instagram = config.instagram or "https://www.instagram.com/crosspost_demo/"
    config.x = config.x or "https://x.com/crosspost_demo"
    config.mastodon = config.mastodon or "https://mastodon.social/@crosspost_demo"
    config.feedback_email = config.feedback_email or "letters@localhost"
    config.permissions_email = config.permissions_email or "rights@localhost"
    config.save()

    WebhookEndpoint.objects.get_or_create(
        name="Demo channel bot (disabled)",
        defaults={"url": "http://127.0.0.1:9/", "secret": "demo-secret-change-me", "active": False},
    )

    article = ArticlePage.objects.live().filter(publication__isnull=True).order_by("-first_published_at").first()
    if article is None or Comment.objects.filter(article=article).exists():
        return
    approved = Comment.Status.APPROVED
    first = Comment.objects.create(
        article=article, name="Marta K.", email="marta@example.org", status=approved,
        text="Clear and well sourced. The background section on https://example.org/history helped a lot.",
    )
    Comment.objects.create(
        article=article, name="Jon Ortiz", email="jon@example.org", status=approved,
        text="I would like to read a follow-up in six months.\n\nHow will the change be measured?",
    )
    Comment.objects.create(
        article=article, parent=first, name="Priya S.", email="priya@example.org", status=approved,
        text="Agreed, the timeline made it easy to follow.",
    )
    Comment.objects.create(article=article, name="New Reader", email="new@example.org",
                           text="First time commenting: is there an English summary of the report?")
    Comment.objects.create(article=article, name="Deals", email="deals@spam.example",
                           text="Great article!! Visit www.cheap-deals.example for more")
    PermissionRequest.objects.create(
        article=article, name="Carla Print", email="carla@daily.example", organisation="The Daily Example",
        use=PermissionRequest.Use.PRINT, message="We would like to run this in our Saturday edition.",
    )
    now = timezone.now()
    Republication.objects.get_or_create(
        article=article, page_url="https://community-news.example/2024/republished-story/",
        defaults={"domain": "community-news.example", "views": 1284,
                  "first_seen": now - datetime.timedelta(days=3), "last_seen": now - datetime.timedelta(hours=1)},
    )
    Republication.objects.get_or_create(
        article=article, page_url="",
        defaults={"domain": "", "views": 97, "first_seen": now - datetime.timedelta(days=3), "last_seen": now},
    )
    # More sites than the dashboard's per-site chart draws, so its "other sites" line shows too.
    for page_url, views in (("https://valley-post.example/news/strike/", 412), ("https://tidewater.example/?p=88", 160),
                            ("https://harbour-blog.example/strike-ends/", 41)):
        Republication.objects.get_or_create(
            article=article, page_url=page_url,
            defaults={"domain": page_url.split("/")[2], "views": views,
                      "first_seen": now - datetime.timedelta(days=3), "last_seen": now},
        )
