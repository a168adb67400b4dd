"""Reports → Audience: views and visitors over time, what was read, where readers came from."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from wagtail.admin.auth import permission_required

from audience.selectors import audience_report
from audience.services import VIEW_REPORTS
from crosspost.lib.charts import line_chart
from crosspost.lib.spreadsheet import csv_response

RANGES = (1, 7, 30, 90, 365)
TABLES = ("days", "top_articles", "referrers", "referring_sites", "languages", "devices", "countries",
          "own_and_reposts", "authors", "regions", "themes", "dossiers")


def _days(request: HttpRequest) -> int:
    value = request.GET.get("days", "30")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 4 and int(value) in RANGES else 30


@permission_required(VIEW_REPORTS)
def audience(request: HttpRequest) -> HttpResponse:
    days = _days(request)
    report = audience_report(days=days)
    if request.GET.get("format") == "csv":
        table = request.GET.get("table", "days")
        table = table if table in TABLES else "days"
        return csv_response(report[table], f"audience-{table}-{days}d-{report['to']}.csv")
    labels = [d["day"][5:] for d in report["days"]]
    chart = line_chart(labels, [("Views", [d["views"] for d in report["days"]]),
                                ("Visitors", [d["visitors"] for d in report["days"]])],
                       title=f"Views and visitors per day, {report['from']} to {report['to']}")
    return TemplateResponse(request, "audience/admin/audience.html", {
        "report": report, "days": days, "ranges": RANGES, "chart": chart, "show_chart": days > 1,
        "tables": TABLES,
    })
