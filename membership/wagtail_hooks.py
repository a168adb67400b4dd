from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from crosspost.lib.admin import PermissionMenuItem
from membership import admin_views
from membership.models import Member, Tier


class TierViewSet(SnippetViewSet):
    model = Tier
    icon = "pick"
    menu_label = "Membership tiers"
    list_display = ["name", "monthly_price", "yearly_price", "active"]


register_snippet(TierViewSet)


class MemberViewSet(ModelViewSet):
    model = Member
    icon = "user"
    menu_label = "Members"
    add_to_admin_menu = True
    menu_order = 360
    list_display = ["email", "name", "tier", "status", "since", "renews_at"]
    list_filter = ["status", "tier"]
    search_fields = ["email", "name"]
    form_fields = ["email", "name", "tier", "status", "renews_at"]


@hooks.register("register_admin_viewset")
def member_viewset():
    return MemberViewSet("members")


@hooks.register("register_admin_urls")
def revenue_urls():
    return [path("membership/revenue/", admin_views.revenue, name="membership_revenue")]


@hooks.register("register_admin_menu_item")
def revenue_menu_item():
    return PermissionMenuItem("Revenue", reverse("membership_revenue"), icon_name="table", order=361,
                              permission=admin_views.VIEW_REVENUE)
