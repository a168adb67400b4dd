"""Bulk-generate realistic archive articles for scale tests and demos (`crosspost demo --articles N`).

Saving pages one by one through Wagtail costs a revision, signals and tree bookkeeping each; a
100,000-article archive would take hours. Here pages are inserted in batches: the base
`wagtailcore_page` rows with bulk_create (tree paths computed the way treebeard would), the
ArticlePage rows with one executemany (Django cannot bulk_create multi-table children), then
bylines, sections and the site's search entries (search.services) in bulk. The pages are ordinary
live pages: Wagtail edits them like any other (the first save in the admin creates their first
revision and adds them to Wagtail's own admin search index, which a bulk load leaves out).
"""

from __future__ import annotations

import datetime
import json
import random
import uuid
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page
from wagtail.rich_text import RichText

from newsroom.licences import default_repost_mode
from newsroom.models import (
    ArticleAuthor,
    ArticlePage,
    AuthorPage,
    DossierPage,
    Publication,
    RegionPage,
    ThemePage,
)
from newsroom.services import author_get_or_create, section_folder
from search.services import body_text, entries_save, entry_for

_SUBJECTS = ("The ministry", "Farmers' unions", "The central bank", "Port workers", "City councillors",
             "Election observers", "Hospital staff", "A coalition of NGOs", "The regional court", "Teachers",
             "Energy regulators", "Fishing communities", "The opposition", "Local journalists", "Insurers")
_VERBS = ("warned that", "argued that", "confirmed that", "disputed claims that", "reported that",
          "questioned whether", "announced that", "denied that", "revealed that", "estimated that")
_OBJECTS = ("water reserves had fallen below last year's levels", "the budget would not cover the repairs",
            "prices for staple foods kept rising", "the new rules had never been tested", "turnout was lower than expected",
            "the contract had been signed without a tender", "emergency funds were running out",
            "the harbour would reopen within weeks", "salaries had not kept pace with inflation",
            "the data had been withheld from parliament", "the drought was reshaping local politics",
            "the agreement left several questions unanswered")
_TAILS = ("according to documents seen by reporters", "after a week of protests", "in a statement on Tuesday",
          "despite repeated assurances", "in the capital and beyond", "for the third time this year", "")
_HEADLINES = ("{place} braces for {thing}", "Inside the fight over {thing} in {place}", "{thing}: what {place} gets wrong",
              "How {place} quietly changed its {thing}", "Why {thing} matters again in {place}",
              "{place}'s {thing}, explained", "The hidden cost of {thing} in {place}")
_PLACES = ("Almerada", "Port Selwyn", "Várhely", "the northern valleys", "the delta", "the capital", "the coast",
           "the border towns", "the islands", "the high plains")
_THINGS = ("water rationing", "the port contract", "food prices", "the new census", "school closures",
           "the energy subsidy", "press accreditation", "the fishing quota", "the pension reform", "heat alerts")
_FIRST = ("Ana", "Bruno", "Chiara", "Dmitri", "Esi", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kemi", "Lucía",
          "Malik", "Nora", "Omar", "Priya", "Rafael", "Sofia", "Tomas", "Yara")
_LAST = ("Adeyemi", "Berger", "Costa", "Dahl", "Eriksen", "Fischer", "Haddad", "Ivanova", "Kowalski", "Lindqvist",
         "Moreau", "Nakamura", "Okafor", "Petrov", "Quintero", "Rossi", "Santos", "Tanaka", "Varga", "Weber")

# 45,000 small towns, each named in one or two articles of a 100,000-article archive: the archive's
# rare words, so that search is measured on words that are not in every article.
TOWNS = tuple(a + b + m + c for a in ("Bal", "Cor", "Dun", "Esk", "Fen", "Gal", "Hol", "Ist", "Kar", "Lom", "Mar",
                                      "Nor", "Ost", "Pel", "Rav", "Sel", "Tor", "Ul", "Ver", "Zan")
              for b in ("a", "e", "i", "o", "u", "ae", "ei", "ou", "y", "ia", "eo", "ua", "ai", "oe", "ui")
              for m in ("", "r", "n", "l", "s", "d", "k", "v", "t", "m")
              for c in ("brook", "dal", "ford", "gate", "holm", "mere", "mont", "ness", "rin", "stad", "thorp",
                        "vik", "wick", "zell", "burg"))


