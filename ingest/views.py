"""Admin views for reposting; each calls one service and reports the outcome."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ingest import selectors, websub
from ingest.forms import RepostForm
from ingest.models import FeedSubscription, InboxItem, SourceChange
from ingest.services import (
    DuplicateOriginal,
    RepostError,
    inbox_item_dismiss,
    inbox_item_repost,
    repost_from_html,
    repost_from_url,
)
from ingest.sourcewatch import (
    ChangeAlreadyHandled,
    change_rows,
    source_change_apply,
    source_change_dismiss,
    source_change_note,
)
from newsroom.services import section_folder


def can_repost(user) -> bool:
    """Reposting creates draft articles, so it needs what writing one needs (Contributors have it)."""
    return section_folder("articles").permissions_for_user(user).can_add_subpage()


def _require_repost_permission(request: HttpRequest) -> None:
    if not can_repost(request.user):
        raise PermissionDenied


def repost(request: HttpRequest) -> HttpResponse:
    _require_repost_permission(request)
    form = RepostForm(request.POST or None)
    existing = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        mode = data["mode"] or None
        try:
            if data["html"]:
                article = repost_from_html(html=data["html"], source_url=data["source_url"], mode=mode, user=request.user)
            else:
                article = repost_from_url(url=data["url"], mode=mode, user=request.user)
        except DuplicateOriginal as exc:
            existing = exc.article
        except RepostError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Draft repost created: {article.title}")
            return redirect("wagtailadmin_pages:edit", article.pk)
    return render(request, "ingest/repost.html", {"form": form, "existing": existing})


def inbox(request: HttpRequest) -> HttpResponse:
    _require_repost_permission(request)
    items = Paginator(selectors.inbox_items_new(), 50).get_page(request.GET.get("page"))
    return render(request, "ingest/inbox.html", {"items": items})


@require_POST
def inbox_repost(request: HttpRequest, pk: int) -> HttpResponse:
    _require_repost_permission(request)
    item = get_object_or_404(InboxItem, pk=pk)
    try:
        article = inbox_item_repost(item=item, user=request.user)
    except DuplicateOriginal as exc:
        edit = reverse("wagtailadmin_pages:edit", args=[exc.article.pk])
        messages.warning(request, format_html('Already reposted: <a href="{}">{}</a>', edit, exc.article.title))
    except RepostError as exc:
        messages.error(request, f"{item.title or item.url}: {exc}")
    else:
        messages.success(request, f"Draft repost created: {article.title}")
        return redirect("wagtailadmin_pages:edit", article.pk)
    return redirect("ingest_inbox")


@require_POST
def inbox_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    _require_repost_permission(request)
    inbox_item_dismiss(item=get_object_or_404(InboxItem, pk=pk))
    return redirect("ingest_inbox")


# --- source watch: Reposting → Source changes -------------------------------------------------

def source_changes(request: HttpRequest) -> HttpResponse:
    _require_repost_permission(request)
    status = request.GET.get("status", SourceChange.Status.OPEN)
    if status not in SourceChange.Status.values:
        status = SourceChange.Status.OPEN
    changes = SourceChange.objects.filter(status=status).select_related("article", "article__publication")
    return render(request, "ingest/source_changes.html", {
        "changes": Paginator(changes, 50).get_page(request.GET.get("page")),
        "status": status, "statuses": SourceChange.Status.choices,
        "watch_days": settings.CROSSPOST_SOURCE_WATCH_DAYS,
    })


def _change_for_publisher(request: HttpRequest, pk: int) -> SourceChange:
    change = get_object_or_404(SourceChange.objects.select_related("article"), pk=pk)
    if not change.article.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    return change


def source_change(request: HttpRequest, pk: int) -> HttpResponse:
    _require_repost_permission(request)
    change = get_object_or_404(SourceChange.objects.select_related("article", "article__publication"), pk=pk)
    return render(request, "ingest/source_change.html", {
        "change": change, "rows": change_rows(change),
        "can_publish": change.article.permissions_for_user(request.user).can_publish(),
        "note_kinds": [("update", "Update"), ("correction", "Correction"), ("retraction", "Retraction")],
        "suggested_note": _suggested_note(change),
    })


def _suggested_note(change: SourceChange) -> str:
    name = change.article.publication.name if change.article.publication_id else "the original publisher"
    if change.kind == SourceChange.Kind.GONE:
        return f"The original article is no longer available on {name}'s website."
    if change.kind == SourceChange.Kind.RETRACTED:
        return f"{name} has retracted the original article."
    return f"{name} has since updated the original article."


@require_POST
def source_change_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    change = _change_for_publisher(request, pk)
    try:
        if action == "apply":
            source_change_apply(change=change, user=request.user)
            messages.success(request, f"The new text is published: {change.article.title}")
        elif action == "note":
            kind = request.POST.get("kind", "update")
            source_change_note(change=change, text=request.POST.get("text", ""), kind=kind, user=request.user)
            messages.success(request, f"Note added to {change.article.title}")
        elif action == "dismiss":
            source_change_dismiss(change=change, user=request.user)
            messages.success(request, "Dismissed.")
        else:
            raise Http404
    except (ValueError, ChangeAlreadyHandled) as exc:
        messages.error(request, str(exc))
        return redirect("ingest_source_change", change.pk)
    return redirect("ingest_source_changes")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def websub_callback(request: HttpRequest, pk: int) -> HttpResponse:
    """A hub confirming our subscription (GET with a challenge) or pushing new entries (POST)."""
    subscription = get_object_or_404(FeedSubscription, pk=pk)
    if request.method == "GET":
        try:
            challenge = websub.intent_confirm(
                subscription=subscription, mode=request.GET.get("hub.mode", ""),
                topic=request.GET.get("hub.topic", ""), challenge=request.GET.get("hub.challenge", ""),
                lease_seconds=request.GET.get("hub.lease_seconds", str(websub.LEASE_SECONDS)))
        except websub.PushRefused as exc:
            return HttpResponse(str(exc), status=404, content_type="text/plain")
        return HttpResponse(challenge, content_type="text/plain")
    try:
        new = websub.push_receive(subscription=subscription, body=request.body,
                                  signature=request.headers.get("X-Hub-Signature", ""))
    except websub.PushRefused as exc:
        # The spec asks for a 2xx even so (a hub must not retry a push we will never accept).
        return HttpResponse(f"ignored: {exc}", status=202, content_type="text/plain")
    return HttpResponse(f"{new} new", status=202, content_type="text/plain")
