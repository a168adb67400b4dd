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
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crosspost.lib.client import client_address
from crosspost.lib.ratelimit import ratelimit_hit
from newsletter import selectors, services
from newsletter.forms import PreferencesForm, SubscribeForm
from newsletter.rendering import CONFIRM_SALT, PREFERENCES_SALT


def _rate_limited(request: HttpRequest) -> bool:
    ip = client_address(request)
    return not ratelimit_hit(f"newsletter-subscribe:{ip}", settings.NEWSLETTER_SUBSCRIBE_RATE, 3600)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "newsletter/subscribe.html", _subscribe_context(SubscribeForm()))
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "newsletter/subscribe.html", _subscribe_context(form), status=400)
    if _rate_limited(request):
        return render(request, "newsletter/message.html", {"kind": "rate_limited"}, status=429)
    try:
        services.subscriber_subscribe(
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            language=form.cleaned_data["language"] or request.LANGUAGE_CODE,
            newsletters=form.cleaned_data["lists"],
        )
    except ValidationError:
        form.add_error("email", "Enter a valid email address.")
        return render(request, "newsletter/subscribe.html", _subscribe_context(form), status=400)
    except services.ConfirmationNotSent:
        return render(request, "newsletter/message.html", {"kind": "mail_failed"}, status=503)
    return render(request, "newsletter/message.html", {"kind": "check_inbox"})


def _subscribe_context(form: SubscribeForm) -> dict:
    return {"form": form, "newsletters": services.newsletters_offered(), "archive": selectors.archive_latest()}


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
    """Leaves the list whose issue carried the link (links from before lists: every list)."""
    found = services.unsubscribe_token_read(token)
    if found is None:
        return render(request, "newsletter/message.html", {"kind": "bad_link"}, status=400)
    subscriber, digest = found
    newsletter = digest.newsletter if digest else None
    if request.method == "GET":
        return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "newsletter": newsletter})
    services.subscriber_unsubscribe(subscriber=subscriber, digest=digest)
    return render(request, "newsletter/message.html", {"kind": "unsubscribed", "newsletter": newsletter})


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    """The preference centre: a signed link in every mail; lists, how often, and language."""
    subscriber = services.subscriber_from_token(token, salt=PREFERENCES_SALT)
    if subscriber is None:
        return render(request, "newsletter/message.html", {"kind": "bad_link"}, status=400)
    subscribed = services.subscriber_lists(subscriber=subscriber)
    frequencies = services.subscriber_frequencies(subscriber=subscriber)
    if request.method == "GET":
        form = PreferencesForm(subscribed=subscribed, frequencies=frequencies,
                               initial={"lists": subscribed, "language": subscriber.language})
        return render(request, "newsletter/preferences.html", {"form": form, "subscriber": subscriber})
    form = PreferencesForm(request.POST, subscribed=subscribed, frequencies=frequencies)
    if not form.is_valid():
        return render(request, "newsletter/preferences.html", {"form": form, "subscriber": subscriber}, status=400)
    lists = [] if "leave_all" in request.POST else form.cleaned_data["lists"]
    services.subscriber_preferences_update(subscriber=subscriber, newsletters=lists,
                                           language=form.cleaned_data["language"], frequencies=form.frequencies())
    subscriber.refresh_from_db()
    form = PreferencesForm(subscribed=lists, frequencies=services.subscriber_frequencies(subscriber=subscriber),
                           initial={"lists": lists, "language": subscriber.language})
    return render(request, "newsletter/preferences.html", {"form": form, "subscriber": subscriber, "saved": True})


@require_GET
def archive_index(request: HttpRequest) -> HttpResponse:
    return render(request, "newsletter/archive_index.html", {"lists": selectors.archive_lists()})


@require_GET
def archive_list(request: HttpRequest, slug: str) -> HttpResponse:
    newsletter = selectors.archive_newsletter(slug)
    digests = selectors.archive_digests(newsletter, language=request.LANGUAGE_CODE)
    return render(request, "newsletter/archive_list.html", {"newsletter": newsletter, "digests": digests})


@require_GET
def archive_digest(request: HttpRequest, slug: str, date: str) -> HttpResponse:
    """The web page of one sent issue, in each language it went out in (404 in the others)."""
    digest = selectors.archive_digest(slug, date, language=request.LANGUAGE_CODE)
    context = selectors.archive_digest_context(digest, language=request.LANGUAGE_CODE)
    return render(request, "newsletter/archive_digest.html", context)


@require_GET
def click(request: HttpRequest, token: str) -> HttpResponse:
    """/n/c/<token>: count the click, then go to the article (only ever one of ours)."""
    target = services.click_record(token=token)
    if target is None:
        raise Http404("unknown link")
    response = HttpResponseRedirect(target)
    response["Cache-Control"] = "no-store"
    return response


# The smallest transparent GIF.
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


@require_GET
def open_pixel(request: HttpRequest, token: str) -> HttpResponse:
    services.open_record(token=token)
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store, private"
    return response


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
