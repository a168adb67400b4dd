"""Sending one digest to every confirmed subscriber: exactly once, crash-safe, on every core.

The Delivery table is the only coordination, through crosspost/lib/leases.py like every other
background job. Rows are created up front (idempotently); a worker claims a small batch with one
conditional UPDATE … RETURNING, mails it over a reused SMTP connection and records the outcome.
A sender starting after a SIGKILL sees at once that the claimer is dead (leases.claims_reclaim)
and puts its rows back. A copy the recipient's server defers (4xx) waits `backoff()` and is tried
again by the next run (newsletter.tasks.resume_digest runs every few minutes).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import time
from collections import Counter
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from crosspost.lib import email as mail
from crosspost.lib import leases
from newsletter import rendering
from newsletter.models import Delivery, Digest, Subscriber, Subscription

log = logging.getLogger(__name__)

DELIVERY = Delivery._meta.db_table
SUBSCRIBER = Subscriber._meta.db_table
SUBSCRIPTION = Subscription._meta.db_table


def deliveries_create(digest: Digest) -> None:
    """A pending Delivery for every confirmed subscriber of the list who gets this kind of digest
    (Digest.frequencies: issues or round-ups), once per digest, in one statement."""
    frequencies = digest.frequencies()
    with transaction.atomic():
        first = Digest.objects.filter(pk=digest.pk, recipients_ready_at__isnull=True).update(
            recipients_ready_at=timezone.now()
        )
        if not first:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {DELIVERY} (digest_id, subscriber_id, status, attempts, claimed_by, error, bounced, "
                f"complained) SELECT %s, s.id, 'pending', 0, '', '', %s, %s FROM {SUBSCRIBER} s "
                f"JOIN {SUBSCRIPTION} l ON l.subscriber_id = s.id AND l.newsletter_id = %s "
                "AND l.confirmed_at IS NOT NULL AND l.unsubscribed_at IS NULL "
                f"AND l.frequency IN ({', '.join(['%s'] * len(frequencies))}) WHERE s.status = 'confirmed' "
                "ON CONFLICT (digest_id, subscriber_id) DO NOTHING",
                [digest.pk, False, False, digest.newsletter_id, *frequencies],
            )


def deliveries_reclaim(digest: Digest) -> int:
    """Put back to pending the rows claimed by senders that are gone. Returns how many."""
    return leases.claims_reclaim(
        Delivery.objects.filter(digest=digest, status=Delivery.Status.SENDING),
        reset={"status": Delivery.Status.PENDING, "claimed_by": ""},
    )


def _claim(digest_id: int, size: int) -> list[tuple[int, int]]:
    """Up to `size` due copies of the digest for this process, as (delivery id, subscriber id)."""
    now = timezone.now()
    due = Delivery.objects.filter(digest_id=digest_id, status=Delivery.Status.PENDING).filter(
        Q(retry_at__isnull=True) | Q(retry_at__lte=now))
    ids = leases.claim_batch(
        due, size=size, increment=["attempts"],
        changes={"status": Delivery.Status.SENDING, "claimed_by": leases.holder(), "claimed_at": now},
    )
    return sorted(Delivery.objects.filter(pk__in=ids).values_list("id", "subscriber_id"))


def _record(claimer: str, status: str, ids: list[int], error: str = "", retry_at: Any = None) -> None:
    if not ids:
        return
    fields: dict[str, Any] = {"status": status, "error": error[:1000]}
    if status == Delivery.Status.PENDING:
        fields["claimed_by"] = ""
        fields["retry_at"] = retry_at
    Delivery.objects.filter(id__in=ids, claimed_by=claimer).update(**fields)


class Recorder:
    """Writes each accepted copy down before the next one is sent, in one cheap statement.

    That is the whole exactly-once story after a SIGKILL: the only copy whose fate is unknown is
    the one the server was accepting when the sender died, so at most one per connection goes
    out twice. The statement is prepared once; each runs in autocommit (on SQLite in WAL mode
    with synchronous=NORMAL a commit is a write to the WAL, not an fsync).
    """

    def __init__(self, claimer: str) -> None:
        self.claimer = claimer
        quote = connection.ops.quote_name
        self.sql = (f"UPDATE {quote(DELIVERY)} SET status = %s, sent_at = %s "
                    f"WHERE id = %s AND claimed_by = %s")
        self.cursor = connection.cursor()
        if connection.vendor == "postgresql":
            # The database keeps running when the sender is killed, so a commit it has not yet
            # flushed to disk is not lost; only a crash of the database server itself could forget
            # the last fraction of a second, which means re-sending those copies, never losing one.
            self.cursor.execute("SET synchronous_commit TO OFF")

    def sent(self, delivery_id: int) -> None:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.cursor.execute(self.sql, [Delivery.Status.SENT, now, delivery_id, self.claimer])

    def close(self) -> None:
        self.cursor.close()


def _bounce(error: mail.SendError) -> str:
    """The bounce policy: "hard" strikes the reader off now, "soft" counts towards
    NEWSLETTER_SOFT_BOUNCES in a row, "" is no bounce (a refusal of us, not of the mailbox)."""
    if error.bad_address:
        return "hard"
    if error.status == "5.2.2" or (error.transient and error.code):  # mailbox full; deferred to the end
        return "soft"
    return ""


def _mark_bounced(subscriber_ids: list[int]) -> None:
    # A mailbox that does not exist stays that way: stop mailing it, as a bounce report would.
    if subscriber_ids:
        now = timezone.now()
        Subscriber.objects.filter(id__in=subscriber_ids, status=Subscriber.Status.CONFIRMED).update(
            status=Subscriber.Status.BOUNCED, bounced_at=now, updated_at=now)


def _count_soft_bounces(subscriber_ids: list[int]) -> list[int]:
    """Add one soft bounce to each; returns who reached the limit (then marked bounced)."""
    if not subscriber_ids:
        return []
    Subscriber.objects.filter(id__in=subscriber_ids).update(soft_bounces=F("soft_bounces") + 1)
    over = list(Subscriber.objects.filter(
        id__in=subscriber_ids, soft_bounces__gte=settings.NEWSLETTER_SOFT_BOUNCES).values_list("id", flat=True))
    _mark_bounced(over)
    return over


class Batch:
    """What one worker needs to mail a digest: the rendered message and link makers per language."""

    def __init__(self, digest: Digest) -> None:
        self.digest = digest
        self.frequencies = digest.frequencies()
        self.articles = rendering.digest_articles(digest)
        self.prepared: dict[str, mail.PreparedMessage | None] = {}
        self.links: dict[str, tuple[Any, Any]] = {}
        self.opens = rendering.open_url_maker(digest) if digest.newsletter.open_tracking else None

    def prepare(self, language: str) -> None:
        if language not in self.prepared:
            self.prepared[language] = rendering.digest_prepare(
                articles=self.articles, date=self.digest.date, language=language, digest=self.digest
            )
            self.links[language] = (rendering.unsubscribe_url_maker(language, self.digest),
                                    rendering.preferences_url_maker(language))

    def raw_for(self, subscriber_id: int, address: str, language: str, date_header: str) -> tuple[str, bytes]:
        self.prepare(language)
        prepared = self.prepared[language]
        unsubscribe, preferences = (make(subscriber_id) for make in self.links[language])
        open_pixel = self.opens(subscriber_id) if self.opens else ""
        message_id = rendering.digest_message_id(self.digest, subscriber_id)
        if prepared is not None and address.isascii():
            values = {
                rendering.TO_TOKEN: address,
                rendering.MESSAGE_ID_TOKEN: message_id,
                rendering.DATE_TOKEN: date_header,
                rendering.UNSUBSCRIBE_TOKEN: unsubscribe,
                rendering.PREFERENCES_TOKEN: preferences,
            }
            if open_pixel:
                values[rendering.OPEN_TOKEN] = open_pixel
            return prepared.from_address, prepared.personalise(values)
        message = rendering.digest_message(
            articles=self.articles,
            date=self.digest.date,
            language=language,
            to=address,
            unsubscribe=unsubscribe,
            headers={"Message-ID": message_id},
            newsletter=self.digest.newsletter,
            digest=self.digest,
            preferences=preferences,
            open_pixel=open_pixel,
        )
        from_address = parseaddr(message.from_email)[1]
        return from_address, message.message().as_bytes(linesep="\r\n")


class SenderGone(Exception):
    """The mail server stayed unreachable through every reconnection: stop, leave the rest pending."""


def _send_one(conn: mail.BulkConnection, from_address: str, to: str, raw: bytes) -> mail.SendError | None:
    """None once sent, else the recipient's error (4xx: retry later; 5xx: permanent).

    A connection that drops or is refused is retried at once a few times, waiting `backoff()`;
    if the server stays away, SenderGone.
    """
    for attempt in range(1, settings.NEWSLETTER_RECONNECTS + 2):
        try:
            conn.send_raw(from_address=from_address, to=to, raw=raw)
            return None
        except mail.SendError as error:
            if not error.transient or error.args[0][:1].isdigit():  # a reply about this recipient
                return error
            if attempt > settings.NEWSLETTER_RECONNECTS:
                raise SenderGone(str(error)) from error
            time.sleep(leases.backoff(attempt, base=settings.NEWSLETTER_RECONNECT_SECONDS, cap=30).total_seconds())
    raise AssertionError("unreachable")


def _retry_later(attempts: int) -> Any:
    """When a copy a recipient's server deferred (4xx, e.g. greylisting) is tried again."""
    return timezone.now() + leases.backoff(attempts, base=settings.NEWSLETTER_RETRY_SECONDS, cap=6 * 3600)


