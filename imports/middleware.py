"""Old WordPress query URLs (`/?p=123`, `/?page_id=45`) answer their 301 before the page renders.

Wagtail's RedirectMiddleware looks for a redirect only when the page answers 404, but `/?p=123`
is the home page with a query string, which answers 200. Only requests carrying one of these
parameters cost a lookup; every other old URL (`/2019/05/slug/`, `/tag/x/`) is a 404 here and
left to Wagtail's middleware, which reads the same redirects table.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect

OLD_QUERY_PARAMETERS = ("p", "page_id", "attachment_id", "cat", "tag", "author")


class OldQueryRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and any(name in request.GET for name in OLD_QUERY_PARAMETERS):
            path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
            redirect = get_redirect(request, path)
            if redirect is not None and redirect.link and (redirect.redirect_page is None or redirect.redirect_page.live):
                return HttpResponsePermanentRedirect(redirect.link)
        return self.get_response(request)
