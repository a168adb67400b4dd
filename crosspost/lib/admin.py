"""Pieces shared by every app's Wagtail admin screens."""

from __future__ import annotations

from typing import Any

from wagtail.admin.menu import MenuItem


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users holding `permission`, the one its view checks.

    Menus and views must agree: an item that leads to a refusal teaches staff to ignore the menu.
    """

    def __init__(self, label: str, url: str, *, permission: str, **kwargs: Any) -> None:
        super().__init__(label, url, **kwargs)
        self.permission = permission

    def is_shown(self, request: Any) -> bool:
        return request.user.has_perm(self.permission)