def work(batch: Batch, *, batch_size: int, parent: int | None = None) -> Counter:
    """Claim and mail batches until none is due. Returns counts of sent, failed, deferred, skipped."""
    claimer = leases.holder()
    counts: Counter = Counter()
    recorder = Recorder(claimer)
    with mail.BulkConnection() as conn:
        while parent is None or os.getppid() == parent:
            claimed = _claim(batch.digest.pk, batch_size)
            if not claimed:
                break
            counts += _send_batch(batch, conn, recorder, claimed)
    recorder.close()
    return counts


def _send_batch(batch: Batch, conn: mail.BulkConnection, recorder: Recorder,
                claimed: list[tuple[int, int]]) -> Counter:
    # Who is still on the list now: a reader who left it, bounced or changed how often they get it
    # since the rows were made is skipped (they get the other kind of digest instead).
    readers = {
        row[0]: row[1:]
        for row in Subscriber.objects.filter(
            id__in=[sub for _, sub in claimed], status=Subscriber.Status.CONFIRMED,
            subscriptions__newsletter_id=batch.digest.newsletter_id, subscriptions__unsubscribed_at__isnull=True,
            subscriptions__frequency__in=batch.frequencies,
        ).values_list("id", "email", "language")
    }
    attempts = dict(Delivery.objects.filter(pk__in=[d for d, _ in claimed]).values_list("id", "attempts"))
    skipped, delivered, deferred, failed, hard, soft = [], [], [], [], [], []
    date_header = mail.now_header()
    try:
        for n, (delivery_id, subscriber_id) in enumerate(claimed):
            if subscriber_id not in readers:
                skipped.append(delivery_id)
                continue
            address, language = readers[subscriber_id]
            from_address, raw = batch.raw_for(subscriber_id, address, language, date_header)
            try:
                error = _send_one(conn, from_address, address, raw)
            except SenderGone:
                _record(recorder.claimer, Delivery.Status.PENDING, [d for d, _ in claimed[n:]])
                raise
            if error is None:
                recorder.sent(delivery_id)
                delivered.append(subscriber_id)
            elif error.transient and attempts[delivery_id] < settings.NEWSLETTER_MAX_ATTEMPTS:
                deferred.append((delivery_id, str(error)))
            else:
                failed.append((delivery_id, str(error)))
                kind = _bounce(error)
                if kind == "hard":
                    hard.append((delivery_id, subscriber_id))
                elif kind == "soft":
                    soft.append((delivery_id, subscriber_id))
    finally:
        # Copies not sent: losing these records to a kill costs a retry, never a duplicate.
        _record(recorder.claimer, Delivery.Status.SKIPPED, skipped)
        for delivery_id, reason in failed:
            _record(recorder.claimer, Delivery.Status.FAILED, [delivery_id], reason)
        for delivery_id, reason in deferred:
            _record(recorder.claimer, Delivery.Status.PENDING, [delivery_id], reason,
                    retry_at=_retry_later(attempts[delivery_id]))
        struck_off = {sub for _, sub in hard} | set(_count_soft_bounces([sub for _, sub in soft]))
        _mark_bounced([sub for _, sub in hard])
        Delivery.objects.filter(pk__in=[d for d, sub in hard + soft if sub in struck_off]).update(bounced=True)
        if delivered:  # soft bounces count only in a row
            Subscriber.objects.filter(id__in=delivered, soft_bounces__gt=0).update(soft_bounces=0)
    return Counter(sent=len(delivered), skipped=len(skipped), failed=len(failed), deferred=len(deferred),
                   bounced=len(struck_off))


