"""Writing what an export holds — in one shape for WordPress and Ghost — as Crosspost's own objects.

Each reader (imports/wordpress.py, imports/ghost.py) turns its format into `Entry`, `AuthorInfo`
and `CommentInfo` values; `Writer` turns those into articles, plain pages, author and section
pages, comments, images and redirects, remembering each source id (ImportedObject) so that a
second run updates what changed and creates nothing twice.

Pages are added straight to the tree, live or not, without publishing a revision: an archive of
20,000 old posts must not announce 20,000 new articles to webhooks, federation and the newsletter.
Their search entries are written here instead, and the page cache is emptied once at the end.
Scheduled posts are the exception: they get a revision approved for their go-live date, so that
Wagtail's scheduler publishes them, announcements included, when the day comes.
"""

from __future__ import annotations

import datetime
import hashlib
import html as htmllib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import nh3
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page
from wagtail.rich_text import RichText

from crosspost.lib.sanitize import clean_text
from imports.bulk import comments_write, redirects_write
from imports.content import Converted, Image, html_convert
from imports.media import MediaResolver
from imports.models import ImportedObject, SimplePage
from ingest.services import publication_match_or_create
from newsroom.models import (
    ArticleAuthor,
    ArticlePage,
    AuthorPage,
    DossierPage,
    HomePage,
    RegionPage,
    ThemePage,
)
from newsroom.services import author_get_or_create, section_folder

SECTION_MODELS = {"region": (RegionPage, "regions"), "theme": (ThemePage, "themes"), "dossier": (DossierPage, "dossiers")}
LIVE, SCHEDULED, DRAFT = "live", "scheduled", "draft"


@dataclass
class AuthorInfo:
    key: str
    name: str
    bio: str = ""
    website: str = ""
    old_paths: list[str] = field(default_factory=list)


@dataclass
class SectionInfo:
    kind: str  # region, theme or dossier
    slug: str
    title: str
    description: str = ""
    old_paths: list[str] = field(default_factory=list)


@dataclass
class CommentInfo:
    key: str
    parent_key: str
    name: str
    email: str
    html: str
    created_at: datetime.datetime | None


@dataclass
class Entry:
    key: str
    kind: str  # "post" (an article) or "page"
    title: str
    slug: str
    html: str
    status: str  # LIVE, SCHEDULED or DRAFT
    published_at: datetime.datetime | None = None
    modified_at: datetime.datetime | None = None
    excerpt: str = ""
    note: str = ""
    authors: list[str] = field(default_factory=list)  # AuthorInfo keys, in byline order
    sections: list[SectionInfo] = field(default_factory=list)
    feature_image: str = ""
    feature_caption: str = ""
    canonical_url: str = ""  # set when the post was itself a repost of another site's story
    parent_key: str = ""  # a page's parent page
    old_paths: list[str] = field(default_factory=list)
    comments: list[CommentInfo] = field(default_factory=list)
    wordpress: bool = False
    gallery: Any = None
    language: str = "en"

    def checksum(self) -> str:
        data = {k: v for k, v in self.__dict__.items() if k not in ("comments", "gallery")}
        return hashlib.sha256(json.dumps(data, default=str, sort_keys=True).encode()).hexdigest()


@dataclass
class Report:
    source: str
    articles: int = 0
    pages: int = 0
    authors: int = 0
    comments: int = 0
    redirects: int = 0
    images: int = 0
    readers: int = 0
    confirmations: int = 0  # confirmation mails sent to imported readers
    skipped: list[dict[str, str]] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)
    media_missing_urls: list[str] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    comments_dropped: Counter = field(default_factory=Counter)
    terms_dropped: Counter = field(default_factory=Counter)
    shortcodes_dropped: Counter = field(default_factory=Counter)
    converted: Counter = field(default_factory=Counter)
    dry_run: bool = False

    def skip(self, source_id: str, reason: str) -> None:
        self.skipped.append({"source_id": str(source_id), "reason": reason})

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "dry_run": self.dry_run,
            "articles": self.articles, "pages": self.pages, "authors": self.authors, "comments": self.comments,
            "redirects": self.redirects, "images": self.images, "readers": self.readers,
            "confirmations_sent": self.confirmations,
            "skipped": self.skipped, "media_missing": len(self.media_missing_urls),
            "media_missing_urls": self.media_missing_urls, "notes": self.notes,
            "created": dict(self.created), "updated": dict(self.updated), "unchanged": dict(self.unchanged),
            "comments_dropped": dict(self.comments_dropped), "terms_dropped": dict(self.terms_dropped),
            "shortcodes_dropped": dict(self.shortcodes_dropped), "converted": dict(self.converted),
        }


