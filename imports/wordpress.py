"""WordPress WXR items → entries for imports/writer.py: what each status, term and comment becomes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from urllib.parse import urlsplit

from django.utils import timezone

from imports.content import Gallery
from imports.mapping import SectionMap
from imports.writer import DRAFT, LIVE, SCHEDULED, AuthorInfo, CommentInfo, Entry, Report, SectionInfo
from imports.wxr import Channel, Item

# Co-Authors Plus keeps bylines as terms of its `author` taxonomy, slugs prefixed "cap-".
COAUTHOR_TAXONOMY = "author"
_NOT_CONTENT = {"attachment", "revision", "nav_menu_item", "custom_css", "customize_changeset", "oembed_cache",
                "wp_global_styles", "wp_template", "wp_template_part", "wp_navigation", "wp_block", "guest-author",
                "user_request", "wp_font_family", "wp_font_face", "feedback", "jp_pay_order", "jp_pay_product"}


class WordPressReader:
    def __init__(self, channel: Channel, *, sections: SectionMap, report: Report) -> None:
        self.channel, self.sections, self.report = channel, sections, report
        self.base_path = (urlsplit(channel.base_url or channel.link).path or "/").rstrip("/") + "/"
        self.language = (channel.language or "en").split("-")[0].lower()[:12] or "en"
        self.children: dict[str, list[str]] = defaultdict(list)
        for url, parent in channel.attachments.values():
            self.children[parent].append(url)

    def authors(self) -> Iterator[AuthorInfo]:
        for author in self.channel.authors.values():
            yield AuthorInfo(key=author.login, name=author.display_name or author.login, bio=author.bio,
                             old_paths=[f"{self.base_path}author/{author.login}/"])
        for (taxonomy, slug), term in self.channel.terms.items():
            if taxonomy == COAUTHOR_TAXONOMY and self._login(slug) not in self.channel.authors:
                yield AuthorInfo(key=self._login(slug), name=term.name or slug,
                                 old_paths=[f"{self.base_path}author/{self._login(slug)}/"])

    def item_authors(self, item: Item) -> Iterator[AuthorInfo]:
        """Bylines the channel did not list (WXR 1.0 has no <wp:author>, co-authors may be item-only)."""
        for taxonomy, slug, name in item.terms:
            if taxonomy == COAUTHOR_TAXONOMY and slug:
                yield AuthorInfo(key=self._login(slug), name=name or slug,
                                 old_paths=[f"{self.base_path}author/{self._login(slug)}/"])
        if item.creator:
            known = self.channel.authors.get(item.creator)
            yield AuthorInfo(key=item.creator, name=known.display_name if known else item.creator,
                             old_paths=[f"{self.base_path}author/{item.creator}/"])

    @staticmethod
    def _login(slug: str) -> str:
        return slug.removeprefix("cap-")

    def entry(self, item: Item) -> Entry | None:
        if item.post_type in _NOT_CONTENT or item.status in ("inherit", "auto-draft"):
            if item.post_type not in ("attachment", "revision"):
                self.report.skip(item.post_id, f"{item.post_type} is not content")
            return None
        if item.post_type not in ("post", "page"):
            self.report.skip(item.post_id, f"post type {item.post_type!r} is not imported")
            return None
        if item.status == "trash":
            self.report.skip(item.post_id, "in the trash")
            return None
        status, note = self._status(item)
        kind = item.post_type
        entry = Entry(
            key=item.post_id, kind=kind, title=item.title, slug=item.slug, html=item.content, status=status,
            note=note, published_at=item.date, modified_at=item.modified, excerpt=item.excerpt,
            authors=self._byline(item), sections=self._sections(item) if kind == "post" else [],
            feature_image=self._attachment(item.meta.get("_thumbnail_id", "")), parent_key=item.parent if item.parent != "0" else "",
            old_paths=self._old_paths(item), wordpress=True, gallery=self._gallery(item), language=self.language,
        )
        if kind == "post":
            entry.comments = self._comments(item)
        elif item.comments:
            self.report.comments_dropped["on a page"] += len(item.comments)
        return entry

    def _status(self, item: Item) -> tuple[str, str]:
        if item.password:
            return DRAFT, "password-protected on WordPress: imported as a draft"
        if item.status == "private":
            return DRAFT, "private on WordPress: imported as a draft"
        if item.status == "future":
            if item.date and item.date > timezone.now():
                return SCHEDULED, ""
            return LIVE, "was scheduled for a date now past: imported as published"
        if item.status == "publish":
            return LIVE, ""
        return DRAFT, ""  # draft, pending

    def _byline(self, item: Item) -> list[str]:
        coauthors = [self._login(slug) for taxonomy, slug, _ in item.terms if taxonomy == COAUTHOR_TAXONOMY and slug]
        return list(dict.fromkeys(coauthors or ([item.creator] if item.creator else [])))

    def _sections(self, item: Item) -> list[SectionInfo]:
        chosen = []
        for taxonomy, slug, name in item.terms:
            taxonomy = {"tag": "post_tag"}.get(taxonomy, taxonomy)
            if taxonomy not in ("category", "post_tag") or not slug:
                continue
            term = self.channel.terms.get((taxonomy, slug))
            info = self.sections.resolve("category" if taxonomy == "category" else "tag", slug,
                                         term.name if term else name, term.description if term else "")
            if info is None:
                self.report.terms_dropped["category" if taxonomy == "category" else "tag"] += 1
                continue
            info.old_paths = [self._term_path(taxonomy, slug)] + ([f"{self.base_path}category/{slug}/"]
                                                                   if taxonomy == "category" else [])
            chosen.append(info)
        return chosen

    def _term_path(self, taxonomy: str, slug: str) -> str:
        if taxonomy == "post_tag":
            return f"{self.base_path}tag/{slug}/"
        chain, seen = [slug], {slug}
        parent = self.channel.terms.get(("category", slug))
        while parent and parent.parent and parent.parent not in seen:
            chain.insert(0, parent.parent)
            seen.add(parent.parent)
            parent = self.channel.terms.get(("category", parent.parent))
        return f"{self.base_path}category/{'/'.join(chain)}/"

    def _attachment(self, post_id: str) -> str:
        return self.channel.attachments.get(post_id, ("", ""))[0]

    def _gallery(self, item: Item) -> Gallery:
        def urls(attrs: dict[str, str]) -> list[str]:
            ids = [i.strip() for i in (attrs.get("ids") or attrs.get("include") or "").split(",") if i.strip()]
            if ids:
                return [self._attachment(i) for i in ids if self._attachment(i)]
            return list(self.children.get(item.post_id, []))
        return urls

    def _old_paths(self, item: Item) -> list[str]:
        query = "p" if item.post_type == "post" else "page_id"
        paths = [item.link, f"{self.base_path}?{query}={item.post_id}"]
        if item.guid and "?" in item.guid:
            paths.append(item.guid)
        return [p for p in paths if p]

    def _comments(self, item: Item) -> list[CommentInfo]:
        kept = []
        for comment in item.comments:
            if comment.type in ("pingback", "trackback"):
                self.report.comments_dropped[comment.type] += 1
            elif comment.approved != "1":
                self.report.comments_dropped[{"0": "unapproved"}.get(comment.approved, comment.approved or "unapproved")] += 1
            else:
                kept.append(CommentInfo(key=comment.comment_id, parent_key=comment.parent, name=comment.author,
                                        email=comment.email, html=comment.content, created_at=comment.date_gmt))
        return kept
