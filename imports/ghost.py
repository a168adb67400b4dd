"""Ghost JSON exports (Ghost 2.x–6.x, `db[0].data` or a bare `{meta, data}`) → entries and readers.

A Ghost export is one JSON document of tables (posts, users, tags and the link tables between
them). The body is the `html` column; an export made without it (some tools write only the
editor's document) is rendered from Lexical or Mobiledoc here, covering the cards that carry
text and images. Tags: the primary tag (the first public one) becomes a theme unless a --map rule
says otherwise, other tags are dropped or mapped, internal tags (`#name`) are always dropped.
"""

from __future__ import annotations

import datetime
import html as htmllib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import urlsplit

from django.utils import timezone

from imports.content import autop
from imports.mapping import SectionMap
from imports.models import ImportedObject
from imports.writer import DRAFT, LIVE, SCHEDULED, AuthorInfo, Entry, Report, SectionInfo
from imports.wxr import ExportError
from newsletter.models import Newsletter, Subscriber, Subscription, email_clean, email_key
from newsletter.services import confirmations_send, newsletter_default

DEFAULT_RULES = ("tag:*=drop",)
CONFIRMATION_SENT = "confirmation mail sent"  # ImportedObject.note of a member mailed once


@dataclass
class GhostExport:
    version: str
    posts: list[dict]
    users: dict[str, dict]
    tags: dict[str, dict]
    post_tags: dict[str, list[str]]
    post_authors: dict[str, list[str]]
    post_meta: dict[str, dict]
    members: list[dict]
    member_newsletters: dict[str, list[str]]
    newsletters: dict[str, str]  # Ghost newsletter id → slug
    settings: dict[str, Any]
    site: str = ""
    has_newsletters: bool = False
    extra: dict = field(default_factory=dict)


def _ordered(rows: list[dict], key: str, value: str) -> dict[str, list[str]]:
    grouped: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for n, row in enumerate(rows):
        grouped[str(row.get(key))].append((int(row.get("sort_order") or 0), n, str(row.get(value))))
    return {k: [v for _, _, v in sorted(items)] for k, items in grouped.items()}


def ghost_load(file: IO[bytes]) -> GhostExport:
    """Read and check a Ghost export; raises ExportError with one line for anything else."""
    file.seek(0)
    try:
        document = json.load(file)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ExportError(f"not a complete JSON file: {exc}") from None
    if isinstance(document, dict) and isinstance(document.get("db"), list) and document["db"]:
        document = document["db"][0]
    if not (isinstance(document, dict) and isinstance(document.get("data"), dict)
            and isinstance(document["data"].get("posts"), list)):
        raise ExportError("not a Ghost export: no data.posts table")
    data, meta = document["data"], document.get("meta") or {}
    for name in ("users", "tags", "posts_tags", "posts_authors", "posts_meta", "members", "members_newsletters",
                 "newsletters"):
        if not isinstance(data.get(name, []), list):
            raise ExportError(f"not a Ghost export: data.{name} is not a table")
    settings = {row.get("key"): row.get("value") for row in data.get("settings", []) if isinstance(row, dict)}
    posts = [p for p in data["posts"] if isinstance(p, dict) and p.get("id") is not None]
    return GhostExport(
        version=str(meta.get("version", "")), posts=posts,
        users={str(u["id"]): u for u in data.get("users", []) if isinstance(u, dict) and "id" in u},
        tags={str(t["id"]): t for t in data.get("tags", []) if isinstance(t, dict) and "id" in t},
        post_tags=_ordered(data.get("posts_tags", []), "post_id", "tag_id"),
        post_authors=_ordered(data.get("posts_authors", []), "post_id", "author_id"),
        post_meta={str(m.get("post_id")): m for m in data.get("posts_meta", []) if isinstance(m, dict)},
        members=[m for m in data.get("members", []) if isinstance(m, dict)],
        member_newsletters=_ordered(data.get("members_newsletters", []), "member_id", "newsletter_id"),
        newsletters={str(n.get("id")): str(n.get("slug") or "") for n in data.get("newsletters", []) if isinstance(n, dict)},
        settings=settings, site=str(settings.get("url") or ""),
        has_newsletters="newsletters" in data or "members_newsletters" in data,
    )


def _date(value: Any) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):  # Ghost 1.x/2.x wrote milliseconds since the epoch
        return datetime.datetime.fromtimestamp(value / 1000, tz=datetime.UTC)
    try:
        parsed = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


