from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from engagement.comments import CommentForm, comments_for_article
from engagement.republish import LICENCE_TEXT, offers_republishing, republish_html
from engagement.sharing import ShareEmailForm, share_links

register = template.Library()

# Applied to already-escaped text, where < > " ' are entities by now: a link ends at one of them.
_LINK = re.compile(r"\b(?:https?://|www\.)(?:(?!&quot;|&#x27;|&lt;|&gt;)[^\s<>\"'])+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"


def _link(match: re.Match) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in _TRAILING:
        url, tail = url[:-1], url[-1] + tail
    href = url if url.lower().startswith("http") else "https://" + url
    return f'<a href="{href}" rel="nofollow ugc noopener">{url}</a>{tail}'


@register.filter
def comment_html(text: str) -> SafeString:
    """A comment as HTML: escaped, links made clickable (nofollow ugc), paragraphs from blank lines."""
    paragraphs = [p for p in re.split(r"\n\s*\n", str(text).replace("\r\n", "\n")) if p.strip()]
    html = "".join(
        "<p>" + _LINK.sub(_link, escape(p.strip())).replace("\n", "<br>") + "</p>" for p in paragraphs
    )
    return mark_safe(html)  # noqa: S308 - built from escaped text above


@register.inclusion_tag("engagement/_engagement.html")
def article_engagement(page) -> dict:
    offered = offers_republishing(page)
    return {
        "article": page,
        "share_links": share_links(page),
        "canonical": page.canonical_url(),
        "offers_republishing": offered,
        "republish_html": republish_html(page) if offered else "",
        "licence_label": LICENCE_TEXT.get(page.effective_licence, ("", ""))[0],
        "licence_url": LICENCE_TEXT.get(page.effective_licence, ("", ""))[1],
        "comments": comments_for_article(page),
        "comment_form": CommentForm(auto_id="comment-%s"),
        "share_form": ShareEmailForm(auto_id="share-%s"),
    }
