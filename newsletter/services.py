"""Writes for the newsletter: lists, subscribing, preferences, selecting, building, sending, stats."""

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
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from crosspost import pagecache
from crosspost.lib import email as mail
from crosspost.lib.email import validate_address
from crosspost.lib.ratelimit import ratelimit_hit
from crosspost.lib.signing import unsign
from crosspost.lib.spreadsheet import csv_safe, csv_unsafe_undo
from newsletter import rendering, sending
from newsletter.models import (
    Delivery,
    Digest,
    DigestArticle,
    DigestClick,
    Newsletter,
    Selection,
    Subscriber,
    Subscription,
    digest_period,
    email_clean,
    email_key,
)
from newsroom.models import ArticlePage

S = Subscriber.Status
ISSUE, ROUNDUP = str(Digest.Kind.ISSUE), str(Digest.Kind.ROUNDUP)
CONFIRM_MAX_AGE = 7 * 24 * 3600
log = logging.getLogger(__name__)


class ConfirmationNotSent(Exception):
    """The sign-up is saved, but its confirmation mail could not be sent; signing up again retries."""


def language_or_default(language: str) -> str:
    codes = {code for code, _ in settings.LANGUAGES}
    language = (language or "").strip().lower()
    return language if language in codes else settings.LANGUAGE_CODE


CONFIRMATIONS_PER_DAY = 3


def newsletter_default() -> Newsletter:
    """The list a sign-up without a choice joins (the first public one): the daily digest."""
    found = Newsletter.objects.filter(public=True).first() or Newsletter.objects.first()
    if found is None:
        found, _ = Newsletter.objects.get_or_create(
            slug="daily", defaults={"name": "Daily digest", "description": "A selection of our articles every morning."})
    return found


def newsletters_offered() -> list[Newsletter]:
    """The lists a reader can choose on the sign-up form and in the preference centre."""
    return list(Newsletter.objects.filter(public=True)) or [newsletter_default()]


def _lists_or_default(newsletters: Iterable[Newsletter] | None) -> list[Newsletter]:
    chosen = list(newsletters or [])
    return chosen or [newsletter_default()]


def subscriber_subscribe(
    *, email: str, name: str = "", language: str = "", newsletters: Iterable[Newsletter] | None = None
) -> Subscriber:
    """Record a sign-up to one or more lists and mail one confirmation link for all of them.

    Signing up again is harmless. A confirmed reader who asks for nothing new is left alone (no
    mail, nothing that tells a stranger they subscribed); lists they do not have yet wait for
    the same confirmation link as a new reader's, so nobody can add lists to another's inbox.
    An address that reported us as spam is left alone: only its owner can undo that, never a form
    anyone can fill in. At most CONFIRMATIONS_PER_DAY links a day go to one address.
    """
    validate_address(email)
    language = language_or_default(language)
    name = name.strip()[:200]
    lists = _lists_or_default(newsletters)
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.create(email=email, name=name, language=language, source="form")
    except IntegrityError:
        subscriber = Subscriber.objects.get(email_key=email_key(email))
        if subscriber.status == S.COMPLAINED:
            return subscriber
        if subscriber.status != S.CONFIRMED:
            subscriber.status = S.PENDING
            subscriber.name = name or subscriber.name
            subscriber.language = language
            subscriber.save(update_fields=["status", "name", "language", "updated_at"])
    asked = _subscriptions_request(subscriber, lists)
    if subscriber.status == S.CONFIRMED and not asked:
        return subscriber
    if not ratelimit_hit(f"newsletter-confirm:{subscriber.email_key}", CONFIRMATIONS_PER_DAY, 86400):
        return subscriber
    try:
        rendering.confirm_mail_send(subscriber, newsletters=lists)
    except Exception as exc:  # noqa: BLE001 - any mail failure: the reader is told, the row is kept
        log.warning("confirmation mail to subscriber %s failed: %s", subscriber.pk, exc)
        raise ConfirmationNotSent from exc
    return subscriber


