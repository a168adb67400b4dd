from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSet

from crosspost.lib.admin import PermissionMenuItem
from federation import admin_views, services
from federation.models import Block


class BlockCreateView(CreateView):
    def save_instance(self):
        # Through the service, so the followers a block covers are removed with it.
        data = self.form.cleaned_data
        return services.block_add(domain=data.get("domain", ""), actor_uri=data.get("actor_uri", ""),
                                  reason=data.get("reason", ""))


class BlockViewSet(ModelViewSet):
    model = Block
    name = "federation_blocks"
    icon = "cross"
    menu_label = "Fediverse blocks"
    add_to_admin_menu = False
    add_view_class = BlockCreateView
    form_fields = ["domain", "actor_uri", "reason"]
    list_display = ["__str__", "reason", "created_at"]
    search_fields = ["domain", "actor_uri"]
    copy_view_enabled = False
    inspect_view_enabled = False


block_viewset = BlockViewSet()


@hooks.register("register_admin_viewset")
def federation_viewsets():
    return [block_viewset]


@hooks.register("register_admin_urls")
def federation_admin_urls():
    return [path("fediverse/", admin_views.overview, name="federation_overview")]


@hooks.register("register_admin_menu_item")
def federation_menu():
    return PermissionMenuItem("Fediverse", reverse("federation_overview"), icon_name="globe", order=370,
                              permission=admin_views.VIEW_FEDIVERSE)


@hooks.register("register_settings_menu_item")
def federation_blocks_menu():
    return PermissionMenuItem("Fediverse blocks", reverse(block_viewset.get_url_name("index")), icon_name="cross",
                              order=900, permission="federation.view_block")
