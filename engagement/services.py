"""What every engagement feature shares: refusals, rate-limit windows, settings, mails to editors.

Each feature lives in its own module, writes, reads, forms and views together: comments.py,
sharing.py, republication.py (pixel counts, the report and permission requests; the pixel itself
in pixel.py, the partners' feed in partner_feed.py), contact.py and webhooks.py; web.py holds what
their pages share. Anything a reader can
trigger is rate-limited there (not in the views), so every way in is covered. A refusal raises
`Refused` with a sentence fit to show the reader.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from wagtail.models import Site

from crosspost import pagecache
from crosspost.lib import email as mail
from engagement.models import EngagementSettings
from newsroom.models import SiteSettings

log = logging.getLogger(__name__)

HOUR = 3600
MAX_LINKS = 2

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


class Refused(Exception):
    """The request was understood and turned down; str(exc) is the reader-facing reason."""


class RateLimited(Refused):
    pass


def link_count(text: str) -> int:
    return len(_URL.findall(text))


# "bank.example/verify", "www.x.io": what a phisher puts in a name to make it a link.
_DOMAIN_LIKE = re.compile(r"[a-z0-9-]+\.[a-z]{2,}\b", re.IGNORECASE)


def name_has_address(name: str) -> bool:
    """Whether a name typed by a reader carries a web address (it is shown in mails we send)."""
    return bool(link_count(name) or _DOMAIN_LIKE.search(name) or "://" in name)


def has_line_break(*values: str) -> bool:
    return any("\r" in value or "\n" in value for value in values)


def _default_site() -> Site | None:
    return Site.objects.filter(is_default_site=True).first() or Site.objects.first()


def engagement_settings() -> EngagementSettings:
    return EngagementSettings.for_site(_default_site())


def media_inquiries_email() -> str:
    """The one media address: the site settings' public one, which articles and the footer show."""
    return SiteSettings.for_site(_default_site()).media_inquiries_email


def admin_url(name: str, pk: int | None) -> str:
    return settings.WAGTAILADMIN_BASE_URL + reverse(name, args=[pk] if pk else [])


def editors_notify(*, template: str, to: list[str], reply_to: str, context: dict[str, Any]) -> None:
    """Tell editors; the message is stored already, so a mail outage must not lose the reader's work."""
    try:
        mail.send(template=template, context={**context, "site_name": settings.SITE_NAME}, to=to,
                  headers={"Reply-To": reply_to})
    except Exception as exc:  # noqa: BLE001
        log.warning("mail to editors (%s) failed: %s", template, exc)


def pagecache_purge_everything() -> None:
    transaction.on_commit(pagecache.pagecache_purge_all)
