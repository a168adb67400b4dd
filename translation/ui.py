"""The interface's own strings (Django's gettext catalogue), machine-translated once per language.

`locale/en/LC_MESSAGES/django.po` is the source catalogue (`make messages` refreshes it). Each
string goes through the same translation memory as articles, so editors correct it the same
way; `ui_compile` writes the stored translations as a .mo file under var/locale, which Django
reads like any catalogue. Catalogues are read and written with Babel, and each language gets the
plural forms of its CLDR locale data (Arabic six, Russian three, Japanese one) rather than
English's two.
"""

from __future__ import annotations

import gettext
import html
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo as babel_write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from django.conf import settings
from django.db import transaction

SOURCE_PO = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")
_MARK = re.compile(r'<span data-p="(\d+)"></span>')
_TAG = re.compile(r"(<[^<>]*>)")


@dataclass(frozen=True)
class Message:
    msgid: str
    msgid_plural: str = ""
    msgctxt: str = ""

    @property
    def texts(self) -> list[str]:
        return [self.msgid] + ([self.msgid_plural] if self.msgid_plural else [])


def catalogue_messages(path: Path = SOURCE_PO) -> list[Message]:
    """The messages of a .po file (msgctxt, msgid, msgid_plural); the header is skipped."""
    with path.open("rb") as po:
        catalog = read_po(po)
    messages = []
    for message in catalog:
        if not message.id:
            continue
        singular, plural = message.id if isinstance(message.id, tuple | list) else (message.id, "")
        messages.append(Message(singular, plural, message.context or ""))
    return messages


def plural_categories(language: str) -> list[str]:
    """The CLDR category ("zero", "one", "two", "few", "many", "other") of each plural form index.

    The form indexes are those of Babel's gettext Plural-Forms for the language; their order is
    not the CLDR order (Arabic's form 4 is "other", 5 "many"), so each index is named by the
    category of the numbers it is chosen for.
    """
    locale = _babel_locale(language)
    plural = get_plural(locale)
    choose = gettext.c2py(plural.plural_expr)
    categories: dict[int, str] = {}
    for n in range(1000):
        categories.setdefault(choose(n), locale.plural_form(n))
    return [categories.get(index, "other") for index in range(plural.num_plurals)]


def plural_examples(language: str, category: str, count: int = 3) -> list[int]:
    """A few numbers that take this plural category in `language` (for editors)."""
    locale = _babel_locale(language)
    return [n for n in range(200) if locale.plural_form(n) == category][:count]


