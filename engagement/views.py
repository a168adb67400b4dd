"""Public engagement endpoints. Thin: forms in, services do the work, refusals shown politely.

The comment and share-by-email forms sit on article pages, which the page cache serves to every
anonymous reader, so they cannot carry a per-visitor CSRF token: their endpoints are exempt. A
forged submission gains nothing a direct one would not (no login is involved), and honeypot,
rate limits and moderation apply either way. The contact and permission pages are never cached
(caching is opt-in per view, crosspost/pagecache.py, and they do not opt in) and keep Django's
CSRF protection.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from crosspost.lib.client import client_address
from crosspost.lib.signing import sign, unsign
from engagement import partner_feed, pixel, services
from engagement.comments import comment_submit
from engagement.contact import contact_message_submit
from engagement.forms import (
    CommentForm,
    ContactForm,
    MastodonShareForm,
    PermissionRequestForm,
    ShareEmailForm,
)
from engagement.models import Comment, ContactMessage, Partner
from engagement.republication import permission_request_submit
from engagement.republish import pixel_ids
from engagement.sharing import share_email_send

# A transparent 1×1 GIF (GIF89a, one-colour palette, graphic-control extension for transparency).
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
    b"!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def _ip(request: HttpRequest) -> str:
    return client_address(request)


# The signed cookie naming the last comment this browser wrote: once that comment is approved, the
# reader's next comments under the same address appear at once (engagement/comments.py).
COMMENTER_COOKIE = "commenter"
COMMENTER_SALT = "engagement.commenter"
MAX_ID = 2**63 - 1  # a larger number is no row of ours, and databases overflow on it


def _article(article_id: int):
    from newsroom.models import ArticlePage

    if not 0 < article_id <= MAX_ID:
        raise Http404("No such article")
    article = ArticlePage.objects.live().public().filter(pk=article_id).first()
    if article is None:
        raise Http404("No such article")
    return article


def _message(request: HttpRequest, *, title: str, text: str, article=None, status: int = 200) -> HttpResponse:
    return render(request, "engagement/message.html", {"title": title, "text": text, "article": article},
                  status=status)


@require_GET
def republish_feed(request: HttpRequest, token: str = "") -> HttpResponse:
    """Our republishable articles in full; a partner's token names the partner in the pixels."""
    partner = None
    if token:
        partner = Partner.objects.filter(token=token[:64], active=True).first()
        if partner is None:
            raise Http404("This feed address is not (or no longer) valid.")
    return partner_feed.republish_feed(request, partner=partner)


@require_GET
def pixel_view(request: HttpRequest, token: str) -> HttpResponse:
    """Count one view of a republished copy; never touches the database."""
    ids = pixel_ids(token)
    if ids is None:
        raise Http404("Unknown pixel")
    page = pixel.referer_page(request.META.get("HTTP_REFERER", ""), request.get_host().split(":")[0])
    if page is not None:
        pixel.hit_record(article_id=ids[0], page_url=page[0], domain=page[1], partner_id=ids[1])
    response = HttpResponse(GIF, content_type="image/gif")
    response["Cache-Control"] = "no-store, max-age=0"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_GET
def share_mastodon(request: HttpRequest) -> HttpResponse:
    form = MastodonShareForm(request.GET)
    if not form.is_valid():
        article = None
        if "article" not in form.errors:
            article = _article(form.cleaned_data["article"])
        return render(request, "engagement/share_mastodon.html", {"form": form, "article": article},
                      status=400 if request.GET else 200)
    article = _article(form.cleaned_data["article"])
    text = quote(f"{article.title} {article.canonical_url()}")
    target = f"https://{form.cleaned_data['instance']}/share?text={text}"
    # Not a redirect: the CSP's form-action lets forms lead only to us and Stripe, and a redirect
    # after this (GET) form counts as the form's target. A Refresh is a navigation of its own.
    response = render(request, "engagement/share_mastodon.html", {"form": form, "article": article,
                                                                   "continue_url": target})
    response["Refresh"] = f"0;url={target}"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def share_email(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(article_id)
    if request.method == "GET":
        return render(request, "engagement/share_email.html", {"form": ShareEmailForm(), "article": article})
    form = ShareEmailForm(request.POST)
    if not form.is_valid():
        return render(request, "engagement/share_email.html", {"form": form, "article": article}, status=400)
    try:
        share_email_send(article=article, ip=_ip(request), **form.cleaned_data)
    except services.Refused as exc:
        status = 429 if isinstance(exc, services.RateLimited) else 503
        return _message(request, title="Not sent", text=str(exc), article=article, status=status)
    return _message(request, title="Sent", text=f"We sent the article to {form.cleaned_data['recipient']}.",
                    article=article)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def comment_post(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(article_id)
    if request.method == "GET":
        return HttpResponseRedirect(article.url + "#comments")
    form = CommentForm(request.POST)
    if form.is_bot():  # look like success, store nothing
        return _message(request, title="Thank you", text="Your comment will appear once an editor has read it.",
                        article=article)
    if not form.is_valid():
        return render(request, "engagement/comment_form_page.html", {"form": form, "article": article}, status=400)
    data = form.cleaned_data
    vouched = unsign(request.COOKIES.get(COMMENTER_COOKIE, ""), salt=COMMENTER_SALT) or ""
    try:
        comment = comment_submit(article=article, name=data["name"], email=data["email"],
                                          text=data["text"], parent_id=data["parent"], ip=_ip(request) or None,
                                          vouched_comment_id=int(vouched) if vouched.isdigit() else None)
    except services.Refused as exc:
        status = 429 if isinstance(exc, services.RateLimited) else 400
        return _message(request, title="Comment not posted", text=str(exc), article=article, status=status)
    if comment.status == Comment.Status.APPROVED:  # the cookie that vouched for it keeps doing so
        return HttpResponseRedirect(f"{article.url}#comment-{comment.pk}")
    response = _message(request, title="Thank you", text="Your comment will appear once an editor has read it.",
                        article=article)
    response.set_cookie(COMMENTER_COOKIE, sign(str(comment.pk), salt=COMMENTER_SALT), max_age=365 * 86400,
                        httponly=True, samesite="Lax", secure=request.is_secure())
    return response


@require_http_methods(["GET", "POST"])
def permission_request(request: HttpRequest, article_id: int | None = None) -> HttpResponse:
    article = _article(article_id) if article_id else None
    if request.method == "GET":
        return render(request, "engagement/permission_request.html", {"form": PermissionRequestForm(), "article": article})
    form = PermissionRequestForm(request.POST)
    if not form.is_valid():
        return render(request, "engagement/permission_request.html", {"form": form, "article": article}, status=400)
    if not form.is_bot():
        data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
        try:
            permission_request_submit(article=article, ip=_ip(request), **data)
        except services.Refused as exc:
            return _message(request, title="Not sent", text=str(exc), article=article, status=429)
    return _message(request, title="Request received",
                    text="Thank you. An editor will answer you by email.", article=article)


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, kind: str = str(ContactMessage.Kind.FEEDBACK)) -> HttpResponse:
    template = f"engagement/contact_{kind}.html"
    form = ContactForm(request.POST if request.method == "POST" else None)
    if request.method == "GET":
        return render(request, template, {"form": form})
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    if not form.is_bot():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
            contact_message_submit(kind=kind, ip=_ip(request), **data)
        except services.Refused as exc:
            return _message(request, title="Not sent", text=str(exc), status=429)
    return _message(request, title="Thank you", text="Your message has reached the newsroom.")