def _sentence(rng: random.Random) -> str:
    tail = rng.choice(_TAILS)
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}{', ' + tail if tail else ''}."


def _body(rng: random.Random) -> str:
    blocks = []
    for number in range(rng.randint(4, 14)):
        if number and rng.random() < 0.12:
            blocks.append({"type": "heading", "value": rng.choice(_THINGS).capitalize(), "id": str(uuid.uuid4())})
            continue
        text = " ".join(_sentence(rng) for _ in range(rng.randint(2, 6)))
        if not number:
            text = f"In {rng.choice(TOWNS)}, {text[0].lower()}{text[1:]}"
        blocks.append({"type": "paragraph", "value": RichText(f"<p>{text}</p>").source, "id": str(uuid.uuid4())})
    return json.dumps(blocks)


def _authors(rng: random.Random, wanted: int) -> list[AuthorPage]:
    authors = {author.pk: author for author in AuthorPage.objects.live()}
    for _ in range(wanted * 3):  # names repeat; a few tries more than needed
        if len(authors) >= wanted:
            break
        author = author_get_or_create(name=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}")
        authors[author.pk] = author
    return list(authors.values())


def articles_insert(*, folder: Page, articles: list[ArticlePage]) -> None:
    """Insert unsaved ArticlePages (title, slug, dates, live and fields already set) as the last
    children of `folder`, in bulk; each gets its pk. Relations and search entries are the caller's.

    The base `wagtailcore_page` rows go in with bulk_create, their tree paths computed the way
    treebeard's add_child would; the ArticlePage rows with one executemany (Django cannot
    bulk_create multi-table children). No revision, signal or log entry: see the module docstring.
    """
    if not articles:
        return
    folder.refresh_from_db(fields=["numchild", "path", "depth", "url_path"])
    last_child = Page.objects.filter(path__startswith=folder.path, depth=folder.depth + 1).order_by("-path").only(
        "path").first()
    next_step = (Page._str2int(last_child.path[-Page.steplen:]) + 1) if last_child else 1
    content_type = ContentType.objects.get_for_model(ArticlePage)
    base = [f for f in Page._meta.concrete_fields if not f.primary_key]
    pages = []
    for offset, article in enumerate(articles):
        article.path = Page._get_path(folder.path, folder.depth + 1, next_step + offset)
        article.depth, article.numchild, article.locale_id = folder.depth + 1, 0, folder.locale_id
        article.content_type = content_type
        article.url_path = f"{folder.url_path}{article.slug}/"
        article.draft_title = article.draft_title or article.title
        pages.append(Page(**{f.attname: getattr(article, f.attname) for f in base}))
    Page.objects.bulk_create(pages)
    fields = [f for f in ArticlePage._meta.local_concrete_fields if f.column != "page_ptr_id"]
    columns = ", ".join(["page_ptr_id", *(connection.ops.quote_name(f.column) for f in fields)])
    insert = (f"INSERT INTO {ArticlePage._meta.db_table} ({columns}) "
              f"VALUES ({', '.join(['%s'] * (len(fields) + 1))})")
    rows = []
    for page, article in zip(pages, articles):
        article.id = article.page_ptr_id = page.pk
        article._state.adding, article._state.db = False, page._state.db
        rows.append([page.pk, *(f.get_db_prep_save(f.pre_save(article, True), connection) for f in fields)])
    with connection.cursor() as cursor:
        cursor.executemany(insert, rows)
    Page.objects.filter(pk=folder.pk).update(numchild=F("numchild") + len(articles))