def _babel_locale(language: str) -> Locale:
    from django.utils.translation import to_locale

    try:
        return Locale.parse(to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(to_locale(language).split("_")[0] or "en")


def protect(text: str) -> tuple[str, list[str]]:
    """Swap %(name)s placeholders for empty elements that engines carry over untouched."""
    found = _PLACEHOLDER.findall(text)
    for index, placeholder in enumerate(found):
        text = text.replace(placeholder, f'<span data-p="{index}"></span>', 1)
    return text, found


def protect_as(text: str, placeholders: list[str]) -> str:
    """Like `protect`, but numbered as in the source's `placeholders`, whatever order `text` puts them in."""
    return _PLACEHOLDER.sub(lambda m: f'<span data-p="{placeholders.index(m.group())}"></span>'
                            if m.group() in placeholders else m.group(), text)


def unprotect(text: str, placeholders: list[str], *, may_omit: bool = False) -> str | None:
    """Put placeholders back; None if the engine lost (unless `may_omit`) or invented one."""
    indexes = [int(i) for i in _MARK.findall(text)]
    if may_omit:
        if any(i >= len(placeholders) for i in indexes) or len(set(indexes)) != len(indexes):
            return None
    elif sorted(indexes) != list(range(len(placeholders))):
        return None
    return _MARK.sub(lambda m: placeholders[int(m.group(1))], text)


def write_mo(path: Path, language: str, entries: dict[Message, str | list[str]]) -> None:
    """Write a GNU .mo catalogue for `language`, its Plural-Forms from Babel's locale data.

    A plural message's value lists one wording per form index (see `plural_categories`).
    """
    catalog = Catalog(locale=_babel_locale(language), domain="django", charset="utf-8")
    for message, value in entries.items():
        msgid = (message.msgid, message.msgid_plural) if message.msgid_plural else message.msgid
        catalog.add(msgid, tuple(value) if isinstance(value, list) else value, context=message.msgctxt or None)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("wb") as mo:
        babel_write_mo(mo, catalog)
    temporary.replace(path)
    _stamp().parent.mkdir(parents=True, exist_ok=True)
    _stamp().touch()


def _locale_dir() -> Path:
    return Path(settings.UI_LOCALE_DIR)


def _stamp() -> Path:
    return _locale_dir() / ".compiled"

_seen = {"mtime": 0.0, "checked": 0.0}
_lock = threading.Lock()


def reload_if_recompiled(every: float = 5.0) -> None:
    """Drop cached catalogues when some process recompiled them (checked every few seconds)."""
    now = time.monotonic()
    if now - _seen["checked"] < every:
        return
    with _lock:
        _seen["checked"] = now
        try:
            mtime = _stamp().stat().st_mtime
        except FileNotFoundError:
            return
        if mtime != _seen["mtime"]:
            if _seen["mtime"]:
                reset_catalogues()
            _seen["mtime"] = mtime


def ui_has_wording(message: str, *, context: str | None = None, plural: bool = False) -> bool:
    """Whether the active language's catalogue words this interface text itself; when it does not,
    gettext shows the English, which must then be marked as English (see `{% uistring %}`).

    The merged catalogue Django built for the language answers it: ours under var/locale and the
    installed apps' (Django's and Wagtail's already say "Search" in Arabic). gettext offers no
    public "is this translated?", and comparing the result with the English would call a
    translation that happens to read the same ("Date" in French) untranslated.
    """
    from django.utils.translation import get_language, trans_real

    language = get_language() or settings.LANGUAGE_CODE
    if language.split("-")[0] == settings.LANGUAGE_CODE.split("-")[0]:
        return True
    key = f"{context}\x04{message}" if context else message
    catalogue = trans_real.translation(language)._catalog
    return (key, 0) in catalogue if plural else key in catalogue


def reset_catalogues() -> None:
    import gettext

    from django.utils.translation import trans_real

    # The cache of parsed catalogues gettext keeps; it has no public way to drop it.
    gettext._translations.clear()  # type: ignore[attr-defined]
    trans_real._translations = {}
    trans_real._default = None


# ---- translating and correcting the catalogue ---------------------------------------------------


def _source_segment(text: str) -> tuple[str, list[str]]:
    return protect(html.escape(text, quote=False))


def _as_text(segment: str, placeholders: list[str], *, may_omit: bool = False) -> str | None:
    restored = unprotect(segment, placeholders, may_omit=may_omit)
    if restored is None:
        return None
    return html.unescape(re.sub(r"<[^>]+>", "", restored))


def _foreign_markup(translated: str, source: str) -> list[str]:
    allowed = set(_TAG.findall(source))
    return [tag for tag in _TAG.findall(translated) if tag not in allowed]


def only_source_markup(translated: str, source: str) -> str:
    """The wording as a catalogue may hold it: text, plus the very tags the English has.

    `{% blocktranslate %}` prints catalogue entries unescaped (pages and digest mails alike), so
    any other tag or angle bracket an editor or an engine typed would reach readers as HTML.
    """
    allowed = set(_TAG.findall(source))
    parts = _TAG.split(translated)
    return "".join(part if part in allowed else "" if _TAG.fullmatch(part) else part.replace("<", "").replace(">", "")
                   for part in parts)


def _may_omit(message: Message, placeholders: list[str]) -> bool:
    # A plural message's wording may leave the number out (Arabic says "one comment" and "two
    # comments" in one word each) when its placeholders are named: %-formatting with a mapping
    # ignores unused names. No wording may invent a placeholder.
    return bool(message.msgid_plural) and all(p.startswith("%(") for p in placeholders)


def _form_source(source: str, form: str) -> str:
    # The segment a plural form's own wording is stored under: the plural text, named by category.
    return f"{source} [plural form: {form}]"


def ui_rows(language: str) -> list[dict]:
    """Every catalogue text with its stored translation in `language` (None where missing).

    `shown` is that translation as the editor sees and sends it back: text, placeholders as written.
    A plural message has a row for its singular ("one") and its plural text (every other form
    by default), and one more per plural category the language has besides those two (Arabic's
    zero, two, few and many; Russian's few and many), for editors to word exactly; `form` names it.
    """
    from translation.models import SegmentTranslation
    from translation.segments import segment_hash

    extra_forms = [c for c in plural_categories(language) if c not in ("one", "other")]
    rows: list[dict[str, Any]] = []
    for message in catalogue_messages():
        for text in message.texts:
            source, placeholders = _source_segment(text)
            rows.append({"text": text, "source": source, "placeholders": placeholders, "form": None,
                         "may_omit": _may_omit(message, placeholders),
                         "hash": segment_hash(settings.LANGUAGE_CODE, source)})
        if message.msgid_plural:
            source, placeholders = _source_segment(message.msgid_plural)
            for form in extra_forms:
                rows.append({"text": message.msgid_plural, "source": _form_source(source, form), "form": form,
                             "placeholders": placeholders, "may_omit": _may_omit(message, placeholders),
                             "examples": plural_examples(language, form),
                             "hash": segment_hash(settings.LANGUAGE_CODE, _form_source(source, form))})
    found = {t.source_hash: t for t in SegmentTranslation.objects.filter(
        language=language, source_hash__in=[row["hash"] for row in rows])}
    for row in rows:
        row["translation"] = found.get(row["hash"])
        stored = row["translation"]
        row["shown"] = (_as_text(stored.text, row["placeholders"], may_omit=row["may_omit"]) or "") if stored else ""
    return rows


def ui_translate(*, language: str, engine=None) -> int:
    """Machine-translate the catalogue texts missing in `language`, then compile. Returns the count.

    Plural categories beyond singular and plural are left to editors: an engine given "%(n)s
    comments" cannot know the dual, so until one is written the plural wording stands in.
    """
    from translation.engines import EngineUnavailable, get_engine
    from translation.jobs import store_machine_translations

    engine = engine or get_engine()
    if engine is None:
        raise EngineUnavailable("No machine-translation engine is configured (CROSSPOST_MT_BACKEND)")
    todo = {row["hash"]: row["source"] for row in ui_rows(language) if row["translation"] is None and not row["form"]}
    count = store_machine_translations(todo, source_language=settings.LANGUAGE_CODE, language=language, engine=engine)
    ui_compile(language=language)
    return count


def ui_compile(*, language: str) -> Path:
    """Write the stored translations of the catalogue as var/locale/<language>/LC_MESSAGES/django.mo."""
    from django.utils.translation import to_locale

    by_text: dict[tuple[str, str | None], str] = {}
    for row in ui_rows(language):
        if row["translation"] is not None:
            translated = _as_text(row["translation"].text, row["placeholders"], may_omit=row["may_omit"])
            translated = translated and only_source_markup(translated, row["text"])
            if translated:
                by_text[row["text"], row["form"]] = translated
    categories = plural_categories(language)
    entries: dict[Message, str | list[str]] = {}
    for message in catalogue_messages():
        singular = by_text.get((message.msgid, None))
        if singular is None:
            continue
        if not message.msgid_plural:
            entries[message] = singular
            continue
        plural = by_text.get((message.msgid_plural, None), singular)
        entries[message] = [singular if category == "one" else by_text.get((message.msgid_plural, category), plural)
                            for category in categories]
    path = _locale_dir() / to_locale(language) / "LC_MESSAGES" / "django.mo"
    write_mo(path, language, entries)
    reset_catalogues()
    return path


def ui_correct(*, language: str, text: str, translation: str, form: str | None = None, user=None) -> None:
    """An editor's wording for one interface text (or one plural `form` of it); reviewed, compiled at once."""
    with transaction.atomic():
        _ui_store(language=language, text=text, translation=translation, form=form, user=user)
        transaction.on_commit(lambda: ui_compile(language=language))


@transaction.atomic
def ui_correct_many(*, language: str, translations: dict[str, str], user=None) -> None:
    """Store reviewed wordings for interface texts (English → translation), then compile once."""
    for text, translation in translations.items():
        _ui_store(language=language, text=text, translation=translation, form=None, user=user)
    transaction.on_commit(lambda: ui_compile(language=language))


def _ui_store(*, language: str, text: str, translation: str, form: str | None, user) -> None:
    from translation.models import Segment, SegmentTranslation
    from translation.segments import segment_hash

    source, placeholders = _source_segment(text)
    if form is not None:
        if form not in plural_categories(language):
            raise ValueError(f"{language} has no plural form “{form}”")
        source = _form_source(source, form)
    escaped = html.escape(translation, quote=False)
    found = _PLACEHOLDER.findall(escaped)
    protected = protect_as(escaped, placeholders)
    message = next((m for m in catalogue_messages() if text in m.texts), Message(text))
    if sorted(found) != sorted(placeholders) and not (_may_omit(message, placeholders)
                                                     and len(set(found)) == len(found)
                                                     and set(found) <= set(placeholders)):
        raise ValueError(f"The translation must keep the placeholders {', '.join(placeholders) or '(none)'}")
    if foreign := _foreign_markup(translation, text):
        raise ValueError(f"Interface wording is plain text; remove {', '.join(foreign)}")
    source_hash = segment_hash(settings.LANGUAGE_CODE, source)
    segment, _ = Segment.objects.get_or_create(
        source_hash=source_hash, defaults={"source_language": settings.LANGUAGE_CODE, "source_text": source})
    SegmentTranslation.objects.update_or_create(
        source_hash=source_hash, language=language,
        defaults={"segment": segment, "text": protected, "status": SegmentTranslation.Status.REVIEWED,
                  "engine": "", "reviewed_by": user})
