"""Reposting: from an original's URL (or its saved HTML) to an attributed draft, and feed polling.

Network work (fetching the page and its lead image) happens before the database transaction, so
a slow outlet never holds a write lock; everything written for one repost is then written in one
transaction, so any failure leaves nothing behind.
"""

from __future__ import annotations

import datetime
import io
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from crosspost.lib import leases, safe_fetch
from crosspost.lib.sanitize import clean_text
from ingest import fingerprint, selectors, websub
from ingest.extract import Extracted, NoArticleFound, decode, extract
from ingest.models import FeedSubscription, FingerprintBand, InboxItem, OriginalFingerprint
from ingest.urlnorm import url_key
from newsroom.models import ArticleAuthor, ArticlePage, Publication
from newsroom.services import EDITOR_GROUP, author_get_or_create, section_folder, unique_child_slug

logger = logging.getLogger(__name__)


class RepostError(Exception):
    """Reposting failed; str() is one line for the editor. Nothing was created."""


class DuplicateOriginal(RepostError):
    def __init__(self, article: ArticlePage) -> None:
        self.article = article
        super().__init__(f"this original is already reposted as article {article.pk} ({article.title!r})")


@dataclass
class _LeadImage:
    content: bytes
    name: str


def repost_from_url(
    *, url: str, publish: bool = False, mode: str | None = None, user: AbstractBaseUser | None = None
) -> ArticlePage:
    """Fetch the original at `url` and create a draft repost of it (published with `publish`)."""
    url = url.strip()
    try:
        existing = selectors.article_for_original_url(url)
        if existing:
            raise DuplicateOriginal(existing)
        try:
            response = safe_fetch.fetch(url)
            extracted = extract(decode(response.content, response.charset), url=response.url)
        except (safe_fetch.FetchError, NoArticleFound) as exc:
            raise RepostError(str(exc)) from None
        return _repost(extracted, source_url=response.url, publish=publish, mode=mode, user=user)
    except ValueError as exc:
        raise _malformed_address(exc) from None


def repost_from_html(
    *,
    html: str,
    source_url: str,
    publish: bool = False,
    mode: str | None = None,
    user: AbstractBaseUser | None = None,
) -> ArticlePage:
    """Repost an original an editor saved by hand; `source_url` is where it was published."""
    try:
        try:
            safe_fetch.check_url(source_url)
            extracted = extract(html, url=source_url.strip())
        except (safe_fetch.FetchError, NoArticleFound) as exc:
            raise RepostError(str(exc)) from None
        return _repost(extracted, source_url=source_url.strip(), publish=publish, mode=mode, user=user)
    except ValueError as exc:
        raise _malformed_address(exc) from None


def _malformed_address(exc: ValueError) -> RepostError:
    # urllib raises ValueError for what URL validators let through or pages contain: a port of
    # 99999 or "abc", an unclosed "[" of an IPv6 host, in the address given, a redirect, or the
    # page's canonical or image link.
    return RepostError(f"the original or a link in it has a malformed address ({exc})")


def _original_url(extracted: Extracted, source_url: str) -> str:
    declared = extracted.canonical_url
    # A canonical link to the outlet's home page (a common template bug) names no article.
    if not (declared and urlsplit(declared).scheme in {"http", "https"} and urlsplit(declared).path.strip("/")):
        return source_url
    if _same_site(declared, source_url) or _says_the_same(declared, extracted):
        return declared
    return source_url


def _same_site(a: str, b: str) -> bool:
    host_a, host_b = ((urlsplit(url).hostname or "").removeprefix("www.") for url in (a, b))
    return bool(host_a) and (host_a == host_b or host_a.endswith("." + host_b) or host_b.endswith("." + host_a))


def _says_the_same(url: str, extracted: Extracted) -> bool:
    """Whether the page at `url` carries this text: the test a canonical on another host must pass.

    Any page can name any URL as its canonical; trusted blindly, one host's page would be recorded
    as the original of another host's story, and block the real one as a duplicate.
    """
    try:
        response = safe_fetch.fetch(url)
        other = extract(decode(response.content, response.charset), url=response.url)
    except (safe_fetch.FetchError, NoArticleFound, ValueError):
        return False
    return fingerprint.similarity(fingerprint.signature(other.text), fingerprint.signature(extracted.text)) \
        >= fingerprint.THRESHOLD


def _repost(
    extracted: Extracted, *, source_url: str, publish: bool, mode: str | None, user: AbstractBaseUser | None
) -> ArticlePage:
    original_url = _original_url(extracted, source_url)
    existing = selectors.article_for_original_url(original_url, source_url)
    sig = fingerprint.signature(extracted.text)
    existing = existing or selectors.article_with_similar_text(sig)
    if existing:
        raise DuplicateOriginal(existing)
    image = _lead_image(extracted.image_url)
    stored: list = []
    try:
        try:
            with transaction.atomic():
                return _create_article(extracted, original_url, sig, image, publish=publish, mode=mode, user=user,
                                       stored=stored)
        except BaseException:
            # The rows rolled back, but files written to media storage do not roll back with them.
            for file in stored:
                file.storage.delete(file.name)
            raise
    except ValidationError as exc:
        fields = ", ".join(sorted(getattr(exc, "message_dict", {}) or ["page"]))
        raise RepostError(f"the extracted article could not be saved (invalid {fields})") from None
    except IntegrityError:
        # Someone reposted the same original between our check and our write.
        existing = selectors.article_for_original_url(original_url, source_url)
        if existing:
            raise DuplicateOriginal(existing) from None
        raise


