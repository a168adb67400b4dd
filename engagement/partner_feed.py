"""The republishing feed: our own articles that others may take, in full, ready to publish.

`/feed/republish/` is public; `/feed/republish/<token>/` is one partner's copy, whose pixels name
the partner so its views show under its name. Revoking the partner (untick *active*) makes its
URL answer 404 at once. Each item carries the same HTML as the "Republish this article" box —
clean body, credit line, licence and pixel — in `content:encoded`, and the licence in `dc:rights`.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import feedgenerator
from django.views.decorators.http import require_GET

from engagement.models import Partner
from engagement.republish import LICENCE_TEXT, REPUBLISHABLE, offers_republishing, republish_html
from newsroom.licences import Licence
from newsroom.models import ArticlePage

FEED_LENGTH = 30


class RepublishFeed(feedgenerator.Rss201rev2Feed):
    def rss_attributes(self) -> dict:
        return {**super().rss_attributes(), "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
                "xmlns:dc": "http://purl.org/dc/elements/1.1/"}

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])
        handler.addQuickElement("dc:rights", item["rights"])


def republishable_articles(limit: int = FEED_LENGTH) -> list:
    """Our newest live articles whose licence lets others republish them."""
    allowed = [str(licence) for licence in REPUBLISHABLE]
    rows = (ArticlePage.objects.live().filter(publication__isnull=True, republish_allowed=True)
            .filter(licence__in=[*allowed, ""]).order_by("-first_published_at")
            .prefetch_related("article_authors__author")[:limit])
    return [article for article in rows if offers_republishing(article)]


def licence_name(licence: str) -> str:
    label, url = LICENCE_TEXT.get(Licence(licence), (Licence(licence).label, ""))
    return f"{label} {url}".strip()


@require_GET
def republish_feed(request: HttpRequest, token: str = "") -> HttpResponse:
    """Our republishable articles in full; a partner's token names the partner in the pixels."""
    partner = None
    if token:
        partner = Partner.objects.filter(token=token[:64], active=True).first()
        if partner is None:
            raise Http404("This feed address is not (or no longer) valid.")
    return _feed_response(request, partner=partner)


def _feed_response(request: HttpRequest, *, partner: Partner | None) -> HttpResponse:
    title = f"{settings.SITE_NAME}: articles to republish" + (f" (for {partner.name})" if partner else "")
    feed = RepublishFeed(
        title=title,
        link=settings.SITE_URL + "/",
        description=f"Articles from {settings.SITE_NAME} that you may republish under the licence each names, "
                    "with the credit line and the counting image included.",
        language=settings.LANGUAGE_CODE,
        feed_url=settings.SITE_URL + request.path,
    )
    for article in republishable_articles():
        link = article.canonical_url()
        feed.add_item(
            title=article.title,
            link=link,
            unique_id=link,
            unique_id_is_permalink=True,
            description=article.plain_summary(),
            author_name=article.author_names() or None,
            pubdate=article.display_date,
            updateddate=article.last_published_at or article.display_date,
            content=republish_html(article, partner_id=partner.pk if partner else None),
            rights=f"{licence_name(article.effective_licence)}. Credit: {settings.SITE_NAME}, {link}",
        )
    response = HttpResponse(content_type="application/rss+xml; charset=utf-8")
    feed.write(response, "utf-8")
    # Not kept in the page cache: a partner's URL must stop working the moment it is revoked,
    # and the public feed changes with every publish.
    response["Cache-Control"] = "no-cache"
    return response
