"""Writes for the newsletter: subscribing, opting out, selecting articles, building and sending."""

from __future__ import annotations

import csv
import datetime
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from crosspost.lib import email as mail
from crosspost.lib.email import validate_address
from crosspost.lib.ratelimit import ratelimit_hit
from crosspost.lib.signing import unsign
from crosspost.lib.spreadsheet import csv_safe, csv_unsafe_undo
from newsletter import rendering, sending
from newsletter.models import Delivery, Digest, DigestArticle, Selection, Subscriber, email_clean, email_key
from newsroom.models import ArticlePage

S = Subscriber.Status
CONFIRM_MAX_AGE = 7 * 24 * 3600
log = logging.getLogger(__name__)


class ConfirmationNotSent(Exception):
    """The sign-up is saved, but its confirmation mail could not be sent; signing up again retries."""


def language_or_default(language: str) -> str:
    codes = {code for code, _ in settings.LANGUAGES}
    language = (language or "").strip().lower()
    return language if language in codes else settings.LANGUAGE_CODE


CONFIRMATIONS_PER_DAY = 3


def subscriber_subscribe(*, email: str, name: str = "", language: str = "") -> Subscriber:
    """Record a sign-up and mail the confirmation link. Signing up again is harmless.

    A confirmed reader is left alone (no mail, nothing that tells a stranger they subscribed);
    so is an address that reported us as spam: only its owner can undo that, never a form anyone
    can fill in. Anyone else, including past unsubscribers, gets a fresh confirmation link, at
    most CONFIRMATIONS_PER_DAY times a day, so the form cannot be used to flood an inbox.
    """
    validate_address(email)
    language = language_or_default(language)
    name = name.strip()[:200]
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.create(email=email, name=name, language=language, source="form")
    except IntegrityError:
        subscriber = Subscriber.objects.get(email_key=email_key(email))
        if subscriber.status in (S.CONFIRMED, S.COMPLAINED):
            return subscriber
        subscriber.status = S.PENDING
        subscriber.name = name or subscriber.name
        subscriber.language = language
        subscriber.save(update_fields=["status", "name", "language", "updated_at"])
    if not ratelimit_hit(f"newsletter-confirm:{subscriber.email_key}", CONFIRMATIONS_PER_DAY, 86400):
        return subscriber
    try:
        rendering.confirm_mail_send(subscriber)
    except Exception as exc:  # noqa: BLE001 - any mail failure: the reader is told, the row is kept
        log.warning("confirmation mail to subscriber %s failed: %s", subscriber.pk, exc)
        raise ConfirmationNotSent from exc
    return subscriber


def subscriber_from_token(token: str, *, salt: str, max_age: int | None = None) -> Subscriber | None:
    value = unsign(token, salt=salt, max_age=max_age)
    if value is None or not value.isdigit():
        return None
    return Subscriber.objects.filter(pk=int(value)).first()


def subscriber_confirm(*, subscriber: Subscriber) -> None:
    Subscriber.objects.filter(pk=subscriber.pk).exclude(status=S.CONFIRMED).update(
        status=S.CONFIRMED, confirmed_at=timezone.now(), updated_at=timezone.now()
    )


def subscriber_unsubscribe(*, subscriber: Subscriber) -> None:
    Subscriber.objects.filter(pk=subscriber.pk).exclude(
        status__in=[S.UNSUBSCRIBED, S.BOUNCED, S.COMPLAINED]
    ).update(status=S.UNSUBSCRIBED, unsubscribed_at=timezone.now(), updated_at=timezone.now())


def subscriber_mark_bounced(*, email: str, complaint: bool = False) -> bool:
    """Stop mailing an address that hard-bounced or reported us as spam. False if unknown."""
    status = S.COMPLAINED if complaint else S.BOUNCED
    now = timezone.now()
    return bool(
        Subscriber.objects.filter(email_key=email_key(email)).update(status=status, bounced_at=now, updated_at=now)
    )


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (line, email, reason)
    unmailed: list[tuple[int, str, str]] = field(default_factory=list)  # saved, confirmation not sent


