"""The editors' Fediverse screen: followers per actor and per server, deliveries, failing servers, reactions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from wagtail.admin.auth import permission_required

from federation import documents, selectors
from federation.models import Block

VIEW_FEDIVERSE = "federation.view_follower"


@permission_required(VIEW_FEDIVERSE)
def overview(request: HttpRequest) -> HttpResponse:
    actors = selectors.actors_with_follower_counts()
    return TemplateResponse(request, "federation/admin/overview.html", {
        "actors": [(actor, documents.acct(actor)) for actor in actors],
        "servers": selectors.followers_per_server(),
        "posts": selectors.latest_posts(),
        "failing": selectors.failing_servers(),
        "reactions": selectors.reactions_per_article(),
        "blocks": Block.objects.order_by("-created_at")[:50],
        "websub": selectors.websub_subscribers_per_feed(),
    })