def _subscriptions_request(subscriber: Subscriber, lists: list[Newsletter]) -> int:
    """Lists the reader asked for and does not have yet wait for confirmation. Returns how many."""
    active = set(Subscription.objects.filter(
        subscriber=subscriber, newsletter__in=lists, confirmed_at__isnull=False, unsubscribed_at__isnull=True,
    ).values_list("newsletter_id", flat=True))
    wanted = [n for n in lists if n.pk not in active]
    for newsletter in wanted:
        Subscription.objects.update_or_create(
            subscriber=subscriber, newsletter=newsletter,
            defaults={"confirmed_at": None, "unsubscribed_at": None, "unsubscribed_from": None})
    return len(wanted)


def subscriber_lists_set(*, subscriber: Subscriber, newsletters: Iterable[Newsletter] | None) -> list[Newsletter]:
    """An editor's choice of lists for a subscriber (the admin's Subscribers screen): the lists chosen,
    or the default list when none is; other lists are left. A confirmed reader is on them at once,
    a pending one waits for their confirmation like any sign-up."""
    now = timezone.now()
    lists = _lists_or_default(newsletters)
    confirmed = now if subscriber.status == S.CONFIRMED else None
    keep = [n.pk for n in lists]
    Subscription.objects.filter(subscriber=subscriber, unsubscribed_at__isnull=True).exclude(
        newsletter_id__in=keep).update(unsubscribed_at=now)
    for newsletter in lists:
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber, newsletter=newsletter, defaults={"confirmed_at": confirmed})
        if not created and (subscription.unsubscribed_at or (confirmed and not subscription.confirmed_at)):
            subscription.unsubscribed_at, subscription.unsubscribed_from = None, None
            subscription.confirmed_at = subscription.confirmed_at or confirmed
            subscription.save(update_fields=["unsubscribed_at", "unsubscribed_from", "confirmed_at"])
    return lists


def subscriber_create_confirmed(
    *, email: str, name: str = "", language: str = "en", newsletters: Iterable[Newsletter] | None = None
) -> Subscriber:
    """A reader who opted in elsewhere (imports, the demo, tests), on the given lists at once."""
    now = timezone.now()
    subscriber, _ = Subscriber.objects.get_or_create(email_key=email_key(email), defaults={
        "email": email, "name": name, "language": language_or_default(language), "status": S.CONFIRMED,
        "confirmed_at": now, "source": "import"})
    for newsletter in _lists_or_default(newsletters):
        Subscription.objects.get_or_create(subscriber=subscriber, newsletter=newsletter,
                                           defaults={"confirmed_at": now})
    return subscriber


def confirmations_send(
    *, subscribers: Iterable[Subscriber]
) -> tuple[list[Subscriber], list[tuple[Subscriber, str]]]:
    """Mail each pending reader one confirmation link for the lists waiting for them (an import
    asked for it), over one connection. Returns the readers mailed, and those whose mail failed
    with the reason (they stay pending: sending again retries them). Others are skipped."""
    sent, failed = [], []
    with mail.BulkConnection() as conn:
        for subscriber in subscribers:
            waiting = list(Newsletter.objects.filter(
                subscriptions__subscriber=subscriber, subscriptions__confirmed_at__isnull=True,
                subscriptions__unsubscribed_at__isnull=True))
            if subscriber.status != S.PENDING or not waiting:
                continue
            try:
                rendering.confirm_mail_send(subscriber, connection=conn.backend, newsletters=waiting)
            except Exception as exc:  # noqa: BLE001 - one refused address must not strand the rest
                failed.append((subscriber, str(exc)[:200]))
            else:
                sent.append(subscriber)
    return sent, failed


def subscriber_from_token(token: str, *, salt: str, max_age: int | None = None) -> Subscriber | None:
    value = unsign(token, salt=salt, max_age=max_age)
    if value is None or not value.isdigit():
        return None
    return Subscriber.objects.filter(pk=int(value)).first()


