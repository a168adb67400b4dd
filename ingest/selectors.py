"""Reads for reposting: has this original been reposted already, and what waits in the inbox."""

from __future__ import annotations

from array import array

from django.db.models import Q, QuerySet

from ingest import fingerprint
from ingest.models import FingerprintBand, InboxItem, OriginalFingerprint
from ingest.urlnorm import normalize_url, url_key
from newsroom.models import ArticlePage


def article_for_original_url(*urls: str) -> ArticlePage | None:
    """The article reposting the original at any of these URLs (however they are spelt)."""
    spellings = {u for u in urls if u} | {normalize_url(u) for u in urls if u}
    spellings |= {s.rstrip("/") for s in spellings} | {s.rstrip("/") + "/" for s in spellings}
    spellings |= {url_key(u) for u in urls if u}
    found = OriginalFingerprint.objects.filter(canonical_url__in=spellings).select_related("article").first()
    if found:
        return found.article
    return ArticlePage.objects.filter(original_url__in=spellings).order_by("pk").first()


def article_with_similar_text(sig: array) -> ArticlePage | None:
    """The reposted original whose text is a near-duplicate of the signature's, if any."""
    matches = Q()
    for band, value in enumerate(fingerprint.band_hashes(sig)):
        matches |= Q(band=band, hash=value)
    candidate_ids = set(FingerprintBand.objects.filter(matches).values_list("fingerprint_id", flat=True))
    best, best_score = None, fingerprint.THRESHOLD
    for candidate in OriginalFingerprint.objects.filter(pk__in=candidate_ids).select_related("article"):
        score = fingerprint.similarity(sig, fingerprint.from_bytes(candidate.signature))
        if score >= best_score:
            best, best_score = candidate.article, score
    return best


def inbox_items_new() -> QuerySet[InboxItem]:
    return InboxItem.objects.filter(status=InboxItem.Status.NEW).select_related("subscription")
