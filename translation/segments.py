"""Split a page's translatable text into segments and put translated segments back.

A segment is the inner HTML of one block-level element (paragraph, heading, list item, quote,
caption) with its inline markup, or a plain field such as the title. Segments are hashed with
their language so identical text is looked up, stored and translated once.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable, Iterator

import nh3
from lxml import etree
from lxml import html as lxml_html

# Elements whose inner HTML is one segment.
_LEAVES = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "figcaption", "td", "th", "dt", "dd", "caption", "footer"}
# Elements that only hold other blocks; we look inside them.
_CONTAINERS = {"ul", "ol", "dl", "div", "section", "figure", "table", "thead", "tbody", "tr", "blockquote", "aside"}
_BLOCK_CHILDREN = _LEAVES | _CONTAINERS

_INLINE_TAGS = {"a", "abbr", "b", "br", "cite", "code", "em", "i", "mark", "q", "s", "small", "span", "strong",
                "sub", "sup", "u"}
# span[data-p] carries interface placeholders through the engine (translation/ui.py).
_INLINE_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "span": {"data-p"}}


def clean_segment(text: str) -> str:
    """Engine output and editors' corrections are shown as HTML: keep inline markup only."""
    return nh3.clean(text, tags=_INLINE_TAGS, attributes=_INLINE_ATTRIBUTES, link_rel=None,
                     url_schemes={"http", "https", "mailto"}).strip()


def segment_hash(language: str, text: str) -> str:
    normalised = " ".join(text.split())
    return hashlib.sha256(f"{language}\n{normalised}".encode()).hexdigest()


def is_translatable(text: str) -> bool:
    plain = lxml_html.fromstring(f"<div>{text}</div>").text_content() if "<" in text else text
    return any(ch.isalpha() for ch in plain)


def inner_html(element) -> str:
    parts = [html.escape(element.text, quote=False) if element.text else ""]
    parts += [etree.tostring(child, encoding="unicode", method="html") for child in element]
    return "".join(parts).strip()


def set_inner_html(element, fragment: str) -> None:
    for child in list(element):
        element.remove(child)
    wrapper = lxml_html.fragment_fromstring(fragment or "", create_parent="div")
    element.text = wrapper.text
    for child in list(wrapper):
        element.append(child)


def _has_blocks(element) -> bool:
    return any(isinstance(c.tag, str) and c.tag.lower() in _BLOCK_CHILDREN for c in element)


def _leaf_blocks(element) -> Iterator:
    """Block elements holding only inline content, in document order."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        if _has_blocks(child):
            yield from _leaf_blocks(child)
        elif tag in _LEAVES or tag in ("blockquote", "div", "aside"):
            yield child


def html_segments(fragment: str) -> list[str]:
    """The segments of an HTML fragment, in document order."""
    if not fragment.strip():
        return []
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    return [text for text in (inner_html(el) for el in _leaf_blocks(root)) if is_translatable(text)]


def html_replace_segments(
    fragment: str, translate: Callable[[str], str | None], *, untranslated: dict[str, str] | None = None
) -> str:
    """The fragment with each segment replaced by `translate(segment)` where that is not None.

    `untranslated` are attributes (lang, dir) set on the elements left in the original, so an
    English paragraph on an Arabic page still reads left to right.
    """
    if not fragment.strip():
        return fragment
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for element in _leaf_blocks(root):
        source = inner_html(element)
        if not is_translatable(source):
            continue
        translated = translate(source)
        if translated is not None:
            set_inner_html(element, translated)
        elif untranslated:
            for name, value in untranslated.items():
                element.set(name, value)
    return inner_html(root)


def text_segment(value: str) -> str:
    """A plain-text field (title, dek) as a segment: HTML-escaped so every segment is HTML."""
    return html.escape(value.strip(), quote=False)


def segment_to_text(segment: str) -> str:
    """Back from an HTML segment to plain text for a plain field."""
    return html.unescape(lxml_html.fromstring(f"<div>{segment}</div>").text_content()) if segment else ""
