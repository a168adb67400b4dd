"""Demo content: a small newsroom with staff articles, reposts, authors and sections.

The text lives in demo_data/*.json (written for Crosspost; its conventions are in
demo_data/README.md); this module turns it into pages.
"""

from __future__ import annotations

import datetime
import html
import io
import json
import random
import re
import secrets
from importlib.util import find_spec
from pathlib import Path
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images.models import Image
from wagtail.models import Site
from wagtail.rich_text import RichText

from newsroom.licences import SearchPolicy
from newsroom.models import (
    ArticleAuthor,
    ArticlePage,
    AuthorPage,
    DossierPage,
    Publication,
    RegionPage,
    SiteSettings,
    ThemePage,
)
from newsroom.services import (
    CONTRIBUTOR_GROUP,
    EDITOR_GROUP,
    article_add_correction,
    author_get_or_create,
    section_folder,
    site_ensure_structure,
    unique_child_slug,
)
from translation.segments import html_segments, text_segment
from translation.services import translations_store_reviewed
from translation.ui import ui_correct_many


def demo_data(name: str) -> dict:
    """One of the demo's data files (newsroom/demo_data/<name>.json)."""
    return json.loads((Path(__file__).with_name("demo_data") / f"{name}.json").read_text(encoding="utf-8"))


content = SimpleNamespace(**demo_data("content"))

DEMO_CAPTION = "Illustration drawn for the Crosspost demo."
CAPTION_TRANSLATIONS = {"fr": "Illustration dessinée pour la démonstration de Crosspost.",
                        "ar": "رسم توضيحي أُعِدّ لعرض Crosspost التجريبي."}
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_PALETTE = [(163, 38, 28), (26, 95, 180), (46, 125, 50), (120, 72, 160), (200, 120, 20), (40, 40, 40)]


def paragraph_html(text: str) -> str:
    """Demo paragraphs are plain text with [markdown](links); escape, then make the links."""
    escaped = html.escape(text, quote=False)
    return _LINK.sub(lambda m: f'<a href="{html.escape(m.group(2))}">{m.group(1)}</a>', escaped)


def body_blocks(paragraphs: list[str]) -> list[tuple[str, object]]:
    blocks: list[tuple[str, object]] = []
    for text in paragraphs:
        if text.startswith("## "):
            blocks.append(("heading", text[3:].strip()))
        elif text.startswith("> "):
            blocks.append(("paragraph", RichText(f"<blockquote><p>{paragraph_html(text[2:].strip())}</p></blockquote>")))
        else:
            blocks.append(("paragraph", RichText(f"<p>{paragraph_html(text)}</p>")))
    return blocks


def demo_image(title: str, seed: int) -> Image:
    """An abstract picture drawn here, so the demo needs no downloads and no copyrighted photos."""
    rng = random.Random(seed)
    base = _PALETTE[seed % len(_PALETTE)]
    picture = PILImage.new("RGB", (1600, 900), base)
    draw = ImageDraw.Draw(picture)
    for _ in range(14):
        shade = tuple(min(255, max(0, c + rng.randint(-70, 70))) for c in base)
        x, y, r = rng.randint(0, 1600), rng.randint(0, 900), rng.randint(80, 420)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=shade)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=80)
    image = Image(title=title)
    image.file = ImageFile(buffer, name=f"demo-{seed}.jpg")
    image.save()
    return image


def _sections(model, folder_slug: str, items: list[dict]) -> dict[str, object]:
    folder = section_folder(folder_slug)
    pages = {}
    for item in items:
        page = model.objects.filter(title=item["title"]).first()
        if page is None:
            page = model(title=item["title"], slug=unique_child_slug(folder, item["title"]),
                         description=f"<p>{html.escape(item['description'])}</p>")
            if model is ThemePage:
                page.show_on_home = item.get("show_on_home", False)
            folder.add_child(instance=page)
            page.save_revision().publish()
        pages[item["title"]] = page
    return pages


