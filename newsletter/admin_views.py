"""Editors' newsletter pages in the Wagtail admin: digest preview, test send, selection, stats, export."""

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
from newsletter import rendering, selectors, services
from newsletter.models import Digest, Newsletter
from newsroom.models import ArticlePage


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _newsletter_chosen(request: HttpRequest) -> Newsletter:
    slug = request.GET.get("list") or request.POST.get("list")
    return Newsletter.objects.filter(slug=slug).first() or services.newsletter_default()


def preview(request: HttpRequest) -> HttpResponse:
    _require(request, "newsletter.view_digest")
    codes = {code for code, _ in rendering.language_choices()}
    language = request.GET.get("language") if request.GET.get("language") in codes else "en"
    newsletter = _newsletter_chosen(request)
    articles = services.selections_pending(newsletter=newsletter)
    message = rendering.digest_message(
        articles=articles,
        date=timezone.localdate(),
        language=language,
        to=request.user.email or "editor@example.org",
        unsubscribe=rendering.site_url("/newsletter/unsubscribe/preview/"),
        headers={},
        newsletter=newsletter,
    )
    html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), "")
    digests = Digest.objects.filter(newsletter=newsletter).annotate(
        sent=Count("deliveries", filter=Q(deliveries__status="sent")),
        failed=Count("deliveries", filter=Q(deliveries__status="failed")),
        waiting=Count("deliveries", filter=Q(deliveries__status__in=["pending", "sending"])),
        articles_count=Count("items", distinct=True),
    )[:10]
    return render(
        request,
        "newsletter/admin/preview.html",
        {
            "page_title": f"Newsletter: next {newsletter.name}",
            "header_icon": "mail",
            "newsletter": newsletter,
            "newsletters": Newsletter.objects.all(),
            "articles": articles,
            "subject": message.subject,
            "html": html,
            "text": message.body,
            "language": language,
            "languages": rendering.language_choices(),
            "digests": digests,
            "can_export": request.user.has_perm("newsletter.view_subscriber"),
            "can_release": True,
        },
    )


@require_POST
def release(request: HttpRequest) -> HttpResponse:
    """An editor has looked at a held list's next issue and lets it go out on schedule."""
    _require(request, "newsletter.view_digest")  # whoever may see the next issue may let it go
    newsletter = _newsletter_chosen(request)
    services.newsletter_release(newsletter=newsletter)
    messages.success(request, f"“{newsletter.name}” will go out at its next scheduled time.")
    return redirect(reverse("newsletter_digest:index") + f"?list={newsletter.slug}")


def stats(request: HttpRequest) -> HttpResponse:
    """Newsletter → Digests: what each sent issue did, with a chart over time."""
    _require(request, "newsletter.view_digest")
    newsletter = Newsletter.objects.filter(slug=request.GET.get("list", "")).first()
    rows = selectors.digests_stats(newsletter=newsletter, limit=30)
    opened = next((row["digest"] for row in rows if str(row["digest"].pk) == request.GET.get("digest")), None)
    return render(request, "newsletter/admin/stats.html", {
        "page_title": "Newsletter: digests", "header_icon": "mail", "rows": rows,
        "chart": selectors.stats_chart(rows), "newsletters": Newsletter.objects.all(), "newsletter": newsletter,
        "opened": opened, "clicks": selectors.digest_clicks(opened) if opened else [],
        "tracking": any(n.open_tracking for n in Newsletter.objects.all()),
    })


@require_POST
def send_test(request: HttpRequest) -> HttpResponse:
    _require(request, "newsletter.view_digest")
    if not request.user.email:
        messages.error(request, "Your account has no email address; add one in your account settings.")
    else:
        try:
            services.digest_send_test(to=request.user.email, language=request.POST.get("language", "en"),
                                      newsletter=_newsletter_chosen(request))
            messages.success(request, f"Test digest sent to {request.user.email}.")
        except (SendError, OSError) as exc:
            messages.error(request, f"The test could not be sent: {exc}")
    return redirect(reverse("newsletter_digest:index") + f"?language={request.POST.get('language', 'en')}"
                    f"&list={_newsletter_chosen(request).slug}")


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
    """GET asks, POST adds the article to a hand-picked list's next issue or takes it out again."""
    article = get_object_or_404(ArticlePage, pk=page_id)
    if not can_select(request.user, article):
        raise PermissionDenied
    picked = list(Newsletter.objects.filter(rule=Newsletter.Rule.PICKED)) or [services.newsletter_default()]
    chosen = {n.pk for n in Newsletter.objects.filter(selections__article=article)}
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "GET":
        return render(
            request,
            "newsletter/admin/select.html",
            {"page_title": "Newsletter", "header_icon": "mail", "article": article, "next": next_url,
             "lists": [(n, n.pk in chosen) for n in picked], "selected": bool(chosen)},
        )
    newsletter = next((n for n in picked if str(n.pk) == request.POST.get("list")), picked[0])
    if newsletter.pk in chosen:
        services.selection_remove(article=article, newsletter=newsletter)
        messages.success(request, f"“{article.title}” removed from the newsletter ({newsletter.name}).")
    else:
        services.selection_add(article=article, user=request.user, newsletter=newsletter)
        messages.success(request, f"“{article.title}” added to the next newsletter ({newsletter.name}).")
    return redirect(next_url or reverse("wagtailadmin_pages:edit", args=[article.pk]))