def unsubscribe_token_read(token: str) -> tuple[Subscriber, Digest | None] | None:
    """The reader and the issue an unsubscribe link came in; links made before lists name no issue."""
    value = unsign(token, salt=rendering.UNSUBSCRIBE_SALT)
    subscriber_id, _, digest_id = (value or "").partition(".")
    if not subscriber_id.isdigit() or (digest_id and not digest_id.isdigit()):
        return None
    subscriber = Subscriber.objects.filter(pk=int(subscriber_id)).first()
    if subscriber is None:
        return None
    digest = Digest.objects.select_related("newsletter").filter(pk=int(digest_id)).first() if digest_id else None
    return subscriber, digest


def subscriber_confirm(*, subscriber: Subscriber) -> list[Newsletter]:
    """Confirm the address and every list waiting for it; mails a welcome for those lists.

    Returns the lists newly confirmed (none when the link is used again). A welcome mail that
    fails is logged, never a reason to undo the confirmation.
    """
    now = timezone.now()
    Subscriber.objects.filter(pk=subscriber.pk).exclude(status=S.CONFIRMED).update(
        status=S.CONFIRMED, confirmed_at=now, updated_at=now
    )
    waiting = Subscription.objects.filter(subscriber=subscriber, confirmed_at__isnull=True, unsubscribed_at__isnull=True)
    lists = list(Newsletter.objects.filter(subscriptions__in=waiting))
    waiting.update(confirmed_at=now)
    if lists:
        try:
            rendering.welcome_mail_send(subscriber, newsletters=lists)
        except Exception as exc:  # noqa: BLE001 - the reader is subscribed either way
            log.warning("welcome mail to subscriber %s failed: %s", subscriber.pk, exc)
    return lists


def subscriber_lists(*, subscriber: Subscriber) -> list[Newsletter]:
    return list(Newsletter.objects.filter(
        subscriptions__subscriber=subscriber, subscriptions__confirmed_at__isnull=False,
        subscriptions__unsubscribed_at__isnull=True))


def subscriber_frequencies(*, subscriber: Subscriber) -> dict[int, str]:
    """How often the reader gets each list they are on (list id → "every" or "weekly")."""
    return dict(Subscription.objects.filter(subscriber=subscriber, unsubscribed_at__isnull=True)
                .values_list("newsletter_id", "frequency"))


def _left_everything(subscriber: Subscriber, now: datetime.datetime) -> None:
    if not Subscription.objects.filter(subscriber=subscriber, unsubscribed_at__isnull=True).exists():
        Subscriber.objects.filter(pk=subscriber.pk).exclude(
            status__in=[S.UNSUBSCRIBED, S.BOUNCED, S.COMPLAINED]
        ).update(status=S.UNSUBSCRIBED, unsubscribed_at=now, updated_at=now)


def subscriber_unsubscribe(
    *, subscriber: Subscriber, newsletter: Newsletter | None = None, digest: Digest | None = None
) -> None:
    """Leave one list (the one that sent `digest`, or `newsletter`), or every list when neither
    is given. A reader left on no list is unsubscribed."""
    now = timezone.now()
    newsletter = newsletter or (digest.newsletter if digest else None)
    subscriptions = Subscription.objects.filter(subscriber=subscriber, unsubscribed_at__isnull=True)
    if newsletter is not None:
        subscriptions = subscriptions.filter(newsletter=newsletter)
    subscriptions.update(unsubscribed_at=now, unsubscribed_from=digest)
    _left_everything(subscriber, now)


