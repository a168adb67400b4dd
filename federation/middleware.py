"""Content negotiation: the home, author and article pages answer ActivityPub JSON when asked.

A fediverse server fetching `/authors/ada/` with `Accept: application/activity+json` gets the
author's actor; a browser gets the author page. Requests that do not ask for JSON pass straight
through (one header check), so readers pay nothing. The page cache never answers these
requests (see crosspost/pagecache.py), and HTML answers say `Vary: Accept` for caches in front.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

AP_TYPES = ("application/activity+json", "application/ld+json")


def wants_activity_json(accept: str) -> bool:
    return any(kind in accept for kind in AP_TYPES)


class ActivityPubNegotiationMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and wants_activity_json(request.headers.get("Accept", "")):
            answer = self._activity_json(request)
            if answer is not None:
                return answer
        response = self.get_response(request)
        if request.method in ("GET", "HEAD") and response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ["Accept"])
        return response

    @staticmethod
    def _activity_json(request: HttpRequest) -> HttpResponse | None:
        from federation import documents, services
        from federation.models import Activity
        from federation.views import activity_response
        from newsroom.models import ArticlePage, AuthorPage, HomePage

        page = services.page_for_path(request.path)
        if isinstance(page, ArticlePage):
            actors = [services.actor_for_site(), *[services.actor_for_author(a) for a in page.authors]]
            followers = [documents.actor_endpoint(actor, "followers") for actor in actors]
            return activity_response({"@context": documents.AS_CONTEXT,
                                      **documents.article_object(page, followers=followers)})
        if isinstance(page, AuthorPage):
            return activity_response(documents.actor_document(services.actor_for_author(page)))
        if isinstance(page, HomePage):
            return activity_response(documents.actor_document(services.actor_for_site()))
        if page is None:
            deleted = Activity.objects.filter(object_uri=settings.SITE_URL + request.path, type="Delete").last()
            if deleted is not None:
                obj = json.loads(bytes(deleted.body))["object"]
                return activity_response({**documents.tombstone(obj["id"], deleted=obj["deleted"])}, status=410)
        return None
