"""`{% rendercache "name" %}…{% endrendercache %}`: a piece of a page rendered once per page version.

The header with its 51-language switcher, the hreflang links, the footer and an article's sharing
and comments section are the same for every reader of one URL in one language until something
purges that URL from the page cache (a publish, a translation, a moderated comment, new site
settings). So they are kept under the page cache's version of the URL (`page_version`) and the
active language: editors, readers past the page cache and the first view after a purge pay for
them once per page, not per request. A purge retires them with the page, and none can be served
for another URL or language.

Only Wagtail pages served to a GET are cached (other views may render forms with errors or a
query into the same templates); the pieces hold nothing per reader (no CSRF token, no user).
Entries live in each process's memory: they are small, and cheaper to rebuild than to fetch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django import template
from django.conf import settings
from django.utils import translation
from wagtail.models import Page

from crosspost.pagecache import page_version

register = template.Library()

_MAX_ENTRIES = 2_000
_fragments: dict[tuple, tuple[float, Any]] = {}


def _key(context, name: str) -> tuple | None:
    if not settings.RENDERCACHE_ENABLED:
        return None
    request = context.get("request")
    if request is None or request.method not in ("GET", "HEAD") or not isinstance(context.get("page"), Page):
        return None
    tr = context.get("tr")  # a page still waiting for its translation is rendered afresh
    if tr is not None and getattr(tr, "state", "original") not in ("original", "complete"):
        return None
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name != "wagtail_serve":
        return None
    version = page_version(request.path_info, request.META.get("QUERY_STRING", ""))
    if version is None:
        return None
    return (name, translation.get_language(), request.path_info, version)


class RenderCacheNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist = nodelist
        self.name = name

    def render(self, context) -> str:
        key = _key(context, self.name)
        if key is None:
            return self.nodelist.render(context)
        now = time.monotonic()
        kept = _fragments.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
        html = self.nodelist.render(context)
        if len(_fragments) >= _MAX_ENTRIES:
            _fragments.clear()  # keys embed versions: nothing here is ever stale, only unreachable
        # No longer than the page cache keeps the whole page (PAGECACHE_TTL).
        _fragments[key] = (now + settings.PAGECACHE_TTL, html)
        return html


def rendercache_value(context, name: str, compute: Callable[[], Any]) -> Any:
    """`compute()`, kept like a rendered piece (per page version and language) where one would be.

    For what a template tag works out before rendering (which languages a page exists in): the
    value is shared by the requests that get it, so it must not be changed by them.
    """
    key = _key(context, name)
    if key is None:
        return compute()
    now = time.monotonic()
    kept = _fragments.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    value = compute()
    if len(_fragments) >= _MAX_ENTRIES:
        _fragments.clear()
    _fragments[key] = (now + settings.PAGECACHE_TTL, value)
    return value


@register.tag
def rendercache(parser, token) -> RenderCacheNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Usage: {% rendercache "name" %}…{% endrendercache %}')
    nodelist = parser.parse(("endrendercache",))
    parser.delete_first_token()
    return RenderCacheNode(nodelist, bits[1][1:-1])


def rendercache_clear() -> None:
    """Forget every cached piece in this process (tests, benchmarks measuring cold renders)."""
    _fragments.clear()
