"""Writes that set up and change the newsroom's page tree and its editorial groups."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import translation
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
)

from crosspost import pagecache
from newsroom.models import (
    AnnouncedCorrection,
    ArticleCorrection,
    ArticlePage,
    AuthorPage,
    HomePage,
    IndexPage,
    SectionPage,
)

# (slug, title, intro) of the folders under the home page; their slugs are the public URL prefixes.
SECTIONS = [
    ("articles", "Articles", "Everything we publish, newest first."),
    ("authors", "Authors", "The people whose work we publish."),
    ("regions", "Regions", "Articles by part of the world."),
    ("themes", "Themes", "Articles by subject."),
    ("dossiers", "In-depth Reports", "Running files on the stories we follow."),
]

EDITOR_GROUP = "Editor"
CONTRIBUTOR_GROUP = "Contributor"


@transaction.atomic
def site_ensure_structure() -> HomePage:
    """Make the default site's root a HomePage with the section folders under it. Idempotent."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home = HomePage.objects.first()
    # Wagtail's migrations create the tree's root and the media root collection; a flushed
    # database (as transactional tests leave it) has neither.
    if not Locale.objects.exists():
        Locale.objects.create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(title=settings.SITE_NAME, slug="front", intro="")
        root.add_child(instance=home)
        home.save_revision().publish()
    if site is None:
        site = Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                                   site_name=settings.SITE_NAME)
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = settings.SITE_NAME
        site.save()
        # Wagtail's "Welcome" placeholder is the only thing a fresh install puts there.
        if old_root.specific_class is Page and not old_root.get_children().exists():
            old_root.delete()
    for section, title, intro in SECTIONS:
        if IndexPage.objects.filter(section=section).exists():
            continue
        # A folder made before folders knew their section is adopted, not doubled.
        if adopted := IndexPage.objects.child_of(home).filter(slug=section, section=None).first():
            IndexPage.objects.filter(pk=adopted.pk).update(section=section)
            continue
        folder = IndexPage(title=title, slug=unique_child_slug(home, section), intro=intro, section=section)
        home.add_child(instance=folder)
        folder.save_revision().publish()
    return home


def section_folder(section: str) -> IndexPage:
    """The folder of one of SECTIONS ("articles", "authors", ...), whatever its slug is today."""
    return IndexPage.objects.get(section=section)


_PAGE_PERMISSIONS = {
    EDITOR_GROUP: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    CONTRIBUTOR_GROUP: ["add_page", "change_page"],
}
_MEDIA_PERMISSIONS = {
    EDITOR_GROUP: ["add_image", "change_image", "choose_image", "add_document", "change_document", "choose_document"],
    CONTRIBUTOR_GROUP: ["add_image", "choose_image", "add_document", "choose_document"],
}
# Contributors write and submit; everything that reaches readers or readers' data at once
# (moderation, answers mailed to readers, translations, the newsletter) is the Editor's.
# Members, revenue and webhooks stay with administrators. README's "Who may do what" says the same.
_MODEL_PERMISSIONS = {
    EDITOR_GROUP: ["access_admin", "add_publication", "change_publication", "delete_publication",
                   "change_sitesettings", "view_digest", "view_subscriber", "add_subscriber", "change_subscriber",
                   "view_newsletter", "add_newsletter", "change_newsletter",
                   "view_comment", "change_comment", "view_bannedaddress", "add_bannedaddress",
                   "delete_bannedaddress", "view_permissionrequest", "change_permissionrequest",
                   "view_republication", "view_contactmessage", "change_contactmessage", "publish_translation",
                   "view_follower", "view_block", "add_block", "change_block", "delete_block"],
    CONTRIBUTOR_GROUP: ["access_admin", "add_publication", "change_publication"],
}


@transaction.atomic
def groups_ensure() -> dict[str, Group]:
    """Create the Editor (publishes) and Contributor (submits for moderation) groups. Idempotent."""
    # post_migrate reaches newsroom before the apps after it have their permissions; make them all now.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    root = Page.get_first_root_node()
    collection = Collection.get_first_root_node()
    groups = {}
    for name in (EDITOR_GROUP, CONTRIBUTOR_GROUP):
        group, _ = Group.objects.get_or_create(name=name)
        for codename in _PAGE_PERMISSIONS[name]:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
        for codename in _MEDIA_PERMISSIONS[name]:
            permission = Permission.objects.get(codename=codename)
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )
        group.permissions.add(*Permission.objects.filter(codename__in=_MODEL_PERMISSIONS[name]))
        groups[name] = group
    # Editors approve what contributors submit, in Wagtail's default moderation workflow.
    for task in GroupApprovalTask.objects.filter(active=True):
        task.groups.add(groups[EDITOR_GROUP])
    return groups


