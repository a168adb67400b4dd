from django.urls import path, reverse
from wagtail import hooks

from crosspost.lib.admin import PermissionMenuItem
from imports import views


@hooks.register("register_admin_urls")
def imports_admin_urls():
    return [
        path("import/", views.import_index, name="imports_index"),
        path("import/<int:pk>/", views.import_run, name="imports_run"),
    ]


@hooks.register("register_settings_menu_item")
def imports_menu_item():
    return PermissionMenuItem("Import", reverse("imports_index"), icon_name="download", order=900,
                              permission=views.PERMISSION)
