"""The "Newsletter" admin menu (subscribers, digest) and the article page's newsletter button."""

from __future__ import annotations

from django import forms
from django.db.models import Count, Prefetch, Q
from django.forms import modelform_factory
from django.urls import path, reverse
from django.utils.http import urlencode
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from crosspost.lib.spreadsheet import csv_safe
from newsletter import admin_views
from newsletter.models import Newsletter, Selection, Subscriber, Subscription
from newsletter.services import subscriber_lists_set


class SubscriberIndexView(IndexView):
    # Names and addresses are typed by readers; Wagtail's CSV export writes them as they are.
    custom_value_preprocess = {**IndexView.custom_value_preprocess, str: {IndexView.FORMAT_CSV: csv_safe}}

    def get_base_queryset(self):
        # One query for every row's lists, not one per reader.
        active = Subscription.objects.filter(unsubscribed_at__isnull=True).select_related("newsletter")
        return super().get_base_queryset().prefetch_related(Prefetch("subscriptions", queryset=active, to_attr="active"))


def _lists_with_frequency(subscriber: Subscriber) -> str:
    return ", ".join(f"{s.newsletter.name} ({s.get_frequency_display()})" for s in getattr(subscriber, "active", []))


class SubscriberForm(WagtailAdminModelForm):
    newsletters = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.order_by("position", "pk"), required=False,
        widget=forms.CheckboxSelectMultiple, label="Lists",
        help_text="The lists this reader is on; with none chosen, the default list.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["newsletters"] = list(self.instance.subscriptions.filter(
                unsubscribed_at__isnull=True).values_list("newsletter_id", flat=True))

    def save(self, commit: bool = True):
        subscriber = super().save(commit=commit)
        if commit:
            subscriber_lists_set(subscriber=subscriber, newsletters=self.cleaned_data.get("newsletters"))
        return subscriber


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    index_view_class = SubscriberIndexView
    icon = "user"
    menu_label = "Subscribers"
    list_display = ["email", "name", "language", "status",
                    Column("lists", label="Lists (how often)", accessor=_lists_with_frequency),
                    "created_at", "confirmed_at"]
    list_filter = ["status", "language"]
    search_fields = ["email", "name"]
    form_fields = ["email", "name", "language", "status"]
    ordering = ["-created_at"]

    def get_form_class(self, for_update=False):
        return modelform_factory(self.model, form=SubscriberForm, formfield_callback=self.formfield_for_dbfield,
                                 fields=self.form_fields)
    list_export = ["email", "name", "language", "status", "created_at", "confirmed_at"]


class NewsletterIndexView(IndexView):
    def get_base_queryset(self):
        # Readers who get the list, by frequency; a weekly list's "weekly" readers get its issue.
        reading = Q(subscriptions__confirmed_at__isnull=False, subscriptions__unsubscribed_at__isnull=True,
                    subscriptions__subscriber__status=Subscriber.Status.CONFIRMED)
        every, weekly = Subscription.Frequency.EVERY, Subscription.Frequency.WEEKLY
        return super().get_base_queryset().annotate(
            every_readers=Count("subscriptions", filter=reading & Q(subscriptions__frequency=every)),
            weekly_readers=Count("subscriptions", filter=reading & Q(subscriptions__frequency=weekly)))


class NewsletterListViewSet(ModelViewSet):
    model = Newsletter
    index_view_class = NewsletterIndexView
    icon = "list-ul"
    menu_label = "Lists"
    list_display = ["name", "slug", "schedule", "rule", "public", "held",
                    Column("every_readers", label="Readers: every issue", sort_key="every_readers"),
                    Column("weekly_readers", label="Readers: weekly round-up", sort_key="weekly_readers")]
    form_fields = ["name", "slug", "description", "schedule", "weekday", "rule", "section", "public",
                   "open_tracking", "held", "position"]
    ordering = ["position", "pk"]


class _DigestMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.has_perm("newsletter.view_digest")


class DigestViewSet(ViewSet):
    name = "newsletter_digest"
    url_prefix = "newsletter/digest"
    icon = "mail"
    menu_label = "Digest preview"
    menu_item_class = _DigestMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.preview, name="index"),
            path("release/", admin_views.release, name="release"),
            path("stats/", admin_views.stats, name="stats"),
            path("send-test/", admin_views.send_test, name="send_test"),
            path("export.csv", admin_views.export, name="export"),
            path("select/<int:page_id>/", admin_views.select, name="select"),
        ]


class DigestStatsViewSet(ViewSet):
    """Only a menu entry: Newsletter → Digests opens the stats page of DigestViewSet."""

    name = "newsletter_stats"
    url_prefix = "newsletter/digests"
    icon = "table"
    menu_label = "Digests"
    menu_item_class = _DigestMenuItem

    def get_urlpatterns(self):
        return [path("", admin_views.stats, name="index")]


class NewsletterGroup(ViewSetGroup):
    menu_label = "Newsletter"
    menu_icon = "mail"
    menu_order = 300
    items = (SubscriberViewSet("newsletter_subscribers", url_prefix="newsletter/subscribers"),
             NewsletterListViewSet("newsletter_lists", url_prefix="newsletter/lists"), DigestViewSet(),
             DigestStatsViewSet())


@hooks.register("register_admin_viewset")
def register_newsletter_viewsets():
    return NewsletterGroup()


class NewsletterButton(PageMenuItem):
    icon_name = "mail"

    def __init__(self, page, next_url=None, priority=45):
        selected = Selection.objects.filter(article_id=page.pk).exists()
        label = "Remove from newsletter" if selected else "Add to newsletter"
        url = reverse("newsletter_digest:select", args=[page.pk])
        if next_url:
            url += "?" + urlencode({"next": next_url})
        super().__init__(label=label, url=url, priority=priority, page=page, next_url=next_url)

    def is_shown(self, user) -> bool:
        return admin_views.can_select(user, self.page)


@hooks.register("register_page_header_buttons")
def newsletter_header_button(page, user, view_name=None, next_url=None):
    if admin_views.can_select(user, page):
        yield NewsletterButton(page)


@hooks.register("register_page_listing_more_buttons")
def newsletter_listing_button(page, user, next_url=None):
    if admin_views.can_select(user, page):
        yield NewsletterButton(page, next_url=next_url)
