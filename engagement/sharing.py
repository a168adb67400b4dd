"""Sharing an article: each network's own share page (no third-party script), a Mastodon reader's
own server, and by mail (one fixed message to one address, rate-limited per sender and recipient).

The mail form sits on article pages, which the page cache serves to every anonymous reader, so it
cannot carry a per-visitor CSRF token and its endpoint is exempt (see engagement/comments.py).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, urlencode

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from crosspost.lib import email as mail
from crosspost.lib.email import AddressField
from crosspost.lib.ratelimit import ratelimit_hit_all
from engagement.models import email_key
from engagement.services import HOUR, RateLimited, Refused, has_line_break, link_count, name_has_address
from engagement.web import MAX_ID, NoLineBreaksMixin, article_or_404, client_ip, message_page

log = logging.getLogger(__name__)

# A Mastodon instance: a host name (letters, digits, hyphens, dots), optionally with a port.
_HOST = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+(:\d{1,5})?$")


def share_links(article) -> list[tuple[str, str, str]]:
    """(key, label, URL) for each network's own share page; no third-party script involved."""
    url = article.canonical_url()
    title = article.title
    text = f"{title} {url}"
    return [
        ("email", "Email", f"mailto:?subject={quote(title)}&body={quote(text)}"),
        ("x", "X", "https://x.com/intent/post?" + urlencode({"text": title, "url": url})),
        ("facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("telegram", "Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title})),
        ("whatsapp", "WhatsApp", "https://wa.me/?" + urlencode({"text": text})),
        ("bluesky", "Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": text})),
        ("linkedin", "LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})),
    ]


class ShareEmailForm(NoLineBreaksMixin, forms.Form):
    recipient = AddressField(label=_("Your friend's email"))
    sender_name = forms.CharField(label=_("Your name"), max_length=80)
    note = forms.CharField(label=_("A short note (optional)"), max_length=300, required=False)

    single_line = ("recipient", "sender_name", "note")

    def clean_sender_name(self) -> str:
        name = self.cleaned_data["sender_name"]
        if name_has_address(name):  # the mail shows it; "Your bank: verify at bank.example" is phishing
            raise forms.ValidationError(_("Web addresses are not allowed in your name."))
        return name

    def clean_note(self) -> str:
        note = self.cleaned_data["note"]
        if link_count(note):
            raise forms.ValidationError(_("Links are not allowed in the note; the article's link is included."))
        return note


class MastodonShareForm(forms.Form):
    instance = forms.CharField(label=_("Your Mastodon server"), max_length=260)
    article = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)

    def clean_instance(self) -> str:
        value = self.cleaned_data["instance"].strip().lower()
        value = re.sub(r"^https?://", "", value).rstrip("/")
        if "@" in value:  # "@someone@mastodon.social" or "someone@mastodon.social"
            value = value.rsplit("@", 1)[1]
        if not _HOST.match(value):
            raise forms.ValidationError(_("Enter your server's name, like mastodon.social."))
        return value


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


@require_GET
def share_mastodon(request: HttpRequest) -> HttpResponse:
    form = MastodonShareForm(request.GET)
    if not form.is_valid():
        article = None
        if "article" not in form.errors:
            article = article_or_404(form.cleaned_data["article"])
        return render(request, "engagement/share_mastodon.html", {"form": form, "article": article},
                      status=400 if request.GET else 200)
    article = article_or_404(form.cleaned_data["article"])
    text = quote(f"{article.title} {article.canonical_url()}")
    target = f"https://{form.cleaned_data['instance']}/share?text={text}"
    # Not a redirect: the CSP's form-action lets forms lead only to us and Stripe, and a redirect
    # after this (GET) form counts as the form's target. A Refresh is a navigation of its own.
    response = render(request, "engagement/share_mastodon.html", {"form": form, "article": article,
                                                                   "continue_url": target})
    response["Refresh"] = f"0;url={target}"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def share_email(request: HttpRequest, article_id: int) -> HttpResponse:
    article = article_or_404(article_id)
    if request.method == "GET":
        return render(request, "engagement/share_email.html", {"form": ShareEmailForm(), "article": article})
    form = ShareEmailForm(request.POST)
    if not form.is_valid():
        return render(request, "engagement/share_email.html", {"form": form, "article": article}, status=400)
    try:
        share_email_send(article=article, ip=client_ip(request), **form.cleaned_data)
    except Refused as exc:
        status = 429 if isinstance(exc, RateLimited) else 503
        return message_page(request, title="Not sent", text=str(exc), article=article, status=status)
    return message_page(request, title="Sent", text=f"We sent the article to {form.cleaned_data['recipient']}.",
                        article=article)
