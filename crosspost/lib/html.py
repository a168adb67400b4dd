"""HTML helpers that work on fragments: no models, no requests."""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

# Elements that count as "a paragraph" when cutting an excerpt; headings and figures ride along
# without using up the allowance.
_COUNTED = {"p", "blockquote", "ul", "ol", "pre", "table"}


def fragment_elements(html: str) -> list:
    """Top-level elements of an HTML fragment; loose text becomes a <p>."""
    if not html.strip():
        return []
    wrapper = lxml_html.fragment_fromstring(html, create_parent="div")
    elements = []
    if wrapper.text and wrapper.text.strip():
        p = lxml_html.Element("p")
        p.text = wrapper.text
        elements.append(p)
    for child in wrapper:
        if not isinstance(child.tag, str):  # comments and processing instructions
            continue
        elements.append(child)
        if child.tail and child.tail.strip():
            p = lxml_html.Element("p")
            p.text = child.tail
            elements.append(p)
        child.tail = None
    return elements


def to_html(element) -> str:
    return etree.tostring(element, encoding="unicode", method="html")


def truncate_paragraphs(html: str, limit: int) -> str:
    """Keep the fragment's leading elements up to and including the `limit`-th paragraph."""
    kept: list[str] = []
    counted = 0
    for element in fragment_elements(html):
        if counted >= limit:
            break
        kept.append(to_html(element))
        if element.tag in _COUNTED:
            counted += 1
    return "".join(kept)