def _create_article(
    extracted: Extracted,
    original_url: str,
    sig,
    image: _LeadImage | None,
    *,
    publish: bool,
    mode: str | None,
    user: AbstractBaseUser | None,
    stored: list,
) -> ArticlePage:
    """The draft repost and its fingerprint; each file written to storage is appended to `stored`."""
    publication = publication_match_or_create(name=extracted.publisher, url=original_url)
    folder = section_folder("articles")
    article = ArticlePage(
        title=extracted.title,
        slug=unique_child_slug(folder, extracted.title),
        dek=extracted.dek,
        body=[("paragraph", RichText(extracted.html))],
        language=extracted.language or "en",
        publication=publication,
        original_url=original_url[:1000],
        original_published_at=extracted.date,
        copyright_holder=extracted.copyright_holder[:300],
        repost_mode=mode or publication.default_repost_mode,
        live=False,
        owner=user,
    )
    if image:
        hero = get_image_model()(title=extracted.title[:255], file=ImageFile(io.BytesIO(image.content), name=image.name))
        hero.save()
        stored.append(hero.file)
        article.hero_image = hero
        article.hero_caption = extracted.image_alt[:500]
    # Names that differ only in spelling ("O'Neil", "O&#39;Neil", "O'NEIL") can be one author page.
    authors = list(dict.fromkeys(author_get_or_create(name=n) for n in extracted.authors))
    article.article_authors = [ArticleAuthor(author=author) for author in authors]
    folder.add_child(instance=article)
    record = OriginalFingerprint.objects.create(
        article=article, canonical_url=url_key(original_url), signature=fingerprint.to_bytes(sig)
    )
    FingerprintBand.objects.bulk_create(
        FingerprintBand(fingerprint=record, band=band, hash=value)
        for band, value in enumerate(fingerprint.band_hashes(sig))
    )
    revision = article.save_revision(user=user)
    if publish:
        revision.publish(user=user)
        article.refresh_from_db()
    return article


def _lead_image(url: str) -> _LeadImage | None:
    """The lead image's bytes when it can be fetched safely and is a real image; else None."""
    if not url:
        return None
    try:
        response = safe_fetch.fetch(url, accept=safe_fetch.IMAGE_TYPES)
        with PILImage.open(io.BytesIO(response.content)) as probe:
            probe.verify()
            kind = (probe.format or "jpeg").lower()
    except (safe_fetch.FetchError, OSError, SyntaxError, ValueError, PILImage.DecompressionBombError) as exc:
        logger.info("lead image skipped: %s", exc)
        return None
    stem = urlsplit(response.url).path.rsplit("/", 1)[-1].rsplit(".", 1)[0][:60] or "lead"
    return _LeadImage(content=response.content, name=f"{stem}.{kind}")