def subscriber_preferences_update(
    *, subscriber: Subscriber, newsletters: Iterable[Newsletter], language: str,
    frequencies: dict[int, str] | None = None,
) -> None:
    """What the preference centre saves: exactly these lists, in this language, each as often as
    `frequencies` (list id → "every" or "weekly") says; a list it does not name keeps its frequency.

    The signed link came to the reader's own inbox, so lists chosen here need no second
    confirmation. Choosing none leaves every list.
    """
    now = timezone.now()
    chosen = {n.pk for n in newsletters}
    for newsletter_id, frequency in (frequencies or {}).items():
        if frequency not in Subscription.Frequency.values:
            raise ValueError(f"not a frequency: {frequency!r}")
        Subscription.objects.filter(subscriber=subscriber, newsletter_id=newsletter_id).update(frequency=frequency)
    Subscriber.objects.filter(pk=subscriber.pk).update(language=language_or_default(language), updated_at=now)
    Subscription.objects.filter(subscriber=subscriber, unsubscribed_at__isnull=True).exclude(
        newsletter__in=chosen).update(unsubscribed_at=now)
    for newsletter_id in chosen:
        Subscription.objects.update_or_create(
            subscriber=subscriber, newsletter_id=newsletter_id,
            defaults={"unsubscribed_at": None, "unsubscribed_from": None, "confirmed_at": now},
            create_defaults={"confirmed_at": now,
                             "frequency": (frequencies or {}).get(newsletter_id, Subscription.Frequency.EVERY)})
    if chosen:
        Subscriber.objects.filter(pk=subscriber.pk).exclude(status=S.CONFIRMED).update(
            status=S.CONFIRMED, confirmed_at=now, unsubscribed_at=None, updated_at=now)
    else:
        _left_everything(subscriber, now)


def subscriber_mark_bounced(*, email: str, complaint: bool = False) -> bool:
    """Stop mailing an address that hard-bounced or reported us as spam. False if unknown.

    The reader's latest delivered copy is flagged, so the digest it came in counts it.
    """
    status = S.COMPLAINED if complaint else S.BOUNCED
    now = timezone.now()
    subscriber = Subscriber.objects.filter(email_key=email_key(email)).first()
    if subscriber is None:
        return False
    Subscriber.objects.filter(pk=subscriber.pk).update(status=status, bounced_at=now, updated_at=now)
    latest = Delivery.objects.filter(subscriber=subscriber, status=Delivery.Status.SENT).order_by("-sent_at").first()
    if latest is not None:
        Delivery.objects.filter(pk=latest.pk).update(**{"complained" if complaint else "bounced": True})
    return True


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
    # Imported readers join the default list: confirmed at once with --confirmed, else on their link.
    daily = newsletter_default()
    joined = Subscriber.objects.filter(email_key__in=[*valid, *existing]).exclude(
        status__in=[S.UNSUBSCRIBED, S.BOUNCED, S.COMPLAINED]).values_list("id", "status")
    Subscription.objects.bulk_create(
        [Subscription(subscriber_id=pk, newsletter=daily, confirmed_at=timezone.now() if status == S.CONFIRMED else None)
         for pk, status in joined], ignore_conflicts=True)
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


def selection_add(*, article: ArticlePage, user: Any = None, newsletter: Newsletter | None = None) -> Selection:
    selection, _ = Selection.objects.update_or_create(
        article=article, newsletter=newsletter or newsletter_default(),
        defaults={"selected_at": timezone.now(), "selected_by": user},
    )
    return selection


def selection_remove(*, article: ArticlePage, newsletter: Newsletter | None = None) -> None:
    Selection.objects.filter(article=article, newsletter=newsletter or newsletter_default()).delete()


def last_digest_until(newsletter: Newsletter | None = None) -> datetime.datetime | None:
    # Round-ups repeat issues; only issues mark how far the list's selections have been sent.
    digests = Digest.objects.filter(newsletter=newsletter or newsletter_default(), kind=ISSUE)
    return digests.order_by("-until").values_list("until", flat=True).first()


