"""Writes that set up and change the newsroom's page tree and its editorial groups."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
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

from newsroom.models import AuthorPage, HomePage, IndexPage

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
    for slug, title, intro in SECTIONS:
        if not home.get_children().filter(slug=slug).exists():
            folder = IndexPage(title=title, slug=slug, intro=intro)
            home.add_child(instance=folder)
            folder.save_revision().publish()
    return home


def section_folder(slug: str) -> IndexPage:
    return IndexPage.objects.get(slug=slug, depth=3)


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


def page_dependent_paths(page: Page) -> set[str]:
    """Language-neutral paths whose content shows this page: itself, its listings and feeds."""
    from newsroom.models import ArticlePage

    page = page.specific
    paths = {"/feed/rss/", "/feed/atom/", "/sitemap.xml", "/sitemap-articles.xml", "/sitemap-sections.xml", "/"}
    with translation.override(settings.LANGUAGE_CODE):
        own = page.get_url_parts()
        if own and own[2]:
            paths.add(own[2])
        parent = page.get_parent()
        if parent is not None and parent.get_url_parts() and parent.get_url_parts()[2]:
            paths.add(parent.get_url_parts()[2])
        if isinstance(page, ArticlePage):
            related = [*page.authors, *page.regions.all(), *page.themes.all(), *page.dossiers.all()]
            for listing in related:
                url = listing.get_url_parts()[2]
                paths.update({url, f"{url}feed/rss/", f"{url}feed/atom/"})
    return paths


def pagecache_purge_for_page(page: Page, *, languages: list[str] | None = None) -> None:
    """Drop the cached copies of everything that shows `page`.

    An article is purged precisely (itself, its authors', sections', home and site listings and
    feeds, the sitemap); any other page (an author, a section, the home page) can show up in
    many articles' bylines and links, so everything goes.
    """
    from crosspost.pagecache import pagecache_purge_all, pagecache_purge_paths
    from newsroom.models import ArticlePage

    if isinstance(page.specific, ArticlePage):
        pagecache_purge_paths(page_dependent_paths(page), languages=languages)
    else:
        pagecache_purge_all()
