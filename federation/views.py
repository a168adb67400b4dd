"""Machine-facing endpoints: WebFinger, NodeInfo, actors' inboxes and collections, the WebSub hub.

Thin: parse, call a service, answer JSON. The article and author pages themselves answer
ActivityPub JSON through `federation.middleware` (same URL, chosen by the Accept header).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from crosspost.lib import safe_fetch
from federation import documents, services, websub
from federation.models import Activity, Follower, LocalActor

log = logging.getLogger(__name__)
OUTBOX_PAGE = 20


def activity_response(data: dict[str, Any], *, status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(data), status=status, content_type=documents.ACTIVITY_JSON)
    response["Vary"] = "Accept"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_GET
def webfinger(request: HttpRequest) -> HttpResponse:
    resource = request.GET.get("resource", "").strip()
    if not resource:
        return _error("resource is required, e.g. ?resource=acct:name@host", 400)
    actor = None
    if resource.startswith("acct:") or ("@" in resource and not resource.startswith("http")):
        user, _, host = resource.removeprefix("acct:").lstrip("@").rpartition("@")
        if host.lower() == documents.site_host().lower():
            actor = services.actor_by_username(user)
    else:
        actor = services.actor_for_url(resource)
    if actor is None:
        return _error("no such actor here", 404)
    response = JsonResponse(documents.webfinger(actor), content_type="application/jrd+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def nodeinfo_links(request: HttpRequest) -> JsonResponse:
    base = settings.SITE_URL
    return JsonResponse({"links": [
        {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": f"{base}/nodeinfo/2.0"},
        {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": f"{base}/nodeinfo/2.1"},
    ]})


@require_GET
def nodeinfo(request: HttpRequest, version: str) -> JsonResponse:
    from newsroom.models import ArticlePage, AuthorPage

    data = documents.nodeinfo(version=version, users=AuthorPage.objects.live().count() + 1,
                              posts=ArticlePage.objects.live().count())
    profile = f"http://nodeinfo.diaspora.software/ns/schema/{version}#"
    return JsonResponse(data, content_type=f'application/json; profile="{profile}"')


def _actor_or_404(username: str) -> LocalActor | None:
    return services.actor_by_username(username)


@require_GET
def actor(request: HttpRequest, username: str) -> HttpResponse:
    found = _actor_or_404(username)
    if found is None:
        return _error("no such actor here", 404)
    return activity_response(documents.actor_document(found))


@require_GET
def followers(request: HttpRequest, username: str) -> HttpResponse:
    found = _actor_or_404(username)
    if found is None:
        return _error("no such actor here", 404)
    # The count is public (Mastodon shows it); who follows is the followers' own business.
    total = Follower.objects.filter(actor=found).count()
    return activity_response(documents.ordered_collection(documents.actor_endpoint(found, "followers"), None,
                                                          total=total))


@require_GET
def following(request: HttpRequest, username: str) -> HttpResponse:
    found = _actor_or_404(username)
    if found is None:
        return _error("no such actor here", 404)
    return activity_response(documents.ordered_collection(documents.actor_endpoint(found, "following"), [], total=0))


@require_GET
def outbox(request: HttpRequest, username: str) -> HttpResponse:
    found = _actor_or_404(username)
    if found is None:
        return _error("no such actor here", 404)
    sent = Activity.objects.filter(actor=found, public=True, type__in=["Create", "Announce"])
    latest = [json.loads(bytes(a.body)) for a in sent.order_by("-pk")[:OUTBOX_PAGE]]
    return activity_response(documents.ordered_collection(documents.actor_endpoint(found, "outbox"), latest,
                                                          total=sent.count()))


@require_GET
def activity_view(request: HttpRequest, username: str, ident: str) -> HttpResponse:
    uri = f"{settings.SITE_URL}{request.path}"
    sent = Activity.objects.filter(uri=uri, public=True, actor__username=username).first()
    if sent is None:
        return _error("no such activity", 404)
    return activity_response(json.loads(bytes(sent.body)))


@csrf_exempt
@require_http_methods(["POST"])
def inbox(request: HttpRequest, username: str | None = None) -> HttpResponse:
    if username is not None and _actor_or_404(username) is None:
        return _error("no such actor here", 404)
    incoming = services.Incoming(method=request.method or "POST", target=request.get_full_path(),
                                 headers={k.lower(): v for k, v in request.headers.items()}, body=request.body)
    try:
        outcome = services.inbox_receive(incoming)
    except services.InboxRefused as exc:
        log.info("inbox refused an activity: %s", exc)
        return _error(str(exc), exc.status)
    except safe_fetch.FetchError as exc:
        return _error(f"could not look the sender up: {exc}", 401)
    return JsonResponse({"result": outcome}, status=202)


@csrf_exempt
@require_http_methods(["POST"])
def websub_hub(request: HttpRequest) -> HttpResponse:
    try:
        websub.subscription_request(
            mode=request.POST.get("hub.mode", ""), topic=request.POST.get("hub.topic", ""),
            callback=request.POST.get("hub.callback", ""), secret=request.POST.get("hub.secret", ""),
            lease_seconds=request.POST.get("hub.lease_seconds", ""),
        )
    except websub.HubRefused as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    return HttpResponse(status=202)
