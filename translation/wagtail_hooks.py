from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.widgets import Button

from crosspost.lib.admin import PermissionMenuItem
from translation import views
from translation.permissions import PUBLISH_TRANSLATION


@hooks.register("register_admin_urls")
def translation_admin_urls():
    return [
        path("translations/", views.job_list, name="translation_jobs"),
        path("translations/page/<int:page_id>/", views.page_overview, name="translation_page"),
        path("translations/page/<int:page_id>/<str:language>/", views.page_segments, name="translation_segments"),
        path("translations/interface/<str:language>/", views.interface_strings, name="translation_interface"),
    ]


@hooks.register("register_admin_menu_item")
def translation_menu_item():
    return PermissionMenuItem("Translations", reverse("translation_jobs"), icon_name="site", order=350,
                              permission=PUBLISH_TRANSLATION)


@hooks.register("register_page_header_buttons")
def translation_header_button(page, user, next_url=None, view_name=None):
    if page.specific_class is None or not hasattr(page.specific_class, "body_html") \
            or not user.has_perm(PUBLISH_TRANSLATION):
        return []
    return [Button("Translations", reverse("translation_page", args=[page.pk]), icon_name="site", priority=60)]
