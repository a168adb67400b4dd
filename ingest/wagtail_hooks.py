from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from crosspost.lib.admin import PermissionMenuItem
from ingest import views
from ingest.models import FeedSubscription


class FeedSubscriptionViewSet(ModelViewSet):
    model = FeedSubscription
    icon = "link"
    form_fields = ["url", "title"]
    list_display = ["__str__", "url", "last_polled_at", "push_lease_until", "last_pushed_at", "last_error"]
    add_to_admin_menu = False
    copy_view_enabled = False


feed_viewset = FeedSubscriptionViewSet("feeds")


class _RepostMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return views.can_repost(request.user)


@hooks.register("register_admin_viewset")
def register_feed_viewset():
    return feed_viewset


@hooks.register("register_admin_urls")
def ingest_admin_urls():
    return [
        path("repost/", views.repost, name="ingest_repost"),
        path("repost/inbox/", views.inbox, name="ingest_inbox"),
        path("repost/inbox/<int:pk>/repost/", views.inbox_repost, name="ingest_inbox_repost"),
        path("repost/inbox/<int:pk>/dismiss/", views.inbox_dismiss, name="ingest_inbox_dismiss"),
        path("repost/sources/", views.source_changes, name="ingest_source_changes"),
        path("repost/sources/<int:pk>/", views.source_change, name="ingest_source_change"),
        path("repost/sources/<int:pk>/<str:action>/", views.source_change_act, name="ingest_source_change_act"),
    ]


@hooks.register("register_admin_menu_item")
def ingest_menu_item():
    menu = Menu(
        items=[
            _RepostMenuItem("Repost from URL", reverse("ingest_repost"), icon_name="plus", order=100),
            _RepostMenuItem("Inbox", reverse("ingest_inbox"), icon_name="mail", order=200),
            _RepostMenuItem("Source changes", reverse("ingest_source_changes"), icon_name="warning", order=250),
            PermissionMenuItem("Feeds", reverse(feed_viewset.get_url_name("index")), icon_name="link", order=300,
                               permission="ingest.view_feedsubscription"),
        ]
    )
    return SubmenuMenuItem("Reposting", menu, icon_name="doc-full-inverse", order=250)
