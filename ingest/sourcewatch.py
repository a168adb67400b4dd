"""Source watch: notice when a reposted original changes, vanishes, or is corrected or retracted.

Each repost gets a `SourceWatch` when it is published (a publish-pipeline step). The scheduler's
pass claims the watches that are due through `crosspost/lib/leases.py` — by the `next_check_at`
index, so a pass costs O(reposts due), never a scan of the archive — and re-fetches each
original through the safe fetcher with a conditional GET. Every host has a budget of
CROSSPOST_SOURCE_WATCH_PER_HOST_HOUR requests per clock hour, spent by a conditional UPDATE; a
watch over budget waits for the next hour. Checks are spread out: every few hours while the
story is fresh, daily later, jittered, for CROSSPOST_SOURCE_WATCH_DAYS after reposting.

The body extracted from the original is compared with what we published by MinHash over word
shingles (the duplicate detector's). A distance past the threshold, a 404/410, or a page that now
says it was corrected or retracted opens one `SourceChange` for editors; the same version is
never reported twice, so a dismissed change stays dismissed.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import random
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from lxml import html as lxml_html
from wagtail.rich_text import RichText

from crosspost.lib import safe_fetch
from crosspost.lib.leases import backoff, claim_batch, claims_reclaim, holder, lease_seconds
from ingest import fingerprint
from ingest.extract import NoArticleFound, decode, extract
from ingest.models import HostBudget, SourceChange, SourceWatch
from newsroom.models import ArticlePage
from newsroom.services import article_add_correction

BATCH = 100
FRESH = datetime.timedelta(days=2)
FRESH_EVERY = datetime.timedelta(hours=6)
LATER_EVERY = datetime.timedelta(hours=24)

_RETRACTED = re.compile(r"\b(has been|was|have been|were|is being|we have|we've)\s+(retracted|withdrawn)\b"
                        r"|^\s*retract(ed|ion)\b|\bretraction\s*[:—–-]", re.IGNORECASE | re.MULTILINE)
_CORRECTED = re.compile(r"^\s*(correction|clarification|editor'?s note|update|updated)\s*[:—–-]"
                        r"|\b(this|the) (article|story|report|piece) (has been|was) (corrected|updated|amended)\b",
                        re.IGNORECASE | re.MULTILINE)


@dataclass
class CheckResult:
    article_id: int
    status: str  # unchanged | changed | gone | error | deferred
    distance: float | None = None
    error: str = ""
    change_id: int | None = None


# --- starting a watch --------------------------------------------------------------------------

def _interval(age: datetime.timedelta) -> datetime.timedelta:
    base = FRESH_EVERY if age < FRESH else LATER_EVERY
    return base * random.uniform(0.8, 1.2)


def source_watch_start(*, article: ArticlePage, now: datetime.datetime | None = None) -> SourceWatch | None:
    """Watch a published repost's original (idempotent); our own articles have nothing to watch."""
    if not article.is_repost or not article.original_url:
        return None
    now = now or timezone.now()
    reposted = article.first_published_at or now
    watch, created = SourceWatch.objects.get_or_create(article=article, defaults={
        "url": article.original_url,
        "host": (urlsplit(article.original_url).hostname or "").lower(),
        "watch_until": reposted + datetime.timedelta(days=settings.CROSSPOST_SOURCE_WATCH_DAYS),
        # The first check lands somewhere in the first interval, so a batch of reposts spreads out.
        "next_check_at": now + FRESH_EVERY * random.random(),
    })
    if not created and watch.url != article.original_url:
        SourceWatch.objects.filter(pk=watch.pk).update(
            url=article.original_url, host=(urlsplit(article.original_url).hostname or "").lower(),
            etag="", last_modified="")
    return watch


# --- the per-host budget -----------------------------------------------------------------------

def host_budget_spend(host: str, now: datetime.datetime | None = None) -> bool:
    """Spend one request of `host`'s budget for this clock hour; False when it is used up."""
    now = now or timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    cap = settings.CROSSPOST_SOURCE_WATCH_PER_HOST_HOUR
    if HostBudget.objects.filter(host=host, hour=hour, used__lt=cap).update(used=F("used") + 1):
        return True
    # A new hour (or a new host): start the hour's count, conditionally, so two workers agree.
    if HostBudget.objects.filter(host=host, hour__lt=hour).update(hour=hour, used=1):
        return cap >= 1
    try:
        with transaction.atomic():
            HostBudget.objects.create(host=host, hour=hour, used=1)
        return cap >= 1
    except IntegrityError:  # another worker created it meanwhile: spend from its count
        return bool(HostBudget.objects.filter(host=host, hour=hour, used__lt=cap).update(used=F("used") + 1))


# --- checking ----------------------------------------------------------------------------------

