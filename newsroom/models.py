"""The pages readers read: home, articles, authors, and the Region / Theme / Dossier sections.

Everything lives in one page tree in the source language (see DESIGN.md): translations are data,
not copies of pages. Reposts are ordinary articles with an original source attached.
"""

from __future__ import annotations

import datetime
import functools
import time
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.html import strip_tags
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.rich_text import expand_db_html
from wagtail.search import index
from wagtail.snippets.models import register_snippet
from wagtail.url_routing import RouteResult

from crosspost.lib.html import truncate_paragraphs
from crosspost.pagecache import mark_cacheable
from newsroom import seo
from newsroom.blocks import RICH_TEXT_FEATURES, BodyBlock
from newsroom.feeds import feed_response
from newsroom.licences import Licence, RepostMode, SearchPolicy, default_repost_mode
from newsroom.listings import NewestArticles, articles_linked_to, paginate, translated
from translation.jobs import page_translation_for_reader

MAX_DOSSIERS = 3


def reader_translation(page: Page) -> Any:
    return page_translation_for_reader(page, translation.get_language() or settings.LANGUAGE_CODE)


def once(compute: Any) -> Any:
    """A callable computing its value on the first call only: templates call what they resolve."""
    return functools.cache(compute)


def uncached_while_translating(response: HttpResponse) -> HttpResponse:
    """A page still waiting for its translation must not be kept by the page cache."""
    context = getattr(response, "context_data", None) or {}
    tr = context.get("tr")
    if tr is not None and tr.state not in ("original", "complete"):
        add_never_cache_headers(response)
    return response


class CacheablePage:
    """Page types whose anonymous copies the page cache may keep (crosspost/pagecache.py).

    Caching is opt-in: a page type without this mixin is always rendered afresh. What a purge
    drops for a page is its `get_cached_paths()`, Wagtail's own seam.
    """

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().serve(request, *args, **kwargs)  # type: ignore[misc]
        return mark_cacheable(uncached_while_translating(response))


class FeedMixin(RoutablePageMixin):
    """Adds `feed/rss/` and `feed/atom/` under a page, listing what `feed_articles` returns."""

    def feed_articles(self) -> NewestArticles:
        raise NotImplementedError

    def feed_title(self) -> str:
        return f"{settings.SITE_NAME}: {self.title}"

    @path("feed/rss/", name="feed_rss")
    def feed_rss(self, request: HttpRequest) -> HttpResponse:
        return feed_response(request, page=self, kind="rss")

    @path("feed/atom/", name="feed_atom")
    def feed_atom(self, request: HttpRequest) -> HttpResponse:
        return feed_response(request, page=self, kind="atom")

    def get_cached_paths(self) -> list[str]:
        return ["/", "/feed/rss/", "/feed/atom/"]

    def feed_urls(self) -> dict[str, str]:
        base = self.url
        return {"rss": f"{base}feed/rss/", "atom": f"{base}feed/atom/"}


