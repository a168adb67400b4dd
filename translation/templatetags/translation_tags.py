from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html

from translation.selectors import Alternates, page_alternates, text_direction

register = template.Library()


@register.simple_tag(takes_context=True)
def language_alternates(context) -> Alternates:
    """The languages this page really exists in, for hreflang, the switcher and robots."""
    from crosspost.templatetags.rendercache import rendercache_value

    page = context.get("page")
    language = translation.get_language() or settings.LANGUAGE_CODE
    # Worked out once per page version and language: a stored translation purges the page.
    return rendercache_value(context, "alternates", lambda: page_alternates(getattr(page, "specific", page), language))


@register.simple_tag
def original_language_attrs(tr, slot: str) -> str:
    """` lang="en" dir="ltr"` on an element whose text `tr` still shows in the original language."""
    if tr is None or slot not in getattr(tr, "untranslated", ()):
        return ""
    return format_html(' lang="{}" dir="{}"', tr.source_language, text_direction(tr.source_language))


@register.filter
def direction(language: str) -> str:
    return text_direction(language or settings.LANGUAGE_CODE)