def published_html(article: ArticlePage) -> str:
    """Everything we hold of the original's body (an excerpt repost stores it all, shows a part)."""
    parts = [block.render() if hasattr(block, "render") else str(block) for block in article.body]
    return "".join(str(part) for part in parts)


_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "figcaption")


def text_blocks(html: str) -> list[str]:
    """The text of each block (paragraph, heading, list item), in order."""
    if not html.strip():
        return []
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    blocks = []
    for element in root.iter(*_BLOCK_TAGS):
        if element.tag == "blockquote" and any(child.tag in _BLOCK_TAGS for child in element):
            continue  # its paragraphs are blocks of their own
        text = " ".join(element.text_content().split())
        if text:
            blocks.append(text)
    return blocks


def _plain(html: str) -> str:
    """One line per block, so words of adjacent paragraphs are not glued together."""
    return "\n".join(text_blocks(html))


def text_distance(ours: str, theirs: str) -> float:
    """1 − the MinHash estimate of the Jaccard similarity of the two texts' 5-word shingles."""
    return round(1 - fingerprint.similarity(fingerprint.signature(ours), fingerprint.signature(theirs)), 3)


def notice_in(text: str, ours: str) -> str | None:
    """'retracted' or 'corrected' when the original now says so and our copy does not."""
    for kind, pattern in ((SourceChange.Kind.RETRACTED, _RETRACTED), (SourceChange.Kind.CORRECTED, _CORRECTED)):
        if pattern.search(text) and not pattern.search(ours):
            return kind
    return None


def _release(watch: SourceWatch, now: datetime.datetime, **fields) -> None:
    age = now - (watch.article.first_published_at or now)
    next_at = fields.pop("next_check_at", None) or now + _interval(age)
    SourceWatch.objects.filter(pk=watch.pk).update(
        next_check_at=next_at if next_at <= watch.watch_until else None,
        claimed_by="", claimed_at=None, **fields)


def _report(watch: SourceWatch, *, kind: str, version: str, distance: float | None = None,
            http_status: int | None = None, new_html: str = "", new_title: str = "") -> SourceChange | None:
    """Open (or bring up to date) the article's item for editors, unless this version was shown."""
    if version == watch.reported_hash:
        return None
    fields = {"kind": kind, "distance": distance, "http_status": http_status, "new_html": new_html,
              "new_title": new_title[:500], "published_html": published_html(watch.article),
              "detected_at": timezone.now()}
    with transaction.atomic():
        change = SourceChange.objects.filter(article=watch.article, status=SourceChange.Status.OPEN).first()
        if change:
            SourceChange.objects.filter(pk=change.pk).update(**fields)
        else:
            change = SourceChange.objects.create(article=watch.article, **fields)
        SourceWatch.objects.filter(pk=watch.pk).update(reported_hash=version)
    return change


def source_check(*, watch: SourceWatch, now: datetime.datetime | None = None) -> CheckResult:
    """Fetch one original and compare it with our copy; the watch must be claimed by the caller."""
    now = now or timezone.now()
    article = watch.article
    if not host_budget_spend(watch.host, now):
        next_hour = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
        _release(watch, now, next_check_at=next_hour + datetime.timedelta(seconds=random.uniform(0, 600)))
        return CheckResult(article.pk, "deferred", error=f"{watch.host} is over its hourly budget")
    headers = {}
    if watch.etag:
        headers["If-None-Match"] = watch.etag
    if watch.last_modified:
        headers["If-Modified-Since"] = watch.last_modified
    try:
        response = safe_fetch.fetch(watch.url, headers=headers)
        if response.not_modified:
            _release(watch, now, last_checked_at=now, last_status="unchanged", last_error="", errors=0)
            return CheckResult(article.pk, "unchanged", distance=watch.last_distance)
        extracted = extract(decode(response.content, response.charset), url=response.url)
    except safe_fetch.HTTPStatusError as exc:
        if exc.status in (404, 410):
            change = _report(watch, kind=SourceChange.Kind.GONE, version=f"gone:{exc.status}", http_status=exc.status)
            _release(watch, now, last_checked_at=now, last_status="gone", last_error="", errors=0)
            return CheckResult(article.pk, "gone", change_id=change.pk if change else None)
        return _failed(watch, now, str(exc))
    except (safe_fetch.FetchError, NoArticleFound, ValueError) as exc:
        return _failed(watch, now, str(exc))
    ours = _plain(published_html(article))
    distance = text_distance(ours, extracted.text)
    notice = notice_in(f"{extracted.title}\n{extracted.text}", ours)
    changed = notice is not None or distance > settings.CROSSPOST_SOURCE_WATCH_THRESHOLD
    change = None
    if changed:
        version = hashlib.sha256(extracted.text.encode()).hexdigest()
        change = _report(watch, kind=notice or SourceChange.Kind.CHANGED, version=version, distance=distance,
                         http_status=response.status, new_html=extracted.html, new_title=extracted.title)
    _release(watch, now, last_checked_at=now, last_status="changed" if changed else "unchanged",
             last_distance=distance, last_error="", errors=0,
             etag=response.headers.get("etag", "")[:500], last_modified=response.headers.get("last-modified", "")[:100])
    return CheckResult(article.pk, "changed" if changed else "unchanged", distance=distance,
                       change_id=change.pk if change else None)


