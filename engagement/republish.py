"""The ready-to-paste HTML other sites copy from the "Republish this article" box.

What goes out: title, byline, our publication date, the body cleaned down to text markup (no
scripts, forms, embeds or photos — photos are often licensed separately), a footer naming us,
the licence and the canonical URL, and a 1×1 pixel on our site that counts views of the copy.
"""

from __future__ import annotations

from urllib.parse import urljoin

import nh3
from django.conf import settings
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.html import format_html

from crosspost.lib.signing import sign, unsign
from newsroom.licences import Licence
from newsroom.models import join_names

PIXEL_SALT = "engagement.pixel"

# Licences under which we offer the box; anything else means "ask us".
REPUBLISHABLE = {Licence.COMMUNITY, Licence.CC_BY, Licence.CC_BY_ND, Licence.CC_BY_NC_ND}
LICENCE_TEXT = {
    Licence.COMMUNITY: (
        "our community licence (non-commercial sites, with source, copyright and link; "
        "commercial and print use need permission)",
        "",
    ),
    Licence.CC_BY: ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    Licence.CC_BY_ND: ("CC BY-ND 4.0", "https://creativecommons.org/licenses/by-nd/4.0/"),
    Licence.CC_BY_NC_ND: ("CC BY-NC-ND 4.0", "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
}
_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a", "strong", "em", "b", "i", "br", "hr"}


def offers_republishing(article) -> bool:
    return bool(article.can_be_republished and article.effective_licence in REPUBLISHABLE)


def pixel_token(article_id: int, partner_id: int | None = None) -> str:
    """Signed, so nobody can make up pixels for other articles or partners."""
    return sign(f"{article_id}.{partner_id}" if partner_id else str(article_id), salt=PIXEL_SALT)


def pixel_ids(token: str) -> tuple[int, int | None] | None:
    """(article id, partner id or None) from a pixel token; None when it is forged."""
    value = unsign(token, salt=PIXEL_SALT) or ""
    article, _, partner = value.partition(".")
    if not (article.isascii() and article.isdigit()) or (partner and not (partner.isascii() and partner.isdigit())):
        return None
    return int(article), int(partner) if partner else None


def pixel_url(article_id: int, partner_id: int | None = None) -> str:
    return settings.SITE_URL + reverse("engagement:pixel", args=[pixel_token(article_id, partner_id)])


def clean_body(html: str) -> str:
    """Text markup only; relative links made absolute so they work on the other site."""

    def absolute(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href":
            return urljoin(settings.SITE_URL + "/", value)
        return value

    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style", "noscript", "template", "iframe", "object", "svg", "math",
                            "form", "select", "textarea", "button", "figure"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        attribute_filter=absolute,
        link_rel="noopener",
        strip_comments=True,
    ).strip()


def licence_html(licence: str) -> str:
    label, url = LICENCE_TEXT.get(Licence(licence), (Licence(licence).label, ""))
    if url:
        return format_html('<a href="{}" rel="license">{}</a>', url, label)
    return format_html("{}", label)


def republish_html(article, *, partner_id: int | None = None) -> str:
    canonical = article.canonical_url()
    names = [author.title for author in article.authors]
    date = timezone.localtime(article.display_date)
    parts = [format_html("<h1>{}</h1>", article.title)]
    if names:
        parts.append(format_html("<p>By {}</p>", join_names(names)))
    with translation.override(article.language or settings.LANGUAGE_CODE):  # month in the text's language
        shown = dateformat.format(date, "j F Y")
    parts.append(format_html('<p><time datetime="{}">{}</time></p>', date.date().isoformat(), shown))
    parts.append(clean_body(article.body_html()))
    parts.append(format_html(
        '<p>This article first appeared on <a href="{}">{}</a> and is republished here under {}. '
        "Copyright © {} {}.</p>",
        canonical, settings.SITE_NAME, licence_html(article.effective_licence), date.year, settings.SITE_NAME,
    ))
    # The attribute asks the browser for the full page address even where the site's own
    # policy would send only its origin, so we can tell which page carries the copy.
    parts.append(format_html(
        '<img src="{}" alt="" width="1" height="1" referrerpolicy="no-referrer-when-downgrade" '
        'style="border:0;width:1px;height:1px">',
        pixel_url(article.pk, partner_id),
    ))
    return "\n".join(str(part) for part in parts) + "\n"