def demo_site_settings() -> None:
    site = Site.objects.get(is_default_site=True)
    settings_obj = SiteSettings.for_site(site)
    settings_obj.tagline = "Independent news and analysis, republished with attribution"
    settings_obj.reader_note = (
        "<p>Share this article with the links on this page. Community sites may repost our own "
        "articles with the source, copyright and a link to the original.</p>"
    )
    settings_obj.disclaimer = (
        "<p>The contents of each article are the sole responsibility of its authors. The newsroom is "
        "not responsible for inaccurate or incorrect statements in articles it republishes.</p>"
    )
    settings_obj.fair_use_notice = (
        "<p>This site contains copyrighted material whose use has not always been specifically "
        "authorised by the copyright owner. We excerpt such material for news reporting and "
        "commentary, link to the original, and name its source. To use it for other purposes, ask "
        "the copyright owner.</p>"
    )
    settings_obj.media_inquiries_email = "media@crosspost.example"
    settings_obj.save()


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Create the demo newsroom. Safe to run twice: existing articles are left as they are."""
    site_ensure_structure()
    demo_site_settings()
    authors: dict[str, AuthorPage] = {}
    for index, item in enumerate(content.AUTHORS):
        author = author_get_or_create(name=item["name"])
        if not author.bio:
            author.role, author.website = item["role"], item["website"]
            author.bio = f"<p>{html.escape(item['bio'])}</p>"
            author.photo = demo_image(f"Portrait placeholder for {item['name']}", 100 + index)
            author.save_revision().publish()
        authors[item["name"]] = author
    publications = {}
    for item in content.PUBLICATIONS:
        publications[item["name"]], _ = Publication.objects.get_or_create(
            name=item["name"], defaults={"homepage": item["homepage"], "default_licence": item["default_licence"]}
        )
    regions = _sections(RegionPage, "regions", content.REGIONS)
    themes = _sections(ThemePage, "themes", content.THEMES)
    dossiers = _sections(DossierPage, "dossiers", content.DOSSIERS)

    folder = section_folder("articles")
    created = 0
    now = timezone.now()
    for number, item in enumerate(content.ARTICLES):
        if ArticlePage.objects.filter(title=item["title"]).exists():
            continue
        published = now - datetime.timedelta(days=item["days_ago"], hours=number)
        article = ArticlePage(
            title=item["title"],
            slug=unique_child_slug(folder, item["title"]),
            dek=item["dek"],
            body=body_blocks(item["body"]),
            note_to_readers=f"<p>{html.escape(item['note_to_readers'])}</p>" if item.get("note_to_readers") else "",
            editors_pick=item.get("editors_pick", False),
            first_published_at=published,
        )
        if number % 3 != 2:
            article.hero_image = demo_image(item["title"], number)
            article.hero_caption = DEMO_CAPTION
        repost = item.get("repost")
        if repost:
            article.publication = publications[repost["publication"]]
            article.original_url = repost["original_url"]
            article.original_published_at = (now - datetime.timedelta(days=repost["original_days_ago"])).date()
            article.repost_mode = repost["mode"]
        article.article_authors = [ArticleAuthor(author=authors[name]) for name in item["authors"]]
        article.regions = [regions[name] for name in item["regions"]]
        article.themes = [themes[name] for name in item["themes"]]
        article.dossiers = [dossiers[name] for name in item.get("dossiers", [])]
        folder.add_child(instance=article)
        article.save_revision().publish()
        created += 1
    translated = demo_translations_load()
    demo_syndication()
    _other_apps_demo()
    return {"articles": created, "translated_segments": translated}


def demo_syndication() -> None:
    """One repost per search-engine policy (two follow their licence, one the editor's choice)
    and one of our articles with a published correction."""
    chosen = ArticlePage.objects.filter(publication__name="Meridiano Abierto", repost_mode="full").order_by("pk").last()
    if chosen is not None:
        chosen.search_policy = SearchPolicy.CANONICAL_ORIGINAL
        chosen.save_revision().publish()
    own = ArticlePage.objects.filter(publication__isnull=True).order_by("-first_published_at").first()
    if own is not None:
        article_add_correction(page=own, kind="correction", text=(
            "An earlier version of this article gave the wrong year for the first survey. It was 2019, not 2017."))


def _other_apps_demo() -> None:
    """Each feature app brings its own demo data; those not installed are skipped."""
    # By dotted path, looked up only for installed apps: an app left out of INSTALLED_APPS (or
    # without a demo module) must not be imported at all.
    for app, loader in (("engagement", "engagement.demo.engagement_demo_load"),
                        ("membership", "membership.demo.membership_demo_load"),
                        ("newsletter", "newsletter.demo.newsletter_demo_load"),
                        ("ingest", "ingest.demo.ingest_demo_load"),
                        ("imports", "imports.demo.imports_demo_load"),
                        ("audience", "audience.demo.audience_demo_load"),
                        ("federation", "federation.demo.federation_demo_load")):
        if apps.is_installed(app) and find_spec(f"{app}.demo") is not None:
            import_string(loader)()


def demo_translations_load() -> int:
    """Human French and Arabic translations of a few demo articles and of the interface."""
    translations = demo_data("translations")
    ARTICLE_TRANSLATIONS, UI_TRANSLATIONS = translations["ARTICLE_TRANSLATIONS"], translations["UI_TRANSLATIONS"]
    stored = 0
    for title, languages in ARTICLE_TRANSLATIONS.items():
        article = ArticlePage.objects.filter(title=title).first()
        if article is None:
            continue
        source_body = html_segments(article.body_html())
        for language, translated in languages.items():
            # Render the translation through the same blocks, so its segments line up with the source's.
            shadow = ArticlePage(body=body_blocks(translated["body"]), publication=article.publication,
                                 repost_mode=article.repost_mode, excerpt_paragraphs=article.excerpt_paragraphs)
            pairs = [(text_segment(article.title), text_segment(translated["title"])),
                     (text_segment(article.dek), text_segment(translated["dek"])),
                     (text_segment(DEMO_CAPTION), text_segment(CAPTION_TRANSLATIONS[language]))]
            if translated.get("note_to_readers") and article.note_to_readers:
                pairs.append((html_segments(article.note_to_readers)[0], text_segment(translated["note_to_readers"])))
            pairs += list(zip(source_body, html_segments(shadow.body_html())))
            stored += translations_store_reviewed(source_language=article.language, language=language, pairs=pairs,
                                                  engine="human (demo)")
    for language, strings in UI_TRANSLATIONS.items():
        ui_correct_many(language=language, translations=strings)
    return stored


def staff_users_ensure() -> dict[str, str]:
    """An `editor` and a `contributor` in their groups, so a newcomer can see what each role may
    do (README, "Who may do what"); {username: password} for the ones created now."""
    User = get_user_model()
    created = {}
    for username, group in (("editor", EDITOR_GROUP), ("contributor", CONTRIBUTOR_GROUP)):
        if User.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(username=username, email=f"{username}@crosspost.example", password=password)
        user.groups.add(Group.objects.get(name=group))
        created[username] = password
    return created


def admin_user_ensure() -> str | None:
    """Create the `admin` superuser with a random password, returned once; None if one exists."""
    User = get_user_model()
    if User.objects.filter(is_superuser=True).exists():
        return None
    password = secrets.token_urlsafe(12)
    User.objects.create_superuser(username="admin", email="admin@crosspost.example", password=password)
    return password
