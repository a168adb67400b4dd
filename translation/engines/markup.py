"""HTML fragments cut into the sentences a translation model reads, and put back together.

An engine that translates plain sentences (Argos) must not see markup: the fragment is parsed
with lxml and becomes a template of literal pieces (tags, spaces, text that stays as it is) and
numbered sentences; the translated sentences are escaped into the template again, so markup comes
back intact. Text runs are cut into sentences by pySBD, whose rules know abbreviations ("e.g.",
"Dr.") and the full stops of the languages it covers; other languages use its English rules.
"""

from __future__ import annotations

import html
import threading

import pysbd
from lxml import etree
from lxml import html as lxml_html
from pysbd.languages import LANGUAGE_CODES

_UNTRANSLATED_ELEMENTS = {"code", "kbd", "samp", "var", "pre", "script", "style"}
_VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}

Template = list[str | int]


# One segmenter per thread and language: a Segmenter keeps the text it is working on in itself.
_segmenters = threading.local()


def _segmenter(language: str) -> pysbd.Segmenter:
    base = language.lower().split("-")[0]
    base = base if base in LANGUAGE_CODES else "en"
    kept = _segmenters.__dict__.setdefault("by_language", {})
    if base not in kept:
        # clean=False: the sentences, joined, give back the text, spaces included.
        kept[base] = pysbd.Segmenter(language=base, clean=False)
    return kept[base]


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _start_tag(element) -> str:
    attributes = "".join(
        f' {name}' if value is None else f' {name}="{_attribute(value)}"' for name, value in element.attrib.items()
    )
    return f"<{element.tag}{attributes}>"


def _kept(element) -> bool:
    """Whether an element's text stays as written: code, and anything marked translate="no"."""
    return element.tag in _UNTRANSLATED_ELEMENTS or (element.get("translate") or "").strip().lower() == "no"


def _add_text(text: str | None, kept: bool, template: Template, sentences: dict[str, int], language: str) -> None:
    if not text:
        return
    if kept or not _has_letters(text):
        template.append(html.escape(text, quote=False))
        return
    core = text.strip()
    start = text.index(core)
    template.append(html.escape(text[:start], quote=False))
    for sentence in _segmenter(language).segment(core):
        stripped = sentence.rstrip()
        _add_sentence(stripped, template, sentences)
        template.append(html.escape(sentence[len(stripped):], quote=False))
    template.append(html.escape(text[start + len(core):], quote=False))


def _add_sentence(sentence: str, template: Template, sentences: dict[str, int]) -> None:
    if _has_letters(sentence):
        template.append(sentences.setdefault(sentence, len(sentences)))
    else:
        template.append(html.escape(sentence, quote=False))


def _walk(element, kept: bool, template: Template, sentences: dict[str, int], language: str) -> None:
    for child in element:
        if isinstance(child, etree._Comment):
            template.append(f"<!--{child.text or ''}-->")
        elif isinstance(child.tag, str):
            child_kept = kept or _kept(child)
            template.append(_start_tag(child))
            if child.tag not in _VOID_ELEMENTS:
                _add_text(child.text, child_kept, template, sentences, language)
                _walk(child, child_kept, template, sentences, language)
                template.append(f"</{child.tag}>")
        _add_text(child.tail, kept, template, sentences, language)


def template(fragment: str, sentences: dict[str, int], language: str = "en") -> Template:
    """The fragment as literal strings and indexes of sentences to translate (added to `sentences`)."""
    if not _has_letters(fragment):
        return [fragment]
    # lxml drops the spaces before a leading element; they are kept as they are.
    body = fragment.lstrip()
    try:
        root = lxml_html.fragment_fromstring(body, create_parent="div")
    except (etree.ParserError, ValueError):
        return [fragment]
    parts: Template = [fragment[:len(fragment) - len(body)]]
    _add_text(root.text, False, parts, sentences, language)
    _walk(root, False, parts, sentences, language)
    return parts


def render(template: Template, translated: list[str]) -> str:
    return "".join(
        part if isinstance(part, str) else html.escape(translated[part], quote=False) for part in template
    )
