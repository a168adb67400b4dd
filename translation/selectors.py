"""Which languages a page really exists in: the one answer hreflang, the switcher and robots use.

A language page is a translation only once the translation memory holds every segment of the
page's main text (title, dek, body or description) in that language. Until then `/<lang>/…`
still answers readers (with the original text and a notice) but is `noindex`, and no other page
names it as an alternate. Pages without text of their own (home, folders, search) exist in the
languages whose interface catalogue has been compiled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count
from django.utils.translation import to_locale

from translation.languages import NATIVE_NAMES, hreflang
from translation.models import SegmentTranslation
from translation.segments import html_segments, segment_hash, text_segment

# The slots that make a page's "main text"; captions and notes may lag behind.
MAIN_TEXT = ("title", "dek", "body_html", "description")


@dataclass(frozen=True)
class Alternates:
    """The languages to list for one page, and whether the language being shown is one of them."""

    languages: list[dict[str, str]]
    indexable: bool


def text_direction(language: str) -> str:
    return "rtl" if language.split("-")[0] in settings.RTL_LANGUAGES else "ltr"


def main_text_hashes(page) -> set[str]:
    from translation.services import HTML, page_fields, page_source_language

    source_language = page_source_language(page)
    hashes = set()
    for slot, (kind, source) in page_fields(page).items():
        if slot not in MAIN_TEXT:
            continue
        segments = html_segments(source) if kind == HTML else ([text_segment(source)] if source.strip() else [])
        hashes.update(segment_hash(source_language, s) for s in segments)
    return hashes


def page_translated_languages(page) -> set[str]:
    """The languages, besides the page's own, holding a stored translation of all its main text."""
    hashes = main_text_hashes(page)
    if not hashes:
        return set()
    counts = (SegmentTranslation.objects.filter(source_hash__in=hashes).values("language")
              .annotate(found=Count("source_hash")).values_list("language", "found"))
    return {language for language, found in counts if found >= len(hashes)}


def interface_languages() -> set[str]:
    """The default language and those whose interface catalogue has been compiled."""
    directory = Path(settings.UI_LOCALE_DIR)
    return {settings.LANGUAGE_CODE} | {
        code for code, _ in settings.LANGUAGES
        if (directory / to_locale(code) / "LC_MESSAGES" / "django.mo").exists()
    }


def page_languages(page) -> set[str]:
    """Every language `page` exists in. The unprefixed URL, the canonical copy in the page's own
    words, always counts; a page with no text of its own (or no page) exists where the interface does."""
    from translation.services import page_source_language

    if page is None or not (hasattr(page, "body_html") or hasattr(page, "description")):
        return interface_languages()
    return {settings.LANGUAGE_CODE, page_source_language(page)} | page_translated_languages(page)


def page_alternates(page, language: str) -> Alternates:
    """The alternates to list for `page` (in the order of LANGUAGES), shown in `language`."""
    existing = page_languages(page)
    languages = [
        {"code": code, "name": NATIVE_NAMES.get(code, code), "hreflang": hreflang(code)}
        for code, _ in settings.LANGUAGES if code in existing
    ]
    return Alternates(languages=languages, indexable=language in existing)


def notes_translate(notes: list, language: str) -> dict[int, str]:
    """note.pk → its text (HTML) in `language` where the memory has it, for listings of notes
    (corrections): one query for the whole list, untranslated parts marked with their language."""
    from wagtail.rich_text import expand_db_html

    from translation.segments import html_replace_segments
    from translation.services import page_source_language

    sources = {note.pk: (page_source_language(note.page), expand_db_html(note.text)) for note in notes}
    wanted = {segment_hash(src, s) for src, html_text in sources.values() if src != language
              for s in html_segments(html_text)}
    found = dict(SegmentTranslation.objects.filter(language=language, source_hash__in=wanted)
                 .values_list("source_hash", "text")) if wanted else {}
    result = {}
    for pk, (src, html_text) in sources.items():
        if src == language:
            result[pk] = html_text
            continue
        result[pk] = html_replace_segments(html_text, lambda s, src=src: found.get(segment_hash(src, s)),
                                           untranslated={"lang": src, "dir": text_direction(src)})
    return result
