"""Readers' comments: submitted (held for moderation unless the reader is vouched for), moderated,
and addresses banned. A change readers can see drops the article's cached copies.

The form sits on article pages, which the page cache serves to every anonymous reader, so it
cannot carry a per-visitor CSRF token and its endpoint is exempt. A forged submission gains
nothing a direct one would not (no login is involved); honeypot, rate limits and moderation
apply either way.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import permission_denied, permission_required

from crosspost.lib.email import AddressField
from crosspost.lib.ratelimit import ratelimit_hit_all
from crosspost.lib.signing import sign, unsign
from engagement.models import BannedAddress, Comment, email_key
from engagement.services import HOUR, MAX_LINKS, RateLimited, Refused, link_count
from engagement.web import (
    MAX_ID,
    HoneypotMixin,
    NoLineBreaksMixin,
    article_or_404,
    client_ip,
    message_page,
    row_id,
)
from newsroom.services import pagecache_purge_pages

# The permissions the moderation screen needs; wagtail_hooks shows its menu item only to holders.
MODERATE_COMMENTS = "engagement.change_comment"
BAN_ADDRESSES = "engagement.add_bannedaddress"

# The signed cookie naming the last comment this browser wrote: once that comment is approved, the
# reader's next comments under the same address appear at once (comment_submit).
COMMENTER_COOKIE = "commenter"
COMMENTER_SALT = "engagement.commenter"


def comment_submit(*, article, name: str, email: str, text: str, parent_id: int | None = None,
                   ip: str | None = None, vouched_comment_id: int | None = None) -> Comment:
    """Store a comment: at once visible when the reader proves an approved comment is theirs, else
    held for moderation.

    The typed address proves nothing (anyone can type anyone's), so trust comes from
    `vouched_comment_id`: the id in the signed cookie given to the browser that wrote it.
    """
    if not article.comments_open:
        raise Refused("Comments are closed for this article.")
    key = email_key(email)
    if BannedAddress.objects.filter(email=key).exists():
        raise Refused("Comments from this address are not accepted.")
    if link_count(text) > MAX_LINKS:
        raise Refused(f"A comment may contain at most {MAX_LINKS} links.")
    if not ratelimit_hit_all([f"comment:ip:{ip}", f"comment:from:{key}"], settings.ENGAGEMENT_COMMENT_LIMIT, HOUR):
        raise RateLimited("You have posted several comments in a short time. Please try again later.")
    parent = None
    if parent_id:
        parent = Comment.objects.filter(pk=parent_id, article=article, status=Comment.Status.APPROVED).first()
        if parent is None:
            raise Refused("The comment you replied to is not there any more.")
        if parent.parent_id:  # replies stay one level deep
            parent = parent.parent
    trusted = vouched_comment_id is not None and Comment.objects.filter(
        pk=vouched_comment_id, email_key=key, status=Comment.Status.APPROVED).exists()
    comment = Comment.objects.create(
        article=article, parent=parent, name=name.strip()[:80], email=email.strip(), text=text.strip(),
        ip=ip or None, status=Comment.Status.APPROVED if trusted else Comment.Status.PENDING,
    )
    if trusted:
        pagecache_purge_article(article)
    return comment


def _comments_moderate(comment_ids: list[int], *, approve: bool, user=None) -> int:
    status = Comment.Status.APPROVED if approve else Comment.Status.REJECTED
    comments = Comment.objects.filter(pk__in=comment_ids).exclude(status=status)
    articles = {c.article for c in comments.select_related("article")}
    count = comments.update(status=status, moderated_at=timezone.now(), moderated_by=user)
    for article in articles:
        pagecache_purge_article(article)
    return count


def comment_approve(*, comment_ids: list[int], user=None) -> int:
    return _comments_moderate(comment_ids, approve=True, user=user)


def comment_reject(*, comment_ids: list[int], user=None) -> int:
    return _comments_moderate(comment_ids, approve=False, user=user)


def address_ban(*, email: str, reason: str = "", user=None) -> BannedAddress:
    """Refuse future comments from an address and take down all it has posted."""
    banned, _ = BannedAddress.objects.get_or_create(email=email_key(email), defaults={"reason": reason[:300]})
    ids = list(Comment.objects.filter(email_key=email_key(email)).values_list("pk", flat=True))
    comment_reject(comment_ids=ids, user=user)
    return banned


def pagecache_purge_article(article) -> None:
    """The article's cached copies show its comments; drop them once the change is committed."""
    transaction.on_commit(lambda: pagecache_purge_pages([article]))


def comments_for_article(article) -> list[Comment]:
    """Approved top-level comments, oldest first, each with its approved replies prefetched.

    `fediverse_reply` (federation's record of a reply that came from Mastodon and its kin) is
    joined in, so marking those comments costs no query per comment.
    """
    approved = Comment.objects.filter(status=Comment.Status.APPROVED).select_related("fediverse_reply")
    return list(
        approved.filter(article=article, parent=None).prefetch_related(
            Prefetch("replies", queryset=approved.order_by("created_at", "pk"), to_attr="approved_replies")
        )
    )


class CommentForm(HoneypotMixin, NoLineBreaksMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    email = AddressField(label=_("Email (not shown)"))
    text = forms.CharField(label=_("Comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    website = forms.CharField(required=False, label=_("Leave this empty"))

    single_line = ("name", "email")

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if link_count(text) > MAX_LINKS:
            raise forms.ValidationError(_("A comment may contain at most %(n)d links.") % {"n": MAX_LINKS})
        return text


@csrf_exempt
@require_http_methods(["GET", "POST"])
def comment_post(request: HttpRequest, article_id: int) -> HttpResponse:
    article = article_or_404(article_id)
    if request.method == "GET":
        return HttpResponseRedirect(article.url + "#comments")
    form = CommentForm(request.POST)
    if form.is_bot():  # look like success, store nothing
        return message_page(request, title="Thank you", text="Your comment will appear once an editor has read it.",
                            article=article)
    if not form.is_valid():
        return render(request, "engagement/comment_form_page.html", {"form": form, "article": article}, status=400)
    data = form.cleaned_data
    vouched = unsign(request.COOKIES.get(COMMENTER_COOKIE, ""), salt=COMMENTER_SALT) or ""
    try:
        comment = comment_submit(article=article, name=data["name"], email=data["email"],
                                 text=data["text"], parent_id=data["parent"], ip=client_ip(request) or None,
                                 vouched_comment_id=int(vouched) if vouched.isdigit() else None)
    except Refused as exc:
        status = 429 if isinstance(exc, RateLimited) else 400
        return message_page(request, title="Comment not posted", text=str(exc), article=article, status=status)
    if comment.status == Comment.Status.APPROVED:  # the cookie that vouched for it keeps doing so
        return HttpResponseRedirect(f"{article.url}#comment-{comment.pk}")
    response = message_page(request, title="Thank you", text="Your comment will appear once an editor has read it.",
                            article=article)
    response.set_cookie(COMMENTER_COOKIE, sign(str(comment.pk), salt=COMMENTER_SALT), max_age=365 * 86400,
                        httponly=True, samesite="Lax", secure=request.is_secure())
    return response


@require_http_methods(["GET", "POST"])
@permission_required(MODERATE_COMMENTS)
def admin_comments(request: HttpRequest) -> HttpResponse:
    """Pending comments first; approve, reject or ban the address, one row or a ticked batch."""
    status = request.GET.get("status", Comment.Status.PENDING)
    if request.method == "POST":
        action, _colon, one = request.POST.get("one", "").partition(":")
        single = row_id(one)
        ids = [single] if single else [n for n in map(row_id, request.POST.getlist("ids")) if n]
        action = action or request.POST.get("action", "")
        if action == "approve":
            done = comment_approve(comment_ids=ids, user=request.user)
            messages.success(request, f"{done} comment(s) approved.")
        elif action == "reject":
            done = comment_reject(comment_ids=ids, user=request.user)
            messages.success(request, f"{done} comment(s) rejected.")
        elif action == "ban":
            if not request.user.has_perm(BAN_ADDRESSES):
                return permission_denied(request)
            addresses = set(Comment.objects.filter(pk__in=ids).values_list("email_key", flat=True))
            for address in addresses:
                address_ban(email=address, reason="Banned from comment moderation", user=request.user)
            messages.success(request, f"{len(addresses)} address(es) banned; their comments were rejected.")
        return redirect(request.get_full_path())
    rows = Comment.objects.select_related("article", "parent", "fediverse_reply").order_by("-created_at")
    if status in Comment.Status.values:
        rows = rows.filter(status=status)
    if row_id(request.GET.get("article", "")):
        rows = rows.filter(article_id=row_id(request.GET["article"]))
    page = Paginator(rows, 50).get_page(request.GET.get("p"))
    return TemplateResponse(request, "engagement/admin/comments.html", {
        "page": page, "status": status, "statuses": Comment.Status.choices,
        "pending": Comment.objects.filter(status=Comment.Status.PENDING).count(),
        "can_ban": request.user.has_perm(BAN_ADDRESSES),
    })
