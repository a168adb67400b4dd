"""Editors' newsletter pages in the Wagtail admin: digest preview, test send, selection, export."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from crosspost.lib.email import SendError
from newsletter import rendering, services
from newsletter.models import Digest, Selection
from newsroom.models import ArticlePage


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def preview(request: HttpRequest) -> HttpResponse:
    _require(request, "newsletter.view_digest")
    codes = {code for code, _ in rendering.language_choices()}
    language = request.GET.get("language") if request.GET.get("language") in codes else "en"
    articles = services.selections_pending()
    message = rendering.digest_message(
        articles=articles,
        date=timezone.localdate(),
        language=language,
        to=request.user.email or "editor@example.org",
        unsubscribe=rendering.site_url("/newsletter/unsubscribe/preview/"),
        headers={},
    )
    html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), "")
    digests = Digest.objects.annotate(
        sent=Count("deliveries", filter=Q(deliveries__status="sent")),
        failed=Count("deliveries", filter=Q(deliveries__status="failed")),
        waiting=Count("deliveries", filter=Q(deliveries__status__in=["pending", "sending"])),
    )[:10]
    return render(
        request,
        "newsletter/admin/preview.html",
        {
            "page_title": "Newsletter: next digest",
            "header_icon": "mail",
            "articles": articles,
            "subject": message.subject,
            "html": html,
            "text": message.body,
            "language": language,
            "languages": rendering.language_choices(),
            "digests": digests,
            "can_export": request.user.has_perm("newsletter.view_subscriber"),
        },
    )


@require_POST
def send_test(request: HttpRequest) -> HttpResponse:
    _require(request, "newsletter.view_digest")
    if not request.user.email:
        messages.error(request, "Your account has no email address; add one in your account settings.")
    else:
        try:
            services.digest_send_test(to=request.user.email, language=request.POST.get("language", "en"))
            messages.success(request, f"Test digest sent to {request.user.email}.")
        except (SendError, OSError) as exc:
            messages.error(request, f"The test could not be sent: {exc}")
    return redirect(reverse("newsletter_digest:index") + f"?language={request.POST.get('language', 'en')}")


def export(request: HttpRequest) -> HttpResponse:
    _require(request, "newsletter.view_subscriber")

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in services.subscribers_export_rows()), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="subscribers-{timezone.localdate()}.csv"'
    return response


def can_select(user: Any, page: Any) -> bool:
    return page.specific_class is ArticlePage and page.permissions_for_user(user).can_publish()


@require_http_methods(["GET", "POST"])
def select(request: HttpRequest, page_id: int) -> HttpResponse:
    """GET asks, POST adds the article to the next digest or takes it out again."""
    article = get_object_or_404(ArticlePage, pk=page_id)
    if not can_select(request.user, article):
        raise PermissionDenied
    selected = Selection.objects.filter(article=article).exists()
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "GET":
        return render(
            request,
            "newsletter/admin/select.html",
            {"page_title": "Newsletter", "header_icon": "mail", "article": article, "selected": selected,
             "next": next_url},
        )
    if selected:
        services.selection_remove(article=article)
        messages.success(request, f"“{article.title}” removed from the newsletter.")
    else:
        services.selection_add(article=article, user=request.user)
        messages.success(request, f"“{article.title}” added to the next newsletter.")
    return redirect(next_url or reverse("wagtailadmin_pages:edit", args=[article.pk]))
