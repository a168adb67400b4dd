"""Clean HTML from outside before we store it: an allow-list, nothing else survives.

The list is what an article body in Wagtail's rich-text editor can hold (see
newsroom.blocks.RICH_TEXT_FEATURES). Images and figures are left out on purpose: a raw <img> in
rich text points at someone else's server, and the editor would drop it on the next save; the
lead image becomes the article's hero image instead.
"""

from __future__ import annotations

import html as htmllib

import nh3

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a", "strong", "em", "b", "i", "br", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str) -> str:
    """`html` with only allowed tags, attributes and link schemes; links get rel=noopener nofollow."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "noscript", "template", "iframe", "object", "svg", "math"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
        strip_comments=True,
    ).strip()


def clean_text(text: str) -> str:
    """Plain text with every tag removed (for titles, summaries and names)."""
    cleaned = nh3.clean(text, tags=set(), clean_content_tags={"script", "style"})
    return " ".join(htmllib.unescape(cleaned).split())
