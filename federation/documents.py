"""The JSON we show the fediverse: actors, article objects, collections, activities, WebFinger, NodeInfo.

Pure builders: they read models and settings and return dicts; nothing here writes.
Ids are our canonical URLs: an author's actor *is* their author page, an article's object *is*
its page, the site's actor is the home page, each answering JSON or HTML by the Accept header.
"""

from __future__ import annotations

import mimetypes
from html import escape
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from django.conf import settings
from django.utils import translation
from django.utils.text import slugify

from federation.models import LocalActor

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
ACTIVITY_JSON = "application/activity+json"
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
_EXTENSIONS = {
    "Hashtag": "as:Hashtag",
    "sensitive": "as:sensitive",
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "discoverable": "http://joinmastodon.org/ns#discoverable",
    "toot": "http://joinmastodon.org/ns#",
}


def site_host() -> str:
    """The host of our acct: handles (`@user@host`), the port included when there is one."""
    return urlsplit(settings.SITE_URL).netloc


def site_username() -> str:
    return settings.FEDERATION_SITE_USERNAME or slugify(settings.SITE_NAME) or "site"


def absolute(path: str) -> str:
    return path if path.startswith("http") else settings.SITE_URL + path


def _canonical_path(page) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return (page.get_url_parts() or (None, None, page.url_path))[2]


def actor_id(actor: LocalActor) -> str:
    if actor.kind == LocalActor.Kind.AUTHOR:
        return absolute(_canonical_path(actor.author))
    return settings.SITE_URL + "/"


def actor_endpoint(actor: LocalActor, name: str) -> str:
    return f"{settings.SITE_URL}/ap/actors/{actor.username}/{name}"


def shared_inbox_url() -> str:
    return f"{settings.SITE_URL}/ap/inbox"


def key_id(actor: LocalActor) -> str:
    return actor_id(actor) + "#main-key"


def acct(actor: LocalActor) -> str:
    return f"{actor.username}@{site_host()}"


def absolute_links(html_text: str) -> str:
    """Our HTML with relative links made absolute: a server shows it on its own host, where
    `/articles/…` is not ours (Mastodon drops such links)."""
    if not html_text.strip():
        return html_text
    root = lxml.html.fragment_fromstring(html_text, create_parent="div")
    root.make_links_absolute(settings.SITE_URL + "/", resolve_base_href=False)
    return (root.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in root)


def _image(url: str) -> dict[str, str]:
    # Renditions keep their original's format (a PNG portrait stays PNG): the type follows the file.
    media_type = mimetypes.guess_type(urlsplit(url).path)[0] or "application/octet-stream"
    return {"type": "Image", "mediaType": media_type, "url": absolute(url)}


def actor_document(actor: LocalActor) -> dict[str, Any]:
    """The actor as Mastodon-compatible servers read it (Person for an author, Organization for the site)."""
    ident = actor_id(actor)
    doc: dict[str, Any] = {
        "@context": [AS_CONTEXT, SECURITY_CONTEXT, _EXTENSIONS],
        "id": ident,
        "preferredUsername": actor.username,
        "inbox": actor_endpoint(actor, "inbox"),
        "outbox": actor_endpoint(actor, "outbox"),
        "followers": actor_endpoint(actor, "followers"),
        "following": actor_endpoint(actor, "following"),
        "endpoints": {"sharedInbox": shared_inbox_url()},
        "url": ident,
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "publicKey": {"id": key_id(actor), "owner": ident, "publicKeyPem": actor.public_key_pem},
    }
    if actor.kind == LocalActor.Kind.AUTHOR:
        author = actor.author
        from wagtail.rich_text import expand_db_html

        # The bio is stored in Wagtail's database format; servers get the HTML readers see.
        doc.update(type="Person", name=author.title, summary=absolute_links(expand_db_html(author.bio or "")))
        if author.photo_id:
            rendition = author.photo.get_rendition("fill-400x400")
            doc["icon"] = _image(rendition.url)
        if author.website:
            doc["attachment"] = [{"type": "PropertyValue", "name": "Website",
                                  "value": f'<a href="{escape(author.website)}" rel="me">{escape(author.website)}</a>'}]
    else:
        doc.update(type="Organization", name=settings.SITE_NAME,
                   summary=f"<p>{escape(_tagline())}</p>" if _tagline() else "")
        doc["icon"] = _image("/static/crosspost/favicon.svg")
    return doc


def _tagline() -> str:
    from wagtail.models import Site

    from newsroom.models import SiteSettings

    site = Site.objects.filter(is_default_site=True).first()
    return SiteSettings.for_site(site).tagline if site else ""


def article_attributed_to(article) -> list[str]:
    from federation.services import actor_for_author

    ids = [actor_id(actor_for_author(author)) for author in article.authors]
    return ids or [settings.SITE_URL + "/"]


