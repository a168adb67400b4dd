"""Admin views for reposting; each calls one service and reports the outcome."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from ingest import selectors
from ingest.forms import RepostForm
from ingest.models import InboxItem
from ingest.services import (
    DuplicateOriginal,
    RepostError,
    inbox_item_dismiss,
    inbox_item_repost,
    repost_from_html,
    repost_from_url,
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
