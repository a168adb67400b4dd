"""HTML fragments cut into the sentences a translation model reads, and put back together.

An engine that translates plain sentences (Argos) must not see markup: the fragment becomes a
template of literal pieces (tags, spaces, text that stays as it is) and numbered sentences, and
the translated sentences are escaped into the template again, so markup comes back intact.
"""

from __future__ import annotations

import html
import re

# A tag or comment, with quoted attribute values that may hold ">".
_TAG = re.compile(r"""<!--.*?-->|<[a-zA-Z/!?](?:[^>"']|"[^"]*"|'[^']*')*>""", re.S)
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
_NO_TRANSLATE = re.compile(r"""\stranslate\s*=\s*["']?no\b""", re.I)
_UNTRANSLATED_ELEMENTS = {"code", "kbd", "samp", "var", "pre", "script", "style"}
_VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}
# End of a sentence: ".", "!", "?" or "…" then spaces and no lower-case letter ("e.g. this" stays
# whole), or a CJK full stop with or without spaces.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s++(?![a-z])|(?<=[。！？])\s*")


def _split_markup(fragment: str) -> list[tuple[str, bool]]:
    """The fragment as (piece, is translatable text) pairs; joined, the pieces give it back."""
    pieces: list[tuple[str, bool]] = []
    open_elements: list[tuple[str, bool]] = []  # (name, its text stays untranslated)
    position = 0
    for match in _TAG.finditer(fragment):
        if match.start() > position:
            kept = bool(open_elements) and open_elements[-1][1]
            pieces.append((fragment[position:match.start()], not kept))
        tag = match.group()
        pieces.append((tag, False))
        position = match.end()
        name_match = _TAG_NAME.match(tag)
        if name_match is None:
            continue
        closing, name = name_match.group(1), name_match.group(2).lower()
        if closing:
            for index in range(len(open_elements) - 1, -1, -1):
                if open_elements[index][0] == name:
                    del open_elements[index:]
                    break
        elif name not in _VOID_ELEMENTS and not tag.endswith("/>"):
            kept = (bool(open_elements) and open_elements[-1][1]) or name in _UNTRANSLATED_ELEMENTS
            open_elements.append((name, kept or bool(_NO_TRANSLATE.search(tag))))
    if position < len(fragment):
        kept = bool(open_elements) and open_elements[-1][1]
        pieces.append((fragment[position:], not kept))
    return pieces


def template(fragment: str, sentences: dict[str, int]) -> list[str | int]:
    """The fragment as literal strings and indexes of sentences to translate (added to `sentences`)."""
    template: list[str | int] = []
    for piece, translatable in _split_markup(fragment):
        text = html.unescape(piece) if translatable else ""
        if not any(ch.isalpha() for ch in text):
            template.append(piece)
            continue
        core = piece.strip()
        start = piece.index(core)
        template.append(piece[:start])
        position = 0
        text = html.unescape(core)
        for match in _SENTENCE_BREAK.finditer(text):
            if match.end() < len(text):
                _add_sentence(text[position:match.start()], template, sentences)
                template.append(match.group())
                position = match.end()
        _add_sentence(text[position:], template, sentences)
        template.append(piece[start + len(core):])
    return template


def _add_sentence(sentence: str, template: list[str | int], sentences: dict[str, int]) -> None:
    if any(ch.isalpha() for ch in sentence):
        template.append(sentences.setdefault(sentence, len(sentences)))
    else:
        template.append(html.escape(sentence, quote=False))


def render(template: list[str | int], translated: list[str]) -> str:
    return "".join(
        part if isinstance(part, str) else html.escape(translated[part], quote=False) for part in template
    )