def _notes(article, translated: dict[str, str] | None = None) -> str:
    """The corrections and updates, as the article page shows them under the body: followers see
    them in the `Update` a correction sends (Mastodon shows the edited post with its new text)."""
    from wagtail.rich_text import expand_db_html

    parts = []
    for note in article.correction_list:
        text = (translated or {}).get(f"correction_{note.uid.hex}") or expand_db_html(note.text)
        parts.append(f"<p><strong>{escape(note.get_kind_display())}, {note.date:%Y-%m-%d}:</strong></p>{text}")
    return "".join(parts)


def _content(article, body_html: str, translated: dict[str, str] | None = None) -> str:
    parts = []
    if article.is_repost:
        line = (f'<p>Originally published by <a href="{escape(article.original_url)}">'
                f"{escape(article.publication.name)}</a>")
        if article.copyright_line:
            line += f" — © {escape(article.copyright_line)}"
        parts.append(line + ".</p>")
    parts.append(body_html)
    parts.append(_notes(article, translated))
    return absolute_links("".join(parts))


def _content_map(article) -> dict[str, str]:
    """The body in its own language and in every language whose translation is complete."""
    from translation.selectors import page_translated_languages, page_translation

    source = article.language or settings.LANGUAGE_CODE
    found = {source: _content(article, article.body_html())}
    # One query finds the languages holding the main text; only those can be complete, so the
    # others (most of LANGUAGES) cost nothing.
    candidates = page_translated_languages(article)
    for code, _name in settings.LANGUAGES:
        if code == source or code not in candidates:
            continue
        tr = page_translation(article, code)
        if tr.state == "complete" and tr.total:
            found[code] = _content(article, tr.values.get("body_html", ""), tr.values)
    return found


def article_object(article, *, followers: list[str]) -> dict[str, Any]:
    """The Article as the fediverse sees it (what Create and Update carry, and the page's JSON)."""
    url = article.canonical_url()
    content_map = _content_map(article)
    source = article.language or settings.LANGUAGE_CODE
    obj: dict[str, Any] = {
        "id": url,
        "type": "Article",
        "name": article.title,
        "summary": article.dek or None,
        "content": content_map[source],
        "contentMap": content_map,
        "url": url,
        "attributedTo": article_attributed_to(article),
        "published": article.display_date.isoformat(),
        "to": [PUBLIC],
        "cc": followers,
        "tag": [
            {"type": "Hashtag", "name": "#" + _hashtag(section.title), "href": absolute(_canonical_path(section))}
            for section in [*article.themes.live().order_by("title"), *article.regions.live().order_by("title")]
        ],
    }
    if article.last_published_at and article.first_published_at and \
            article.last_published_at > article.first_published_at:
        obj["updated"] = article.last_published_at.isoformat()
    if article.hero_image_id:
        rendition = article.hero_image.get_rendition("width-1200")
        obj["image"] = _image(rendition.url)
        obj["attachment"] = [{**_image(rendition.url), "name": article.hero_caption or article.title}]
    if article.is_repost:
        obj["source"] = {"type": "Link", "href": article.original_url, "name": article.publication.name}
    return {k: v for k, v in obj.items() if v is not None}


def _hashtag(title: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in title.replace("-", " ").split())


def tombstone(url: str, *, deleted: str) -> dict[str, Any]:
    return {"@context": AS_CONTEXT, "id": url, "type": "Tombstone", "formerType": "Article", "deleted": deleted}


def activity(*, uri: str, kind: str, actor: LocalActor, obj: Any, to: list[str], cc: list[str],
             published: str | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"@context": [AS_CONTEXT, _EXTENSIONS], "id": uri, "type": kind,
                           "actor": actor_id(actor), "object": obj, "to": to, "cc": cc}
    if published:
        doc["published"] = published
    return doc


def ordered_collection(ident: str, items: list[Any] | None, *, total: int) -> dict[str, Any]:
    doc: dict[str, Any] = {"@context": AS_CONTEXT, "id": ident, "type": "OrderedCollection", "totalItems": total}
    if items is not None:
        doc["orderedItems"] = items
    return doc


def webfinger(actor: LocalActor) -> dict[str, Any]:
    ident = actor_id(actor)
    return {
        "subject": f"acct:{acct(actor)}",
        "aliases": [ident],
        "links": [
            {"rel": "self", "type": ACTIVITY_JSON, "href": ident},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": ident},
        ],
    }


def nodeinfo(*, version: str, users: int, posts: int) -> dict[str, Any]:
    return {
        "version": version,
        "software": {"name": "crosspost", "version": "0.1",
                     **({"homepage": settings.SITE_URL + "/"} if version == "2.1" else {})},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0", "rss2.0"]},
        "openRegistrations": False,
        "usage": {"users": {"total": users, "activeMonth": users, "activeHalfyear": users}, "localPosts": posts},
        "metadata": {"nodeName": settings.SITE_NAME},
    }