def selections_pending(
    *, newsletter: Newsletter | None = None, until: datetime.datetime | None = None
) -> list[ArticlePage]:
    """What the list's next issue holds: live articles its rule picked since the previous issue.

    Hand-picked lists take the selections in the order they were made; a section's list takes
    the articles first published in that region, theme or dossier, oldest first.
    """
    newsletter = newsletter or newsletter_default()
    since = last_digest_until(newsletter)
    if newsletter.rule == Newsletter.Rule.SECTION:
        if newsletter.section_id is None:
            return []
        section = Q(regions=newsletter.section_id) | Q(themes=newsletter.section_id) | Q(dossiers=newsletter.section_id)
        articles = ArticlePage.objects.live().filter(section)
        if since is not None:
            articles = articles.filter(first_published_at__gt=since)
        if until is not None:
            articles = articles.filter(first_published_at__lte=until)
        ids = list(dict.fromkeys(articles.order_by("first_published_at", "pk").values_list("pk", flat=True)))
    else:
        selections = Selection.objects.filter(newsletter=newsletter, article__live=True)
        if since is not None:
            selections = selections.filter(selected_at__gt=since)
        if until is not None:
            selections = selections.filter(selected_at__lte=until)
        ids = list(selections.order_by("selected_at", "pk").values_list("article_id", flat=True))
    found = ArticlePage.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found]


def digest_build(*, date: datetime.date, newsletter: Newsletter | None = None) -> Digest:
    """The list's issue for `date`, built from what its rule picked since the previous one. Idempotent."""
    newsletter = newsletter or newsletter_default()
    existing = Digest.objects.filter(newsletter=newsletter, kind=ISSUE, date=date).first()
    if existing is not None:
        return existing
    until = timezone.now()
    try:
        with transaction.atomic():
            articles = selections_pending(newsletter=newsletter, until=until)
            digest = Digest.objects.create(
                newsletter=newsletter, date=date, since=last_digest_until(newsletter), until=until)
            DigestArticle.objects.bulk_create(
                DigestArticle(digest=digest, article=article, position=n) for n, article in enumerate(articles)
            )
    except IntegrityError:  # another process built it first
        return Digest.objects.get(newsletter=newsletter, kind=ISSUE, date=date)
    return digest


# A list with no round-up for longer (it was weekly until now) does not get a month of issues at once.
ROUNDUP_MAX_DAYS = 28


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def roundup_build(*, date: datetime.date, newsletter: Newsletter) -> Digest:
    """The list's weekly round-up made on `date`: the articles of its issues dated from the previous
    round-up's day (for the first, the 7 days before) to the day before `date`. Idempotent.

    Not the ISO week: with a Friday round-up that would be last week's Monday to Sunday, not the
    week just gone. From the previous round-up rather than a fixed 7 days, so every issue is in
    exactly one round-up even after a week the scheduler missed or a change of weekday. One per
    list per ISO week (the unique period key), however many schedulers run at once.
    """
    period = digest_period(ROUNDUP, date)
    existing = Digest.objects.filter(newsletter=newsletter, kind=ROUNDUP, period=period).first()
    if existing is not None:
        return existing
    previous = (Digest.objects.filter(newsletter=newsletter, kind=ROUNDUP, date__lt=date)
                .order_by("-date").values_list("date", flat=True).first())
    since = max(previous or date - datetime.timedelta(days=7), date - datetime.timedelta(days=ROUNDUP_MAX_DAYS))
    items = DigestArticle.objects.filter(
        digest__newsletter=newsletter, digest__kind=ISSUE, digest__date__gte=since, digest__date__lt=date,
        article__live=True).order_by("digest__date", "digest_id", "position")
    ids = list(dict.fromkeys(items.values_list("article_id", flat=True)))
    try:
        with transaction.atomic():
            digest = Digest.objects.create(newsletter=newsletter, kind=ROUNDUP, date=date,
                                           since=_day_start(since), until=_day_start(date))
            DigestArticle.objects.bulk_create(
                DigestArticle(digest=digest, article_id=article_id, position=n) for n, article_id in enumerate(ids))
    except IntegrityError:  # another scheduler built this week's round-up first
        return Digest.objects.get(newsletter=newsletter, kind=ROUNDUP, period=period)
    return digest


