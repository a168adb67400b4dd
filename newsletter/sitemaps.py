"""The archive's pages in the sitemap: every sent issue of a public list, in each language it went out in."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap

from newsletter import selectors
from newsletter.models import Digest


class ArchiveSitemap(Sitemap):
    changefreq = "never"
    limit = 1000

    @property
    def protocol(self) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def items(self) -> list[tuple[Digest, str]]:
        return [(digest, language) for digest in selectors.archive_sent()[:5000] for language in digest.languages]

    def location(self, item: tuple[Digest, str]) -> str:
        return selectors.archive_digest_url(*item)

    def lastmod(self, item: tuple[Digest, str]):
        return item[0].recipients_ready_at

    def get_latest_lastmod(self):
        return selectors.archive_sent().values_list("recipients_ready_at", flat=True).first()

    @property
    def paginator(self):
        from django.core.paginator import Paginator

        # No issue sent yet: no part at all, since a sitemap must hold at least one URL.
        return Paginator(self.items(), self.limit, allow_empty_first_page=False)
