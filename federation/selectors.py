"""Reads for the editors' Fediverse screen: who follows whom, where deliveries stand, what was liked."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from federation.models import Activity, Follower, LocalActor, Reaction, RemoteServer, WebSubSubscription


def actors_with_follower_counts() -> list[LocalActor]:
    return list(LocalActor.objects.select_related("author").annotate(follower_count=Count("followers"))
                .order_by("-follower_count", "username"))


def followers_per_server(limit: int = 50) -> list[dict]:
    return list(Follower.objects.values("remote__domain").annotate(followers=Count("pk"))
                .order_by("-followers", "remote__domain")[:limit])


def latest_posts(limit: int = 20) -> list[Activity]:
    """The latest Create/Update/Delete activities with their delivery tallies."""
    return list(
        Activity.objects.filter(type__in=["Create", "Update", "Delete"]).select_related("article")
        .annotate(
            total=Count("deliveries"),
            delivered=Count("deliveries", filter=Q(deliveries__status="done")),
            waiting=Count("deliveries", filter=Q(deliveries__status__in=["pending", "sending"])),
            failed=Count("deliveries", filter=Q(deliveries__status__in=["failed", "gone"])),
        ).order_by("-pk")[:limit]
    )


def failing_servers(limit: int = 50) -> list[RemoteServer]:
    return list(RemoteServer.objects.filter(consecutive_failures__gt=0).order_by("-consecutive_failures")[:limit])


def reactions_per_article(limit: int = 20) -> list[dict]:
    return list(
        Reaction.objects.values("article_id", "article__title")
        .annotate(likes=Count("pk", filter=Q(kind="like")), boosts=Count("pk", filter=Q(kind="announce")))
        .order_by("-likes", "-boosts")[:limit]
    )


def websub_subscribers_per_feed(limit: int = 50) -> list[dict]:
    """Feeds with subscribers whose lease still runs (an expired lease is no longer pushed)."""
    return list(WebSubSubscription.objects.filter(lease_expires_at__gt=timezone.now()).values("topic")
                .annotate(subscribers=Count("pk")).order_by("-subscribers", "topic")[:limit])
