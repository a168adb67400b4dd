"""/sitemap.xml is an index; articles are listed in parts of SITEMAP_PAGE_SIZE so it scales.

Article parts are id ranges, so a part is one index seek whatever its number. A range may hold no
listed article (deleted, unpublished, other page types, reposts canonical to their original); the
protocol wants at least one URL in a `<urlset>`, so the index lists only the parts that hold one,
found with one query asking, per part, whether its id range holds one (an index seek each, where a
grouped count would read every article); asking for an empty part answers 404.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.http import http_date
from lxml import etree
from wagtail.models import Page, get_page_models

from newsroom.models import ArticlePage

SITEMAP_PAGE_SIZE = 1000
SITEMAP_MAX_URLS = 50_000
PARTS_PER_QUERY = 200  # keeps each query's parameters well under every backend's limit


class _IdRangePaginator(Paginator):
    """Page n holds the items whose id lies in ((n-1) * per_page, n * per_page].

    Each page is an index seek, whatever its number: with OFFSET the last page of a 100,000-article
    sitemap walked past 95,000 joined rows first. A page holds at most per_page URLs (fewer where
    ids belong to other pages or deleted ones), and the page count needs only the highest id.
    """

    def __init__(self, items: QuerySet, per_page: int, highest_id: int):
        super().__init__(items, per_page)
        self.highest_id = highest_id

    @cached_property
    def num_pages(self) -> int:
        return max(1, -(-self.highest_id // self.per_page))

    @cached_property
    def count(self) -> int:
        return self.num_pages * self.per_page  # an upper bound; nothing here needs the exact figure

    def part_items(self, number: int) -> QuerySet:
        bottom = (number - 1) * self.per_page
        return self.object_list.filter(pk__gt=bottom, pk__lte=bottom + self.per_page)

    def page(self, number):
        number = self.validate_number(number)
        return self._get_page(self.part_items(number), number, self)

    def numbers_held(self) -> list[int]:
        """The page numbers whose range holds an item: one `SELECT EXISTS(…), EXISTS(…), …` per
        PARTS_PER_QUERY pages, each EXISTS stopping at the first row of its range."""
        numbers = list(self.page_range)
        held: list[int] = []
        for start in range(0, len(numbers), PARTS_PER_QUERY):
            chunk = numbers[start:start + PARTS_PER_QUERY]
            tests, params = [], []
            for number in chunk:
                first = self.part_items(number).order_by().values("pk")[:1]
                sql, part_params = first.query.get_compiler(using=first.db).as_sql()
                tests.append(f"EXISTS ({sql})")
                params += part_params
            with connections[self.object_list.db].cursor() as cursor:
                cursor.execute("SELECT " + ", ".join(tests), params)
                found = cursor.fetchone()
            held += [number for number, exists in zip(chunk, found) if exists]
        return held


class WagtailPageSitemap(Sitemap):
    """Locations are built from SITE_URL, never from the request's Host: the page cache hands one
    copy to everybody, so a `Host: localhost:9999` must not be able to write links into it."""

    limit = SITEMAP_PAGE_SIZE

    @property
    def protocol(self) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def content_types(self) -> list[ContentType]:
        raise NotImplementedError

    def typed_pages(self) -> QuerySet:
        return Page.objects.live().public().filter(content_type__in=self.content_types())

    def location(self, page: Page) -> str:
        return page.get_url_parts()[2]

    def lastmod(self, page: Page):
        return page.last_published_at

    @property
    def per_page(self) -> int:
        # A part holds at most 50,000 URLs (the protocol's limit), in every served language.
        return max(1, min(self.limit, SITEMAP_MAX_URLS // len(settings.LANGUAGES)))

    def get_latest_lastmod(self):
        return self.typed_pages().order_by("-last_published_at").values_list("last_published_at", flat=True).first()


class _InLanguages:
    """A paginator whose pages hold (page, language) pairs: the unprefixed URL, and `/<lang>/…`
    for every language the page really exists in (the same answer as its hreflang alternates and
    its robots meta), in the order of LANGUAGES."""

    model: type | None = None  # pages of one model; None: each page's own, by its content type

    def page(self, number):
        part = super().page(number)  # type: ignore[misc]
        part.object_list = sitemap_entries(list(part.object_list), self.model)
        if not part.object_list:
            raise EmptyPage("Nothing listed in this part")  # the sitemap view answers 404
        return part


class _ArticleParts(_InLanguages, _IdRangePaginator):
    model = ArticlePage


class _SectionParts(_InLanguages, Paginator):
    pass


def sitemap_entries(pages: list[Page], model: type | None = None) -> list[tuple[Page, str]]:
    from translation.selectors import pages_languages

    by_model: dict[type, list[Page]] = defaultdict(list)
    for page in pages:
        by_model[model or ContentType.objects.get_for_id(page.content_type_id).model_class()].append(page)
    languages: dict[int, set[str]] = {}
    for page_model, group in by_model.items():
        languages.update(pages_languages(group, page_model))
    served = [code for code, _ in settings.LANGUAGES]
    return [(page, code) for page in pages for code in served if code in languages[page.pk]]


class ArticleSitemap(WagtailPageSitemap):
    """Articles in every language they exist in; no xhtml:link alternates, since each page's
    hreflang links say the same and, for 50 languages, would make a part 50 times larger."""

    changefreq = "weekly"
    i18n = True  # items are (article, language) pairs, made by the paginator

    def content_types(self) -> list[ContentType]:
        return [ContentType.objects.get_for_model(ArticlePage)]

    def items(self) -> QuerySet:
        """Read through the article table so only articles come back. A repost canonical to its
        original is left out: a sitemap lists only canonical URLs."""
        from newsroom.seo import canonical_to_original_q

        return (
            ArticlePage.objects.live()
            .public()
            .exclude(canonical_to_original_q())
            .select_related("publication")
            .only("id", "url_path", "last_published_at", "path", "depth", "title", "language", "licence",
                  "publication_id", "repost_mode", "search_policy", "publication__default_licence")
            .order_by("pk")
        )

    @property
    def paginator(self) -> Paginator:
        highest = ArticlePage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        return _ArticleParts(self.items(), self.per_page, highest)

    def parts(self) -> list[tuple[int, datetime.datetime | None]]:
        """The parts holding a listed article, each dated by the newest article."""
        held = self.paginator.numbers_held()
        lastmod = self.get_latest_lastmod() if held else None
        return [(number, lastmod) for number in held]


class SectionSitemap(WagtailPageSitemap):
    """Home, folders, authors and sections: everything live that is not an article, each in every
    language it is indexable in (a section once its title and description are translated, a page
    without text of its own wherever the interface is)."""

    changefreq = "daily"
    i18n = True  # items are (page, language) pairs, made by the paginator

    def content_types(self) -> list[ContentType]:
        # Named types rather than "not an article", which an index cannot answer.
        return [ContentType.objects.get_for_model(model) for model in get_page_models()
                if model is not Page and not issubclass(model, ArticlePage)]

    def items(self) -> QuerySet:
        return (self.typed_pages().only("id", "url_path", "last_published_at", "path", "depth", "title",
                                        "content_type_id").order_by("pk"))

    @property
    def paginator(self) -> Paginator:
        return _SectionParts(self.items(), self.per_page, allow_empty_first_page=False)


SITEMAPS = {"articles": ArticleSitemap, "sections": SectionSitemap}


def sitemap_parts(sitemap: Sitemap) -> list[tuple[int, datetime.datetime | None]]:
    """The parts of a sitemap that hold at least one URL, each with its lastmod. A sitemap that can
    say which parts those are (ArticleSitemap) does; any other is dense, each part full but the
    last, and a paginator that allows no empty first page has no parts when it has no items."""
    if isinstance(sitemap, ArticleSitemap):
        return sitemap.parts()
    paginator = sitemap.paginator
    if not paginator.count:
        return []
    lastmod = sitemap.get_latest_lastmod()
    return [(number, lastmod) for number in paginator.page_range]


@x_robots_tag
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """Django's sitemap index, with the sitemaps' URLs under SITE_URL (see WagtailPageSitemap)."""
    items, newest = [], []
    for section, sitemap_class in SITEMAPS.items():
        url = settings.SITE_URL + reverse("sitemap", kwargs={"section": section})
        for number, lastmod in sitemap_parts(sitemap_class()):
            newest.append(lastmod)
            items.append(SitemapIndexItem(url if number == 1 else f"{url}?p={number}", lastmod))
    items.append(SitemapIndexItem(settings.SITE_URL + reverse("sitemap_news"), None))
    response = TemplateResponse(request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml")
    dated = [lastmod for lastmod in newest if lastmod is not None]
    if newest and len(dated) == len(newest):  # every part dated, else the index has no date either
        response.headers["Last-Modified"] = http_date(max(dated).timestamp())
    return response


# --- Google News sitemap ----------------------------------------------------------------------

NEWS_WINDOW = datetime.timedelta(hours=48)
NEWS_LIMIT = 1000
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def news_language(code: str) -> str:
    """Google News wants ISO 639 codes, and zh-cn / zh-tw for Chinese scripts."""
    return {"zh-hans": "zh-cn", "zh-hant": "zh-tw"}.get(code, code.split("-")[0])


def news_entries(now: datetime.datetime | None = None) -> list[dict]:
    """Our own articles (never reposts) of the last 48 hours, newest first, each in every language
    it really exists in; at most NEWS_LIMIT entries."""
    from translation.selectors import page_translated_languages, page_translation

    since = (now or timezone.now()) - NEWS_WINDOW
    articles = (ArticlePage.objects.live().public().filter(publication__isnull=True, first_published_at__gte=since)
                .order_by("-first_published_at", "-pk")[:NEWS_LIMIT])
    entries: list[dict] = []
    for article in articles:
        own = article.language or settings.LANGUAGE_CODE
        entries.append({"loc": settings.SITE_URL + article.get_url_parts()[2], "language": news_language(own),
                        "title": article.title, "date": article.first_published_at})
        for language in sorted(page_translated_languages(article) - {own}):
            with translation.override(language):
                path = article.get_url_parts()[2]
            title = page_translation(article, language).title
            entries.append({"loc": settings.SITE_URL + path, "language": news_language(language), "title": title,
                            "date": article.first_published_at})
        if len(entries) >= NEWS_LIMIT:
            break
    return entries[:NEWS_LIMIT]


@x_robots_tag
def news_sitemap(request: HttpRequest) -> HttpResponse:
    urlset = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "news": NEWS_NS})
    for entry in news_entries():
        url = etree.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = entry["loc"]
        news = etree.SubElement(url, f"{{{NEWS_NS}}}news")
        publication = etree.SubElement(news, f"{{{NEWS_NS}}}publication")
        etree.SubElement(publication, f"{{{NEWS_NS}}}name").text = settings.SITE_NAME
        etree.SubElement(publication, f"{{{NEWS_NS}}}language").text = entry["language"]
        etree.SubElement(news, f"{{{NEWS_NS}}}publication_date").text = entry["date"].isoformat(timespec="seconds")
        etree.SubElement(news, f"{{{NEWS_NS}}}title").text = entry["title"]
    body = etree.tostring(urlset, xml_declaration=True, encoding="UTF-8")
    return HttpResponse(body, content_type="application/xml")