def roundup_lists() -> list[Newsletter]:
    """The lists that have a round-up: not the weekly ones, whose issue already is one (their
    weekly readers get that issue), and only those with a weekly reader, so the Digests screen is
    not a column of empty round-ups. A list's first weekly reader gets the 7 days before."""
    weekly = Subscription.objects.filter(
        frequency=Subscription.Frequency.WEEKLY, unsubscribed_at__isnull=True, confirmed_at__isnull=False,
        subscriber__status=S.CONFIRMED)
    return list(Newsletter.objects.exclude(schedule=Newsletter.Schedule.WEEKLY)
                .filter(pk__in=weekly.values("newsletter_id")))


def digest_send(*, digest: Digest, workers: int = 2, batch_size: int | None = None) -> dict[str, Any]:
    """Mail the digest once to every reader on its list; safe to re-run, crash or run twice."""
    result = sending.run(digest, workers=workers, batch_size=batch_size or settings.NEWSLETTER_BATCH_SIZE)
    result["date"] = digest.date.isoformat()
    result["newsletter"] = digest.newsletter.slug
    result["kind"] = digest.kind
    result["articles"] = digest.items.count()
    result["recipients"] = Delivery.objects.filter(digest=digest).count()
    if result["sent"] and digest.kind == ISSUE:  # round-ups have no archive page
        digest_pages_purge(digest=digest)
    return result


def digest_pages_purge(*, digest: Digest) -> int:
    """A sent issue appears in the archive, its feed and the sitemap: purge the cached copies of
    those pages (through the page cache's purge seam, so a CDN backend hears of it too)."""

    slug = digest.newsletter.slug
    paths = [reverse("sitemap_index"), reverse("sitemap", kwargs={"section": "newsletter"}),
             reverse("newsletter:archive"), reverse("newsletter:archive_list", args=[slug]),
             reverse("newsletter:archive_feed", args=[slug]),
             reverse("newsletter:archive_digest", args=[slug, digest.date.isoformat()])]
    return pagecache.pagecache_purge_urls([settings.SITE_URL.rstrip("/") + path for path in paths])


def digest_send_test(
    *, to: str, language: str, articles: list[ArticlePage] | None = None, newsletter: Newsletter | None = None
) -> None:
    """Mail a preview of a list's next issue to one address (an editor), outside any delivery record."""
    newsletter = newsletter or newsletter_default()
    articles = selections_pending(newsletter=newsletter) if articles is None else articles
    today = timezone.localdate()
    message = rendering.digest_message(
        articles=articles,
        date=today,
        language=language_or_default(language),
        to=to,
        unsubscribe=rendering.site_url("/newsletter/unsubscribe/preview/"),
        headers={"X-Crosspost-Test": "preview"},
        newsletter=newsletter,
    )
    message.subject = f"[TEST] {message.subject}"
    message.send()


def results_merge(results: dict[str, dict[str, Any]], date: datetime.date) -> dict[str, Any]:
    """One figure per key over several lists' sends (what the command and the task print)."""
    merged: dict[str, Any] = {"date": date.isoformat(), "errors": [], "lists": results}
    for result in results.values():
        for key, value in result.items():
            if isinstance(value, int) and not isinstance(value, bool):
                merged[key] = merged.get(key, 0) + value
        merged["errors"] += result.get("errors", [])
    for key in ("sent", "skipped", "failed", "bounced", "deferred", "reclaimed", "articles", "recipients"):
        merged.setdefault(key, 0)
    merged["empty"] = all(result.get("empty") for result in results.values())
    return merged


def _result_key(digest: Digest) -> str:
    return f"{digest.newsletter.slug} round-up" if digest.kind == ROUNDUP else digest.newsletter.slug


