"""Old URLs answer their 301 only once the page they lead to is live.

`OldQueryRedirectMiddleware` handles WordPress's query URLs (`/?p=123`, `/?page_id=45`) before the
page renders: `/?p=123` is the home page with a query string, which answers 200, and Wagtail's
RedirectMiddleware looks for a redirect only on a 404. Only requests carrying one of these
parameters cost a lookup; one whose page is not live (yet) is a 404, as WordPress answers for a draft.

`LiveRedirectMiddleware` takes the place of Wagtail's for every other old URL (`/2019/05/slug/`,
`/tag/x/`): the same table, but a redirect to a page that is not live (an imported draft, a page
unpublished since) leaves the 404 alone. A 301 is permanent; browsers and search engines keep it,
so it must not send readers to a page that answers 404. When the draft is published its old URLs
start answering, with nothing to run: the redirect points at the page, not at its address.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from wagtail.contrib.redirects.middleware import RedirectMiddleware, get_redirect
from wagtail.contrib.redirects.models import Redirect

OLD_QUERY_PARAMETERS = ("p", "page_id", "attachment_id", "cat", "tag", "author")


def _answers(redirect: Redirect | None) -> bool:
    return redirect is not None and (redirect.redirect_page_id is None or redirect.redirect_page.live)


class OldQueryRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and any(name in request.GET for name in OLD_QUERY_PARAMETERS):
            path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
            redirect = get_redirect(request, path)
            if redirect is not None and not _answers(redirect):
                raise Http404("not published yet")  # not the home page: the old URL names a page
            if redirect is not None and redirect.link:
                return HttpResponsePermanentRedirect(redirect.link)
        return self.get_response(request)


class LiveRedirectMiddleware(RedirectMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        answer = super().process_response(request, response)
        if answer is response:
            return response
        # Wagtail found a redirect: look at its page once more (the lookup is the same two queries).
        path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
        redirect = get_redirect(request, path) or get_redirect(request, path.split("?", 1)[0])
        return answer if _answers(redirect) else response
