"""The few pages that are not Wagtail pages: search, health check, robots.txt."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from newsroom.models import paginate

MAX_QUERY_LENGTH = 200


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    from search.forms import SearchFilterForm
    from search.selectors import COUNT_CAP, ArticleSearch

    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    form = SearchFilterForm(request.GET)
    results = None
    if query:
        results = paginate(request, ArticleSearch(query, form.filters()))
    return TemplateResponse(request, "newsroom/search.html",
                            {"query": query, "results": results, "form": form, "count_cap": COUNT_CAP})


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain", headers={"Retry-After": "5"})
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain")