def author_get_or_create(*, name: str) -> AuthorPage:
    """The author with this name (case-insensitive), created under /authors/ when new."""
    name = " ".join(name.split())
    existing = AuthorPage.objects.filter(title__iexact=name).first()
    if existing:
        return existing
    folder = section_folder("authors")
    author = AuthorPage(title=name, slug=unique_child_slug(folder, name))
    folder.add_child(instance=author)
    author.save_revision().publish()
    return author


def unique_child_slug(parent: Page, title: str) -> str:
    base = slugify(title)[:200] or "page"
    slug, n = base, 1
    while parent.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def pages_showing(page: Page) -> list[Page]:
    """The pages whose cached copies show `page`: itself, then where it is listed or linked.

    An article shows on its authors', regions', themes' and dossiers' pages, its folder, and the
    home page. An author or a section shows on its own page, its folder, the home page (bylines,
    theme blocks) and its newest PAGECACHE_PURGE_ARTICLES articles (their bylines and section
    links). Anything else shows on its own page and its parent's.
    """
    page = page.specific
    shown = [page]
    parent = page.get_parent()
    if parent is not None and not parent.is_root():
        shown.append(parent.specific)
    home = page.get_site().root_page.specific if page.get_site() else None
    if isinstance(page, ArticlePage):
        shown += [*page.authors, *page.regions.all(), *page.themes.all(), *page.dossiers.all()]
    elif isinstance(page, AuthorPage | SectionPage):
        shown += page.feed_articles()[: settings.PAGECACHE_PURGE_ARTICLES]
    else:
        home = None
    if home is not None:
        shown.append(home)
    return list({p.pk: p for p in shown}.values())


def pagecache_purge_pages(pages: list[Page], *, languages: list[str] | None = None) -> int:
    """Purge these pages' cached paths (`get_cached_paths()`) in every language, or in `languages`.

    Through Wagtail's frontend cache seam, so a CDN configured in WAGTAILFRONTENDCACHE gets the
    same URLs as our own page cache. Returns how many URLs were purged.
    """
    batch = PurgeBatch()
    with translation.override(settings.LANGUAGE_CODE):  # the unprefixed URLs; languages come after
        batch.add_pages(pages)
    return pagecache.pagecache_purge_urls(batch.urls, languages=languages)


def pagecache_purge_for_page(page: Page, *, languages: list[str] | None = None) -> int:
    """Drop the cached copies of everything that shows `page` (see `pages_showing`)."""
    return pagecache_purge_pages(pages_showing(page), languages=languages)


# --- corrections and updates -------------------------------------------------------------------

CORRECTIONS_PATHS = ("/corrections/", "/corrections/feed/rss/", "/corrections/feed/atom/")


def corrections_newly_live(*, page: Page) -> list:
    """The article's live corrections never seen live before, now marked seen (the claim is the
    unique insert, so two publishes at once announce a note once)."""
    fresh = []
    for note in page.specific.corrections.all():
        _, created = AnnouncedCorrection.objects.get_or_create(uid=note.uid, defaults={"article_id": page.pk})
        if created:
            fresh.append(note)
    return fresh


def pagecache_purge_for_correction(page: Page) -> int:
    """The pages that show the article (in every language) and the corrections listing and feeds."""
    corrections = pagecache.pagecache_purge_urls(settings.SITE_URL + p for p in CORRECTIONS_PATHS)
    return pagecache_purge_for_page(page) + corrections


@transaction.atomic
def article_add_correction(*, page: Page, kind: str, text: str, user=None):
    """Add a dated note (plain text; blank lines part paragraphs) to the article's latest revision
    and publish it, which runs `article_corrected`."""
    if kind not in ArticleCorrection.Kind.values:
        raise ValueError(f"unknown kind of note: {kind!r}")
    if not text.strip():
        raise ValueError("a correction needs its text")
    article = page.specific.get_latest_revision_as_object()
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    note = ArticleCorrection(kind=kind, text="".join(f"<p>{escape(p)}</p>" for p in paragraphs))
    article.corrections.add(note)
    article.save_revision(user=user).publish(user=user)
    return note
