"""The interface's own strings (Django's gettext catalogue), machine-translated once per language.

`locale/en/LC_MESSAGES/django.po` is the source catalogue (`make messages` refreshes it). Each
string goes through the same translation memory as articles, so editors correct it the same
way; `ui_compile` writes the stored translations as a .mo file under var/locale, which Django
reads like any catalogue.
"""

from __future__ import annotations

import html
import json
import re
import struct
import threading
import time
from dataclasses import dataclass
from pathlib import Path

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
    def key(self) -> str:
        """The key a .mo file uses: context, then id (and plural id)."""
        base = self.msgid + ("\x00" + self.msgid_plural if self.msgid_plural else "")
        return f"{self.msgctxt}\x04{base}" if self.msgctxt else base

    @property
    def texts(self) -> list[str]:
        return [self.msgid] + ([self.msgid_plural] if self.msgid_plural else [])


def catalogue_messages(path: Path = SOURCE_PO) -> list[Message]:
    """The messages of a .po file (msgctxt, msgid, msgid_plural); the header is skipped."""
    messages, entry, field = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            if entry.get("msgid"):
                messages.append(Message(entry["msgid"], entry.get("msgid_plural", ""), entry.get("msgctxt", "")))
            entry, field = {}, None
        elif line.startswith("#"):
            continue
        elif line.startswith('"') and field:
            entry[field] += json.loads(line)
        else:
            keyword, _, rest = line.partition(" ")
            field = keyword if keyword in ("msgid", "msgid_plural", "msgctxt") else None
            if field:
                entry[field] = json.loads(rest)
    return messages


def protect(text: str) -> tuple[str, list[str]]:
    """Swap %(name)s placeholders for empty elements that engines carry over untouched."""
    found = _PLACEHOLDER.findall(text)
    for index, placeholder in enumerate(found):
        text = text.replace(placeholder, f'<span data-p="{index}"></span>', 1)
    return text, found


def unprotect(text: str, placeholders: list[str]) -> str | None:
    """Put placeholders back; None if the engine lost or invented one."""
    indexes = [int(i) for i in _MARK.findall(text)]
    if sorted(indexes) != list(range(len(placeholders))):
        return None
    return _MARK.sub(lambda m: placeholders[int(m.group(1))], text)


def write_mo(path: Path, entries: dict[str, str], plural_forms: str = "nplurals=2; plural=(n != 1);") -> None:
    """Write a GNU .mo catalogue (little-endian, no hash table)."""
    entries = {"": f"Content-Type: text/plain; charset=UTF-8\nPlural-Forms: {plural_forms}\n", **entries}
    keys = sorted(entries)
    ids = [k.encode() for k in keys]
    strs = [entries[k].encode() for k in keys]
    count = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    data_at = translations_at + count * 8
    tables, blob = [], b""
    for table in (ids, strs):
        rows = []
        for value in table:
            rows.append((len(value), data_at + len(blob)))
            blob += value + b"\0"
        tables.append(rows)
    header = struct.pack("<7I", 0x950412DE, 0, count, originals_at, translations_at, 0, data_at)
    body = b"".join(struct.pack("<2I", *row) for rows in tables for row in rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(header + body + blob)
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


def reset_catalogues() -> None:
    import gettext

    from django.utils.translation import trans_real

    gettext._translations.clear()
    trans_real._translations = {}
    trans_real._default = None


# ---- translating and correcting the catalogue ---------------------------------------------------


def _source_segment(text: str) -> tuple[str, list[str]]:
    return protect(html.escape(text, quote=False))


def _as_text(segment: str, placeholders: list[str]) -> str | None:
    restored = unprotect(segment, placeholders)
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


def ui_rows(language: str) -> list[dict]:
    """Every catalogue text with its stored translation in `language` (None where missing).

    `shown` is that translation as the editor sees and sends it back: text, placeholders as written.
    """
    from translation.models import SegmentTranslation
    from translation.segments import segment_hash

    rows = []
    for message in catalogue_messages():
        for text in message.texts:
            source, placeholders = _source_segment(text)
            rows.append({"text": text, "source": source, "placeholders": placeholders,
                         "hash": segment_hash(settings.LANGUAGE_CODE, source)})
    found = {t.source_hash: t for t in SegmentTranslation.objects.filter(
        language=language, source_hash__in=[row["hash"] for row in rows])}
    for row in rows:
        row["translation"] = found.get(row["hash"])
        stored = row["translation"]
        row["shown"] = (_as_text(stored.text, row["placeholders"]) or "") if stored else ""
    return rows


def ui_translate(*, language: str, engine=None) -> int:
    """Machine-translate the catalogue texts missing in `language`, then compile. Returns the count."""
    from translation.engines import EngineUnavailable, get_engine
    from translation.services import store_machine_translations

    engine = engine or get_engine()
    if engine is None:
        raise EngineUnavailable("No machine-translation engine is configured (CROSSPOST_MT_BACKEND)")
    todo = {row["hash"]: row["source"] for row in ui_rows(language) if row["translation"] is None}
    count = store_machine_translations(todo, source_language=settings.LANGUAGE_CODE, language=language, engine=engine)
    ui_compile(language=language)
    return count


def ui_compile(*, language: str) -> Path:
    """Write the stored translations of the catalogue as var/locale/<language>/LC_MESSAGES/django.mo."""
    from django.utils.translation import to_locale

    by_text = {}
    for row in ui_rows(language):
        if row["translation"] is not None:
            translated = _as_text(row["translation"].text, row["placeholders"])
            translated = translated and only_source_markup(translated, row["text"])
            if translated:
                by_text[row["text"]] = translated
    entries = {}
    for message in catalogue_messages():
        if message.msgid not in by_text:
            continue
        if message.msgid_plural:
            plural = by_text.get(message.msgid_plural, by_text[message.msgid])
            entries[message.key] = "\x00".join([by_text[message.msgid], plural])
        else:
            entries[message.key] = by_text[message.msgid]
    path = _locale_dir() / to_locale(language) / "LC_MESSAGES" / "django.mo"
    write_mo(path, entries)
    reset_catalogues()
    return path


def ui_correct(*, language: str, text: str, translation: str, user=None) -> None:
    """An editor's wording for one interface text; reviewed, kept, and compiled at once."""
    ui_correct_many(language=language, translations={text: translation}, user=user)


@transaction.atomic
def ui_correct_many(*, language: str, translations: dict[str, str], user=None) -> None:
    """Store reviewed wordings for interface texts (English → translation), then compile once."""
    from translation.models import Segment, SegmentTranslation
    from translation.segments import segment_hash

    for text, translation in translations.items():
        source, placeholders = _source_segment(text)
        protected, found = protect(html.escape(translation, quote=False))
        if sorted(found) != sorted(placeholders):
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
    transaction.on_commit(lambda: ui_compile(language=language))