# --- bodies without html ----------------------------------------------------------------------

def _lexical_text(node: dict) -> str:
    if node.get("type") in ("text", "extended-text"):
        text = htmllib.escape(node.get("text", ""))
        fmt = int(node.get("format") or 0)
        if fmt & 1:
            text = f"<strong>{text}</strong>"
        if fmt & 2:
            text = f"<em>{text}</em>"
        return text
    if node.get("type") == "linebreak":
        return "<br>"
    inner = "".join(_lexical_text(child) for child in node.get("children", []))
    if node.get("type") == "link":
        return f'<a href="{htmllib.escape(node.get("url", ""))}">{inner}</a>'
    return inner


def lexical_html(document: str) -> str:
    """Ghost's Lexical JSON → HTML for the nodes that carry text and images."""
    root = json.loads(document).get("root", {})
    out = []
    for node in root.get("children", []):
        kind = node.get("type")
        if kind in ("paragraph", "extended-paragraph"):
            out.append(f"<p>{_lexical_text(node)}</p>")
        elif kind in ("heading", "extended-heading"):
            tag = node.get("tag", "h2") if node.get("tag") in ("h2", "h3", "h4") else "h2"
            out.append(f"<{tag}>{_lexical_text(node)}</{tag}>")
        elif kind in ("quote", "aside", "extended-quote"):
            out.append(f"<blockquote><p>{_lexical_text(node)}</p></blockquote>")
        elif kind == "list":
            tag = "ol" if node.get("listType") == "number" else "ul"
            items = "".join(f"<li>{_lexical_text(item)}</li>" for item in node.get("children", []))
            out.append(f"<{tag}>{items}</{tag}>")
        elif kind == "image" and node.get("src"):
            caption = f"<figcaption>{node['caption']}</figcaption>" if node.get("caption") else ""
            out.append(f'<figure><img src="{htmllib.escape(node["src"])}" alt="{htmllib.escape(node.get("alt", ""))}">'
                       f"{caption}</figure>")
        elif kind == "html" and node.get("html"):
            out.append(node["html"])
        elif kind == "embed" and node.get("url"):
            out.append(f'<p><a href="{htmllib.escape(node["url"])}">{htmllib.escape(node["url"])}</a></p>')
        elif kind == "horizontalrule":
            out.append("<hr>")
    return "".join(out)


def mobiledoc_html(document: str) -> str:
    """Ghost's Mobiledoc → HTML: markup sections, lists, and the markdown, html and image cards."""
    doc = json.loads(document)
    cards, markups, atoms = doc.get("cards", []), doc.get("markups", []), doc.get("atoms", [])

    def markers(items: list) -> str:
        out, open_tags = [], []
        for marker in items:
            _kind, opens, closes, value = (marker + [None] * 4)[:4]
            for index in opens or []:
                tag, *attrs = markups[index]
                attr = dict(zip(attrs[0][::2], attrs[0][1::2])) if attrs and attrs[0] else {}
                href = f' href="{htmllib.escape(attr["href"])}"' if tag == "a" and "href" in attr else ""
                out.append(f"<{tag}{href}>")
                open_tags.append(tag)
            out.append(htmllib.escape(value if isinstance(value, str) else str(atoms[value][1]) if atoms else ""))
            for _ in range(closes or 0):
                out.append(f"</{open_tags.pop()}>")
        return "".join(out)

    html = []
    for section in doc.get("sections", []):
        if section[0] == 1:
            tag = section[1].lower() if section[1].lower() in ("p", "h2", "h3", "h4", "blockquote") else "p"
            html.append(f"<{tag}>{markers(section[2])}</{tag}>")
        elif section[0] == 3:
            tag = section[1].lower()
            html.append(f"<{tag}>" + "".join(f"<li>{markers(li)}</li>" for li in section[2]) + f"</{tag}>")
        elif section[0] == 10:
            name, payload = cards[section[1]]
            if name in ("markdown", "card-markdown"):
                # Markdown's paragraphs as text: the export's html column, when present, has the rest.
                html.append(autop(htmllib.escape(payload.get("markdown", ""))))
            elif name == "html":
                html.append(payload.get("html", ""))
            elif name == "image" and payload.get("src"):
                html.append(f'<figure><img src="{htmllib.escape(payload["src"])}">'
                            f"<figcaption>{payload.get('caption', '')}</figcaption></figure>")
    return "".join(html)


