"""Public newsletter pages. Thin: forms and tokens in, services do the work.

Subscribing is CSRF-exempt on purpose: the form sits on every (cached) page, so it cannot carry a
per-visitor token, and double opt-in already stops anyone signing up an address they do not read.
Unsubscribing is CSRF-exempt because RFC 8058 one-click POSTs come from mail clients.
"""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from crosspost.lib.client import client_address
from crosspost.lib.ratelimit import ratelimit_hit
from newsletter import services
from newsletter.forms import SubscribeForm
from newsletter.rendering import CONFIRM_SALT, UNSUBSCRIBE_SALT


def _rate_limited(request: HttpRequest) -> bool:
    ip = client_address(request)
    return not ratelimit_hit(f"newsletter-subscribe:{ip}", settings.NEWSLETTER_SUBSCRIBE_RATE, 3600)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "newsletter/subscribe.html", {"form": SubscribeForm()})
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "newsletter/subscribe.html", {"form": form}, status=400)
    if _rate_limited(request):
        return render(request, "newsletter/message.html", {"kind": "rate_limited"}, status=429)
    try:
        services.subscriber_subscribe(
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            language=form.cleaned_data["language"] or request.LANGUAGE_CODE,
        )
    except ValidationError:
        form.add_error("email", "Enter a valid email address.")
        return render(request, "newsletter/subscribe.html", {"form": form}, status=400)
    except services.ConfirmationNotSent:
        return render(request, "newsletter/message.html", {"kind": "mail_failed"}, status=503)
    return render(request, "newsletter/message.html", {"kind": "check_inbox"})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = services.subscriber_from_token(token, salt=CONFIRM_SALT, max_age=services.CONFIRM_MAX_AGE)
    if subscriber is None:
        return render(request, "newsletter/message.html", {"kind": "bad_link"}, status=400)
    if request.method == "GET":  # link scanners prefetch: only the button confirms
        return render(request, "newsletter/confirm.html", {"subscriber": subscriber})
    services.subscriber_confirm(subscriber=subscriber)
    return render(request, "newsletter/message.html", {"kind": "confirmed"})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = services.subscriber_from_token(token, salt=UNSUBSCRIBE_SALT)
    if subscriber is None:
        return render(request, "newsletter/message.html", {"kind": "bad_link"}, status=400)
    if request.method == "GET":
        return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})
    services.subscriber_unsubscribe(subscriber=subscriber)
    return render(request, "newsletter/message.html", {"kind": "unsubscribed"})


@csrf_exempt
@require_POST
def bounce_webhook(request: HttpRequest) -> HttpResponse:
    """POST {"email": …, "type": "bounce" | "complaint"} with `Authorization: Bearer <secret>`."""
    secret = settings.NEWSLETTER_WEBHOOK_SECRET
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"error": "forbidden"}, status=403)
    try:
        payload = json.loads(request.body)
        address, kind = str(payload["email"]), payload.get("type", "bounce")
        if kind not in ("bounce", "complaint") or "\x00" in address:  # PostgreSQL refuses NUL in text
            raise ValueError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "expected JSON {email, type: bounce|complaint}"}, status=400)
    found = services.subscriber_mark_bounced(email=address, complaint=kind == "complaint")
    return JsonResponse({"ok": True, "known": found})
