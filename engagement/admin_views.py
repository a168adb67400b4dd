"""Editors' screens: comment moderation, permission requests, republications, reader messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import permission_denied, permission_required

from crosspost.lib.charts import line_chart
from crosspost.lib.spreadsheet import csv_response
from engagement import selectors, services
from engagement.comments import address_ban, comment_approve, comment_reject
from engagement.forms import PermissionAnswerForm
from engagement.models import Comment, ContactMessage, PermissionRequest, WebhookDelivery
from engagement.republication import permission_request_answer

# The permission each screen needs; wagtail_hooks shows a menu item only to those who hold it.
MODERATE_COMMENTS = "engagement.change_comment"
BAN_ADDRESSES = "engagement.add_bannedaddress"
ANSWER_PERMISSION_REQUESTS = "engagement.change_permissionrequest"
VIEW_REPUBLICATIONS = "engagement.view_republication"
HANDLE_MESSAGES = "engagement.change_contactmessage"
VIEW_WEBHOOK_DELIVERIES = "engagement.view_webhookdelivery"


def _id(value: str) -> int | None:
    # str.isdigit() accepts "²" and any length; a row id is a short run of ASCII digits.
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


@require_http_methods(["GET", "POST"])
@permission_required(MODERATE_COMMENTS)
def comments(request: HttpRequest) -> HttpResponse:
    """Pending comments first; approve, reject or ban the address, one row or a ticked batch."""
    status = request.GET.get("status", Comment.Status.PENDING)
    if request.method == "POST":
        action, _, one = request.POST.get("one", "").partition(":")
        single = _id(one)
        ids = [single] if single else [n for n in map(_id, request.POST.getlist("ids")) if n]
        action = action or request.POST.get("action", "")
        if action == "approve":
            done = comment_approve(comment_ids=ids, user=request.user)
            messages.success(request, f"{done} comment(s) approved.")
        elif action == "reject":
            done = comment_reject(comment_ids=ids, user=request.user)
            messages.success(request, f"{done} comment(s) rejected.")
        elif action == "ban":
            if not request.user.has_perm(BAN_ADDRESSES):
                return permission_denied(request)
            addresses = set(Comment.objects.filter(pk__in=ids).values_list("email_key", flat=True))
            for address in addresses:
                address_ban(email=address, reason="Banned from comment moderation", user=request.user)
            messages.success(request, f"{len(addresses)} address(es) banned; their comments were rejected.")
        return redirect(request.get_full_path())
    rows = Comment.objects.select_related("article", "parent", "fediverse_reply").order_by("-created_at")
    if status in Comment.Status.values:
        rows = rows.filter(status=status)
    if _id(request.GET.get("article", "")):
        rows = rows.filter(article_id=_id(request.GET["article"]))
    page = Paginator(rows, 50).get_page(request.GET.get("p"))
    return TemplateResponse(request, "engagement/admin/comments.html", {
        "page": page, "status": status, "statuses": Comment.Status.choices,
        "pending": Comment.objects.filter(status=Comment.Status.PENDING).count(),
        "can_ban": request.user.has_perm(BAN_ADDRESSES),
    })


@permission_required(ANSWER_PERMISSION_REQUESTS)
def permission_requests(request: HttpRequest) -> HttpResponse:
    rows = PermissionRequest.objects.select_related("article")
    status = request.GET.get("status", "")
    if status in PermissionRequest.Status.values:
        rows = rows.filter(status=status)
    return TemplateResponse(request, "engagement/admin/permission_requests.html", {
        "rows": rows[:200], "status": status, "statuses": PermissionRequest.Status.choices,
    })


@require_http_methods(["GET", "POST"])
@permission_required(ANSWER_PERMISSION_REQUESTS)
def permission_request(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PermissionRequest.objects.select_related("article", "answered_by"), pk=pk)
    form = PermissionAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = permission_request_answer(
                request_id=item.pk, approve=form.cleaned_data["decision"] == "approve",
                message=form.cleaned_data["message"], user=request.user,
            )
        except services.Refused as exc:  # the form is shown again with the editor's text in it
            messages.error(request, str(exc))
            return TemplateResponse(request, "engagement/admin/permission_request.html",
                                    {"item": item, "form": form}, status=503)
        if sent:
            messages.success(request, f"Answer sent to {item.email}.")
        else:
            messages.warning(request, "This request had already been answered.")
        return redirect("engagement_permission", pk=item.pk)
    return TemplateResponse(request, "engagement/admin/permission_request.html", {"item": item, "form": form})


REPUBLICATION_RANGES = (7, 30, 90, 365)
REPUBLICATION_TABLES = ("days", "articles", "domains", "partners", "pages")


@permission_required(VIEW_REPUBLICATIONS)
def republications(request: HttpRequest) -> HttpResponse:
    """Views of republished copies over time, top articles, sites and partners, and every page seen."""
    article_id = _id(request.GET.get("article", ""))
    days = _id(request.GET.get("days", "")) or 30
    days = days if days in REPUBLICATION_RANGES else 30
    report = selectors.republication_report(days=days, article_id=article_id)
    rows = selectors.republications(article_id=article_id)
    if request.GET.get("format") == "csv":
        table = request.GET.get("table", "days")
        table = table if table in REPUBLICATION_TABLES else "days"
        data = selectors.republication_rows(article_id=article_id) if table == "pages" else report[table]
        return csv_response(data, f"republications-{table}-{days}d-{report['to']}.csv")
    page = Paginator(rows, 100).get_page(request.GET.get("p"))
    article = rows.first().article if article_id and rows.exists() else None
    chart = line_chart([d["day"][5:] for d in report["days"]], [("Views", [d["views"] for d in report["days"]])],
                       title=f"Views of republished copies per day, {report['from']} to {report['to']}")
    return TemplateResponse(request, "engagement/admin/republications.html", {
        "page": page, "article_id": article_id, "article": article, "report": report, "chart": chart,
        "days": days, "ranges": REPUBLICATION_RANGES,
    })


@require_http_methods(["GET", "POST"])
@permission_required(HANDLE_MESSAGES)
def reader_messages(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and _id(request.POST.get("handled", "")):
        ContactMessage.objects.filter(pk=_id(request.POST["handled"])).update(handled=True)
        return redirect(request.get_full_path())
    rows = ContactMessage.objects.all()
    kind = request.GET.get("kind", "")
    if kind in ContactMessage.Kind.values:
        rows = rows.filter(kind=kind)
    if request.GET.get("all") != "1":
        rows = rows.filter(handled=False)
    return TemplateResponse(request, "engagement/admin/messages.html", {
        "rows": rows[:200], "kind": kind, "kinds": ContactMessage.Kind.choices,
    })


@permission_required(VIEW_WEBHOOK_DELIVERIES)
def webhook_deliveries(request: HttpRequest) -> HttpResponse:
    rows = WebhookDelivery.objects.select_related("endpoint", "article")[:200]
    return TemplateResponse(request, "engagement/admin/webhook_deliveries.html", {"rows": rows})
