"""Republication of our articles by others: the views their copies' pixels count, where the copies
are (the editors' report), and the requests for permission to republish that editors answer.
"""

from __future__ import annotations

import datetime
import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import permission_required

from crosspost.lib import email as mail
from crosspost.lib.charts import line_chart
from crosspost.lib.email import AddressField
from crosspost.lib.ratelimit import ratelimit_hit_all
from crosspost.lib.spreadsheet import csv_response
from crosspost.lib.upsert import rows_add
from engagement import pixel
from engagement.models import DailyRepublicationViews, Partner, PermissionRequest, Republication
from engagement.services import (
    HOUR,
    RateLimited,
    Refused,
    admin_url,
    editors_notify,
    engagement_settings,
    media_inquiries_email,
)
from engagement.web import HoneypotMixin, NoLineBreaksMixin, article_or_404, client_ip, message_page, row_id
from newsroom.models import ArticlePage

# The permissions the editors' screens need; wagtail_hooks shows a menu item only to holders.
ANSWER_PERMISSION_REQUESTS = "engagement.change_permissionrequest"
VIEW_REPUBLICATIONS = "engagement.view_republication"

log = logging.getLogger(__name__)

def republication_counts_add(*, counts: dict[tuple, int], first_seen: datetime.datetime,
                             last_seen: datetime.datetime) -> int:
    """Add pixel counts to Republication rows and daily rows; returns the views written.

    `counts` maps (day, article id, partner id or 0, page URL, domain) to views, as the counter
    store hands them over (audience.services.counters_flush calls this inside its transaction).
    Hits for articles deleted meanwhile, for partners that no longer exist, and for new pages
    beyond `MAX_NEW_PAGES` in one go are dropped.
    """
    if not counts:
        return 0
    articles = set(ArticlePage.objects.filter(pk__in={k[1] for k in counts}).values_list("pk", flat=True))
    partners = set(Partner.objects.filter(pk__in={k[2] for k in counts if k[2]}).values_list("pk", flat=True))
    pages: dict[tuple[int, str], dict] = {}
    daily: dict[tuple, int] = {}
    for (day, article_id, partner_id, page_url, domain), views in counts.items():
        if article_id not in articles:
            continue
        partner_id = partner_id if partner_id in partners else 0
        row = pages.setdefault((article_id, page_url), {
            "article": article_id, "page_url": page_url, "domain": domain, "views": 0,
            "first_seen": first_seen, "last_seen": last_seen, "partner": partner_id or None})
        row["views"] += views
        row["partner"] = row["partner"] or partner_id or None
        day_key = (datetime.date.fromisoformat(day), article_id, domain, partner_id)
        daily[day_key] = daily.get(day_key, 0) + views
    existing = set(Republication.objects.filter(article_id__in={a for a, _ in pages}, page_url__in={u for _, u in pages})
                   .values_list("article_id", "page_url"))
    new = [key for key in pages if key not in existing]
    for key in new[pixel.MAX_NEW_PAGES:]:
        dropped = pages.pop(key)
        for daily_key in [k for k in daily if k[1] == dropped["article"] and k[2] == dropped["domain"]]:
            daily[daily_key] -= dropped["views"]
    rows_add(Republication, pages.values(), unique=["article", "page_url"], add=["views"], replace=["last_seen"])
    rows_add(DailyRepublicationViews,
             [{"day": d, "article": a, "domain": dom, "partner_pk": p, "views": n}
              for (d, a, dom, p), n in daily.items() if n > 0],
             unique=["day", "article", "domain", "partner_pk"], add=["views"])
    return sum(row["views"] for row in pages.values())


def permission_request_submit(*, article=None, name: str, email: str, organisation: str, use: str,
                              message: str, ip: str = "") -> PermissionRequest:
    if not ratelimit_hit_all([f"permission:ip:{ip}"], settings.ENGAGEMENT_FORM_LIMIT, HOUR):
        raise RateLimited("You have sent several requests in the last hour. Please try again later.")
    request = PermissionRequest.objects.create(
        article=article, name=name.strip(), email=email.strip(), organisation=organisation.strip(),
        use=use, message=message.strip(),
    )
    config = engagement_settings()
    to = config.permissions_email or media_inquiries_email()
    if to:
        editors_notify(template="engagement/email/permission_request", to=[to], reply_to=request.email,
                      context={"request": request, "admin_url": admin_url("engagement_permission", request.pk)})
    return request


def permission_request_answer(*, request_id: int, approve: bool, message: str = "", user=None) -> bool:
    """Approve or deny a pending request and mail the requester. False if it was already answered."""
    status = PermissionRequest.Status.APPROVED if approve else PermissionRequest.Status.DENIED
    try:
        # Recorded only once the answer is mailed: an answer the requester never received must
        # stay open for the editor to send again.
        with transaction.atomic():
            answered = PermissionRequest.objects.filter(pk=request_id, status=PermissionRequest.Status.PENDING).update(
                status=status, answer=message.strip(), answered_at=timezone.now(), answered_by=user
            )
            if not answered:
                return False
            request = PermissionRequest.objects.select_related("article").get(pk=request_id)
            mail.send(
                template="engagement/email/permission_answer",
                context={"request": request, "approved": approve, "site_name": settings.SITE_NAME,
                         "article_url": request.article.canonical_url() if request.article else ""},
                to=[request.email],
            )
    except (OSError, UnicodeError) as exc:  # smtplib's errors are OSErrors
        log.warning("permission answer %s not mailed: %s", request_id, exc)
        raise Refused(f"The answer could not be mailed ({exc}); nothing was recorded. Please try again.") from exc
    return True


