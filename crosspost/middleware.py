"""Project-wide middleware: security headers, and a 503 instead of a 500 when a backing
service (database, Redis) is away, so readers and load balancers know to come back."""

from __future__ import annotations

import copy
import logging
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.template.loader import render_to_string
from wagtail.models import Site

log = logging.getLogger(__name__)

# Our pages need no inline script or style (JSON-LD is a data block, which CSP does not run).
# form-action names the only other site a form of ours leads to (Stripe's checkout and billing
# portal, by redirect); an injected <form action="https://elsewhere/"> goes nowhere.
READER_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "font-src 'self'; connect-src 'self'; media-src 'self' https:; frame-src https:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self' https://checkout.stripe.com https://billing.stripe.com; object-src 'none'"
)
# Wagtail's admin inlines scripts and styles; it gets frame protection but no script policy.
ADMIN_CSP = "frame-ancestors 'self'; base-uri 'self'; object-src 'none'"


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OperationalError, InterfaceError]
    # Without REDIS_URL nothing talks to Redis, and not importing its client keeps ~6 MB out of
    # every process of the embedded default.
    if settings.REDIS_URL:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        errors += [RedisConnectionError, RedisTimeoutError]
    return tuple(errors)


UNAVAILABLE = _unavailable_errors()


class SecurityHeadersMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        admin = request.path.startswith(("/admin/", "/django-admin/"))
        response.headers.setdefault("Content-Security-Policy", ADMIN_CSP if admin else READER_CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        return response


class CrossSiteFormMiddleware:
    """Refuse POSTs that a browser sends from another site.

    The reader forms that sit on cached pages (subscribe, comment, share) cannot carry a
    per-visitor CSRF token, so their views are csrf_exempt; this takes the token's place.
    Browsers always send Origin with a form POST; servers (mail clients' one-click unsubscribe,
    payment and bounce webhooks) send none and are not affected.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        origin = request.headers.get("Origin")
        if request.method == "POST" and origin and not self._same_site(request, origin):
            return HttpResponse("This form can only be sent from this site.", status=403, content_type="text/plain")
        return self.get_response(request)

    @staticmethod
    def _same_site(request: HttpRequest, origin: str) -> bool:
        # Scheme, host and port must all match (an http page may not post to the https site, nor
        # the other way): browsers send Origin as exactly scheme://host[:port], default port left out.
        allowed = {settings.SITE_URL.rstrip("/"), f"{request.scheme}://{request.get_host()}",
                   *settings.CSRF_TRUSTED_ORIGINS}
        return origin != "null" and origin.rstrip("/") in allowed


class ServiceUnavailableMiddleware:
    """Turn a lost database or Redis connection into a 503 with Retry-After.

    Django opens a fresh connection on the next request (CONN_HEALTH_CHECKS), so service comes
    back by itself when the database does; no restart needed.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, UNAVAILABLE) or (
            isinstance(exception, DatabaseError) and not _is_connection_error(exception)
        ):
            return None
        log.error("backing service unavailable: %s", exception.__class__.__name__)
        try:
            body = render_to_string("503.html", {"SITE_NAME": settings.SITE_NAME})
        except Exception:  # noqa: BLE001 - the template system may need what is down
            body = "<!DOCTYPE html><title>Back soon</title><h1>We will be back in a moment</h1>"
        return HttpResponse(body, status=503, headers={"Retry-After": "30", "Cache-Control": "no-store"})


def _is_connection_error(exception: DatabaseError) -> bool:
    """OperationalError also covers 'no such column' and locks; only a lost server is a 503."""
    if isinstance(exception, InterfaceError):
        return True
    text = str(exception).lower()
    return any(phrase in text for phrase in (
        "connection", "could not connect", "server closed", "terminating", "the database system is",
        "unable to open database", "no route to host", "timeout",
    ))


# Wagtail looks the request's Site (and its root page) up with a query on every request; sites
# change perhaps once a year. Each process keeps what it found for a couple of seconds, the same
# time it trusts the page cache's tokens, and hands every request its own copy.
_SITE_SECONDS = 2.0
_sites: dict[tuple[str, str], tuple[float, object]] = {}


def sites_forget(**kwargs) -> None:
    """A Site saved or deleted here shows at once in this process (elsewhere within seconds)."""
    _sites.clear()


class SiteLookupMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = (split_domain_port(request._get_raw_host())[0], request.get_port())
        now = time.monotonic()
        remembered = _sites.get(key)
        if remembered is None or remembered[0] < now:
            if len(_sites) > 64:  # Host headers are the client's to choose
                _sites.clear()
            try:
                site = Site._find_for_request(request)
            except DatabaseError:  # /healthz answers 503 and pages their error, not this middleware
                return self.get_response(request)
            remembered = _sites[key] = (now + _SITE_SECONDS, copy.deepcopy(site))
        request._wagtail_site = copy.deepcopy(remembered[1])
        return self.get_response(request)
