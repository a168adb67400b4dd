from django.urls import path, reverse
from wagtail import hooks

from audience import admin_views, panels
from audience.services import VIEW_REPORTS
from crosspost.lib.admin import PermissionMenuItem


@hooks.register("register_admin_urls")
def audience_admin_urls():
    return [path("reports/audience/", admin_views.audience, name="audience_report")]


@hooks.register("register_reports_menu_item")
def audience_report_menu_item():
    return PermissionMenuItem("Audience", reverse("audience_report"), icon_name="view", order=50,
                              permission=VIEW_REPORTS)


@hooks.register("construct_homepage_panels")
def audience_homepage_panels(request, panel_list):
    panel_list[:0] = panels.homepage_panels(request)