def republications(*, article_id: int | None = None, domain: str | None = None) -> QuerySet[Republication]:
    rows = Republication.objects.select_related("article", "partner").order_by("-views", "-last_seen")
    if article_id is not None:
        rows = rows.filter(article_id=article_id)
    if domain is not None:
        rows = rows.filter(domain=domain)
    return rows


def republication_rows(*, article_id: int | None = None, domain: str | None = None) -> list[dict]:
    return [
        {
            "article_id": r.article_id,
            "article": r.article.title,
            "domain": r.domain,
            "page_url": r.page_url,
            "partner": r.partner.name if r.partner else None,
            "views": r.views,
            "first_seen": r.first_seen.isoformat(),
            "last_seen": r.last_seen.isoformat(),
        }
        for r in republications(article_id=article_id, domain=domain)
    ]


# Sites drawn as their own line in the per-site chart; the rest add up to "other". Three plus
# "other" keeps every line in its own colour (crosspost.lib.charts has four).
TOP_DOMAINS_CHARTED = 3
NO_REFERRER = "(no referrer)"
OTHER_DOMAINS = "other sites"  # a space, so no host name can take it


def domain_label(domain: str) -> str:
    return domain or NO_REFERRER


def republication_report(*, days: int = 30, article_id: int | None = None, domain: str | None = None,
                         today: datetime.date | None = None) -> dict:
    """Views of republished copies per day, overall and for the top sites, and the top articles,
    sites and partners, from daily rows: at most seven queries whatever the period or the number of sites."""
    end = today or timezone.localdate()
    start = end - datetime.timedelta(days=max(days, 1) - 1)
    rows = DailyRepublicationViews.objects.filter(day__range=(start, end))
    if article_id is not None:
        rows = rows.filter(article_id=article_id)
    if domain is not None:
        rows = rows.filter(domain=domain)
    dates = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    per_day = dict(rows.values_list("day").annotate(views=Sum("views")).order_by())
    series = [{"day": day.isoformat(), "views": per_day.get(day, 0)} for day in dates]
    articles = list(rows.values("article_id").annotate(views=Sum("views")).order_by("-views", "article_id")[:20])
    titles = dict(ArticlePage.objects.filter(pk__in=[a["article_id"] for a in articles]).values_list("pk", "title"))
    partners_rows = list(rows.exclude(partner_pk=0).values("partner_pk").annotate(views=Sum("views"))
                         .order_by("-views")[:20])
    names = dict(Partner.objects.filter(pk__in=[p["partner_pk"] for p in partners_rows]).values_list("pk", "name"))
    domains = list(rows.values("domain").annotate(views=Sum("views")).order_by("-views", "domain")[:20])
    return {
        "from": start.isoformat(), "to": end.isoformat(),
        "views": sum(d["views"] for d in series),
        "days": series,
        "domain_days": _domain_days(rows, dates, per_day, [d["domain"] for d in domains[:TOP_DOMAINS_CHARTED]]),
        "articles": [{"article_id": a["article_id"], "title": titles.get(a["article_id"], "(deleted article)"),
                      "views": a["views"]} for a in articles],
        "domains": [{"domain": domain_label(d["domain"]), "views": d["views"]} for d in domains],
        "partners": [{"partner": names.get(p["partner_pk"], "(deleted partner)"), "views": p["views"]}
                     for p in partners_rows],
    }


def _domain_days(rows: QuerySet[DailyRepublicationViews], dates: list[datetime.date],
                 per_day: dict[datetime.date, int], top: list[str]) -> dict:
    """Views per day for each of the `top` sites, and "other" as the day's total less theirs.

    One query however many sites there are: the rest is what the day's total (already read)
    leaves, so no second pass over the long tail of domains.
    """
    counted: dict[tuple[datetime.date, str], int] = {
        (day, domain): views for day, domain, views in
        rows.filter(domain__in=top).values_list("day", "domain").annotate(views=Sum("views")).order_by()
    } if top else {}
    names = [domain_label(d) for d in top]
    lines = {day: [counted.get((day, d), 0) for d in top] for day in dates}
    rest = {day: per_day.get(day, 0) - sum(views) for day, views in lines.items()}
    # When every view is in a line already, an "other sites" line at zero would only mislead.
    other = any(rest.values())
    if other:
        names.append(OTHER_DOMAINS)
        for day, views in lines.items():
            views.append(rest[day])
    table: list[dict[str, str | int]] = [{"day": day.isoformat(), **dict(zip(names, views, strict=True))}
                                         for day, views in lines.items()]
    return {"names": names, "rows": table, "other": other}