def _die_with_parent() -> None:
    try:  # Linux: a SIGKILLed send takes its workers with it, so nothing runs on unseen
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass


def _child(batch: Batch, batch_size: int, parent: int, results: Any) -> None:
    _die_with_parent()
    if os.getppid() != parent:
        return
    try:
        results.put(dict(work(batch, batch_size=batch_size, parent=parent)))
    except Exception as exc:
        log.exception("newsletter worker failed")
        results.put({"error": str(exc)})
    finally:
        connections.close_all()


def run(digest: Digest, *, workers: int, batch_size: int) -> dict[str, Any]:
    """Mail `digest`: reclaim dead claims, create rows, then `workers` processes claim and send."""
    batch = Batch(digest)
    if not batch.articles:  # nothing to send: no copy is recorded, so nothing is left to resume
        return {"sent": 0, "skipped": 0, "failed": 0, "bounced": 0, "deferred": 0, "reclaimed": 0, "empty": True}
    reclaimed = deliveries_reclaim(digest)
    deliveries_create(digest)
    done_before = Delivery.objects.filter(
        digest=digest, status__in=[Delivery.Status.SENT, Delivery.Status.FAILED, Delivery.Status.SKIPPED]
    ).count()
    # order_by() matters: the model's default ordering would make DISTINCT return every row.
    languages = sorted(Subscriber.objects.filter(deliveries__digest=digest).order_by()
                       .values_list("language", flat=True).distinct())
    for language in languages:
        batch.prepare(language)
    # The archive offers the issue in the languages it went out in.
    Digest.objects.filter(pk=digest.pk).update(languages=sorted(set(digest.languages) | set(languages)))
    if "memory" in str(connection.settings_dict["NAME"]):
        workers = 1  # an in-memory SQLite database cannot be shared with child processes
    counts: Counter = Counter()
    errors: list[str] = []
    if workers <= 1:
        try:
            counts = work(batch, batch_size=batch_size)
        except SenderGone as exc:
            errors.append(str(exc))
    else:
        connections.close_all()  # children must not share the parent's database socket
        context = multiprocessing.get_context("fork")
        results = context.SimpleQueue()
        children = [
            context.Process(target=_child, args=(batch, batch_size, os.getpid(), results))
            for _ in range(workers)
        ]
        for child in children:
            child.start()
        for child in children:
            child.join()
        while not results.empty():
            result = results.get()
            if "error" in result:
                errors.append(result.pop("error"))
            counts.update(result)
        errors += [f"worker exited with {c.exitcode}" for c in children if c.exitcode not in (0, None)]
    in_flight = Delivery.objects.filter(digest=digest, status=Delivery.Status.SENDING).count()
    return {
        "sent": counts["sent"],
        "failed": counts["failed"],
        "bounced": counts["bounced"],
        "deferred": counts["deferred"],
        "skipped": counts["skipped"] + done_before,
        "reclaimed": reclaimed,
        "in_flight_elsewhere": in_flight,
        "errors": errors,
    }
