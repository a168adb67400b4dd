"""Messages from the contact forms (feedback, media inquiries), stored, then mailed to editors.
"""

from __future__ import annotations

from django.conf import settings

from crosspost.lib.ratelimit import ratelimit_hit_all
from engagement.models import ContactMessage
from engagement.services import (
    HOUR,
    RateLimited,
    Refused,
    admin_url,
    editors_notify,
    engagement_settings,
    has_line_break,
    media_inquiries_email,
)


def contact_message_submit(*, kind: str, name: str, email: str, subject: str, message: str,
                           organisation: str = "", ip: str = "") -> ContactMessage:
    if not ratelimit_hit_all([f"contact:ip:{ip}"], settings.ENGAGEMENT_FORM_LIMIT, HOUR):
        raise RateLimited("You have sent several messages in the last hour. Please try again later.")
    if has_line_break(name, subject, organisation):
        raise Refused("Line breaks are not allowed in the name, organisation or subject.")
    saved = ContactMessage.objects.create(
        kind=kind, name=name.strip(), email=email.strip(), organisation=organisation.strip(),
        subject=subject.strip(), message=message.strip(),
    )
    config = engagement_settings()
    to = media_inquiries_email() if kind == ContactMessage.Kind.MEDIA else config.feedback_email
    if to:
        editors_notify(template="engagement/email/contact", to=[to], reply_to=saved.email,
                      context={"message": saved, "admin_url": admin_url("engagement_messages", None)})
    return saved
