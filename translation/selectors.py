"""Reading the translation memory: a page's text in a language, and which languages it exists in.

`page_translation` gives a page's text in one language (originals where the memory lacks a
segment); `cards_translate` the titles and deks of listed articles; `page_segment_rows` the
segments an editor reviews. None of them calls an engine or queues a job (translation/jobs.py).

Which languages a page really exists in is the one answer hreflang, the switcher and robots use.

A language page is a translation only once the translation memory holds every segment of the
page's main text (title, dek, body or description) in that language. Until then `/<lang>/…`
still answers readers (with the original text and a notice) but is `noindex`, and no other page
names it as an alternate. Pages without text of their own (home, folders, search) exist in the
languages whose interface catalogue has been compiled.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Model
from django.utils.translation import to_locale
from wagtail.models import Page
from wagtail.rich_text import expand_db_html

from translation.languages import NATIVE_NAMES, hreflang
from translation.models import SegmentTranslation
from translation.segments import (
    html_replace_segments,
    html_segments,
    segment_hash,
    segment_to_text,
    text_segment,
)

# The slots that make a page's "main text"; captions and notes may lag behind.
MAIN_TEXT = ("title", "dek", "body_html", "description")
_HASHES_PER_QUERY = 5000


@dataclass(frozen=True)
class Alternates:
    """The languages to list for one page, and whether the language being shown is one of them."""

    languages: list[dict[str, str]]
    indexable: bool


def text_direction(language: str) -> str:
    return "rtl" if language.split("-")[0] in settings.RTL_LANGUAGES else "ltr"


# ---- what is translatable on a page -------------------------------------------------------------

TEXT, HTML = "text", "html"


def page_fields(page: Page) -> dict[str, tuple[str, str]]:
    """slot → (kind, source) for the page's translatable text, as readers would see it."""
    fields: dict[str, tuple[str, str]] = {"title": (TEXT, page.title)}
    for name in ("dek", "hero_caption"):
        if getattr(page, name, ""):
            fields[name] = (TEXT, getattr(page, name))
    if hasattr(page, "body_html"):
        fields["body_html"] = (HTML, page.body_html())
    for name in ("note_to_readers", "description"):
        if getattr(page, name, ""):
            fields[name] = (HTML, expand_db_html(getattr(page, name)))
    # Corrections and updates are translated like the body (newsroom.ArticleCorrection).
    for slot, html_text in getattr(page, "translatable_notes", list)():
        fields[slot] = (HTML, html_text)
    return fields


def fields_segments(fields: dict[str, tuple[str, str]]) -> list[str]:
    segments: list[str] = []
    for kind, source in fields.values():
        if kind == TEXT:
            if source.strip():
                segments.append(text_segment(source))
        else:
            segments.extend(html_segments(source))
    return segments


def page_source_language(page: Page) -> str:
    return getattr(page, "language", "") or settings.LANGUAGE_CODE


# ---- a page's text in one language ----------------------------------------------------------------


@dataclass
class TranslatedPage:
    """A page's text in one language; slots missing a translation hold the original."""

    language: str
    values: dict[str, str] = field(default_factory=dict)
    total: int = 0
    missing: int = 0
    state: str = "original"  # original | complete | in_progress | unavailable | failed
    error: str = ""
    untranslated: set[str] = field(default_factory=set)  # plain slots still in the original
    source_language: str = ""

    def __getattr__(self, name: str) -> str:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None


def page_translation(page: Page, language: str) -> TranslatedPage:
    """The page's text in `language` from the translation memory: one query, no engine call."""
    fields = page_fields(page)
    source_language = page_source_language(page)
    if language == source_language:
        values = {slot: source for slot, (_, source) in fields.items()}
        return TranslatedPage(language=language, values=values)
    segments = fields_segments(fields)
    hashes = {segment_hash(source_language, s) for s in segments}
    found = dict(
        SegmentTranslation.objects.filter(language=language, source_hash__in=hashes).values_list("source_hash", "text")
    )

    def lookup(segment: str) -> str | None:
        return found.get(segment_hash(source_language, segment))

    original = {"lang": source_language, "dir": text_direction(source_language)}
    values, untranslated = {}, set()
    for slot, (kind, source) in fields.items():
        if kind == TEXT:
            translated = lookup(text_segment(source)) if source.strip() else None
            values[slot] = segment_to_text(translated) if translated is not None else source
            if translated is None:
                untranslated.add(slot)
        else:
            values[slot] = html_replace_segments(source, lookup, untranslated=original)
    missing = len(hashes - found.keys())
    return TranslatedPage(language=language, values=values, total=len(hashes), missing=missing,
                          state="in_progress" if missing else "complete", untranslated=untranslated,
                          source_language=source_language)


def cards_translate(articles: list, language: str) -> list:
    """Give each listed article `tr_title` and `tr_dek` in `language` where the memory has them."""
    wanted: dict[str, None] = {}
    for article in articles:
        source_language = page_source_language(article)
        article.tr_title, article.tr_dek = article.title, getattr(article, "dek", "")
        if language == source_language:
            continue
        for value in (article.title, article.tr_dek):
            if value and value.strip():
                wanted[segment_hash(source_language, text_segment(value))] = None
    if not wanted:
        return articles
    found = dict(
        SegmentTranslation.objects.filter(language=language, source_hash__in=wanted).values_list("source_hash", "text")
    )
    for article in articles:
        source_language = page_source_language(article)
        if language == source_language:
            continue
        for attr, value in (("tr_title", article.title), ("tr_dek", article.tr_dek)):
            translated = found.get(segment_hash(source_language, text_segment(value))) if value else None
            if translated is not None:
                setattr(article, attr, segment_to_text(translated))
    return articles


