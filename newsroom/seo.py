"""What an article tells machines about itself: structured data, canonical link, robots rules.

A repost says what it is a copy of (`isBasedOn` with the original's date, authors and
publisher) and follows its search-engine policy: a canonical link to the original, a
Googlebot-News noindex, or our own URL. Our own articles are always self-canonical. The same
original-source object feeds the JSON-LD, the API and the feeds, so they cannot disagree.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q
from django.utils.html import strip_tags
from wagtail.rich_text import expand_db_html

from newsroom.licences import LICENCES_ASKING_CANONICAL, RepostMode, SearchPolicy, default_search_policy

if TYPE_CHECKING:
    from django.http import HttpRequest

    from newsroom.models import ArticlePage

# The header value for news bots only: general search still indexes the page.
NEWS_NOINDEX = "googlebot-news: noindex"


def search_policy(article: ArticlePage) -> str:
    """The policy in force: the editor's choice, else what the licence and mode call for."""
    if not article.is_repost:
        return str(SearchPolicy.SELF)
    return article.search_policy or default_search_policy(article.effective_licence, article.repost_mode)


def canonical_to_original_q() -> Q:
    """The articles search_policy() points at their original, as a filter the database answers:
    the sitemap leaves them out without loading each one (a test holds the two to the same answer)."""
    by_licence = Q(licence__in=LICENCES_ASKING_CANONICAL) | Q(
        licence="", publication__default_licence__in=LICENCES_ASKING_CANONICAL)
    by_default = Q(search_policy="") & ~Q(repost_mode=RepostMode.EXCERPT) & by_licence
    return Q(publication__isnull=False) & (Q(search_policy=SearchPolicy.CANONICAL_ORIGINAL) | by_default)


def canonical_href(article: ArticlePage, request: HttpRequest | None = None) -> str:
    if search_policy(article) == SearchPolicy.CANONICAL_ORIGINAL:
        return article.original_url
    return article.canonical_url(request)


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def original_object(article: ArticlePage) -> dict[str, Any] | None:
    """The original a repost is based on, as a schema.org NewsArticle; None for our own work."""
    if not article.is_repost:
        return None
    data: dict[str, Any] = {
        "@type": "NewsArticle",
        "url": article.original_url,
        "headline": article.title,
        "author": [{"@type": "Person", "name": a.title} for a in article.authors],
        "publisher": publisher_object(article),
    }
    if article.original_published_at:
        data["datePublished"] = _date(article.original_published_at)
    if article.copyright_line:
        data["copyrightHolder"] = article.copyright_line
    return data


def publisher_object(article: ArticlePage) -> dict[str, Any]:
    publication = article.publication
    data = {"@type": "Organization", "name": publication.name}
    if publication.homepage:
        data["url"] = publication.homepage
    return data


def article_json_ld(article: ArticlePage, request: HttpRequest | None = None) -> dict[str, Any]:
    """schema.org NewsArticle for the article page; `datePublished` is our publication date."""
    own_url = article.canonical_url(request)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.plain_summary(),
        "url": own_url,
        "mainEntityOfPage": canonical_href(article, request),
        "datePublished": article.display_date.isoformat(),
        "dateModified": (article.last_published_at or article.display_date).isoformat(),
        "inLanguage": article.language,
        "author": [
            {"@type": "Person", "name": a.title, "url": settings.SITE_URL + (a.url or "")}
            for a in article.authors
        ],
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL + "/"},
    }
    if article.hero_image_id:
        data["image"] = settings.SITE_URL + article.hero_image.get_rendition("width-1200").url
    corrections = article.correction_list
    if corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": strip_tags(expand_db_html(c.text)).strip(),
             "datePublished": c.date.isoformat(), "name": c.get_kind_display()}
            for c in corrections
        ]
        modified = max([article.last_published_at or article.display_date, *(c.date for c in corrections)])
        data["dateModified"] = modified.isoformat()
    if article.is_repost:
        data["isBasedOn"] = original_object(article)
        data["sourceOrganization"] = publisher_object(article)
    return data


def robots_for_news(article: ArticlePage) -> bool:
    """Whether news bots are asked not to index this page."""
    return search_policy(article) == SearchPolicy.NOINDEX_NEWS
