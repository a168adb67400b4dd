"""The editors' dashboard: panels on Wagtail's admin home, each a few fixed queries.

Each panel reads counts and short top lists only (never one query per row) and links to the
screen where the work is done. A panel shows only to users allowed on that screen.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from audience.selectors import Range, site_series, top_articles
from audience.services import VIEW_REPORTS
from crosspost.lib.charts import sparkline

log = logging.getLogger(__name__)


@dataclass
class Line:
    label: str
    value: object
    url: str = ""


@dataclass
class Panel(Component):
    name: str
    heading: str
    url: str = ""
    lines: list[Line] = field(default_factory=list)
    chart: str = ""
    note: str = ""
    order: int = 50
    template_name = "audience/admin/panel.html"

    def get_context_data(self, parent_context=None) -> dict:
        return {"panel": self}


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def readers_panel(today: datetime.date) -> Panel:
    week = site_series(Range.last(14, today=today))
    this_week = week[-7:]
    top = top_articles(Range.last(1, today=today), limit=3)
    lines = [Line("Views today", week[-1]["views"]), Line("Visitors today", week[-1]["visitors"]),
             Line("Views this week", sum(d["views"] for d in this_week))]
    lines += [Line(f"Top today: {row['title']}", row["views"], row["url"]) for row in top]
    chart = sparkline([d["views"] for d in week], title="Views per day over the last 14 days")
    return Panel("readers", "Readers", _url("audience_report"), lines, chart, order=10)


def waiting_panel(user) -> Panel | None:
    from engagement.models import Comment
    from ingest.models import InboxItem
    from translation.models import TranslationJob

    lines = []
    if user.has_perm("engagement.change_comment"):
        pending = Comment.objects.filter(status=Comment.Status.PENDING).count()
        lines.append(Line("Comments waiting for moderation", pending, _url("engagement_comments")))
    from ingest.views import can_repost

    if can_repost(user):
        new = InboxItem.objects.filter(status=InboxItem.Status.NEW).count()
        lines.append(Line("Feed items in the reposting inbox", new, _url("ingest_inbox")))
        lines += source_change_lines()
    if user.has_perm("translation.publish_translation"):
        failed = TranslationJob.objects.filter(status=TranslationJob.Status.FAILED).count()
        lines.append(Line("Failing translation jobs", failed, _url("translation_jobs")))
    return Panel("waiting", "Waiting for you", "", lines, order=20) if lines else None


SOURCE_CHANGES_LISTED = 3


def source_change_lines() -> list[Line]:
    """Reposts whose original changed (ingest/sourcewatch.py), and the newest few, in two queries."""
    from ingest.models import SourceChange

    waiting = SourceChange.objects.filter(status=SourceChange.Status.OPEN)
    lines = [Line("Reposts with source changes waiting", waiting.count(), _url("ingest_source_changes"))]
    newest = waiting.select_related("article").only("pk", "kind", "article__title")[:SOURCE_CHANGES_LISTED]
    for change in newest:
        url = reverse("ingest_source_change", args=[change.pk])
        lines.append(Line(f"… {change.get_kind_display().lower()}: {change.article.title}", "", url))
    return lines


PANEL_LISTS = 3  # newsletters whose next issue the panel shows, a few queries each


def _sends(newsletter) -> str:
    if newsletter.held:
        return "held until an editor releases it"
    if newsletter.schedule == newsletter.Schedule.DAILY:
        return f"every day at {settings.NEWSLETTER_SEND_TIME}"
    if newsletter.schedule == newsletter.Schedule.WEEKLY:
        return f"{newsletter.get_weekday_display()}s at {settings.NEWSLETTER_SEND_TIME}"
    return "when an editor sends it"


def newsletter_panel(user) -> Panel | None:
    """The next issue of the first lists (the articles it holds so far, when it goes out) and the
    results of the last issue sent."""
    from newsletter.models import Newsletter
    from newsletter.selectors import digests_stats
    from newsletter.services import selections_pending

    if not user.has_perm("newsletter.view_digest"):
        return None
    lines = [Line(f"{newsletter.name}, next issue ({_sends(newsletter)}): articles", len(selections_pending(
        newsletter=newsletter))) for newsletter in Newsletter.objects.order_by("position", "pk")[:PANEL_LISTS]]
    for last in digests_stats(limit=1):
        lines.append(Line(f"Last sent: {last['newsletter'].name}, {last['date']:%Y-%m-%d}: delivered",
                          last["delivered"]))
        lines += [Line(f"… {label}", last[key]) for key, label in (
            ("failed", "failed"), ("bounced", "bounced"), ("complaints", "complaints"),
            ("unsubscribes", "unsubscribes"), ("clicks", "clicks on its links"))]
    return Panel("newsletter", "Newsletter", _url("newsletter_digest:index"), lines, order=30)


def members_panel(user, today: datetime.date) -> Panel | None:
    from membership.models import Member, Payment

    if not user.has_perm("membership.view_member"):
        return None
    month = timezone.make_aware(datetime.datetime(today.year, today.month, 1))
    new = Member.objects.filter(since__gte=month).count()
    donations = Payment.objects.filter(kind="donation", paid_at__gte=month).aggregate(
        n=Count("pk"), total=Sum("amount"))
    lines = [Line("New members this month", new), Line("Donations this month", donations["n"])]
    if donations["total"]:
        from membership.models import format_money

        lines.append(Line("… amounting to", format_money(donations["total"], settings.MEMBERSHIP_CURRENCY)))
    return Panel("members", "Members", _url("membership_revenue"), lines, order=40)


def republications_panel(user, today: datetime.date) -> Panel | None:
    from engagement.models import DailyRepublicationViews

    if not user.has_perm("engagement.view_republication"):
        return None
    span = Range.last(7, today=today)
    week = DailyRepublicationViews.objects.filter(day__range=(span.start, span.end))
    totals = week.aggregate(views=Sum("views"), domains=Count("domain", distinct=True))
    lines = [Line("Views of republished copies this week", totals["views"] or 0),
             Line("Sites showing them", totals["domains"] or 0)]
    return Panel("republications", "Republications", _url("engagement_republications"), lines, order=50)


def homepage_panels(request) -> list[Panel]:
    user = request.user
    today = timezone.localdate()
    builders = [lambda: readers_panel(today) if user.has_perm(VIEW_REPORTS) else None,
                lambda: waiting_panel(user), lambda: newsletter_panel(user), lambda: members_panel(user, today),
                lambda: republications_panel(user, today)]
    panels = []
    for build in builders:
        # Panels read other apps' models; one that fails must not take the admin home down with it
        # (the dashboard tests name every panel, so a failure still shows in CI).
        try:
            panel = build()
        except Exception:  # noqa: BLE001
            log.exception("a dashboard panel could not be built")
            continue
        if panel is not None:
            panels.append(panel)
    return panels
