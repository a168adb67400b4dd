"""The editors' revenue report: revenue, new members and churn per month, with a chart."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from membership.models import Member, format_money
from membership.services import revenue_report

CHART_WIDTH, CHART_HEIGHT, MARGIN = 720, 240, 40
VIEW_REVENUE = "membership.view_member"  # revenue is members' money: whoever sees members sees it


def revenue_chart(report: list[dict], currency: str) -> dict:
    """Bar geometry for an inline SVG drawn by the template (no scripts, no external assets)."""
    values = [row["revenue"].get(currency, 0) for row in report]
    top = max(values) or 1
    slot = (CHART_WIDTH - 2 * MARGIN) / max(len(values), 1)
    bars = []
    for index, (row, value) in enumerate(zip(report, values)):
        height = (CHART_HEIGHT - 2 * MARGIN) * value / top
        bars.append({"x": MARGIN + index * slot + slot * 0.15, "y": CHART_HEIGHT - MARGIN - height,
                     "width": slot * 0.7, "height": height, "label": row["month"].strftime("%b"),
                     "label_x": MARGIN + index * slot + slot / 2, "value": format_money(value, currency)})
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "baseline": CHART_HEIGHT - MARGIN,
            "max": format_money(top, currency), "currency": currency.upper(), "label_y": CHART_HEIGHT - MARGIN + 16}


def revenue(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(VIEW_REVENUE):
        raise PermissionDenied
    report = revenue_report(months=12)
    currencies = sorted({c for row in report for c in row["revenue"]}) or [settings.MEMBERSHIP_CURRENCY]
    for row in report:
        row["revenue_display"] = ", ".join(format_money(v, c) for c, v in sorted(row["revenue"].items())) or "—"
    return TemplateResponse(request, "membership/admin/revenue.html", {
        "report": report, "chart": revenue_chart(report, currencies[0]),
        "active": Member.objects.filter(status=Member.Status.ACTIVE).count(),
        "past_due": Member.objects.filter(status=Member.Status.PAST_DUE).count(),
    })
