"""Federation writes: our actors, remote actors' keys, and what an inbox does with each activity.

An incoming activity is trusted only once its HTTP signature verifies with the key of the actor
it claims to come from (fetched through the safe fetcher and cached). Each handler is idempotent:
a Follow, Like or reply delivered twice is recorded once.
"""

from __future__ import annotations

import datetime
import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import Page, Site

from crosspost.lib import safe_fetch
from federation import documents, httpsig
from federation.models import Block, Follower, LocalActor, Reaction, RemoteActor, Reply

log = logging.getLogger(__name__)

KEY_CACHE = datetime.timedelta(days=1)  # a cached key older than this is fetched again before trusting it
ACTOR_TYPES = {"Person", "Service", "Organization", "Application", "Group"}
AP_ACCEPT = (documents.ACTIVITY_JSON, "application/ld+json", "application/json")


class InboxRefused(Exception):
    """An activity we will not take; `status` is the HTTP answer (401 unsigned, 400 malformed…)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


# --- our actors ---------------------------------------------------------------------------------

def _actor_create(**fields: Any) -> LocalActor:
    private, public = httpsig.key_pair_generate()
    try:
        with transaction.atomic():
            return LocalActor.objects.create(private_key_pem=private, public_key_pem=public, **fields)
    except IntegrityError:  # made meanwhile by another request
        lookup = {"kind": LocalActor.Kind.SITE} if fields["kind"] == LocalActor.Kind.SITE else {"author": fields["author"]}
        return LocalActor.objects.get(**lookup)


def actor_for_site() -> LocalActor:
    actor = LocalActor.objects.filter(kind=LocalActor.Kind.SITE).first()
    return actor or _actor_create(kind=LocalActor.Kind.SITE, username=documents.site_username())


def actor_for_author(author) -> LocalActor:
    actor = LocalActor.objects.filter(author=author).select_related("author").first()
    if actor:
        return actor
    return _actor_create(kind=LocalActor.Kind.AUTHOR, username=author_username(author), author=author)


def author_username(author) -> str:
    """The author's handle name: their page slug, unless the site or another actor has it."""
    existing = LocalActor.objects.filter(author=author).values_list("username", flat=True).first()
    if existing:
        return existing
    username = author.slug
    if username == documents.site_username() or LocalActor.objects.filter(username=username).exists():
        username = f"{author.slug}-{author.pk}"
    return username


def actor_by_username(username: str) -> LocalActor | None:
    from newsroom.models import AuthorPage

    username = username.lower()
    actor = LocalActor.objects.filter(username=username).select_related("author").first()
    if actor is not None:
        if actor.kind == LocalActor.Kind.AUTHOR and not actor.author.live:
            return None
        return actor
    if username == documents.site_username():
        return actor_for_site()
    author = AuthorPage.objects.live().filter(slug=username).first()
    return actor_for_author(author) if author else None


# --- pages by URL -------------------------------------------------------------------------------

_factory = RequestFactory()