class GhostReader:
    def __init__(self, export: GhostExport, *, sections: SectionMap, report: Report) -> None:
        self.export, self.sections, self.report = export, sections, report

    def authors(self) -> Iterator[AuthorInfo]:
        for user_id, user in self.export.users.items():
            slug = user.get("slug") or ""
            yield AuthorInfo(key=user_id, name=user.get("name") or slug or user_id, bio=user.get("bio") or "",
                             website=user.get("website") or "", old_paths=[f"/author/{slug}/"] if slug else [])

    def _body(self, post: dict) -> str:
        return self._absolute(self._editor_body(post))

    def _editor_body(self, post: dict) -> str:
        if post.get("html"):
            return post["html"]
        try:
            if post.get("lexical"):
                return lexical_html(post["lexical"])
            if post.get("mobiledoc"):
                return mobiledoc_html(post["mobiledoc"])
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            self.report.notes.append({"source_id": str(post["id"]), "note": "body could not be read from the editor's document"})
        return ""

    def _status(self, post: dict) -> tuple[str, str]:
        status, published = post.get("status"), _date(post.get("published_at"))
        visibility = post.get("visibility") or "public"
        if status == "scheduled":
            if published and published > timezone.now():
                return SCHEDULED, ""
            return LIVE, "was scheduled for a date now past: imported as published"
        if status == "published":
            if visibility != "public":
                return DRAFT, f"visible to {visibility} members only on Ghost: imported as a draft"
            return LIVE, ""
        if status == "sent":
            return DRAFT, "sent by email only on Ghost: imported as a draft"
        return DRAFT, ""

    def _sections(self, post_id: str) -> list[SectionInfo]:
        chosen, primary_done = [], False
        for tag_id in self.export.post_tags.get(post_id, []):
            tag = self.export.tags.get(tag_id)
            if not tag:
                continue
            slug, name = tag.get("slug") or "", tag.get("name") or ""
            if tag.get("visibility") == "internal" or name.startswith("#"):
                self.report.terms_dropped["internal tag"] += 1
                continue
            has_rule = ("tag", slug) in self.sections.rules
            if not primary_done and not has_rule:
                info = SectionInfo(kind="theme", slug=slug, title=name or slug, description=tag.get("description") or "")
            else:
                info = self.sections.resolve("tag", slug, name, tag.get("description") or "")
            primary_done = True
            if info is None:
                self.report.terms_dropped["tag"] += 1
                continue
            info.old_paths = [f"/tag/{slug}/"]
            chosen.append(info)
        return chosen

    def entries(self) -> Iterator[Entry | None]:
        for post in self.export.posts:
            yield self.entry(post)

    def entry(self, post: dict) -> Entry | None:
        post_id = str(post["id"])
        kind = "page" if post.get("type") == "page" or post.get("page") in (True, 1) else "post"
        if post.get("type") not in (None, "post", "page"):
            self.report.skip(post_id, f"post type {post.get('type')!r} is not imported")
            return None
        status, note = self._status(post)
        published = _date(post.get("published_at"))
        slug = post.get("slug") or ""
        authors = self.export.post_authors.get(post_id) or ([str(post["author_id"])] if post.get("author_id") else [])
        meta = self.export.post_meta.get(post_id, {})
        canonical = (post.get("canonical_url") or "").strip()
        old_paths = [f"/{slug}/"] if slug else []
        if slug and published and kind == "post":
            old_paths += [f"/{published:%Y/%m}/{slug}/", f"/{published:%Y/%m/%d}/{slug}/"]
        return Entry(
            key=post_id, kind=kind, title=post.get("title") or "", slug=slug, html=self._body(post), status=status,
            note=note, published_at=published, modified_at=_date(post.get("updated_at")),
            excerpt=post.get("custom_excerpt") or "", authors=[a for a in authors if a in self.export.users],
            sections=self._sections(post_id) if kind == "post" else [],
            feature_image=self._absolute(post.get("feature_image") or ""),
            feature_caption=post.get("feature_image_caption") or meta.get("feature_image_caption") or "",
            canonical_url=canonical if urlsplit(canonical).scheme in ("http", "https") else "",
            old_paths=old_paths, language=(post.get("locale") or "en")[:2] or "en",
        )

    def _absolute(self, url: str) -> str:
        # Ghost writes its own uploads as "__GHOST_URL__/content/images/…" (4.x+).
        return url.replace("__GHOST_URL__", self.export.site.rstrip("/"))

    def members_import(self, *, confirmed: bool, writer) -> list[tuple[str, int]]:
        """Members → newsletter readers: confirmed only when the editor says they opted in on Ghost.

        Readers join the lists named like their Ghost newsletters (by slug), else the default list.
        Returns (member id, reader id) of the pending readers never sent a confirmation mail.
        """
        S = Subscriber.Status
        mailed = set(ImportedObject.objects.filter(source=writer.source, site=writer.site, kind="member",
                                                   note=CONFIRMATION_SENT).values_list("source_id", flat=True))
        waiting = []
        for member in self.export.members:
            member_id, address = str(member.get("id")), (member.get("email") or "").strip()
            if "@" not in address:
                self.report.skip(member_id, "member without an email address")
                continue
            key, now = email_key(address), timezone.now()
            existing = Subscriber.objects.filter(email_key=key).first()
            status = S.UNSUBSCRIBED if self._unsubscribed(member) else S.CONFIRMED if confirmed else S.PENDING
            if existing is None:
                existing = Subscriber.objects.create(
                    email=email_clean(address), email_key=key, name=(member.get("name") or "")[:200], status=status,
                    source="import", confirmed_at=now if status == S.CONFIRMED else None,
                    unsubscribed_at=now if status == S.UNSUBSCRIBED else None,
                    created_at=_date(member.get("created_at")) or now)
                self.report.created["readers"] += 1
            elif status == S.UNSUBSCRIBED and existing.status != status:
                existing.status, existing.unsubscribed_at = status, now
                existing.save(update_fields=["status", "unsubscribed_at", "updated_at"])
                existing.subscriptions.filter(unsubscribed_at__isnull=True).update(unsubscribed_at=now)
            elif status == S.CONFIRMED and existing.status == S.PENDING:  # the editor says they opted in
                existing.status, existing.confirmed_at = status, now
                existing.save(update_fields=["status", "confirmed_at", "updated_at"])
                existing.subscriptions.filter(confirmed_at__isnull=True).update(confirmed_at=now)
            if status != S.UNSUBSCRIBED and existing.status in (S.PENDING, S.CONFIRMED):
                for newsletter in self._lists(member_id):
                    Subscription.objects.get_or_create(subscriber=existing, newsletter=newsletter, defaults={
                        "confirmed_at": now if existing.status == S.CONFIRMED else None})
                if existing.status == S.PENDING and member_id not in mailed:
                    waiting.append((member_id, existing.pk))
            writer.remember("member", member_id, existing.pk)
            self.report.readers += 1
        return waiting

    def _lists(self, member_id: str):
        slugs = [self.export.newsletters.get(n, "") for n in self.export.member_newsletters.get(member_id, [])]
        found = list(Newsletter.objects.filter(slug__in=[s for s in slugs if s]))
        return found or [newsletter_default()]

    def _unsubscribed(self, member: dict) -> bool:
        if member.get("email_disabled"):
            return True
        if "subscribed" in member:  # Ghost 2.x–4.x
            return not member.get("subscribed")
        if self.export.has_newsletters:  # Ghost 5.x+: subscribed means on at least one newsletter
            return not self.export.member_newsletters.get(str(member.get("id")))
        return False


def members_confirmations_send(*, writer, waiting: list[tuple[str, int]]) -> None:
    """Mail the confirmation links the editor asked for (`--send-confirmations`), once per member.

    Through the newsletter's double opt-in: the link confirms the reader and their lists, and
    the newsletter then sends its welcome mail. A mail that fails is a note in the report, and
    the next run with the option tries that member again.
    """
    members = {reader_id: member_id for member_id, reader_id in waiting}
    sent, failed = confirmations_send(subscribers=Subscriber.objects.filter(pk__in=list(members)).order_by("pk"))
    ImportedObject.objects.filter(source=writer.source, site=writer.site, kind="member",
                                  source_id__in=[members[s.pk] for s in sent]).update(note=CONFIRMATION_SENT)
    writer.report.confirmations += len(sent)
    for subscriber, reason in failed:
        writer.report.notes.append({"source_id": members[subscriber.pk],
                                    "note": f"confirmation mail to {subscriber.email} failed: {reason}"})