def articles_bulk_create(*, count: int, seed: int = 1, batch_size: int = 2000, author_count: int = 200,
                         progress: Callable[[int], None] | None = None) -> int:
    """Insert `count` live articles under /articles/; returns how many were created."""
    rng = random.Random(seed)
    folder = section_folder("articles")
    authors = _authors(rng, author_count)
    regions, themes = list(RegionPage.objects.all()), list(ThemePage.objects.all())
    dossiers, publications = list(DossierPage.objects.all()), list(Publication.objects.all())
    now = timezone.now()
    created = 0
    while created < count:
        size = min(batch_size, count - created)
        with transaction.atomic():
            articles, bodies = [], []
            for offset in range(size):
                # Oldest first, as an archive is built: ids follow publication order (search relies on it).
                age = 1 - (created + offset + rng.random()) / count
                published = now - datetime.timedelta(seconds=int(age * 20 * 365 * 86400))
                place, thing = rng.choice(_PLACES), rng.choice(_THINGS)
                title = rng.choice(_HEADLINES).format(place=place, thing=thing)
                title = title[0].upper() + title[1:]
                slug = f"{slugify(title)[:60]}-{uuid.uuid4().hex[:8]}"
                repost = publications and rng.random() < 0.25
                publication = rng.choice(publications) if repost else None
                dek = " ".join(_sentence(rng) for _ in range(1))
                bodies.append(_body(rng))  # in this order: the seed gives the same archive as before
                articles.append(ArticlePage(
                    live=True, has_unpublished_changes=False, first_published_at=published,
                    last_published_at=published, title=title, draft_title=title, slug=slug, seo_title="",
                    search_description="", dek=dek, body=bodies[-1],
                    language="en", editors_pick=rng.random() < 0.02, publication=publication,
                    original_url=f"{publication.homepage.rstrip('/')}/archive/{slug}" if publication else "",
                    original_published_at=(published - datetime.timedelta(days=1)).date() if publication else None,
                    repost_mode=default_repost_mode(publication.default_licence) if publication else "excerpt",
                ))
            articles_insert(folder=folder, articles=articles)
            bylines = _relations(rng, articles, authors, regions, themes, dossiers)
            entries_save(entries=[
                entry_for(article, authors=", ".join(a.title for a in bylines[article.pk]), body=body_text(json.loads(body)))
                for article, body in zip(articles, bodies)
            ])
        created += size
        if progress:
            progress(size)
    return created


def _relations(rng, pages, authors, regions, themes, dossiers) -> dict[int, list[AuthorPage]]:
    """Bylines and sections for each page; returns each page's authors in byline order."""
    chosen: dict[int, list[AuthorPage]] = {}
    bylines, region_rows, theme_rows, dossier_rows = [], [], [], []
    through = {name: getattr(ArticlePage, name).through for name in ("regions", "themes", "dossiers")}
    for page in pages:
        chosen[page.pk] = rng.sample(authors, k=rng.choice((1, 1, 1, 2, 2, 3)))
        for order, author in enumerate(chosen[page.pk]):
            bylines.append(ArticleAuthor(page_id=page.pk, author_id=author.pk, sort_order=order))
        for region in rng.sample(regions, k=min(len(regions), rng.randint(1, 2))):
            region_rows.append(through["regions"](articlepage_id=page.pk, regionpage_id=region.pk))
        for theme in rng.sample(themes, k=min(len(themes), rng.randint(1, 2))):
            theme_rows.append(through["themes"](articlepage_id=page.pk, themepage_id=theme.pk))
        if dossiers and rng.random() < 0.2:
            dossier_rows.append(through["dossiers"](articlepage_id=page.pk, dossierpage_id=rng.choice(dossiers).pk))
    ArticleAuthor.objects.bulk_create(bylines)
    for model, rows in ((through["regions"], region_rows), (through["themes"], theme_rows),
                        (through["dossiers"], dossier_rows)):
        model.objects.bulk_create(rows)
    return chosen
