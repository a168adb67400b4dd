"""Sending activities: one Delivery row per (activity, inbox), fanned out by the task workers.

A publish writes its rows in one statement and returns; workers claim due rows in batches
(crosspost/lib/leases.py), sign and POST each through the safe client, and record the outcome:
delivered; 410 Gone (the followers there are removed); a refusal (4xx, given up); or a failure
retried after `backoff()` for up to two days. A server that keeps failing is suspended for a day
at a time. Each worker keeps to FEDERATION_DELIVERY_RATE requests a second, so a big fan-out
never starves the site of CPU.
"""

from __future__ import annotations

import datetime
import json
import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from crosspost.lib import safe_fetch
from crosspost.lib.leases import backoff, claim_batch, claims_reclaim, holder
from federation import documents, httpsig
from federation.models import Activity, Delivery, Follower, LocalActor, RemoteActor, RemoteServer

log = logging.getLogger(__name__)

GIVE_UP_AFTER = datetime.timedelta(days=2)
SUSPEND_FOR = datetime.timedelta(days=1)
PERMANENT = {400, 401, 403, 404, 405, 406, 409, 413, 415, 422}


# --- writing activities -------------------------------------------------------------------------

def activity_uri(actor: LocalActor, kind: str) -> str:
    return f"{documents.actor_endpoint(actor, 'activities')}/{kind.lower()}-{uuid.uuid4().hex}"


def activity_send(*, actor: LocalActor, kind: str, obj: Any, inboxes: set[str], article=None,
                  to: list[str] | None = None, cc: list[str] | None = None, public: bool = True) -> Activity:
    """Store an activity and one pending delivery per inbox; workers pick them up after commit."""
    uri = activity_uri(actor, kind)
    object_uri = obj if isinstance(obj, str) else str(obj.get("id", ""))
    doc = documents.activity(uri=uri, kind=kind, actor=actor, obj=obj, to=to or [documents.PUBLIC],
                             cc=cc or [], published=timezone.now().isoformat())
    now = timezone.now()
    with transaction.atomic():
        activity = Activity.objects.create(uri=uri, type=kind, actor=actor, article=article, object_uri=object_uri,
                                           body=json.dumps(doc).encode(), public=public)
        Delivery.objects.bulk_create(
            [Delivery(activity=activity, inbox=inbox, domain=(urlsplit(inbox).hostname or "")[:255],
                      next_attempt_at=now) for inbox in sorted(inboxes)],
            batch_size=1000, ignore_conflicts=True,
        )
    if inboxes:
        transaction.on_commit(deliveries_kick)
    return activity


def accept_send(*, actor: LocalActor, follow: dict[str, Any], remote: RemoteActor) -> Activity:
    return activity_send(actor=actor, kind="Accept", obj=follow, inboxes={remote.inbox}, to=[remote.uri],
                         public=False)


def follower_inboxes(actors: list[LocalActor]) -> set[str]:
    """One inbox per server: the shared inbox where the remote has one, else its own."""
    rows = Follower.objects.filter(actor__in=actors).values_list("remote__shared_inbox", "remote__inbox")
    return {shared or own for shared, own in rows.distinct()}


def _article_actors(article) -> tuple[LocalActor, list[LocalActor], LocalActor]:
    from federation.services import actor_for_author, actor_for_site

    site = actor_for_site()
    authors = [actor_for_author(author) for author in article.authors]
    return (authors[0] if authors else site), authors, site


def article_federate(*, article, kind: str) -> list[Activity]:
    """Tell followers of the site and of the article's authors about it: Create, Update or Delete.

    The first author (or the site, for an unsigned article) sends the Create to every server
    where anyone follows the site or an author, once per shared inbox; the site and co-authors
    then Announce it to their own followers, which is how Mastodon shows it on their timelines.
    """
    from federation.models import Activity as ActivityModel

    primary, authors, site = _article_actors(article)
    everyone = [site, *authors]
    inboxes = follower_inboxes(everyone)
    url = article.canonical_url()
    followers = [documents.actor_endpoint(actor, "followers") for actor in everyone]
    sent = ActivityModel.objects.filter(object_uri=url, type__in=["Create", "Update", "Delete"]).order_by("-pk").first()
    if kind == "Delete":
        if sent is None or sent.type == "Delete":
            return []  # never announced, or already withdrawn
        obj = documents.tombstone(url, deleted=timezone.now().isoformat())
        obj.pop("@context")
        return [activity_send(actor=primary, kind="Delete", obj=obj, inboxes=inboxes, article=article, cc=followers)]
    if kind == "Update" and (sent is None or sent.type == "Delete"):
        kind = "Create"  # an edit of something they never saw (or saw withdrawn) is new to them
    if kind == "Create" and sent is not None and sent.type != "Delete":
        kind = "Update"  # published again: they have it already
    obj = documents.article_object(article, followers=followers)
    activities = [activity_send(actor=primary, kind=kind, obj=obj, inboxes=inboxes, article=article, cc=followers)]
    if kind == "Create":
        for booster in [actor for actor in everyone if actor.pk != primary.pk]:
            activities.append(activity_send(
                actor=booster, kind="Announce", obj=url, article=article,
                inboxes=follower_inboxes([booster]), cc=[documents.actor_endpoint(booster, "followers")]))
    return activities


# --- sending ------------------------------------------------------------------------------------

def deliveries_kick() -> None:
    """Start workers for pending deliveries (several, so a big fan-out runs in parallel)."""
    from federation.tasks import deliver_pending

    for _ in range(max(1, settings.FEDERATION_DELIVERY_WORKERS)):
        deliver_pending.enqueue()