@register_snippet
class Publication(index.Indexed, models.Model):
    """An outlet whose articles we repost: its name, home page and the licence it grants us."""

    name = models.CharField(max_length=200, unique=True)
    homepage = models.URLField(blank=True)
    default_licence = models.CharField(
        max_length=32, choices=Licence.choices, default=Licence.ALL_RIGHTS_RESERVED
    )

    panels = [FieldPanel("name"), FieldPanel("homepage"), FieldPanel("default_licence")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    api_fields = [APIField("name"), APIField("homepage"), APIField("default_licence")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def default_repost_mode(self) -> str:
        return default_repost_mode(self.default_licence)


@register_setting(icon="doc-full")
class SiteSettings(BaseSiteSetting):
    """Site-wide text editors change without a deploy: disclaimer, fair use, contacts."""

    tagline = models.CharField(max_length=200, blank=True, default="Independent news and analysis")
    reader_note = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text="Shown under every article as a note to readers.",
    )
    disclaimer = RichTextField(blank=True, features=["bold", "italic", "link"])
    fair_use_notice = RichTextField(blank=True, features=["bold", "italic", "link"])
    media_inquiries_email = models.EmailField(blank=True)
    publisher_logo_url = models.URLField(blank=True)

    panels = [
        FieldPanel("tagline"),
        FieldPanel("reader_note"),
        FieldPanel("disclaimer"),
        FieldPanel("fair_use_notice"),
        FieldPanel("media_inquiries_email"),
        FieldPanel("publisher_logo_url"),
    ]


# Wagtail routes /articles/<slug>/ one level at a time, two queries a level (the child, then its
# specific row). Each process remembers where a plain page (an article, not a routable listing)
# was found, and fetches it again directly: still live and still at that path, or routed afresh.
_ROUTE_SECONDS = 60.0
_routes: dict[tuple, tuple[float, type[Page], int, str]] = {}


def _remembered_route(root: Page, path_components: list[str]) -> Page | None:
    kept = _routes.get((root.pk, tuple(path_components)))
    if kept is None or kept[0] < time.monotonic():
        return None
    _, model, pk, url_path = kept
    return model.objects.filter(pk=pk, live=True, url_path=url_path).first()


def _remember_route(root: Page, path_components: list[str], result: Any) -> None:
    page = getattr(result, "page", None)
    if page is None or result.args or result.kwargs or isinstance(page, RoutablePageMixin):
        return
    if len(_routes) > 10_000:
        _routes.clear()
    _routes[(root.pk, tuple(path_components))] = (time.monotonic() + _ROUTE_SECONDS, type(page), page.pk,
                                                   page.url_path)


class HomePage(CacheablePage, FeedMixin, Page):
    """The front page: latest articles, editors' picks and a few sections; the site-wide feeds."""

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        if path_components:
            page = _remembered_route(self, path_components)
            if page is not None:
                return RouteResult(page)
        result = super().route(request, path_components)
        if path_components:
            _remember_route(self, path_components, result)
        return result

    intro = models.TextField(blank=True)
    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["newsroom.IndexPage", "imports.SimplePage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def feed_articles(self) -> NewestArticles:
        return NewestArticles()

    def feed_title(self) -> str:
        return settings.SITE_NAME

    def get_cached_paths(self) -> list[str]:
        # The home page is at the site root, so the site-wide sitemaps are its paths too.
        return [*super().get_cached_paths(), "/sitemap.xml", "/sitemap-articles.xml", "/sitemap-sections.xml",
                "/sitemap-news.xml"]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        context = super().get_context(request, *args, **kwargs)
        # Fetched when the template first reads them: not at all when the listings' piece of the
        # page is already rendered for this version of the home page (templatetags/rendercache.py).
        context.update(
            latest=SimpleLazyObject(lambda: translated(NewestArticles()[:10])),
            picks=SimpleLazyObject(lambda: translated(NewestArticles(models.Exists(
                ArticlePage.objects.filter(pk=models.OuterRef("pk"), editors_pick=True)))[:4])),
            sections=SimpleLazyObject(self._home_sections),
        )
        return context

    def _home_sections(self) -> list:
        sections = []
        for theme in ThemePage.objects.live().public().filter(show_on_home=True).order_by("title")[:4]:
            articles = translated(theme.feed_articles()[:3])
            if articles:
                sections.append((theme, articles))
        return sections


class IndexPage(CacheablePage, Page):
    """A folder page (/articles/, /authors/, /regions/ ...) that lists its children."""

    intro = models.TextField(blank=True)
    # Which of the site's sections this folder is ("articles", "authors", ...): code finds folders by
    # this, never by slug, so an editor may rename /articles/ without breaking reposting or imports.
    section = models.CharField(max_length=20, unique=True, null=True, blank=True, editable=False)
    exclude_fields_in_copy = ["section"]
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["newsroom.HomePage"]
    subpage_types = [
        "newsroom.ArticlePage",
        "newsroom.AuthorPage",
        "newsroom.RegionPage",
        "newsroom.ThemePage",
        "newsroom.DossierPage",
    ]

    def with_content_json(self, content):
        # The section is what the folder is, not its content: no revision (older ones lack the
        # field) may take it away when it is published.
        obj = super().with_content_json(content)
        obj.section = self.section
        return obj

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        context = super().get_context(request, *args, **kwargs)
        children = self.get_children().live().public().specific()
        if ArticlePage.objects.child_of(self).exists():
            children_only = models.Exists(ArticlePage.objects.filter(pk=models.OuterRef("pk")).child_of(self))
            context["articles"] = translated(paginate(request, NewestArticles(children_only)))
        else:
            context["children"] = paginate(request, children.order_by("title"), per_page=48)
        return context


class AuthorPage(CacheablePage, FeedMixin, Page):
    """A writer's archive ("Articles by"): bio, photo and their articles, newest first."""

    bio = RichTextField(blank=True, features=["bold", "italic", "link"])
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=200, blank=True)
    website = models.URLField(blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("role"),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("website"),
    ]
    search_fields = Page.search_fields + [index.SearchField("bio")]
    api_fields = [APIField("role"), APIField("bio"), APIField("website"), APIField("photo")]
    parent_page_types = ["newsroom.IndexPage"]
    subpage_types: list[str] = []

    def feed_articles(self) -> NewestArticles:
        return articles_linked_to(ArticleAuthor.objects.filter(author=self), "page_id")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = translated(paginate(request, self.feed_articles()))
        return context


class SectionPage(CacheablePage, FeedMixin, Page):
    """What Region, Theme and Dossier pages share: a description and a paginated article list."""

    description = RichTextField(blank=True, features=["bold", "italic", "link"])
    content_panels = Page.content_panels + [FieldPanel("description")]
    search_fields = Page.search_fields + [index.SearchField("description")]
    api_fields = [APIField("description")]
    parent_page_types = ["newsroom.IndexPage"]
    subpage_types: list[str] = []
    template = "newsroom/section_page.html"
    # The ArticlePage field that points at this kind of section.
    article_field = ""
    kind_label = ""

    class Meta:
        abstract = True

    def feed_articles(self) -> NewestArticles:
        through = getattr(ArticlePage, self.article_field).through
        column = f"{self._meta.model_name}_id"
        return articles_linked_to(through.objects.filter(**{column: self.pk}), "articlepage_id")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = translated(paginate(request, self.feed_articles()))
        context["tr"] = reader_translation(self)
        return context


class RegionPage(SectionPage):
    """A part of the world (Europe, Russia and FSU, USA ...)."""

    article_field = "regions"
    kind_label = "Region"
    template = "newsroom/section_page.html"


class ThemePage(SectionPage):
    """A subject (Intelligence, Economy ...); themes marked for it get a block on the home page."""

    show_on_home = models.BooleanField(default=False)
    content_panels = SectionPage.content_panels + [FieldPanel("show_on_home")]
    article_field = "themes"
    kind_label = "Theme"
    template = "newsroom/section_page.html"


class DossierPage(SectionPage):
    """An In-depth Report: a running file of articles on one story."""

    article_field = "dossiers"
    kind_label = "In-depth Report"
    template = "newsroom/section_page.html"


class ArticleAuthor(Orderable):
    """One name in an article's byline, in byline order."""

    page = ParentalKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(AuthorPage, on_delete=models.CASCADE, related_name="author_articles")

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["page", "author"], name="unique_article_author")]


