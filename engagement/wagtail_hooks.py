from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button

from crosspost.lib.admin import PermissionMenuItem
from engagement import comments, contact, republication, webhooks
from engagement.models import BannedAddress, Partner, WebhookEndpoint


class BannedAddressViewSet(ModelViewSet):
    model = BannedAddress
    name = "engagement_banned"
    icon = "cross"
    add_to_admin_menu = False
    form_fields = ["email", "reason"]
    list_display = ["email", "reason", "created_at"]
    search_fields = ["email"]
    copy_view_enabled = False


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    name = "engagement_webhooks"
    icon = "link"
    add_to_admin_menu = False
    form_fields = ["name", "url", "secret", "active"]
    list_display = ["name", "url", "active"]
    copy_view_enabled = False


class PartnerViewSet(ModelViewSet):
    """Sites that republish from their own feed URL; untick *active* to revoke it."""

    model = Partner
    name = "engagement_partners"
    icon = "group"
    add_to_admin_menu = False
    form_fields = ["name", "domain", "active"]
    list_display = ["name", "domain", "active", "feed_url"]
    search_fields = ["name", "domain"]
    copy_view_enabled = False


banned_viewset = BannedAddressViewSet()
partner_viewset = PartnerViewSet()
webhook_viewset = WebhookEndpointViewSet()


@hooks.register("register_admin_viewset")
def engagement_viewsets():
    return [banned_viewset, webhook_viewset, partner_viewset]


@hooks.register("register_admin_urls")
def engagement_admin_urls():
    return [
        path("engagement/comments/", comments.admin_comments, name="engagement_comments"),
        path("engagement/permissions/", republication.admin_permission_requests, name="engagement_permissions"),
        path("engagement/permissions/<int:pk>/", republication.admin_permission_request, name="engagement_permission"),
        path("engagement/republications/", republication.admin_republications, name="engagement_republications"),
        path("engagement/messages/", contact.admin_messages, name="engagement_messages"),
        path("engagement/webhooks/deliveries/", webhooks.admin_deliveries, name="engagement_deliveries"),
    ]


@hooks.register("register_admin_menu_item")
def engagement_menu():
    items = [
        PermissionMenuItem("Comments", reverse("engagement_comments"), icon_name="comment", order=100,
                           permission=comments.MODERATE_COMMENTS),
        PermissionMenuItem("Permission requests", reverse("engagement_permissions"), icon_name="help", order=200,
                           permission=republication.ANSWER_PERMISSION_REQUESTS),
        PermissionMenuItem("Republications", reverse("engagement_republications"), icon_name="doc-full", order=300,
                           permission=republication.VIEW_REPUBLICATIONS),
        PermissionMenuItem("Republishing partners", reverse(partner_viewset.get_url_name("index")), icon_name="group",
                           order=310, permission="engagement.view_partner"),
        PermissionMenuItem("Reader messages", reverse("engagement_messages"), icon_name="mail", order=400,
                           permission=contact.HANDLE_MESSAGES),
        PermissionMenuItem("Banned addresses", reverse(banned_viewset.get_url_name("index")), icon_name="cross",
                           order=500, permission="engagement.view_bannedaddress"),
        PermissionMenuItem("Webhooks", reverse(webhook_viewset.get_url_name("index")), icon_name="link", order=600,
                           permission="engagement.view_webhookendpoint"),
        PermissionMenuItem("Webhook deliveries", reverse("engagement_deliveries"), icon_name="list-ul", order=700,
                           permission=webhooks.VIEW_WEBHOOK_DELIVERIES),
    ]
    return SubmenuMenuItem("Engagement", Menu(items=items), icon_name="group", order=360)


@hooks.register("register_page_header_buttons")
def engagement_header_buttons(page, user, next_url=None, view_name=None):
    if page.specific_class is None or not hasattr(page.specific_class, "republish_allowed"):
        return []
    buttons = []
    if user.has_perm(republication.VIEW_REPUBLICATIONS):
        buttons.append(Button("Republications", reverse("engagement_republications") + f"?article={page.pk}",
                              icon_name="doc-full", priority=70))
    if user.has_perm(comments.MODERATE_COMMENTS):
        buttons.append(Button("Comments", reverse("engagement_comments") + f"?status=all&article={page.pk}",
                              icon_name="comment", priority=71))
    return buttons
