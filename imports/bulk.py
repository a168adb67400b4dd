"""Writing a batch of entries at once: what makes a 20,000-post archive import in minutes.

Most of an archive is new live (or draft) posts, and a re-run finds most of it unchanged. Those
two go in bulk: one query tells which entries are known, new articles are inserted with
newsroom.bulk's `articles_insert` (tree paths as treebeard computes them), their bylines,
sections, search entries, source ids and redirects with one insert each, and the comments of the
whole batch with two (top-level comments, then replies). Everything else (pages, scheduled posts
that need a revision, posts changed since the last run, a post whose page was deleted) goes
through `Writer.entry` one by one, as before. The result is the same as writing each entry alone.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page
from wagtail.search.backends import get_search_backends

from crosspost.lib.sanitize import clean_text
from engagement.models import Comment
from imports.models import ImportedObject
from newsroom.bulk import articles_insert
from newsroom.models import ArticleAuthor, ArticlePage
from search.services import articles_index, body_text, entries_save, entry_for

if TYPE_CHECKING:
    from imports.writer import CommentInfo, Entry, Writer  # imports.writer imports this module

CommentsFor = tuple["Entry", int, datetime.datetime | None]  # (entry, article id, its first publication)


def batch_write(writer: Writer, batch: list[Entry]) -> None:
    """Write `batch` (entries of one export, in file order); see the module docstring."""
    from imports.writer import SCHEDULED  # imports.writer imports this module

    keys = [entry.key[:300] for entry in batch]
    known = {(o.kind, o.source_id): o for o in ImportedObject.objects.filter(
        source=writer.source, site=writer.site, kind__in=("post", "page"), source_id__in=keys)}
    pages = dict(Page.objects.filter(pk__in=[o.target_id for o in known.values()]).values_list(
        "pk", "first_published_at"))
    fresh: list[Entry] = []
    unchanged: list[CommentsFor] = []
    one_by_one: list[Entry] = []
    seen: set[tuple[str, str]] = set()
    for entry in batch:
        kind = "post" if entry.kind == "post" else "page"
        key = (kind, entry.key[:300])
        found = known.get(key)
        if key in seen:
            one_by_one.append(entry)  # the same id twice in one file: the second updates the first
        elif found is not None and found.target_id in pages and found.checksum == entry.checksum():
            writer.report.unchanged["articles" if kind == "post" else "pages"] += 1
            writer.count(kind)
            if kind == "post":
                unchanged.append((entry, found.target_id, pages[found.target_id]))
        elif found is None and kind == "post" and entry.status != SCHEDULED:
            fresh.append(entry)
        else:
            one_by_one.append(entry)
        seen.add(key)
    created = _articles_create(writer, fresh)
    written = []
    for entry in one_by_one:
        page = writer.entry(entry)
        if isinstance(page, ArticlePage):
            written.append(page.pk)
    comments_write(writer, unchanged + [(e, a.pk, a.first_published_at) for e, a in zip(fresh, created)])
    if written:  # bulk-created articles are indexed as they are inserted
        articles_index(articles=ArticlePage.objects.filter(pk__in=written).prefetch_related("article_authors__author"))


def _articles_create(writer: Writer, entries: list[Entry]) -> list[ArticlePage]:
    if not entries:
        return []
    folder = writer.parent("articles")
    wanted = []
    for entry in entries:
        converted = writer.convert(entry)
        wanted.append((entry, converted, writer.title(entry, converted)))
    slugs = writer.free_slugs(folder, [writer.slug(entry, title) for entry, _, title in wanted])
    articles = []
    for (entry, converted, title), slug in zip(wanted, slugs):
        article = ArticlePage(title=title, draft_title=title, slug=slug)
        writer.dates(article, entry)
        writer.article_fields(article, entry, converted)
        articles.append(article)
    articles_insert(folder=folder, articles=articles)
    _relations_create(articles)
    entries_save(entries=[entry_for(a, authors=a.author_names(), body=body_text(a.body))
                          for a in articles if a.live and a.first_published_at])
    for backend in get_search_backends(with_auto_update=True):  # Wagtail's own, for the admin's search
        backend.add_bulk(ArticlePage, articles)
    ImportedObject.objects.bulk_create([
        ImportedObject(source=writer.source, site=writer.site, kind="post", source_id=entry.key[:300], target_id=a.pk,
                       checksum=entry.checksum(), note=entry.note[:300], old_paths=entry.old_paths[:50])
        for (entry, _, _), a in zip(wanted, articles)])
    folder_path = writer.url_path(folder)
    redirects_write(writer, [(entry.old_paths, a, f"{folder_path}{a.slug}/") for entry, a in zip(entries, articles)])
    for entry in entries:
        writer.report.created["articles"] += 1
        writer.count("post")
        if entry.note:
            writer.report.notes.append({"source_id": entry.key, "note": entry.note})
    return articles


def _relations_create(articles: list[ArticlePage]) -> None:
    bylines, sections = [], {}
    for article in articles:
        for byline in article.article_authors.all():
            bylines.append(ArticleAuthor(page_id=article.pk, author_id=byline.author_id, sort_order=byline.sort_order))
        for name in ("regions", "themes", "dossiers"):
            through = getattr(ArticlePage, name).through
            target = f"{through._meta.get_field(name[:-1] + 'page').attname}"
            sections.setdefault(through, []).extend(
                through(articlepage_id=article.pk, **{target: section.pk}) for section in getattr(article, name).all())
    ArticleAuthor.objects.bulk_create(bylines)
    for through, rows in sections.items():
        through.objects.bulk_create(rows)


def redirects_write(writer: Writer, targets: list[tuple[list[str], Page, str]]) -> None:
    """A 301 from each old path to its page, never from the page's own path `own` (that would loop).

    A draft's old URLs are recorded too: they answer once it is live (imports/middleware.py).
    """
    from imports.writer import old_path  # imports.writer imports this module

    wanted: dict[str, Page] = {}
    for paths, page, own in targets:
        for raw in paths:
            path = old_path(raw)
            if path and path not in ("/", own) and len(path) <= 255:
                wanted[path] = page
    if not wanted:
        return
    existing = {r.old_path: r for r in Redirect.objects.filter(site=None, old_path__in=list(wanted))}
    changed = []
    for path, redirect in existing.items():
        if redirect.redirect_page_id != wanted[path].pk or redirect.redirect_link or not redirect.is_permanent:
            redirect.redirect_page, redirect.redirect_link, redirect.is_permanent = wanted[path], "", True
            changed.append(redirect)
    Redirect.objects.bulk_update(changed, ["redirect_page", "redirect_link", "is_permanent"])
    Redirect.objects.bulk_create([Redirect(old_path=path, site=None, redirect_page=page, is_permanent=True)
                                  for path, page in wanted.items() if path not in existing])
    writer.report.redirects += len(wanted)


def comments_write(writer: Writer, posts: list[CommentsFor]) -> None:
    """The approved comments of these posts, threaded one level deep; those already imported are kept."""
    posts = [(entry, article_id, published) for entry, article_id, published in posts if entry.comments]
    if not posts:
        return
    keys = [f"{entry.key}:{c.key}"[:300] for entry, _, _ in posts for c in entry.comments]
    done = dict(ImportedObject.objects.filter(source=writer.source, site=writer.site, kind="comment",
                                              source_id__in=keys).values_list("source_id", "target_id"))
    ids: dict[str, int] = {}  # "post:comment" → Comment id
    ids.update(done)
    roots = {entry.key: _roots(entry.comments) for entry, _, _ in posts}
    for replies in (False, True):  # top-level comments first: replies need their ids
        batch: list[tuple[str, datetime.datetime, Comment]] = []
        for entry, article_id, published in posts:
            for comment in entry.comments:
                key = f"{entry.key}:{comment.key}"[:300]
                root = roots[entry.key][comment.key]
                if (root is not comment) != replies or key in ids:
                    continue
                made = _comment(writer, comment, article_id, published,
                                ids.get(f"{entry.key}:{root.key}"[:300]) if replies else None)
                if made is not None:
                    batch.append((key, made.created_at, made))
        created = Comment.objects.bulk_create([c for _, _, c in batch], batch_size=500)
        for _, when, obj in batch:
            obj.created_at = when
        Comment.objects.bulk_update(created, ["created_at"], batch_size=500)  # auto_now_add wrote "now"
        ImportedObject.objects.bulk_create([
            ImportedObject(source=writer.source, site=writer.site, kind="comment", source_id=key, target_id=obj.pk)
            for key, _, obj in batch], batch_size=500)
        ids.update((key, obj.pk) for key, _, obj in batch)
        if created:
            writer.report.created["comments"] += len(created)
    writer.report.comments += sum(1 for key in keys if key in ids)


def _roots(comments: list[CommentInfo]) -> dict[str, CommentInfo]:
    """Each comment's thread root: replies to replies hang under the first comment of their thread."""
    wanted = {c.key: c for c in comments}
    roots = {}
    for comment in comments:
        top, seen = comment, {comment.key}
        while top.parent_key in wanted and top.parent_key not in seen:
            seen.add(top.parent_key)
            top = wanted[top.parent_key]
        roots[comment.key] = top
    return roots


def _comment(writer: Writer, comment: CommentInfo, article_id: int, published: datetime.datetime | None,
             parent_id: int | None) -> Comment | None:
    from imports.writer import comment_text  # imports.writer imports this module

    text = comment_text(comment.html)
    if not text:
        writer.report.comments_dropped["empty"] += 1
        return None
    email = comment.email.strip()[:254] if "@" in comment.email else ""
    when = comment.created_at or published or writer.now
    return Comment(article_id=article_id, parent_id=parent_id, name=(clean_text(comment.name) or "Anonymous")[:80],
                   email=email, email_key=email.casefold(), text=text, status=Comment.Status.APPROVED,
                   created_at=when, moderated_at=when)
