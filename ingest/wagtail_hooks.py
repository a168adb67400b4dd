from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from ingest import views
from ingest.models import FeedSubscription


class FeedSubscriptionViewSet(ModelViewSet):
    model = FeedSubscription
    icon = "link"
    form_fields = ["url", "title"]
    list_display = ["__str__", "url", "last_polled_at", "last_error"]
    add_to_admin_menu = False
    copy_view_enabled = False


feed_viewset = FeedSubscriptionViewSet("feeds")


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
    ]


@hooks.register("register_admin_menu_item")
def ingest_menu_item():
    menu = Menu(
        items=[
            MenuItem("Repost from URL", reverse("ingest_repost"), icon_name="plus", order=100),
            MenuItem("Inbox", reverse("ingest_inbox"), icon_name="mail", order=200),
            MenuItem("Feeds", reverse(feed_viewset.get_url_name("index")), icon_name="link", order=300),
        ]
    )
    return SubmenuMenuItem("Reposting", menu, icon_name="doc-full-inverse", order=250)
