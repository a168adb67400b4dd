"""The reader's search page: a thin view over the article index (search/selectors.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from newsroom.listings import paginate
from search import selectors
from search.forms import SearchFilterForm

MAX_QUERY_LENGTH = 200


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    form = SearchFilterForm(request.GET)
    results = None
    if query:
        results = paginate(request, selectors.ArticleSearch(query, form.filters()))
    return TemplateResponse(request, "search/search.html",
                            {"query": query, "results": results, "form": form, "count_cap": selectors.COUNT_CAP})
