from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def audience_beacon(context) -> str:
    """The view beacon: a first-party script, and an image for readers without JavaScript."""
    if not settings.AUDIENCE_ENABLED:
        return ""
    from newsroom.models import ArticlePage

    page = context.get("page")
    # Only article pages count per article; every other page counts towards the site's total.
    article_id = page.pk if isinstance(page, ArticlePage) else ""
    endpoint = reverse("audience:beacon")
    language = context.get("LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return format_html(
        '<script src="{}" defer data-endpoint="{}" data-article="{}"></script>'
        '<noscript><img src="{}.gif?a={}&amp;l={}" alt="" width="1" height="1" class="beacon"></noscript>',
        static("audience/beacon.js"), endpoint, article_id, endpoint, article_id, language,
    )


@register.filter
def field(row: dict, name: str):
    """row[name] in a template, for tables whose label column differs."""
    return row.get(name, "")