def page_segment_rows(page: Page, language: str) -> list[dict]:
    """The page's segments with their translation in `language` (None where missing), in order."""
    source_language = page_source_language(page)
    rows: list[dict] = []
    seen: set[str] = set()
    for segment in fields_segments(page_fields(page)):
        h = segment_hash(source_language, segment)
        if h not in seen:
            seen.add(h)
            rows.append({"hash": h, "source": segment})
    found = {t.source_hash: t for t in SegmentTranslation.objects.filter(language=language, source_hash__in=seen)}
    for row in rows:
        row["translation"] = found.get(row["hash"])
    return rows


# ---- which languages a page exists in -----------------------------------------------------------


def main_text_hashes(page) -> set[str]:
    source_language = page_source_language(page)
    hashes: set[str] = set()
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


def pages_translated_languages(pages: list, model: type[Model] | None = None) -> dict[int, set[str]]:
    """`page_translated_languages` for many pages of one `model` at once (a sitemap part); the
    pages may be plain `Page` rows with their title, the model says what else is main text.

    The title is part of the main text, so only a page whose title is translated can be; one query
    on the titles' hashes finds those few, and only they are loaded whole and segmented. An archive
    with no translations costs that one query.
    """
    titles = {page.pk: segment_hash(page_source_language(page), text_segment(page.title))
              for page in pages if page.title.strip()}
    title_languages: dict[str, set[str]] = defaultdict(set)
    for source_hash, language in SegmentTranslation.objects.filter(
            source_hash__in=set(titles.values())).values_list("source_hash", "language"):
        title_languages[source_hash].add(language)
    candidates = [pk for pk, title_hash in titles.items() if title_languages.get(title_hash)]
    if not candidates:
        return {}
    whole = (model or type(pages[0])).objects.filter(pk__in=candidates)
    hashes = {page.pk: main_text_hashes(page) for page in whole}
    wanted_languages = set().union(*(title_languages[titles[pk]] for pk in hashes))
    stored: dict[str, set[str]] = defaultdict(set)
    every_hash = sorted(set().union(*hashes.values()))
    # In chunks: a wholly translated part has tens of thousands of segments, past SQLite's
    # limit on a query's parameters.
    for start in range(0, len(every_hash), _HASHES_PER_QUERY):
        for source_hash, language in SegmentTranslation.objects.filter(
                source_hash__in=every_hash[start:start + _HASHES_PER_QUERY], language__in=wanted_languages
        ).values_list("source_hash", "language"):
            stored[language].add(source_hash)
    return {pk: {language for language in title_languages[titles[pk]] if page_hashes <= stored[language]}
            for pk, page_hashes in hashes.items()}


def interface_languages() -> set[str]:
    """The default language and those whose interface catalogue has been compiled."""
    directory = Path(settings.UI_LOCALE_DIR)
    return {settings.LANGUAGE_CODE} | {
        code for code, _ in settings.LANGUAGES
        if (directory / to_locale(code) / "LC_MESSAGES" / "django.mo").exists()
    }


def has_text_of_its_own(model: type) -> bool:
    """Whether pages of `model` say something beyond their title (an article's body, a section's
    description): such a page exists in a language once that is translated, any other page
    wherever the interface is."""
    return hasattr(model, "body_html") or hasattr(model, "description")


def page_languages(page) -> set[str]:
    """Every language `page` exists in. The unprefixed URL, the canonical copy in the page's own
    words, always counts; a page with no text of its own (or no page) exists where the interface does."""
    if page is None or not has_text_of_its_own(type(page)):
        return interface_languages()
    return {settings.LANGUAGE_CODE, page_source_language(page)} | page_translated_languages(page)


def pages_languages(pages: list, model: type[Model]) -> dict[int, set[str]]:
    """`page_languages` for many pages of one `model` at once (a sitemap part): one query on the
    titles' translations, or none for pages without text of their own."""
    if not has_text_of_its_own(model):
        interface = interface_languages()
        return {page.pk: interface for page in pages}
    translated = pages_translated_languages(pages, model)
    return {page.pk: {settings.LANGUAGE_CODE, page_source_language(page)} | translated.get(page.pk, set())
            for page in pages}


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
    sources = {note.pk: (page_source_language(note.page), expand_db_html(note.text)) for note in notes}
    wanted = {segment_hash(src, s) for src, html_text in sources.values() if src != language
              for s in html_segments(html_text)}
    found = dict(SegmentTranslation.objects.filter(language=language, source_hash__in=wanted)
                 .values_list("source_hash", "text")) if wanted else {}
    result: dict[int, str] = {}
    for pk, (src, html_text) in sources.items():
        if src == language:
            result[pk] = html_text
            continue

        def lookup(segment: str, src: str = src) -> str | None:
            return found.get(segment_hash(src, segment))

        result[pk] = html_replace_segments(html_text, lookup, untranslated={"lang": src, "dir": text_direction(src)})
    return result