def _failed(watch: SourceWatch, now: datetime.datetime, error: str) -> CheckResult:
    errors = watch.errors + 1
    _release(watch, now, next_check_at=now + backoff(errors, base=1800, cap=86400), last_checked_at=now,
             last_status="error", last_error=error[:500], errors=errors)
    return CheckResult(watch.article_id, "error", error=error)


def _due(now: datetime.datetime):
    return SourceWatch.objects.filter(next_check_at__lte=now)


def sources_check_due(*, now: datetime.datetime | None = None, limit: int = 1000) -> list[CheckResult]:
    """One pass: claim the watches that are due, in batches, and check each. Idempotent."""
    now = now or timezone.now()
    claims_reclaim(_due(now).exclude(claimed_by=""), reset={"claimed_by": "", "claimed_at": None}, now=now)
    results: list[CheckResult] = []
    while len(results) < limit:
        stale = now - datetime.timedelta(seconds=lease_seconds())
        free = _due(now).filter(Q(claimed_by="") | Q(claimed_at__lt=stale))
        ids = claim_batch(free, size=min(BATCH, limit - len(results)),
                          changes={"claimed_by": holder(), "claimed_at": now}, order_by="next_check_at")
        if not ids:
            break
        for watch in SourceWatch.objects.filter(pk__in=ids).select_related("article", "article__publication"):
            results.append(source_check(watch=watch, now=now))
    return results


def sources_check_article(*, article: ArticlePage, now: datetime.datetime | None = None) -> CheckResult:
    """Check one repost now, whatever its schedule (still within its host's budget)."""
    now = now or timezone.now()
    watch = source_watch_start(article=article, now=now)
    if watch is None:
        return CheckResult(article.pk, "error", error="not a repost: there is no original to watch")
    claimed = SourceWatch.objects.filter(pk=watch.pk).filter(
        Q(claimed_by="") | Q(claimed_at__lt=now - datetime.timedelta(seconds=lease_seconds()))
    ).update(claimed_by=holder(), claimed_at=now)
    if not claimed:
        return CheckResult(article.pk, "deferred", error="another worker is checking it")
    return source_check(watch=SourceWatch.objects.select_related("article").get(pk=watch.pk), now=now)


# --- what editors do with a change -------------------------------------------------------------

class ChangeAlreadyHandled(Exception):
    pass


def _close(change: SourceChange, status: str, user) -> None:
    closed = SourceChange.objects.filter(pk=change.pk, status=SourceChange.Status.OPEN).update(
        status=status, resolved_at=timezone.now(), resolved_by=user if getattr(user, "pk", None) else None)
    if not closed:
        raise ChangeAlreadyHandled("another editor has already dealt with this change")


@transaction.atomic
def source_change_apply(*, change: SourceChange, user=None) -> ArticlePage:
    """Publish the original's new text as a new revision of our article.

    Translations are stored per paragraph by a hash of its text, so paragraphs that did not
    change keep their translations and editors' corrections; only the changed ones are new.
    """
    if change.kind not in (SourceChange.Kind.CHANGED, SourceChange.Kind.CORRECTED, SourceChange.Kind.RETRACTED) \
            or not change.new_html.strip():
        raise ValueError("this change has no new text to apply")
    _close(change, SourceChange.Status.APPLIED, user)
    article = change.article.get_latest_revision_as_object()
    article.body = [("paragraph", RichText(change.new_html))]
    article.save_revision(user=user, log_action=True).publish(user=user)
    return article


@transaction.atomic
def source_change_note(*, change: SourceChange, text: str, kind: str = "update", user=None):
    """Add a correction/update note to our article about the change, and close the item."""
    _close(change, SourceChange.Status.NOTED, user)
    return article_add_correction(page=change.article, kind=kind, text=text, user=user)


def source_change_dismiss(*, change: SourceChange, user=None) -> None:
    _close(change, SourceChange.Status.DISMISSED, user)


def change_rows(change: SourceChange) -> list[dict]:
    """Our version and the original's, paragraph by paragraph, aligned for side-by-side display."""
    ours, theirs = text_blocks(change.published_html), text_blocks(change.new_html)
    rows = []
    matcher = difflib.SequenceMatcher(a=ours, b=theirs, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        left, right = ours[a1:a2], theirs[b1:b2]
        for i in range(max(len(left), len(right))):
            rows.append({"tag": tag, "ours": left[i] if i < len(left) else "",
                         "theirs": right[i] if i < len(right) else ""})
    return rows