class ArticleCorrection(Orderable):
    """A dated note on a published article: a correction, clarification, update or retraction.

    Part of the page (kept with its revisions); shown on the article in every language, on
    /corrections/ and in the JSON-LD. `uid` stays the same across revisions, so publishing again
    never announces the same note twice.
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"
        RETRACTION = "retraction", "Retraction"

    page = ParentalKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="corrections")
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    date = models.DateTimeField(default=timezone.now, db_index=True)
    text = RichTextField(features=["bold", "italic", "link"])

    panels = [FieldRowPanel([FieldPanel("kind"), FieldPanel("date")]), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = "correction or update"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.date:%Y-%m-%d})"


class AnnouncedCorrection(models.Model):
    """A correction that has gone live once; the first time it does, `article_corrected` runs."""

    uid = models.UUIDField(unique=True)
    article = models.ForeignKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="+")
    announced_at = models.DateTimeField(default=timezone.now)


class ArticlePageForm(WagtailAdminPageForm):
    def clean(self) -> dict:
        cleaned = super().clean()
        dossiers = cleaned.get("dossiers")
        if dossiers is not None and len(dossiers) > MAX_DOSSIERS:
            self.add_error("dossiers", f"An article can belong to at most {MAX_DOSSIERS} in-depth reports.")
        return cleaned


class ArticlePage(CacheablePage, Page):
    """A story: our own, or a repost of another outlet's with its original source attached.

    A repost names its publication, original URL, date and copyright holder, and shows either an
    excerpt (the first paragraphs and a link to the original) or, with permission, the full text.
    """

    dek = models.TextField("Dek (subtitle)", blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_caption = models.CharField(max_length=500, blank=True)
    body = StreamField(BodyBlock(), blank=True)
    note_to_readers = RichTextField(blank=True, features=RICH_TEXT_FEATURES)
    language = models.CharField(max_length=12, default="en", help_text="Language the article is written in.")
    editors_pick = models.BooleanField("Editors' pick", default=False, db_index=True)

    regions = ParentalManyToManyField(RegionPage, blank=True, related_name="articles")
    themes = ParentalManyToManyField(ThemePage, blank=True, related_name="articles")
    dossiers = ParentalManyToManyField(
        DossierPage, blank=True, related_name="articles", verbose_name="In-depth reports"
    )

    publication = models.ForeignKey(
        Publication,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text="Set for a repost: the outlet that first published the article.",
    )
    original_url = models.URLField("Original URL", max_length=1000, blank=True, db_index=True)
    original_published_at = models.DateField("Original publication date", null=True, blank=True)
    copyright_holder = models.CharField(
        max_length=300, blank=True, help_text="Leave blank to credit the authors and the publication."
    )
    repost_mode = models.CharField(max_length=10, choices=RepostMode.choices, default=RepostMode.EXCERPT)
    excerpt_paragraphs = models.PositiveSmallIntegerField(default=4)
    search_policy = models.CharField(
        "Search engines", max_length=20, choices=SearchPolicy.choices, blank=True,
        help_text="Blank: from the licence — an excerpt is indexed as ours, a full copy is kept out of news "
                  "results unless its licence asks for a canonical link to the original.",
    )

    licence = models.CharField(
        max_length=32, choices=Licence.choices, blank=True,
        help_text="Blank: our own articles use the community licence; reposts use their publication's.",
    )
    republish_allowed = models.BooleanField(
        "Offer republishing", default=True,
        help_text="Show the 'Republish this article' box. Never shown for reposts of other outlets' work.",
    )
    comments_open = models.BooleanField(default=True)

    content_panels = Page.content_panels + [
        FieldPanel("dek"),
        InlinePanel("article_authors", label="Authors", min_num=0),
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("hero_caption")], heading="Hero image"),
        FieldPanel("body"),
        FieldPanel("note_to_readers"),
    ]
    repost_panels = [
        MultiFieldPanel(
            [
                FieldPanel("publication"),
                FieldPanel("original_url"),
                FieldRowPanel([FieldPanel("original_published_at"), FieldPanel("copyright_holder")]),
                FieldRowPanel([FieldPanel("repost_mode"), FieldPanel("excerpt_paragraphs")]),
                FieldPanel("search_policy"),
            ],
            heading="Original source",
        )
    ]
    taxonomy_panels = [
        FieldPanel("regions", widget=forms.CheckboxSelectMultiple),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("dossiers", widget=forms.CheckboxSelectMultiple),
        FieldPanel("editors_pick"),
        FieldPanel("language"),
    ]
    engagement_panels = [FieldPanel("licence"), FieldPanel("republish_allowed"), FieldPanel("comments_open")]
    correction_panels = [InlinePanel("corrections", label="Correction or update", heading="Corrections and updates",
                                     help_text="Dated notes readers see on the article, newest last. "
                                               "Publishing a new one tells search engines, webhooks and fediverse followers.")]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(taxonomy_panels, heading="Sections"),
            ObjectList(repost_panels, heading="Repost"),
            ObjectList(correction_panels, heading="Corrections"),
            ObjectList(engagement_panels, heading="Licence & comments"),
            ObjectList(Page.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )

    search_fields = Page.search_fields + [
        index.SearchField("dek"),
        index.SearchField("body"),
        index.SearchField("author_names"),
        index.FilterField("first_published_at"),
        index.FilterField("editors_pick"),
    ]
    api_fields = [
        APIField("dek"),
        APIField("body"),
        APIField("hero_image"),
        APIField("hero_caption"),
        APIField("byline"),
        APIField("regions"),
        APIField("themes"),
        APIField("dossiers"),
        APIField("source"),
        APIField("original_url"),
        APIField("original_published_at"),
        APIField("copyright_line"),
        APIField("repost_mode"),
        APIField("language"),
        APIField("original"),
        APIField("effective_search_policy"),
        APIField("correction_notes"),
    ]
    parent_page_types = ["newsroom.IndexPage"]
    subpage_types: list[str] = []
    base_form_class = ArticlePageForm

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.publication_id and not self.original_url:
            errors["original_url"] = "A repost needs the URL of the original article."
        if self.original_url and not self.publication_id:
            errors["publication"] = "Name the publication the original appeared in."
        if errors:
            raise ValidationError(errors)

    @property
    def is_repost(self) -> bool:
        return self.publication_id is not None

    @property
    def source(self) -> dict[str, str] | None:
        if not self.is_repost:
            return None
        return {"name": self.publication.name, "homepage": self.publication.homepage, "url": self.original_url}

    @cached_property
    def authors(self) -> list[AuthorPage]:
        links = self.article_authors.all()
        if "article_authors" not in getattr(self, "_prefetched_objects_cache", {}):
            links = links.select_related("author")  # one query for every byline, not one per author
        return [link.author for link in links]

    def author_names(self) -> str:
        return ", ".join(author.title for author in self.authors)

    @property
    def byline(self) -> list[dict[str, str]]:
        return [{"name": a.title, "url": a.url or ""} for a in self.authors]

    @property
    def copyright_line(self) -> str:
        if not self.is_repost:
            return ""
        if self.copyright_holder:
            return self.copyright_holder
        year = (self.original_published_at or self.display_date).year
        names = [a.title for a in self.authors]
        holders = ", ".join(filter(None, [join_names(names), self.publication.name]))
        return f"{holders}, {year}"

    @property
    def display_date(self) -> datetime.datetime:
        return self.first_published_at or self.go_live_at or timezone.now()

    @property
    def effective_licence(self) -> str:
        if self.licence:
            return self.licence
        if self.is_repost:
            return self.publication.default_licence
        return str(Licence.COMMUNITY)

    @property
    def can_be_republished(self) -> bool:
        """Others may take our own work; a repost of another outlet's is not ours to offer."""
        return self.republish_allowed and not self.is_repost

    @property
    def shows_excerpt(self) -> bool:
        return self.is_repost and self.repost_mode == RepostMode.EXCERPT

    def body_html(self) -> str:
        """The body as readers see it: cut to the first paragraphs for an excerpt repost."""
        parts = [block.render() if hasattr(block, "render") else str(block) for block in self.body]
        html = "".join(str(part) for part in parts)
        if self.shows_excerpt:
            return truncate_paragraphs(html, self.excerpt_paragraphs)
        return html

    def plain_summary(self) -> str:
        if self.dek:
            return self.dek
        return strip_tags(self.body_html())[:300]

    def canonical_url(self, request: HttpRequest | None = None) -> str:
        with translation.override(settings.LANGUAGE_CODE):
            return settings.SITE_URL + (self.get_url_parts(request) or (None, None, self.url_path))[2]

    @property
    def original(self) -> dict | None:
        """The original a repost is based on (schema.org NewsArticle), as the JSON-LD has it."""
        return seo.original_object(self)

    @cached_property
    def correction_list(self) -> list:
        """The article's corrections, read once per page object (the page, its JSON-LD and its
        translation memory all show them)."""
        return list(self.corrections.all())

    @property
    def correction_notes(self) -> list[dict]:
        """The live corrections, oldest first: kind, date and text (HTML)."""
        return [{"kind": c.kind, "date": c.date.isoformat(), "text": expand_db_html(c.text)}
                for c in self.correction_list]

    def translatable_notes(self) -> list[tuple[str, str]]:
        """(slot, HTML) of each correction, for the translation memory."""
        return [(f"correction_{c.uid.hex}", expand_db_html(c.text)) for c in self.correction_list]

    @property
    def effective_search_policy(self) -> str:
        return seo.search_policy(self)

    def json_ld(self, request: HttpRequest | None = None) -> dict:
        return seo.article_json_ld(self, request)

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().serve(request, *args, **kwargs)
        if seo.robots_for_news(self):
            response.headers["X-Robots-Tag"] = seo.NEWS_NOINDEX
        return response

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["canonical_url"] = seo.canonical_href(self, request)
        context["news_noindex"] = seo.robots_for_news(self)
        # The rest is fetched when the template first reads it: not at all when the pieces that
        # show it are already rendered for this version of the page (templatetags/rendercache.py).
        context["json_ld"] = once(lambda: self.json_ld(request))
        context["regions_list"] = SimpleLazyObject(lambda: translated(self.regions.live().order_by("title")))
        context["themes_list"] = SimpleLazyObject(lambda: translated(self.themes.live().order_by("title")))
        context["dossiers_list"] = SimpleLazyObject(lambda: translated(self.dossiers.live().order_by("title")))
        context["tr"] = tr = reader_translation(self)
        context["corrections_list"] = SimpleLazyObject(lambda: [
            {"kind": c.kind, "label": c.get_kind_display(), "date": c.date,
             "html": tr.values.get(f"correction_{c.uid.hex}", "")}
            for c in self.correction_list
        ])
        return context


def join_names(names: list[str]) -> str:
    """'A', 'A and B', 'A, B, and C' — the way the byline reads."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]

