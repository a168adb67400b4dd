from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve as serve_static_file
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from crosspost.pagecache import cacheable
from membership import views as membership_views
from newsletter.sitemaps import ArchiveSitemap
from newsroom import corrections
from newsroom import views as newsroom_views
from newsroom.api import api_router
from newsroom.sitemaps import SITEMAPS, news_sitemap, sitemap_index
from search import views as search_views

SITEMAPS.setdefault("newsletter", ArchiveSitemap)  # the newsletter archive's issues

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("healthz", newsroom_views.healthz, name="healthz"),
    path("robots.txt", cacheable(newsroom_views.robots_txt), name="robots_txt"),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "crosspost/favicon.svg", permanent=True)),
    # The page cache keeps only what opts in (crosspost/pagecache.py): pages do in their model.
    path("sitemap.xml", cacheable(sitemap_index), name="sitemap_index"),
    path("sitemap-news.xml", cacheable(news_sitemap), name="sitemap_news"),
    path("sitemap-<section>.xml", cacheable(sitemap_views.sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("webhooks/stripe/", membership_views.stripe_webhook, name="stripe_webhook"),
    # Machine-facing URLs (ActivityPub, WebFinger, NodeInfo, WebSub, the view beacon) have no
    # language prefix.
    path("", include("federation.urls")),
    path("", include("audience.urls")),
    path("n/", include("newsletter.tracking_urls")),  # counted links and the open pixel in digests
]

if settings.SERVE_MEDIA:
    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve_static_file, {"document_root": settings.MEDIA_ROOT})
    )

# Every public page also exists under /<lang>/ (English has no prefix); the page renders in the
# active language.
urlpatterns += i18n_patterns(
    path("search/", search_views.search, name="search"),
    path("corrections/", cacheable(corrections.corrections_list), name="corrections"),
    path("corrections/feed/<kind>/", cacheable(corrections.corrections_feed), name="corrections_feed"),
    path("newsletter/", include("newsletter.urls")),
    path("membership/", include("membership.urls")),
    path("ingest/", include("ingest.urls")),
    path("", include("engagement.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