def publication_match_or_create(*, name: str, url: str) -> Publication:
    """The publication called `name` (any case) or whose home page is on the URL's host; else a new one."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    name = (name or host)[:200]
    found = Publication.objects.filter(name__iexact=name).first()
    if found:
        return found
    for publication in Publication.objects.filter(homepage__icontains=host) if host else []:
        if (urlsplit(publication.homepage).hostname or "").removeprefix("www.") == host:
            return publication
    return Publication.objects.create(name=name, homepage=f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/")


# --- feeds and the inbox ---------------------------------------------------------------


@dataclass
class PollResult:
    subscription: FeedSubscription
    new_items: int = 0
    not_modified: bool = False
    skipped: bool = False
    error: str = ""


def feed_subscription_add(*, url: str, title: str = "") -> FeedSubscription:
    """Follow the feed at `url` (idempotent); its items arrive at the next poll."""
    try:
        safe_fetch.check_url(url)
    except safe_fetch.FetchError as exc:
        raise RepostError(str(exc)) from None
    subscription, _ = FeedSubscription.objects.get_or_create(url=url.strip(), defaults={"title": title})
    return subscription


def feed_poll(*, subscription: FeedSubscription, force: bool = False) -> PollResult:
    """Fetch the feed (conditionally) and put its items we have not seen in the inbox.

    A feed that keeps failing waits `leases.backoff(failures)` between polls unless `force`d (an
    operator asking now); one being polled by another live worker is skipped.
    """
    now = timezone.now()
    candidates = FeedSubscription.objects.filter(pk=subscription.pk)
    if not force:
        candidates = candidates.filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
    if not leases.claim_free(candidates, now=now, last_polled_at=now):
        return PollResult(subscription=subscription, skipped=True)
    subscription.last_polled_at = now
    try:
        return _feed_read(subscription)
    except (safe_fetch.FetchError, ValueError) as exc:  # ValueError: a redirect to a malformed address
        _feed_record(subscription, error=str(exc))
        return PollResult(subscription=subscription, error=str(exc))
    except BaseException as exc:  # give the feed back, or this live worker would hold it for ever
        _feed_record(subscription, error=f"{type(exc).__name__}: {exc}")
        raise


def _feed_read(subscription: FeedSubscription) -> PollResult:
    headers = {}
    if subscription.etag:
        headers["If-None-Match"] = subscription.etag
    if subscription.last_modified:
        headers["If-Modified-Since"] = subscription.last_modified
    response = safe_fetch.fetch(subscription.url, accept=safe_fetch.FEED_TYPES, headers=headers)
    if response.not_modified:
        websub.feed_websub_check(subscription=subscription, hub=subscription.hub, topic=subscription.topic)
        _feed_record(subscription, error="")
        return PollResult(subscription=subscription, not_modified=True)
    import feedparser  # imported when polling: the web processes never parse a feed

    parsed = feedparser.parse(response.content, response_headers={"content-location": response.url})
    if not parsed.entries and (parsed.bozo or not parsed.feed):
        raise safe_fetch.FetchError(f"{subscription.url} is not an RSS or Atom feed")
    new_items = inbox_items_add(subscription, parsed.entries)
    hub, topic = websub.hub_links(parsed, response.headers)
    websub.feed_websub_check(subscription=subscription, hub=hub, topic=topic)
    subscription.etag = response.headers.get("etag", "")[:500]
    subscription.last_modified = response.headers.get("last-modified", "")[:100]
    subscription.title = subscription.title or clean_text(parsed.feed.get("title", ""))[:300]
    _feed_record(subscription, error="", fields=["etag", "last_modified", "title"])
    return PollResult(subscription=subscription, new_items=new_items)


def _feed_record(subscription: FeedSubscription, *, error: str, fields: list[str] | None = None) -> None:
    """Write the poll's outcome and give the feed back; a failure pushes the next poll back."""
    if error:
        subscription.failures += 1
        subscription.next_poll_at = timezone.now() + leases.backoff(subscription.failures)
    else:
        subscription.failures, subscription.next_poll_at = 0, None
    subscription.last_error = error[:500]
    names = ["last_error", "failures", "next_poll_at", *(fields or [])]
    leases.release(FeedSubscription.objects.filter(pk=subscription.pk),
                   **{name: getattr(subscription, name) for name in names})
    subscription.claimed_by, subscription.claimed_at = "", None


def _entry_date(entry) -> datetime.datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return datetime.datetime(*parsed[:6]).replace(tzinfo=datetime.UTC)
    except ValueError:  # "0000-00-00T00:00:00Z" parses to year -1: an entry without a usable date
        return None


def inbox_items_add(subscription: FeedSubscription, entries: list) -> int:
    items = []
    for entry in entries:
        link = (entry.get("link") or "").strip()
        try:
            if urlsplit(link).scheme not in {"http", "https"} or len(link) > 1000:
                continue
            if selectors.article_for_original_url(link):
                continue
        except ValueError:  # a malformed port or host: one bad entry must not stop the feed
            continue
        items.append(
            InboxItem(
                subscription=subscription,
                url=link,
                title=clean_text(entry.get("title", ""))[:500],
                summary=clean_text(entry.get("summary", ""))[:2000],
                published=_entry_date(entry),
            )
        )
    before = InboxItem.objects.filter(subscription=subscription).count()
    InboxItem.objects.bulk_create(items, ignore_conflicts=True)
    return InboxItem.objects.filter(subscription=subscription).count() - before


def inbox_item_repost(
    *, item: InboxItem, publish: bool = False, mode: str | None = None, user: AbstractBaseUser | None = None
) -> ArticlePage:
    """Repost an inbox item's original; a duplicate marks the item done with the existing article."""
    claimed = InboxItem.objects.filter(pk=item.pk, status=InboxItem.Status.NEW).update(
        status=InboxItem.Status.REPOSTED
    )
    if not claimed:
        raise RepostError("this inbox item has already been handled")
    try:
        article = repost_from_url(url=item.url, publish=publish, mode=mode, user=user)
    except DuplicateOriginal as exc:
        InboxItem.objects.filter(pk=item.pk).update(article=exc.article)
        raise
    except BaseException:
        InboxItem.objects.filter(pk=item.pk).update(status=InboxItem.Status.NEW)
        raise
    InboxItem.objects.filter(pk=item.pk).update(article=article)
    item.refresh_from_db()
    return article


def inbox_item_dismiss(*, item: InboxItem) -> bool:
    """Dismiss a new item; False when it was already handled."""
    return bool(
        InboxItem.objects.filter(pk=item.pk, status=InboxItem.Status.NEW).update(status=InboxItem.Status.DISMISSED)
    )


def editors_grant_feed_permissions() -> None:
    """Let the Editor group manage feed subscriptions. Idempotent."""
    group = Group.objects.filter(name=EDITOR_GROUP).first()
    if group:
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="ingest", codename__endswith="_feedsubscription")
        )
