import datetime
import json

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Inside <script> only these characters can end the element or start markup; escaping them as
# JSON unicode escapes keeps the data identical for parsers.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def ld_json(data: dict) -> SafeString:
    """Serialise structured data for a <script type="application/ld+json"> element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))


@register.filter
def html_datetime(value: datetime.date | None) -> str:
    """A `<time datetime>` value: seconds precision, in the site's time zone.

    Python's isoformat() writes microseconds, and HTML allows at most three fraction digits, so
    `|date:'c'` made every dated page invalid.
    """
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        moment: datetime.datetime = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.replace(microsecond=0).isoformat()
    return value.isoformat()


@register.inclusion_tag("newsroom/includes/byline.html")
def byline(article) -> dict:
    return {"authors": article.authors}


@register.inclusion_tag("newsroom/includes/pagination.html", takes_context=True)
def pagination(context, page_obj) -> dict:
    request = context["request"]
    params = request.GET.copy()

    def link(number: int) -> str:
        params["page"] = number
        return "?" + params.urlencode()

    return {
        "page_obj": page_obj,
        "previous_url": link(page_obj.previous_page_number()) if page_obj.has_previous() else None,
        "next_url": link(page_obj.next_page_number()) if page_obj.has_next() else None,
    }
