"""RSS 2.0 and Atom feeds for any page that lists articles (home, author, region, theme, dossier)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import feedgenerator

if TYPE_CHECKING:
    from newsroom.models import FeedMixin

FEED_LENGTH = 30


class RepostAwareRss(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with `<source url="…">Publication</source>` on reposts (RSS 2.0's item source)."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        source = item.get("source")
        if source:
            handler.addQuickElement("source", source["name"], {"url": source["homepage"] or source["url"]})


class RepostAwareAtom(feedgenerator.Atom1Feed):
    """Atom with the original's publication in `<source>` and its URL as `<link rel="via">`."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        source = item.get("source")
        if not source:
            return
        handler.addQuickElement("link", "", {"rel": "via", "href": source["url"]})
        handler.startElement("source", {})
        handler.addQuickElement("id", source["homepage"] or source["url"])
        handler.addQuickElement("title", source["name"])
        if source["homepage"]:
            handler.addQuickElement("link", "", {"rel": "alternate", "href": source["homepage"]})
        handler.endElement("source")


def hub_url() -> str:
    """The WebSub hub that pushes our feeds: ours (federation/websub.py) unless WEBSUB_HUB_URL names another."""
    return settings.WEBSUB_HUB_URL or f"{settings.SITE_URL}/websub/hub"


class _RssWithHub(RepostAwareRss):
    def add_root_elements(self, handler) -> None:
        super().add_root_elements(handler)  # writes <atom:link rel="self">
        handler.addQuickElement("atom:link", None, {"rel": "hub", "href": hub_url()})


class _AtomWithHub(RepostAwareAtom):
    def add_root_elements(self, handler) -> None:
        super().add_root_elements(handler)  # writes <link rel="self">
        handler.addQuickElement("link", "", {"rel": "hub", "href": hub_url()})


_GENERATORS: dict[str, type[feedgenerator.SyndicationFeed]] = {"rss": _RssWithHub, "atom": _AtomWithHub}


def absolute(url: str) -> str:
    return url if url.startswith("http") else settings.SITE_URL + url


def feed_response(request: HttpRequest, *, page: FeedMixin, kind: str) -> HttpResponse:
    generator_class = _GENERATORS[kind]
    urls = page.feed_urls()
    feed = generator_class(
        title=page.feed_title(),
        link=absolute(page.get_url(request)),
        description=getattr(page, "search_description", "") or page.feed_title(),
        language=request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else settings.LANGUAGE_CODE,
        feed_url=absolute(urls[kind]),
    )
    for article in page.feed_articles()[:FEED_LENGTH]:
        link = absolute(article.get_url(request))
        names = article.author_names()
        feed.add_item(
            title=article.title,
            link=link,
            unique_id=link,
            unique_id_is_permalink=True,
            description=article.plain_summary(),
            author_name=names or None,
            pubdate=article.display_date,
            updateddate=article.last_published_at or article.display_date,
            categories=[article.publication.name] if article.is_repost else None,
            source=article.source,
        )
    response = HttpResponse(content_type=f"{feed.content_type}")
    feed.write(response, "utf-8")
    response["Link"] = f'<{hub_url()}>; rel="hub", <{absolute(urls[kind])}>; rel="self"'
    return response
