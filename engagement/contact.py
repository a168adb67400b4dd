"""Messages from the contact forms (feedback, media inquiries), stored, then mailed to editors.

The contact pages are never page-cached (caching is opt-in per view, crosspost/pagecache.py, and
they do not opt in), so they keep Django's CSRF protection.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import permission_required

from crosspost.lib.email import AddressField
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
from engagement.web import HoneypotMixin, NoLineBreaksMixin, client_ip, message_page, row_id

# The permission the reader-messages screen needs; wagtail_hooks shows its menu item only to holders.
HANDLE_MESSAGES = "engagement.change_contactmessage"


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


class ContactForm(HoneypotMixin, NoLineBreaksMixin, forms.ModelForm):
    website = forms.CharField(required=False, label=_("Leave this empty"))
    single_line = ("name", "email", "organisation", "subject")

    class Meta:
        model = ContactMessage
        fields = ["name", "email", "organisation", "subject", "message"]
        field_classes = {"email": AddressField}
        widgets = {"message": forms.Textarea(attrs={"rows": 8})}


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, kind: str = str(ContactMessage.Kind.FEEDBACK)) -> HttpResponse:
    template = f"engagement/contact_{kind}.html"
    form = ContactForm(request.POST if request.method == "POST" else None)
    if request.method == "GET":
        return render(request, template, {"form": form})
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    if not form.is_bot():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
            contact_message_submit(kind=kind, ip=client_ip(request), **data)
        except Refused as exc:
            return message_page(request, title="Not sent", text=str(exc), status=429)
    return message_page(request, title="Thank you", text="Your message has reached the newsroom.")


@require_http_methods(["GET", "POST"])
@permission_required(HANDLE_MESSAGES)
def admin_messages(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and row_id(request.POST.get("handled", "")):
        ContactMessage.objects.filter(pk=row_id(request.POST["handled"])).update(handled=True)
        return redirect(request.get_full_path())
    rows = ContactMessage.objects.all()
    kind = request.GET.get("kind", "")
    if kind in ContactMessage.Kind.values:
        rows = rows.filter(kind=kind)
    if request.GET.get("all") != "1":
        rows = rows.filter(handled=False)
    return TemplateResponse(request, "engagement/admin/messages.html", {
        "rows": rows[:200], "kind": kind, "kinds": ContactMessage.Kind.choices,
    })
