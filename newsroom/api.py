"""Read-only JSON API (Wagtail API v2): /api/v2/articles/, authors/, regions/, themes/, dossiers/."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from newsroom.models import ArticlePage, AuthorPage, DossierPage, RegionPage, ThemePage

# Far past any archive, and far below the 64-bit limit the databases refuse past.
MAX_OFFSET = 10_000_000

if TYPE_CHECKING:
    from wagtail.api.v2.views import BaseAPIViewSet as _ViewSet
else:
    _ViewSet = object


class StrictQueryMixin(_ViewSet):
    """Every bad query parameter is the client's error (400), never the server's (500).

    Wagtail's endpoints turn only their own errors into 400s: `?id=abc` on find/, a date filter
    of `x`, `?regions=abc` or an offset past 2**63 reach the database or a converter and fail
    there. `?search=` is not offered: Wagtail's database search backend ranks every match with a
    correlated subquery, seconds per request on a large archive, and FTS5 fails on a stray quote.
    Readers and clients search with /search/, whose index stays fast at any size.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            raise BadRequestError("query parameters cannot contain NUL characters")
        offset = request.GET.get("offset", "")
        if offset.isdigit() and int(offset) > MAX_OFFSET:
            raise BadRequestError(f"offset cannot be higher than {MAX_OFFSET}")

    def handle_exception(self, exc):
        if isinstance(exc, ValueError | OverflowError | ValidationError):
            exc = BadRequestError(f"a query parameter has a value of the wrong type: {exc}")
        return super().handle_exception(exc)


class CrosspostPagesAPIViewSet(StrictQueryMixin, PagesAPIViewSet):
    filter_backends = [backend for backend in PagesAPIViewSet.filter_backends if backend is not SearchFilter]
    known_query_parameters = PagesAPIViewSet.known_query_parameters - {"search", "search_operator"}


class CrosspostImagesAPIViewSet(StrictQueryMixin, ImagesAPIViewSet):
    filter_backends = [backend for backend in ImagesAPIViewSet.filter_backends if backend is not SearchFilter]
    known_query_parameters = ImagesAPIViewSet.known_query_parameters - {"search", "search_operator"}


def _pages_endpoint(page_model):
    return type(f"{page_model.__name__}APIViewSet", (CrosspostPagesAPIViewSet,), {"model": page_model})


api_router = WagtailAPIRouter("api")
api_router.register_endpoint("pages", CrosspostPagesAPIViewSet)
api_router.register_endpoint("articles", _pages_endpoint(ArticlePage))
api_router.register_endpoint("authors", _pages_endpoint(AuthorPage))
api_router.register_endpoint("regions", _pages_endpoint(RegionPage))
api_router.register_endpoint("themes", _pages_endpoint(ThemePage))
api_router.register_endpoint("dossiers", _pages_endpoint(DossierPage))
api_router.register_endpoint("images", CrosspostImagesAPIViewSet)
