"""Fixtures shared by every app's tests: a small newsroom built through the real services."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone
from wagtail.rich_text import RichText

from newsroom.models import ArticleAuthor, ArticlePage, DossierPage, Publication, RegionPage, ThemePage
from newsroom.services import author_get_or_create, section_folder, unique_child_slug


def _section(model, folder_slug: str, title: str):
    folder = section_folder(folder_slug)
    page = model(title=title, slug=unique_child_slug(folder, title))
    folder.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def make_section(db) -> Callable:
    folders = {RegionPage: "regions", ThemePage: "themes", DossierPage: "dossiers"}
    return lambda model, title: _section(model, folders[model], title)


@pytest.fixture
def publication(db) -> Publication:
    return Publication.objects.create(name="The Harbour Ledger", homepage="https://ledger.example.org/")


@pytest.fixture
def make_article(db) -> Callable[..., ArticlePage]:
    """Publish an article; paragraphs become one rich-text block each."""
    counter = {"n": 0}

    def make(
        title: str = "",
        *,
        authors: tuple[str, ...] = ("Ada Reporter",),
        paragraphs: tuple[str, ...] = ("First paragraph.", "Second paragraph."),
        dek: str = "",
        days_ago: float = 0,
        publish: bool = True,
        **fields,
    ) -> ArticlePage:
        counter["n"] += 1
        title = title or f"Article number {counter['n']}"
        folder = section_folder("articles")
        regions = fields.pop("regions", [])
        themes = fields.pop("themes", [])
        dossiers = fields.pop("dossiers", [])
        article = ArticlePage(
            title=title,
            slug=unique_child_slug(folder, title),
            dek=dek,
            body=[("paragraph", RichText(f"<p>{text}</p>")) for text in paragraphs],
            first_published_at=timezone.now() - datetime.timedelta(days=days_ago) if publish else None,
            live=False,
            **fields,
        )
        article.article_authors = [ArticleAuthor(author=author_get_or_create(name=n)) for n in authors]
        article.regions, article.themes, article.dossiers = regions, themes, dossiers
        folder.add_child(instance=article)
        revision = article.save_revision()
        if publish:
            revision.publish()
        article.refresh_from_db()
        return article

    return make


@pytest.fixture(autouse=True)
def _english_by_default():
    # Django keeps the last request's language active in the thread; each test starts in English.
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


def pytest_report_header(config) -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({db.get('HOST') or db['NAME']})"


@pytest.fixture(autouse=True)
def _no_compiled_catalogues_left_behind(settings):
    yield
    import shutil
    from pathlib import Path

    directory = Path(settings.UI_LOCALE_DIR)
    if directory.exists() and any(directory.iterdir()):
        from translation.ui import reset_catalogues

        for child in directory.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        reset_catalogues()


@pytest.fixture(autouse=True)
def _no_site_remembered_from_another_test():
    # Each process keeps the Site it looked up for a few seconds (crosspost/middleware.py).
    from crosspost.middleware import sites_forget

    sites_forget()


@pytest.fixture(autouse=True)
def _no_rate_limits_left_behind():
    # One test's sign-ups must not use up the next one's. Rate limits kept in the database roll back
    # with the test; those in Redis are emptied here, and so is the default cache.
    from django.conf import settings
    from django.core.cache import cache

    from crosspost.lib.ratelimit import ratelimit_reset

    cache.clear()
    if settings.REDIS_URL:
        ratelimit_reset()
    yield


@pytest.fixture(autouse=True)
def _own_counter_store(settings, tmp_path_factory):
    """Each test counts views in a store of its own, empty, with no counts left in this process."""
    import uuid

    from crosspost.lib import counters

    counters.counters_discard()
    name = uuid.uuid4().hex[:12]
    settings.COUNTERS_DIR = tmp_path_factory.getbasetemp() / "counters" / name
    settings.COUNTERS_PREFIX = f"test:counters:{name}"
    settings.COUNTERS_PUSH_SECONDS = 3600  # tests push by hand (counters_push)
    yield
    counters.counters_discard()
    if settings.COUNTERS_REDIS_URL and counters._store_for and counters._store_for[2] == settings.COUNTERS_PREFIX:
        client = counters._store.client
        for key in client.scan_iter(match=settings.COUNTERS_PREFIX + ":*", count=500):
            client.delete(key)