class _Pace:
    """At most `rate` starts a second in this process (0: no limit)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next = time.monotonic()
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next)
            self.next = start + self.interval
        if start > now:
            time.sleep(start - now)


def _post(delivery: Delivery, body: tuple[bytes, str], actor: LocalActor, pace: _Pace) -> tuple[int, str]:
    """(status, error) of one POST of (body, its Digest header); status 0 for a failure without an HTTP answer."""
    pace.wait()
    content, digest = body
    headers = httpsig.request_sign(method="POST", url=delivery.inbox, body=content, key_id=documents.key_id(actor),
                                   private_key_pem=actor.private_key_pem, digest=digest)
    headers["Accept"] = documents.ACTIVITY_JSON
    try:
        result = safe_fetch.post(delivery.inbox, content, content_type=documents.ACTIVITY_JSON, headers=headers)
        return result.status, ""
    except safe_fetch.HTTPStatusError as exc:
        return exc.status, str(exc)[:300]
    except safe_fetch.FetchError as exc:
        return 0, str(exc)[:300]


def _due(now: datetime.datetime):
    suspended = RemoteServer.objects.filter(suspended_until__gt=now).values("domain")
    return Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now).exclude(domain__in=suspended)


def deliveries_run(*, batch_size: int | None = None, max_seconds: float = 60.0) -> dict[str, int]:
    """Claim and send due deliveries until none are left or `max_seconds` pass; returns counts."""
    batch_size = batch_size or settings.FEDERATION_DELIVERY_BATCH
    counts = {"delivered": 0, "gone": 0, "failed": 0, "retry": 0}
    claims_reclaim(Delivery.objects.filter(status=Delivery.Status.SENDING),
                   reset={"status": Delivery.Status.PENDING, "claimed_by": ""})
    pace = _Pace(settings.FEDERATION_DELIVERY_RATE)
    deadline = time.monotonic() + max_seconds
    with ThreadPoolExecutor(max_workers=max(1, settings.FEDERATION_DELIVERY_CONCURRENCY)) as pool:
        while time.monotonic() < deadline:
            now = timezone.now()
            ids = claim_batch(_due(now), size=batch_size, order_by="next_attempt_at",
                              changes={"status": Delivery.Status.SENDING, "claimed_by": holder(), "claimed_at": now})
            if not ids:
                break
            batch = list(Delivery.objects.filter(pk__in=ids))
            # A batch is mostly one activity to many inboxes: load each body once, not once per row.
            activities = {a.pk: a for a in Activity.objects.filter(pk__in={d.activity_id for d in batch})
                          .select_related("actor__author")}
            bodies = {pk: (bytes(a.body), httpsig.digest_header(bytes(a.body))) for pk, a in activities.items()}
            for delivery in batch:
                delivery.activity = activities[delivery.activity_id]
            results = list(pool.map(_post, batch, [bodies[d.activity_id] for d in batch], [d.activity.actor for d in batch],
                                    [pace] * len(batch)))
            for outcome, n in _record_batch(batch, results).items():
                counts[outcome] += n
    return counts


def _record_batch(batch: list[Delivery], results: list[tuple[int, str]]) -> dict[str, int]:
    """Record a batch's outcomes: the successes (nearly all of them) in two statements, the rest one by one."""
    counts = {"delivered": 0, "gone": 0, "failed": 0, "retry": 0}
    delivered = [d for d, (status, _error) in zip(batch, results, strict=True) if 200 <= status < 300]
    if delivered:
        Delivery.objects.filter(pk__in=[d.pk for d in delivered], status=Delivery.Status.SENDING,
                                claimed_by=holder()).update(status=Delivery.Status.DONE, delivered_at=timezone.now(),
                                                            attempts=F("attempts") + 1, last_error="")
        RemoteServer.objects.filter(domain__in={d.domain for d in delivered}).filter(
            Q(consecutive_failures__gt=0) | Q(suspended_until__isnull=False)
        ).update(consecutive_failures=0, first_failure_at=None, suspended_until=None, last_error="")
        counts["delivered"] = len(delivered)
    for delivery, (status, error) in zip(batch, results, strict=True):
        if not 200 <= status < 300:
            counts[_record_failure(delivery, status, error)] += 1
    return counts


def _record_failure(delivery: Delivery, status: int, error: str) -> str:
    now = timezone.now()
    mine = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING, claimed_by=holder())
    if status == 410:
        mine.update(status=Delivery.Status.GONE, attempts=F("attempts") + 1, last_error=error)
        Follower.objects.filter(Q(remote__inbox=delivery.inbox) | Q(remote__shared_inbox=delivery.inbox)).delete()
        return "gone"
    attempts = delivery.attempts + 1
    if status in PERMANENT or now - delivery.activity.created_at > GIVE_UP_AFTER:
        mine.update(status=Delivery.Status.FAILED, attempts=attempts, last_error=error or f"HTTP {status}")
        return "failed"
    mine.update(status=Delivery.Status.PENDING, attempts=attempts, last_error=error or f"HTTP {status}",
                next_attempt_at=now + backoff(attempts, base=60, cap=6 * 3600), claimed_by="")
    _server_failed(delivery.domain, error or f"HTTP {status}", now)
    return "retry"


def _server_failed(domain: str, error: str, now: datetime.datetime) -> None:
    server, _ = RemoteServer.objects.get_or_create(domain=domain)
    RemoteServer.objects.filter(pk=server.pk).update(consecutive_failures=F("consecutive_failures") + 1,
                                                     last_error=error[:300])
    RemoteServer.objects.filter(pk=server.pk, first_failure_at__isnull=True).update(first_failure_at=now)
    server.refresh_from_db()
    if server.consecutive_failures >= settings.FEDERATION_SUSPEND_AFTER:
        RemoteServer.objects.filter(pk=server.pk).update(suspended_until=now + SUSPEND_FOR)
