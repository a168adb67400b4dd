"""Read-only JSON API (Wagtail API v2): /api/v2/articles/, authors/, regions/, themes/, dossiers/."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from newsroom.models import ArticlePage, AuthorPage, DossierPage, RegionPage, ThemePage


def _pages_endpoint(page_model):
    return type(f"{page_model.__name__}APIViewSet", (PagesAPIViewSet,), {"model": page_model})


api_router = WagtailAPIRouter("api")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("articles", _pages_endpoint(ArticlePage))
api_router.register_endpoint("authors", _pages_endpoint(AuthorPage))
api_router.register_endpoint("regions", _pages_endpoint(RegionPage))
api_router.register_endpoint("themes", _pages_endpoint(ThemePage))
api_router.register_endpoint("dossiers", _pages_endpoint(DossierPage))
api_router.register_endpoint("images", ImagesAPIViewSet)