def old_path(url: str) -> str:
    """The path (and query) of an old URL, as Wagtail's redirects store it; '' for none."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    path = parts.path or "/"
    return Redirect.normalise_path(path + (f"?{parts.query}" if parts.query else ""))


def slug_for(value: str, fallback: str) -> str:
    slug = slugify(unquote(value or ""), allow_unicode=True)[:200]
    return slug or slugify(fallback, allow_unicode=True)[:200] or "untitled"


def comment_text(html: str) -> str:
    text = re.sub(r"<br\s*/?>|</p>\s*", "\n", html, flags=re.I)
    text = htmllib.unescape(nh3.clean(text, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.splitlines())).strip()


class Writer:
    """Writes entries of one export (`source`, `site`) and keeps the report."""

    def __init__(self, *, source: str, site: str, report: Report, media: MediaResolver) -> None:
        self.source, self.site, self.report, self.media = source, site, report, media
        self.authors: dict[str, AuthorPage] = {}
        self.sections: dict[tuple[str, str], Any] = {}
        self.pages_to_place: list[tuple[SimplePage, Entry]] = []
        self.parents: dict[str, Page] = {}
        self.now = timezone.now()

    # -- bookkeeping ------------------------------------------------------------------------------

    def known(self, kind: str, key: str) -> ImportedObject | None:
        return ImportedObject.objects.filter(source=self.source, site=self.site, kind=kind, source_id=key[:300]).first()

    def remember(self, kind: str, key: str, target_id: int, **fields: Any) -> None:
        ImportedObject.objects.update_or_create(source=self.source, site=self.site, kind=kind, source_id=key[:300],
                                                defaults={"target_id": target_id, **fields})

    def redirect(self, paths: list[str], page: Page) -> None:
        """A 301 from each old path to `page`; never from its own address (that would loop)."""
        redirects_write(self, [(paths, page, self.url_path(page))])

    @staticmethod
    def url_path(page: Page) -> str:
        """The page's path on its site ('' when it has none), as redirects store paths."""
        parts = page.get_url_parts()
        return old_path(parts[2]) if parts else ""

    # -- authors and sections ---------------------------------------------------------------------

    def author(self, info: AuthorInfo) -> AuthorPage:
        if info.key in self.authors:
            return self.authors[info.key]
        known = self.known("author", info.key)
        page = AuthorPage.objects.filter(pk=known.target_id).first() if known else None
        if page is None:
            page = author_get_or_create(name=clean_text(info.name) or info.key)
            self.report.created["authors"] += 1
        else:
            self.report.unchanged["authors"] += 1
        changed = False
        if info.bio and not page.bio:
            page.bio, changed = nh3.clean(info.bio, tags={"b", "i", "em", "strong", "a"}), True
        if info.website and not page.website and info.website.startswith(("http://", "https://")):
            page.website, changed = info.website[:200], True
        if changed:
            page.save()
        self.remember("author", info.key, page.pk)
        self.redirect(info.old_paths, page)
        self.report.authors += 1
        self.authors[info.key] = page
        return page

    def section(self, info: SectionInfo):
        key = (info.kind, info.slug)
        if key in self.sections:
            return self.sections[key]
        model, folder_slug = SECTION_MODELS[info.kind]
        folder = section_folder(folder_slug)
        page = model.objects.child_of(folder).filter(slug=info.slug).first()
        if page is None:
            page = model(title=clean_text(info.title)[:255] or info.slug, slug=info.slug,
                         description=nh3.clean(info.description, tags={"b", "i", "em", "strong", "a"}))
            folder.add_child(instance=page)
            page.save_revision().publish()
            self.report.created[f"{info.kind}s"] += 1
        self.redirect(info.old_paths, page)
        self.sections[key] = page
        return page

    # -- bodies -----------------------------------------------------------------------------------

    def convert(self, entry: Entry) -> Converted:
        converted = html_convert(entry.html, wordpress=entry.wordpress, gallery=entry.gallery or (lambda attrs: []))
        self.report.shortcodes_dropped.update(converted.dropped)
        self.report.converted.update(converted.converted)
        return converted

    def image_or_link(self, part: Image) -> tuple[Any, str]:
        image = self.media.image(part.src, title=part.alt or part.caption)
        if image is not None:
            return image, ""
        label = htmllib.escape(part.caption or part.alt or unquote(urlsplit(part.src).path.rsplit("/", 1)[-1]) or part.src)
        return None, f'<p><a href="{htmllib.escape(part.src)}">{label}</a></p>'

    def article_body(self, converted: Converted) -> list[tuple[str, Any]]:
        blocks: list[tuple[str, Any]] = []
        for part in converted.parts:
            if isinstance(part, str):
                blocks.append(("paragraph", RichText(part)))
                continue
            image, link = self.image_or_link(part)
            if image is not None:
                blocks.append(("figure", {"image": image, "caption": part.caption[:250], "credit": ""}))
            else:
                blocks.append(("paragraph", RichText(link)))
        return blocks

    def page_body(self, converted: Converted) -> str:
        html = []
        for part in converted.parts:
            if isinstance(part, str):
                html.append(part)
                continue
            image, link = self.image_or_link(part)
            html.append(f'<embed embedtype="image" id="{image.pk}" format="fullwidth" alt="{htmllib.escape(part.alt)}"/>'
                        if image is not None else link)
        return "".join(html)

    # -- entries ----------------------------------------------------------------------------------

    def entry(self, entry: Entry) -> Page | None:
        """Create or update the page for `entry`; returns it (None when nothing had to be done)."""
        kind = "post" if entry.kind == "post" else "page"
        label = "articles" if kind == "post" else "pages"
        known = self.known(kind, entry.key)
        model = ArticlePage if kind == "post" else SimplePage
        page = model.objects.filter(pk=known.target_id).first() if known else None
        checksum = entry.checksum()
        if page is not None and known.checksum == checksum:
            self.report.unchanged[label] += 1
            self.count(kind)
            comments_write(self, [(entry, page.pk, page.first_published_at)])
            return page
        converted = self.convert(entry)
        title = self.title(entry, converted)
        parent = self.parent("articles" if kind == "post" else "home")
        if page is None:
            page = model(title=title, slug=self.free_slugs(parent, [self.slug(entry, title)])[0])
            created = True
        else:
            created = False
        page.title = page.draft_title = title
        self.dates(page, entry)
        if kind == "post":
            self.article_fields(page, entry, converted)
        else:
            page.body = self.page_body(converted)
        if created:
            self._add_child(parent, page)
        else:
            page.save(clean=False)
        if entry.status == SCHEDULED and not page.live:
            page.save_revision(approved_go_live_at=entry.published_at, clean=False)
        (self.report.created if created else self.report.updated)[label] += 1
        self.count(kind)
        if entry.note:
            self.report.notes.append({"source_id": entry.key, "note": entry.note})
        self.remember(kind, entry.key, page.pk, checksum=checksum, note=entry.note[:300],
                      old_paths=entry.old_paths[:50])
        if kind == "page":
            self.pages_to_place.append((page, entry))
        else:
            self.redirect(entry.old_paths, page)
            comments_write(self, [(entry, page.pk, page.first_published_at)])
        return page

    def count(self, kind: str) -> None:
        if kind == "post":
            self.report.articles += 1
        else:
            self.report.pages += 1

    @staticmethod
    def title(entry: Entry, converted: Converted) -> str:
        """The entry's title as text, or its first words when it has none."""
        title = clean_text(entry.title)[:255]
        if title:
            return title
        words = converted.text.split()
        return (" ".join(words[:8]) + ("…" if len(words) > 8 else "")) if words else f"Untitled ({entry.key})"

    @staticmethod
    def slug(entry: Entry, title: str) -> str:
        return slug_for(entry.slug, title)

    def parent(self, kind: str) -> Page:
        """Where new pages of `kind` go: "articles" (the /articles/ folder) or "home"."""
        if kind not in self.parents:
            self.parents[kind] = section_folder("articles") if kind == "articles" else HomePage.objects.first()
        return self.parents[kind]

    @staticmethod
    def _add_child(parent: Page, page: Page) -> None:
        """treebeard's add_child without Wagtail's full_clean and log entry (the slug is already free).

        Per page they cost more than the insert itself, and an archive has tens of thousands of pages.
        """
        page.depth = parent.depth + 1
        last = Page.objects.filter(path__startswith=parent.path, depth=page.depth).order_by("-path").only("path").first()
        page.path = last._inc_path() if last else Page._get_path(parent.path, page.depth, 1)
        page.numchild = 0
        page.locale_id = parent.locale_id
        page.save(clean=False)
        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)

    @staticmethod
    def free_slugs(parent: Page, slugs: list[str]) -> list[str]:
        """Slugs no child of `parent` has, nor each other: "slug", else "slug-2", "slug-3" …"""
        siblings = parent.get_children()
        taken = set(siblings.filter(slug__in=slugs).values_list("slug", flat=True))
        free = []
        for slug in slugs:
            candidate, n = slug, 1
            while candidate in taken or (candidate != slug and siblings.filter(slug=candidate).exists()):
                n += 1
                candidate = f"{slug[:190]}-{n}"
            taken.add(candidate)
            free.append(candidate)
        return free

    def dates(self, page: Page, entry: Entry) -> None:
        published = entry.published_at or self.now
        if entry.status == LIVE:
            page.live, page.has_unpublished_changes = True, False
            page.first_published_at = published
            page.last_published_at = max(entry.modified_at or published, published)
            page.go_live_at = None
        else:
            page.live, page.has_unpublished_changes = False, True
            page.go_live_at = entry.published_at if entry.status == SCHEDULED else None

    def article_fields(self, page: ArticlePage, entry: Entry, converted: Converted) -> None:
        page.dek = clean_text(entry.excerpt)
        page.body = self.article_body(converted)
        page.language = entry.language or "en"
        page.hero_image = None
        if entry.feature_image:
            page.hero_image = self.media.image(entry.feature_image, title=page.title)
            if page.hero_image is None:
                self.report.notes.append({"source_id": entry.key, "note": f"feature image missing: {entry.feature_image}"})
            page.hero_caption = clean_text(entry.feature_caption)[:500]
        authors = list(dict.fromkeys(self.authors[key] for key in entry.authors if key in self.authors))
        page.article_authors = [ArticleAuthor(author=author, sort_order=n) for n, author in enumerate(authors)]
        for kind, (_model, field_name) in SECTION_MODELS.items():
            chosen = [self.section(info) for info in entry.sections if info.kind == kind]
            if kind == "dossier":
                chosen = chosen[:3]
            setattr(page, field_name, list(dict.fromkeys(chosen)))
        if entry.canonical_url:
            publication = publication_match_or_create(name="", url=entry.canonical_url)
            page.publication = publication
            page.original_url = entry.canonical_url[:1000]
            page.original_published_at = (entry.published_at or self.now).date()
            page.repost_mode = publication.default_repost_mode

    def place_pages(self) -> None:
        """Nest plain pages under their parents (a parent may come later in the file), then redirect."""
        for page, entry in self.pages_to_place:
            if entry.parent_key:
                known = self.known("page", entry.parent_key)
                parent = SimplePage.objects.filter(pk=known.target_id).first() if known else None
                if parent is not None and page.get_parent().pk != parent.pk and not parent.is_descendant_of(page):
                    page.slug = self.free_slugs(parent, [page.slug])[0]
                    page.save(update_fields=["slug"])
                    page.move(parent, pos="last-child")
                    page.refresh_from_db()
        for page, entry in self.pages_to_place:
            page.refresh_from_db()
            self.redirect(entry.old_paths, page)
        self.pages_to_place = []
