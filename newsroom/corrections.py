"""/corrections/: every correction, clarification, update and retraction, newest first, with feeds."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import feedgenerator, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail.models import Page

from newsroom.feeds import FEED_LENGTH, absolute
from newsroom.listings import paginate, translated
from newsroom.models import ArticleCorrection
from translation.selectors import notes_translate

PER_PAGE = 20


def corrections_live() -> QuerySet[ArticleCorrection]:
    """The notes of live, public articles, newest first."""
    public = Page.objects.live().public().values("pk")
    return (ArticleCorrection.objects.filter(page__in=public).select_related("page")
            .order_by("-date", "-pk"))


def _with_text(notes: list[ArticleCorrection]) -> list[ArticleCorrection]:
    language = translation.get_language() or settings.LANGUAGE_CODE
    texts = notes_translate(notes, language)
    translated([note.page for note in notes])  # gives each article tr_title in the reader's language
    for note in notes:
        note.html = texts[note.pk]
    return notes


def corrections_list(request: HttpRequest) -> HttpResponse:
    page_obj = paginate(request, corrections_live(), per_page=PER_PAGE)
    page_obj.object_list = _with_text(list(page_obj.object_list))
    return TemplateResponse(request, "newsroom/corrections.html", {"notes": page_obj})


def corrections_feed(request: HttpRequest, kind: str) -> HttpResponse:
    generators = {"rss": feedgenerator.Rss201rev2Feed, "atom": feedgenerator.Atom1Feed}
    if kind not in generators:
        raise Http404
    language = translation.get_language() or settings.LANGUAGE_CODE
    feed = generators[kind](
        title=f"{settings.SITE_NAME}: {_('Corrections and updates')}",
        link=absolute(request.path.rsplit("feed/", 1)[0]),
        description=_("Corrections, clarifications, updates and retractions of our articles."),
        language=language,
        feed_url=absolute(request.path),
    )
    for note in _with_text(list(corrections_live()[:FEED_LENGTH])):
        link = absolute(note.page.get_url(request))
        feed.add_item(
            title=f"{note.get_kind_display()}: {note.page.tr_title}",
            link=f"{link}#corrections",
            unique_id=f"urn:uuid:{note.uid}",
            description=strip_tags(note.html),
            pubdate=note.date,
            categories=[note.kind],
        )
    response = HttpResponse(content_type=feed.content_type)
    feed.write(response, "utf-8")
    return response