def _import_rows(file: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(file)
    header = ["email", "name", "language"]
    for row in reader:
        if reader.line_num == 1 and row and "@" not in row[0]:
            header = [cell.strip().lower() for cell in row]
            continue
        yield reader.line_num, dict(zip(header, (csv_unsafe_undo(cell.strip()) for cell in row)))


def subscribers_import(
    *, file: IO[str], confirmed: bool, progress: Callable[[int], Any] = lambda n: None, chunk: int = 1000
) -> ImportResult:
    """Add readers from a CSV (email, name, language). Opt-outs stay opted out.

    With `confirmed`, the list has opted in elsewhere: new and pending readers become confirmed.
    Without, new readers are pending and each gets a confirmation mail, and so does a pending
    reader listed again (as when signing up again): re-running an import after a mail outage
    sends the links that failed.
    """
    result = ImportResult()
    seen: set[str] = set()
    rows: list[tuple[int, dict[str, str]]] = []
    with mail.BulkConnection() as conn:
        for line, row in _import_rows(file):
            rows.append((line, row))
            if len(rows) >= chunk:
                _import_chunk(rows, confirmed, seen, result, conn.backend)
                progress(len(rows))
                rows = []
        if rows:
            _import_chunk(rows, confirmed, seen, result, conn.backend)
            progress(len(rows))
    return result


def _import_chunk(rows, confirmed: bool, seen: set[str], result: ImportResult, connection: Any) -> None:
    valid: dict[str, Subscriber] = {}
    lines: dict[str, int] = {}
    for line, row in rows:
        address = row.get("email", "")
        try:
            validate_address(address)
        except ValidationError:
            result.rejected.append((line, address, "not a valid email address"))
            continue
        key = email_key(address)
        if key in seen:
            result.rejected.append((line, address, "duplicate of an earlier row"))
            continue
        seen.add(key)
        lines[key] = line
        valid[key] = Subscriber(
            email=email_clean(address),
            email_key=key,
            name=row.get("name", "")[:200],
            language=language_or_default(row.get("language", "")),
            status=S.CONFIRMED if confirmed else S.PENDING,
            confirmed_at=timezone.now() if confirmed else None,
            source="import",
        )
    existing = {s.email_key: s for s in Subscriber.objects.filter(email_key__in=list(valid))}
    to_mail = [found for found in existing.values() if not confirmed and found.status == S.PENDING]
    for key, found in existing.items():
        valid.pop(key)
        if found.status in (S.UNSUBSCRIBED, S.BOUNCED, S.COMPLAINED):
            result.rejected.append((lines[key], found.email, f"previously {found.status}; left alone"))
        elif confirmed and found.status == S.PENDING:
            subscriber_confirm(subscriber=found)
            result.updated += 1
        else:
            result.unchanged += 1
    created = Subscriber.objects.bulk_create(valid.values(), ignore_conflicts=True)
    result.created += len(created)
    if not confirmed:
        to_mail += Subscriber.objects.filter(email_key__in=list(valid), status=S.PENDING)
    for subscriber in to_mail:
        try:
            rendering.confirm_mail_send(subscriber, connection=connection)
        except Exception as exc:  # noqa: BLE001 - one refused address must not strand the rest
            result.unmailed.append((lines[subscriber.email_key], subscriber.email, str(exc)[:200]))


EXPORT_FIELDS = ["email", "name", "language", "status", "created_at", "confirmed_at", "unsubscribed_at"]


def subscribers_export_rows() -> Iterable[list[Any]]:
    yield EXPORT_FIELDS
    for row in Subscriber.objects.order_by("pk").values_list(*EXPORT_FIELDS).iterator(chunk_size=2000):
        yield [value.isoformat() if isinstance(value, datetime.datetime) else csv_safe(value) for value in row]


def selection_add(*, article: ArticlePage, user: Any = None) -> Selection:
    selection, _ = Selection.objects.update_or_create(
        article=article, defaults={"selected_at": timezone.now(), "selected_by": user}
    )
    return selection


def selection_remove(*, article: ArticlePage) -> None:
    Selection.objects.filter(article=article).delete()


def last_digest_until() -> datetime.datetime | None:
    return Digest.objects.order_by("-until").values_list("until", flat=True).first()


def selections_pending(*, until: datetime.datetime | None = None) -> list[ArticlePage]:
    """Live articles selected since the last digest (up to `until`), oldest selection first."""
    since = last_digest_until()
    selections = Selection.objects.filter(article__live=True)
    if since is not None:
        selections = selections.filter(selected_at__gt=since)
    if until is not None:
        selections = selections.filter(selected_at__lte=until)
    ids = list(selections.order_by("selected_at", "pk").values_list("article_id", flat=True))
    articles = ArticlePage.objects.in_bulk(ids)
    return [articles[i] for i in ids if i in articles]


def digest_build(*, date: datetime.date) -> Digest:
    """The digest for `date`, built from the selections since the previous one. Idempotent."""
    existing = Digest.objects.filter(date=date).first()
    if existing is not None:
        return existing
    until = timezone.now()
    try:
        with transaction.atomic():
            articles = selections_pending(until=until)
            digest = Digest.objects.create(date=date, since=last_digest_until(), until=until)
            DigestArticle.objects.bulk_create(
                DigestArticle(digest=digest, article=article, position=n) for n, article in enumerate(articles)
            )
    except IntegrityError:  # another process built it first
        return Digest.objects.get(date=date)
    return digest


def digest_send(*, digest: Digest, workers: int = 2, batch_size: int | None = None) -> dict[str, Any]:
    """Mail the digest once to every confirmed subscriber; safe to re-run, crash or run twice."""
    result = sending.run(digest, workers=workers, batch_size=batch_size or settings.NEWSLETTER_BATCH_SIZE)
    result["date"] = digest.date.isoformat()
    result["articles"] = digest.items.count()
    result["recipients"] = Delivery.objects.filter(digest=digest).count()
    return result


def digest_send_test(*, to: str, language: str, articles: list[ArticlePage] | None = None) -> None:
    """Mail a preview of the next digest to one address (an editor), outside any delivery record."""
    articles = selections_pending() if articles is None else articles
    today = timezone.localdate()
    message = rendering.digest_message(
        articles=articles,
        date=today,
        language=language_or_default(language),
        to=to,
        unsubscribe=rendering.site_url("/newsletter/unsubscribe/preview/"),
        headers={"X-Crosspost-Test": "preview"},
    )
    message.subject = f"[TEST] {message.subject}"
    message.send()


def daily_digest_send(*, date: datetime.date | None = None, workers: int | None = None) -> dict[str, Any]:
    """What the schedule runs: build today's digest (site time) and send it."""
    digest = digest_build(date=date or timezone.localdate())
    return digest_send(digest=digest, workers=workers or settings.NEWSLETTER_WORKERS)


def digest_unfinished(*, date: datetime.date) -> Digest | None:
    """The digest of `date` if its recipients were recorded but some copies are not done yet."""
    digest = Digest.objects.filter(date=date, recipients_ready_at__isnull=False).first()
    if digest and digest.deliveries.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]).exists():
        return digest
    return None


def digest_resume(*, date: datetime.date | None = None) -> dict[str, Any] | None:
    """Finish a send that was interrupted (worker killed, server down); None if nothing to do."""
    digest = digest_unfinished(date=date or timezone.localdate())
    if digest is None:
        return None
    return digest_send(digest=digest, workers=settings.NEWSLETTER_WORKERS)
