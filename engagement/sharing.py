"""Sharing an article by mail: one fixed message to one address, rate-limited per sender and recipient.
"""

from __future__ import annotations

import logging

from django.conf import settings

from crosspost.lib import email as mail
from crosspost.lib.ratelimit import ratelimit_hit_all
from engagement.models import email_key
from engagement.services import HOUR, RateLimited, Refused, has_line_break, name_has_address

log = logging.getLogger(__name__)

def share_email_send(*, article, recipient: str, sender_name: str, note: str = "", ip: str = "") -> None:
    """Send the fixed "a friend shared an article" mail to one address."""
    if has_line_break(recipient, sender_name, note):
        raise Refused("Line breaks are not allowed in these fields.")
    recipient, sender_name, note = recipient.strip(), sender_name.strip()[:80], note.strip()[:300]
    if name_has_address(sender_name):
        raise Refused("Web addresses are not allowed in your name.")
    keys = [f"share:ip:{ip}", f"share:from:{sender_name.casefold()}", f"share:to:{email_key(recipient)}"]
    if not ratelimit_hit_all(keys, settings.ENGAGEMENT_SHARE_LIMIT, HOUR):
        raise RateLimited("You have shared a lot of articles in the last hour. Please try again later.")
    try:
        mail.send(
            template="engagement/email/share",
            context={"article": article, "url": article.canonical_url(), "sender_name": sender_name,
                     "note": note, "site_name": settings.SITE_NAME},
            to=[recipient],
        )
    except Exception as exc:  # noqa: BLE001 - the reader sees a polite failure, we see the log
        log.warning("share mail to %s failed: %s", recipient, exc)
        raise Refused("We could not send the email just now. Please try again later.") from exc
