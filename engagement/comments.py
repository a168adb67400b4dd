"""Readers' comments: submitted (held for moderation unless the reader is vouched for), moderated,
and addresses banned. A change readers can see drops the article's cached copies.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from crosspost.lib.ratelimit import ratelimit_hit_all
from engagement.models import BannedAddress, Comment, email_key
from engagement.services import HOUR, MAX_LINKS, RateLimited, Refused, link_count


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
    from newsroom.services import pagecache_purge_pages

    transaction.on_commit(lambda: pagecache_purge_pages([article]))