def daily_digest_send(
    *, date: datetime.date | None = None, workers: int | None = None, newsletter: Newsletter | None = None,
    batch_size: int | None = None, roundups: bool | None = None,
) -> dict[str, Any]:
    """What the schedule runs: build and send the issue of every list due on `date` (site time)
    and, on NEWSLETTER_ROUNDUP_WEEKDAY, every list's weekly round-up.

    A list an editor holds waits (the demo's, until someone has looked at it). With `newsletter`,
    that list's issue alone, whatever its schedule. `roundups` True sends only round-ups, whatever
    the day; False only issues.
    """
    date = date or timezone.localdate()
    roundup_day = newsletter is None and date.weekday() == settings.NEWSLETTER_ROUNDUP_WEEKDAY
    digests = []
    if roundups is not True:
        lists = [newsletter] if newsletter else [n for n in Newsletter.objects.all() if n.is_due(date)]
        digests += [digest_build(date=date, newsletter=item) for item in lists]
    if roundups or (roundups is None and roundup_day):
        lists = [n for n in roundup_lists() if newsletter is None or n.pk == newsletter.pk]
        digests += [roundup_build(date=date, newsletter=item) for item in lists]
    results = {_result_key(digest): digest_send(digest=digest, workers=workers or settings.NEWSLETTER_WORKERS,
                                                batch_size=batch_size) for digest in digests}
    return results_merge(results, date)


def newsletter_release(*, newsletter: Newsletter) -> None:
    """An editor has looked at a held list's next issue: it goes out at the next scheduled time."""
    Newsletter.objects.filter(pk=newsletter.pk).update(held=False)


def digests_unfinished(*, date: datetime.date) -> list[Digest]:
    """The digests of `date` whose recipients were recorded but some copies are not done yet."""
    waiting = Delivery.objects.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])
    return list(Digest.objects.filter(date=date, recipients_ready_at__isnull=False, deliveries__in=waiting)
                .select_related("newsletter").distinct())


def digest_resume(*, date: datetime.date | None = None) -> dict[str, Any] | None:
    """Finish the sends of a day that were interrupted (worker killed, server down); None if none."""
    date = date or timezone.localdate()
    digests = digests_unfinished(date=date)
    if not digests:
        return None
    return results_merge(
        {_result_key(d): digest_send(digest=d, workers=settings.NEWSLETTER_WORKERS) for d in digests}, date)


# ---- what worked: clicks and opens --------------------------------------------------------------


def click_record(*, token: str) -> str | None:
    """Count a click on a digest's article link; returns where to send the reader, or None.

    The token names a digest, one of its articles and a language, never a URL: the answer is
    always that article's own address on this site, so the link cannot be an open redirect.
    """
    value = unsign(token, salt=rendering.CLICK_SALT) or ""
    parts = value.split(".")
    if len(parts) != 3 or not (parts[0].isdigit() and parts[1].isdigit()):
        return None
    digest_id, article_id, language = int(parts[0]), int(parts[1]), language_or_default(parts[2])
    if not DigestArticle.objects.filter(digest_id=digest_id, article_id=article_id, article__live=True).exists():
        return None
    updated = DigestClick.objects.filter(digest_id=digest_id, article_id=article_id).update(clicks=F("clicks") + 1)
    if not updated:
        try:
            with transaction.atomic():
                DigestClick.objects.create(digest_id=digest_id, article_id=article_id, clicks=1)
        except IntegrityError:  # a click at the same moment created it
            DigestClick.objects.filter(digest_id=digest_id, article_id=article_id).update(clicks=F("clicks") + 1)
    article = ArticlePage.objects.get(pk=article_id)
    return rendering.article_url(article, language)


def open_record(*, token: str) -> None:
    """Note the first open of one reader's copy (only lists with open tracking carry the pixel)."""
    value = unsign(token, salt=rendering.OPEN_SALT) or ""
    digest_id, _, subscriber_id = value.partition(".")
    if digest_id.isdigit() and subscriber_id.isdigit():
        Delivery.objects.filter(digest_id=int(digest_id), subscriber_id=int(subscriber_id),
                                opened_at__isnull=True).update(opened_at=timezone.now())