class PermissionRequestForm(HoneypotMixin, NoLineBreaksMixin, forms.ModelForm):
    website = forms.CharField(required=False, label=_("Leave this empty"))
    single_line = ("name", "email", "organisation")

    class Meta:
        model = PermissionRequest
        fields = ["name", "email", "organisation", "use", "message"]
        field_classes = {"email": AddressField}
        labels = {"use": _("How you would use it"), "message": _("Where and when you would publish it")}


class PermissionAnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("deny", "Deny")], widget=forms.RadioSelect)
    message = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="Sent to the requester with the decision.")


@require_http_methods(["GET", "POST"])
def permission_request(request: HttpRequest, article_id: int | None = None) -> HttpResponse:
    """The public form (never page-cached, so it keeps Django's CSRF protection)."""
    article = article_or_404(article_id) if article_id else None
    if request.method == "GET":
        return render(request, "engagement/permission_request.html", {"form": PermissionRequestForm(), "article": article})
    form = PermissionRequestForm(request.POST)
    if not form.is_valid():
        return render(request, "engagement/permission_request.html", {"form": form, "article": article}, status=400)
    if not form.is_bot():
        data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
        try:
            permission_request_submit(article=article, ip=client_ip(request), **data)
        except Refused as exc:
            return message_page(request, title="Not sent", text=str(exc), article=article, status=429)
    return message_page(request, title="Request received",
                        text="Thank you. An editor will answer you by email.", article=article)


@permission_required(ANSWER_PERMISSION_REQUESTS)
def admin_permission_requests(request: HttpRequest) -> HttpResponse:
    rows = PermissionRequest.objects.select_related("article")
    status = request.GET.get("status", "")
    if status in PermissionRequest.Status.values:
        rows = rows.filter(status=status)
    return TemplateResponse(request, "engagement/admin/permission_requests.html", {
        "rows": rows[:200], "status": status, "statuses": PermissionRequest.Status.choices,
    })


@require_http_methods(["GET", "POST"])
@permission_required(ANSWER_PERMISSION_REQUESTS)
def admin_permission_request(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PermissionRequest.objects.select_related("article", "answered_by"), pk=pk)
    form = PermissionAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = permission_request_answer(
                request_id=item.pk, approve=form.cleaned_data["decision"] == "approve",
                message=form.cleaned_data["message"], user=request.user,
            )
        except Refused as exc:  # the form is shown again with the editor's text in it
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
REPUBLICATION_TABLES = ("days", "domain_days", "articles", "domains", "partners", "pages")


def domain_param(value: str) -> str | None:
    """A site to filter by, as the pixel stores it (a lower-case host); None for none or junk."""
    value = value.strip().lower()
    # Control characters (NUL above all, which PostgreSQL refuses) never occur in a host name.
    return value if value and len(value) <= 255 and value.isprintable() else None


@permission_required(VIEW_REPUBLICATIONS)
def admin_republications(request: HttpRequest) -> HttpResponse:
    """Views of republished copies over time, top articles, sites and partners, and every page seen."""
    article_id = row_id(request.GET.get("article", ""))
    domain = domain_param(request.GET.get("domain", ""))
    days = row_id(request.GET.get("days", "")) or 30
    days = days if days in REPUBLICATION_RANGES else 30
    report = republication_report(days=days, article_id=article_id, domain=domain)
    rows = republications(article_id=article_id, domain=domain)
    if request.GET.get("format") == "csv":
        table = request.GET.get("table", "days")
        table = table if table in REPUBLICATION_TABLES else "days"
        if table == "pages":
            data = republication_rows(article_id=article_id, domain=domain)
        elif table == "domain_days":
            data = report["domain_days"]["rows"]
        else:
            data = report[table]
        return csv_response(data, f"republications-{table}-{days}d-{report['to']}.csv")
    page = Paginator(rows, 100).get_page(request.GET.get("p"))
    article = rows.first().article if article_id and rows.exists() else None
    labels = [d["day"][5:] for d in report["days"]]
    period = f"{report['from']} to {report['to']}"
    chart = line_chart(labels, [("Views", [d["views"] for d in report["days"]])],
                       title=f"Views of republished copies per day, {period}")
    per_site = report["domain_days"]
    domain_chart = line_chart(labels, [(name, [row[name] for row in per_site["rows"]]) for name in per_site["names"]],
                              title=f"Views per day for the top sites ({', '.join(per_site['names'])}), {period}")
    # Links keep the article and site the editor chose; each adds the period and its own parameters.
    filters = urlencode({k: v for k, v in (("article", article_id), ("domain", domain)) if v})
    return TemplateResponse(request, "engagement/admin/republications.html", {
        "page": page, "article_id": article_id, "article": article, "domain": domain, "report": report,
        "chart": chart, "domain_chart": domain_chart if per_site["names"] and not domain else None,
        "per_site": per_site, "days": days, "ranges": REPUBLICATION_RANGES, "filters": filters,
        "no_referrer": NO_REFERRER,
    })
