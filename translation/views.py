"""Editors' translation screens in the Wagtail admin. Thin: the work is in services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from translation.engines import get_engine
from translation.jobs import translation_request_many
from translation.languages import NATIVE_NAMES
from translation.models import SegmentTranslation, TranslationJob
from translation.permissions import PUBLISH_TRANSLATION
from translation.selectors import page_segment_rows, page_source_language
from translation.services import page_retranslate, segment_correct


def _require_translator(request: HttpRequest) -> None:
    # Editing a page is not enough: a Contributor's edits wait for review, a correction does not.
    if not request.user.has_perm(PUBLISH_TRANSLATION):
        raise PermissionDenied


def _editable_page(request: HttpRequest, page_id: int) -> Page:
    _require_translator(request)
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


def _target_languages(page: Page) -> list[tuple[str, str]]:
    source = page_source_language(page)
    return [(code, NATIVE_NAMES.get(code, code)) for code, _ in settings.LANGUAGES if code != source]


@require_http_methods(["GET", "POST"])
def page_overview(request: HttpRequest, page_id: int) -> HttpResponse:
    page = _editable_page(request, page_id)
    languages = _target_languages(page)
    if request.method == "POST":
        chosen = [code for code in request.POST.getlist("languages") if code in dict(languages)]
        if get_engine() is None:
            messages.error(request, "No machine-translation engine is configured (CROSSPOST_MT_BACKEND).")
        elif not chosen:
            messages.warning(request, "Choose at least one language.")
        else:
            translation_request_many(page=page, languages=chosen)
            messages.success(request, f"Translation queued for {len(chosen)} language(s).")
        return redirect("translation_page", page_id=page.pk)
    jobs = {job.language: job for job in TranslationJob.objects.filter(page=page)}
    rows = [{"code": code, "name": name, "job": jobs.get(code)} for code, name in languages]
    return TemplateResponse(request, "translation/admin/page_overview.html", {
        "page": page, "rows": rows, "engine": get_engine(),
        "pretranslate": settings.CROSSPOST_PRETRANSLATE,
    })


@require_http_methods(["GET", "POST"])
def page_segments(request: HttpRequest, page_id: int, language: str) -> HttpResponse:
    page = _editable_page(request, page_id)
    if language not in dict(_target_languages(page)):
        raise Http404("Not a language this page is translated into")
    if request.method == "POST":
        # Corrections typed into the boxes are saved whichever button was pressed, so
        # "Re-translate" never throws away an editor's work.
        current = {row["hash"]: row["translation"] for row in page_segment_rows(page, language)}
        saved = 0
        for key, value in request.POST.items():
            if not key.startswith("segment-"):
                continue
            source_hash, text = key.removeprefix("segment-"), value.strip()
            existing: SegmentTranslation | None = current.get(source_hash)
            if source_hash not in current or not text or (existing and existing.text == text):
                continue
            segment_correct(page=page, language=language, source_hash=source_hash, text=text, user=request.user)
            saved += 1
        if saved or "retranslate" not in request.POST:
            messages.success(request, f"{saved} segment(s) saved as reviewed.")
        if "retranslate" in request.POST:
            if get_engine() is None:  # dropping the machine text with nothing to replace it would lose it
                messages.error(request, "No machine-translation engine is configured (CROSSPOST_MT_BACKEND).")
            else:
                page_retranslate(page=page, language=language)
                messages.success(request, "Machine translations queued again; reviewed segments are kept.")
        return redirect("translation_segments", page_id=page.pk, language=language)
    return TemplateResponse(request, "translation/admin/page_segments.html", {
        "page": page, "language": language, "language_name": NATIVE_NAMES.get(language, language),
        "rows": page_segment_rows(page, language),
        "job": TranslationJob.objects.filter(page=page, language=language).first(),
    })


def job_list(request: HttpRequest) -> HttpResponse:
    _require_translator(request)
    status = request.GET.get("status", "")
    jobs = TranslationJob.objects.select_related("page").order_by("-requested_at")
    if status in TranslationJob.Status.values:
        jobs = jobs.filter(status=status)
    return TemplateResponse(request, "translation/admin/job_list.html", {
        "jobs": jobs[:200], "status": status, "statuses": TranslationJob.Status.choices,
    })


@require_http_methods(["GET", "POST"])
def interface_strings(request: HttpRequest, language: str) -> HttpResponse:
    """Editors review the interface's own wording in one language."""
    from translation.ui import ui_correct, ui_rows

    _require_translator(request)
    if language not in dict(settings.LANGUAGES) or language == settings.LANGUAGE_CODE:
        raise Http404("Not a translated language")
    rows = ui_rows(language)
    if request.method == "POST":
        saved, errors = 0, []
        for index, row in enumerate(rows):
            # Browsers send textareas back with CRLF line ends; compare what the editor was shown.
            text = request.POST.get(f"string-{index}", "").replace("\r\n", "\n").strip()
            if not text or text == row["shown"].strip():
                continue
            try:
                ui_correct(language=language, text=row["text"], translation=text, form=row["form"],
                           user=request.user)
                saved += 1
            except ValueError as exc:
                errors.append(f"“{row['text']}”: {exc}")
        for error in errors:
            messages.error(request, error)
        messages.success(request, f"{saved} interface string(s) saved as reviewed.")
        return redirect("translation_interface", language=language)
    return TemplateResponse(request, "translation/admin/interface_strings.html", {
        "rows": rows, "language": language, "language_name": NATIVE_NAMES.get(language, language),
        "languages": [(c, NATIVE_NAMES.get(c, c)) for c, _ in settings.LANGUAGES if c != settings.LANGUAGE_CODE],
    })
