"""/sitemap.xml is an index; articles are listed in pages of SITEMAP_PAGE_SIZE so it scales."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from wagtail.models import Page

from newsroom.models import ArticlePage

SITEMAP_PAGE_SIZE = 5000


class WagtailPageSitemap(Sitemap):
    limit = SITEMAP_PAGE_SIZE

    def location(self, page: Page) -> str:
        return page.get_url_parts()[2]

    def lastmod(self, page: Page):
        return page.last_published_at

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every item: the whole archive for one date.
        return self.items().order_by("-last_published_at").values_list("last_published_at", flat=True).first()


class ArticleSitemap(WagtailPageSitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet:
        return (
            ArticlePage.objects.live()
            .public()
            .only("id", "url_path", "last_published_at", "path", "depth")
            .order_by("pk")
        )


class SectionSitemap(WagtailPageSitemap):
    """Home, folders, authors and sections: everything live that is not an article."""

    changefreq = "daily"

    def items(self) -> QuerySet:
        return (
            Page.objects.live()
            .public()
            .filter(depth__gt=1)
            .not_type(ArticlePage)
            .only("id", "url_path", "last_published_at", "path", "depth")
            .order_by("pk")
        )


SITEMAPS = {"articles": ArticleSitemap, "sections": SectionSitemap}
