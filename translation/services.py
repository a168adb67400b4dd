"""What editors do to translations: correct a segment, store reviewed translations, or have the
machine translate a page afresh. Reviewed translations are never overwritten by an engine.
"""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page

from translation.jobs import translation_request
from translation.models import Segment, SegmentTranslation, TranslationJob
from translation.segments import clean_segment, segment_hash
from translation.selectors import fields_segments, page_fields, page_source_language


@transaction.atomic
def segment_correct(*, page: Page, language: str, source_hash: str, text: str, user=None) -> SegmentTranslation:
    """Store an editor's translation of one segment; it is marked reviewed and kept for good."""
    source_language = page_source_language(page)
    sources = {segment_hash(source_language, s): s for s in fields_segments(page_fields(page))}
    if source_hash not in sources:
        raise ValueError("That segment is not part of this page any more.")
    segment, _ = Segment.objects.get_or_create(
        source_hash=source_hash, defaults={"source_language": source_language, "source_text": sources[source_hash]}
    )
    translation, _ = SegmentTranslation.objects.update_or_create(
        source_hash=source_hash,
        language=language,
        defaults={"segment": segment, "text": clean_segment(text), "status": SegmentTranslation.Status.REVIEWED,
                  "engine": "", "reviewed_by": user},
    )
    from translation.signals import page_translation_changed

    transaction.on_commit(lambda: page_translation_changed.send(sender=Page, page=page, language=language))
    return translation


@transaction.atomic
def translations_store_reviewed(*, source_language: str, language: str, pairs: list[tuple[str, str]],
                                engine: str = "") -> int:
    """Store human translations of source segments (source → translation), marked reviewed."""
    for source, text in pairs:
        source_hash = segment_hash(source_language, source)
        segment, _ = Segment.objects.get_or_create(
            source_hash=source_hash, defaults={"source_language": source_language, "source_text": source})
        SegmentTranslation.objects.update_or_create(
            source_hash=source_hash, language=language,
            defaults={"segment": segment, "text": clean_segment(text), "engine": engine,
                      "status": SegmentTranslation.Status.REVIEWED})
    return len(pairs)


def page_retranslate(*, page: Page, language: str) -> TranslationJob | None:
    """Drop the machine translations of this page's segments and queue them again; reviewed stay."""
    source_language = page_source_language(page)
    hashes = [segment_hash(source_language, s) for s in fields_segments(page_fields(page))]
    SegmentTranslation.objects.filter(
        language=language, source_hash__in=hashes, status=SegmentTranslation.Status.MACHINE
    ).delete()
    return translation_request(page=page, language=language)