def page_for_path(path: str) -> Page | None:
    """The live page that serves `path` (a language prefix is allowed), or None."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return None
    components = [part for part in path.split("/") if part]
    languages = {code for code, _ in settings.LANGUAGES}
    if components and components[0] in languages:
        components = components[1:]
    try:
        page, _args, _kwargs = site.root_page.specific.route(_factory.get(path), components)
    except Http404:
        return None
    return page.specific


def article_for_url(url: str):
    from newsroom.models import ArticlePage

    parts = urlsplit(url or "")
    if f"{parts.scheme}://{parts.netloc}" != settings.SITE_URL:
        return None
    page = page_for_path(parts.path)
    return page if isinstance(page, ArticlePage) else None


def actor_for_url(url: str) -> LocalActor | None:
    from newsroom.models import AuthorPage, HomePage

    parts = urlsplit(url or "")
    if f"{parts.scheme}://{parts.netloc}" != settings.SITE_URL:
        return None
    if parts.path in ("", "/"):
        return actor_for_site()
    page = page_for_path(parts.path)
    if isinstance(page, HomePage):
        return actor_for_site()
    return actor_for_author(page) if isinstance(page, AuthorPage) else None


# --- remote actors and their keys ---------------------------------------------------------------

def _fetch_json(url: str) -> dict[str, Any]:
    result = safe_fetch.fetch(url, accept=AP_ACCEPT, headers={"Accept": documents.ACTIVITY_JSON},
                              max_bytes=1024 * 1024)
    try:
        data = json.loads(result.content)
    except ValueError:
        raise InboxRefused(f"{url[:200]} is not JSON", 401) from None
    if not isinstance(data, dict):
        raise InboxRefused(f"{url[:200]} is not a JSON object", 401)
    return data


def _str(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("id") or value.get("href") or ""
    if isinstance(value, list):
        value = _str(value[0]) if value else ""
    return value if isinstance(value, str) else ""


def _is_actor(doc: dict[str, Any]) -> bool:
    kinds = doc.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]  # Mastodon can say ["Person", "vcard:individual"]
    return any(kind in ACTOR_TYPES for kind in kinds)


def remote_actor_store(doc: dict[str, Any]) -> RemoteActor:
    """Keep what we need of a remote actor document (its key, inboxes, names)."""
    uri = _str(doc.get("id"))
    key = doc.get("publicKey")
    if isinstance(key, list):
        key = key[0] if key else None
    if not uri or not _is_actor(doc) or not isinstance(key, dict) or not key.get("publicKeyPem"):
        raise InboxRefused("the signer is not an actor with a public key", 401)
    inbox = _str(doc.get("inbox"))
    endpoints: dict[str, Any] = doc["endpoints"] if isinstance(doc.get("endpoints"), dict) else {}
    if not inbox:
        raise InboxRefused("the actor has no inbox", 400)
    url = _str(doc.get("url")) or uri
    fields = {
        "key_id": _str(key.get("id")) or uri, "public_key_pem": key["publicKeyPem"], "inbox": inbox,
        "shared_inbox": _str(endpoints.get("sharedInbox")), "username": str(doc.get("preferredUsername") or "")[:200],
        "name": nh3.clean(str(doc.get("name") or ""), tags=set())[:300], "url": url[:1000],
        "domain": (urlsplit(uri).hostname or "")[:255], "fetched_at": timezone.now(),
    }
    remote, _ = RemoteActor.objects.update_or_create(uri=uri, defaults=fields)
    return remote


def remote_actor_for_key(key_id: str, *, refresh: bool = False) -> RemoteActor:
    """The actor owning `key_id`: from the cache when fresh, else fetched (key document or actor)."""
    cached = RemoteActor.objects.filter(key_id=key_id).first()
    if cached and not refresh and timezone.now() - cached.fetched_at < KEY_CACHE:
        return cached
    try:
        doc = _fetch_json(key_id.split("#", 1)[0])
        if not _is_actor(doc) and doc.get("owner"):  # a key document (GoToSocial, Fedify)
            doc = _fetch_json(_str(doc["owner"]))
    except safe_fetch.FetchError as exc:
        raise InboxRefused(f"the signer's key could not be fetched: {exc}", 401) from None
    remote = remote_actor_store(doc)
    if remote.key_id != key_id and remote.uri != key_id.split("#", 1)[0]:
        raise InboxRefused("the key is not the actor's", 401)
    return remote


def remote_actor_lookup(uri: str) -> RemoteActor:
    cached = RemoteActor.objects.filter(uri=uri).first()
    if cached:
        return cached
    try:
        return remote_actor_store(_fetch_json(uri))
    except safe_fetch.FetchError as exc:
        raise InboxRefused(f"the actor could not be fetched: {exc}", 400) from None


# --- blocks -------------------------------------------------------------------------------------

def is_blocked(actor_uri: str) -> bool:
    domain = (urlsplit(actor_uri).hostname or "").lower()
    return Block.objects.filter(actor_uri=actor_uri).exists() or Block.objects.filter(domain__iexact=domain).exists()


def block_add(*, domain: str = "", actor_uri: str = "", reason: str = "") -> Block:
    """Refuse a server or an actor from now on, and drop the followers it gave us."""
    domain = domain.strip().lower().rstrip(".")
    actor_uri = actor_uri.strip()
    if bool(domain) == bool(actor_uri):
        raise ValueError("Block either a domain or one actor.")
    with transaction.atomic():
        block, _ = Block.objects.get_or_create(domain=domain, actor_uri=actor_uri, defaults={"reason": reason[:300]})
        followers_remove_blocked(block)
    return block


def followers_remove_blocked(block: Block) -> int:
    followers = Follower.objects.all()
    if block.domain:
        followers = followers.filter(remote__domain__iexact=block.domain)
    else:
        followers = followers.filter(remote__uri=block.actor_uri)
    return followers.delete()[0]


# --- the inbox ----------------------------------------------------------------------------------

@dataclass
class Incoming:
    method: str
    target: str  # path and query, as signed
    headers: dict[str, str]  # lower-case names
    body: bytes


def inbox_verify(request: Incoming) -> tuple[dict[str, Any], RemoteActor]:
    """The activity of a signed POST and the actor whose key signed it, or InboxRefused."""
    try:
        activity = json.loads(request.body)
    except ValueError:
        raise InboxRefused("the body is not JSON") from None
    if not isinstance(activity, dict) or not isinstance(activity.get("type"), str):
        raise InboxRefused("the body is not an activity")
    if "signature" not in request.headers:
        raise InboxRefused("the request is not signed", 401)
    try:
        params = httpsig.signature_parse(request.headers["signature"])
    except httpsig.SignatureError as exc:
        raise InboxRefused(str(exc), 401) from None
    if is_blocked(params.key_id.split("#", 1)[0]):
        raise InboxRefused("blocked", 403)
    remote = remote_actor_for_key(params.key_id)
    try:
        httpsig.request_verify(method=request.method, target=request.target, headers=request.headers,
                               body=request.body, params=params, public_key_pem=remote.public_key_pem)
    except httpsig.SignatureError as exc:
        if "verify" not in str(exc):
            raise InboxRefused(str(exc), 401) from None
        remote = remote_actor_for_key(params.key_id, refresh=True)  # the key may have been rotated
        try:
            httpsig.request_verify(method=request.method, target=request.target, headers=request.headers,
                                   body=request.body, params=params, public_key_pem=remote.public_key_pem)
        except httpsig.SignatureError as exc2:
            raise InboxRefused(str(exc2), 401) from None
    if _str(activity.get("actor")) != remote.uri:
        raise InboxRefused("the activity's actor did not sign it", 401)
    if is_blocked(remote.uri):
        raise InboxRefused("blocked", 403)
    return activity, remote


def inbox_receive(request: Incoming) -> str:
    """Verify and handle one incoming activity; returns what was done, for logs and tests."""
    activity, remote = inbox_verify(request)
    handler = _HANDLERS.get(activity["type"])
    if handler is None:
        return f"ignored {activity['type']}"
    with transaction.atomic():
        return handler(activity, remote)


def _on_follow(activity: dict[str, Any], remote: RemoteActor) -> str:
    from federation.delivery import accept_send

    actor = actor_for_url(_str(activity.get("object")))
    if actor is None:
        raise InboxRefused("the Follow is not for one of our actors", 404)
    Follower.objects.update_or_create(actor=actor, remote=remote, defaults={"follow_id": _str(activity.get("id"))[:1000]})
    accept_send(actor=actor, follow=activity, remote=remote)
    return f"followed {actor}"


def _on_undo(activity: dict[str, Any], remote: RemoteActor) -> str:
    inner = activity.get("object")
    inner_id = _str(inner)
    kind = inner.get("type") if isinstance(inner, dict) else None
    if kind in (None, "Follow"):
        followers = Follower.objects.filter(remote=remote)
        target = actor_for_url(_str(inner.get("object"))) if isinstance(inner, dict) else None
        followers = followers.filter(actor=target) if target else followers.filter(follow_id=inner_id)
        if followers.delete()[0]:
            return "unfollowed"
    if kind in (None, "Like", "Announce"):
        if Reaction.objects.filter(activity_uri=inner_id, actor_uri=remote.uri).delete()[0]:
            return "reaction withdrawn"
    return "nothing to undo"


def _on_reaction(activity: dict[str, Any], remote: RemoteActor) -> str:
    article = article_for_url(_str(activity.get("object")))
    if article is None:
        return "not about our article"
    kind = Reaction.Kind.LIKE if activity["type"] == "Like" else Reaction.Kind.ANNOUNCE
    uri = _str(activity.get("id")) or f"{remote.uri}#{kind}-{article.pk}"
    Reaction.objects.get_or_create(article=article, kind=kind, actor_uri=remote.uri, defaults={"activity_uri": uri[:1000]})
    return f"{kind} counted"


def _web_link(url: str) -> str:
    """`url` if it is an http(s) link (a remote actor's `url` lands in an href), else ""."""
    return url if urlsplit(url).scheme in ("http", "https") else ""


def _on_create(activity: dict[str, Any], remote: RemoteActor) -> str:
    from engagement.models import BannedAddress, Comment, email_key

    note = activity.get("object")
    if not isinstance(note, dict) or note.get("type") != "Note":
        return "ignored Create"
    object_uri = _str(note.get("id"))
    if not object_uri or urlsplit(object_uri).hostname != urlsplit(remote.uri).hostname:
        raise InboxRefused("the Note's id is not on the sender's server")
    article = article_for_url(_str(note.get("inReplyTo")))
    if article is None:
        return "not a reply to our article"
    if not article.comments_open:
        return "comments are closed"
    if Reply.objects.filter(object_uri=object_uri).exists():
        return "reply already held"
    # The address stands for the remote account, so an editor's "Ban address" works on it too.
    email = f"{(remote.username or 'fediverse')[:60]}@{remote.domain}"[:254] if remote.domain else "fediverse@invalid"
    if BannedAddress.objects.filter(email=email_key(email)).exists():
        return "the account is banned from commenting"
    text = nh3.clean(str(note.get("content") or ""), tags={"p", "br", "a"}, link_rel="nofollow ugc noopener")
    plain = nh3.clean(text.replace("</p>", "\n\n").replace("<br>", "\n"), tags=set()).strip()
    if not plain:
        return "empty reply"
    comment = Comment.objects.create(article=article, name=(remote.name or remote.username or remote.domain)[:80],
                                     email=email, text=plain[:10_000], status=Comment.Status.PENDING)
    handle = f"@{remote.username}@{remote.domain}" if remote.username else remote.uri
    Reply.objects.create(comment=comment, object_uri=object_uri[:1000], actor_uri=remote.uri,
                         actor_url=_web_link(remote.url) or _web_link(remote.uri), handle=handle[:300])
    return "reply held for moderation"


def _on_delete(activity: dict[str, Any], remote: RemoteActor) -> str:
    target = _str(activity.get("object"))
    if target == remote.uri:  # the account is gone
        Follower.objects.filter(remote=remote).delete()
        Reaction.objects.filter(actor_uri=remote.uri).delete()
        return "actor deleted"
    reply = Reply.objects.filter(object_uri=target, actor_uri=remote.uri).select_related("comment").first()
    if reply:
        from engagement.comments import pagecache_purge_article

        if reply.comment.status == reply.comment.Status.APPROVED:  # readers saw it: drop the cached pages
            pagecache_purge_article(reply.comment.article)
        reply.comment.delete()
        return "reply deleted"
    return "nothing to delete"


def _on_update(activity: dict[str, Any], remote: RemoteActor) -> str:
    obj = activity.get("object")
    if isinstance(obj, dict) and _str(obj.get("id")) == remote.uri:
        remote_actor_store(obj)
        return "actor updated"
    return "ignored Update"


def _on_accept(activity: dict[str, Any], remote: RemoteActor) -> str:
    return "accept noted"  # we follow no one yet: nothing waits on an Accept


_HANDLERS = {
    "Follow": _on_follow,
    "Undo": _on_undo,
    "Like": _on_reaction,
    "Announce": _on_reaction,
    "Create": _on_create,
    "Delete": _on_delete,
    "Update": _on_update,
    "Accept": _on_accept,
}
