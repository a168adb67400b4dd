"""/newsletter/archive/<list>/feed/: an RSS feed of a list's sent issues (web pages in the archive)."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone, translation

from newsletter import rendering, selectors
from newsletter.models import Digest, Newsletter


class ArchiveFeed(Feed):
    # One instance serves every request (and thread): the language travels on the objects.
    def get_object(self, request, slug: str) -> Newsletter:
        newsletter = selectors.archive_newsletter(slug)
        newsletter.feed_language = translation.get_language() or "en"
        return newsletter

    def title(self, obj: Newsletter) -> str:
        return obj.name

    def link(self, obj: Newsletter) -> str:
        return rendering.site_url(reverse("newsletter:archive_list", kwargs={"slug": obj.slug}))

    def description(self, obj: Newsletter) -> str:
        return obj.description or obj.name

    def items(self, obj: Newsletter) -> list[Digest]:
        digests = selectors.archive_digests(obj, language=obj.feed_language, limit=30)
        for digest in digests:
            digest.feed_language = obj.feed_language
        return digests

    def item_title(self, item: Digest) -> str:
        return f"{item.newsletter.name}, {item.date:%Y-%m-%d}"

    def item_description(self, item: Digest) -> str:
        return ", ".join(article.title for article in rendering.digest_articles(item))

    def item_link(self, item: Digest) -> str:
        return rendering.site_url(selectors.archive_digest_url(item, item.feed_language))

    def item_pubdate(self, item: Digest) -> datetime.datetime:
        return item.recipients_ready_at or timezone.make_aware(datetime.datetime.combine(item.date, datetime.time()))
