"""Reading WordPress eXtended RSS (WXR 1.0–1.2) exports as a stream.

The file is read twice with lxml's iterparse, each element cleared once handled, so memory stays
flat whatever the archive's size: `wxr_scan` checks the whole file is well-formed XML from a
WordPress export (a truncated file fails here, before anything is written) and collects the
small channel-level tables (authors, terms, attachment URLs); `wxr_items` then yields the posts
one by one. WordPress.org writes `http://wordpress.org/export/1.N/`, newer versions `https://…`,
and WordPress.com's exports have been seen with `wordpress.com`: any of these is the `wp`
namespace, told apart from the others by its shape rather than by one spelling.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree

_WP_NS = re.compile(r"^https?://(www\.)?wordpress\.(org|com)/export/1\.[0-9]+/$")
_EXCERPT_NS = re.compile(r"^https?://(www\.)?wordpress\.(org|com)/export/1\.[0-9]+/excerpt/$")
_NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}


class ExportError(Exception):
    """The file cannot be imported; str() is one line for the editor. Nothing was written."""


def _name(tag: Any) -> tuple[str, str]:
    """('wp', 'post_id') for any spelling of the wp namespace; ('', 'item') for plain RSS."""
    if not isinstance(tag, str):
        return "", ""  # comments and processing instructions
    if tag[0] != "{":
        return "", tag
    uri, local = tag[1:].split("}", 1)
    if uri in _NAMESPACES:
        return _NAMESPACES[uri], local
    if _WP_NS.match(uri):
        return "wp", local
    if _EXCERPT_NS.match(uri):
        return "excerpt", local
    return uri, local


def _children(element: etree._Element) -> dict[tuple[str, str], str]:
    values: dict[tuple[str, str], str] = {}
    for child in element:
        key = _name(child.tag)
        if key not in values:
            values[key] = (child.text or "").strip() if key[1] not in ("encoded", "comment_content") else (child.text or "")
    return values


@dataclass
class Author:
    login: str
    display_name: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    bio: str = ""


@dataclass
class Term:
    taxonomy: str  # "category", "post_tag" or another taxonomy (Co-Authors Plus: "author")
    slug: str
    name: str
    description: str = ""
    parent: str = ""


@dataclass
class Comment:
    comment_id: str
    author: str
    email: str
    url: str
    date_gmt: datetime.datetime | None
    content: str
    approved: str
    type: str
    parent: str


@dataclass
class Item:
    post_id: str
    post_type: str
    status: str
    title: str
    link: str
    guid: str
    creator: str
    content: str
    excerpt: str
    slug: str
    password: str
    parent: str
    date: datetime.datetime | None
    modified: datetime.datetime | None
    attachment_url: str
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (taxonomy, slug, name), in order
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)

    def source_dict(self) -> dict:
        """What the checksum covers: everything that ends up on the page."""
        return {k: str(v) for k, v in self.__dict__.items() if k != "comments"}


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    base_url: str = ""
    language: str = ""
    version: str = ""
    authors: dict[str, Author] = field(default_factory=dict)
    terms: dict[tuple[str, str], Term] = field(default_factory=dict)
    attachments: dict[str, tuple[str, str]] = field(default_factory=dict)  # post id → (url, parent id)
    items: int = 0
    comments: int = 0


def _parse_date(value: str) -> datetime.datetime | None:
    """WordPress's 'YYYY-MM-DD HH:MM:SS' (UTC in the *_gmt fields); '0000-00-00 …' means unset."""
    try:
        parsed = datetime.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return parsed.replace(tzinfo=datetime.UTC)


def _iterparse(file: IO[bytes], tags: tuple[str, ...] | None = None) -> Iterator[etree._Element]:
    file.seek(0)
    # No entities, no network, no DTD: an export is data, never instructions to the parser.
    parser = etree.iterparse(file, events=("end",), resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=True, remove_blank_text=False)
    try:
        for _, element in parser:
            yield element
    except etree.XMLSyntaxError as exc:
        raise ExportError(f"not a complete XML file: {exc.msg} (line {exc.lineno})") from None


def _release(element: etree._Element) -> None:
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _parent_is(element: etree._Element, local: str) -> bool:
    parent = element.getparent()
    return parent is not None and _name(parent.tag)[1] == local and _name(parent.tag)[0] == ""


def wxr_scan(file: IO[bytes]) -> Channel:
    """Check the whole export and collect its channel-level tables; raises ExportError."""
    channel = Channel()
    seen_wp = False
    root_tag = None
    for element in _iterparse(file):
        ns, local = _name(element.tag)
        if ns == "wp":
            seen_wp = True
        if element.getparent() is None:
            root_tag = local
            break
        if ns == "" and local == "item" and _parent_is(element, "channel"):
            channel.items += 1
            values = _children(element)
            if values.get(("wp", "post_type")) == "attachment":
                url = values.get(("wp", "attachment_url")) or values.get(("", "guid"), "")
                channel.attachments[values.get(("wp", "post_id"), "")] = (url, values.get(("wp", "post_parent"), ""))
            channel.comments += sum(1 for child in element if _name(child.tag) == ("wp", "comment"))
            _release(element)
        elif _parent_is(element, "channel"):
            _channel_field(channel, ns, local, element)
            _release(element)
    if root_tag != "rss" or not seen_wp:
        raise ExportError("not a WordPress export: no WXR (wp:) elements in an <rss> document")
    return channel


def _channel_field(channel: Channel, ns: str, local: str, element: etree._Element) -> None:
    text = (element.text or "").strip()
    if ns == "" and local in ("title", "link", "language"):
        setattr(channel, local, text)
    elif ns == "wp" and local == "wxr_version":
        channel.version = text
    elif ns == "wp" and local == "base_blog_url":
        channel.base_url = text  # the blog itself; base_site_url is the network's (wordpress.com)
    elif ns == "wp" and local == "base_site_url" and not channel.base_url:
        channel.base_url = text
    elif ns == "wp" and local == "author":
        v = _children(element)
        login = v.get(("wp", "author_login"), "")
        if login:
            channel.authors[login] = Author(
                login=login, display_name=v.get(("wp", "author_display_name"), "") or login,
                email=v.get(("wp", "author_email"), ""), first_name=v.get(("wp", "author_first_name"), ""),
                last_name=v.get(("wp", "author_last_name"), ""), bio=v.get(("wp", "author_description"), ""))
    elif ns == "wp" and local in ("category", "tag", "term"):
        v = _children(element)
        if local == "category":
            term = Term("category", v.get(("wp", "category_nicename"), ""), v.get(("wp", "cat_name"), ""),
                        v.get(("wp", "category_description"), ""), v.get(("wp", "category_parent"), ""))
        elif local == "tag":
            term = Term("post_tag", v.get(("wp", "tag_slug"), ""), v.get(("wp", "tag_name"), ""),
                        v.get(("wp", "tag_description"), ""))
        else:
            term = Term(v.get(("wp", "term_taxonomy"), ""), v.get(("wp", "term_slug"), ""),
                        v.get(("wp", "term_name"), ""), v.get(("wp", "term_description"), ""),
                        v.get(("wp", "term_parent"), ""))
        if term.slug:
            channel.terms[(term.taxonomy, term.slug)] = term


def wxr_items(file: IO[bytes]) -> Iterator[Item]:
    """Every <item> of the export, in file order (call wxr_scan first: it validates the file)."""
    for element in _iterparse(file):
        if _name(element.tag) == ("", "item") and _parent_is(element, "channel"):
            yield _item(element)
            _release(element)
        elif _parent_is(element, "channel"):
            _release(element)


def _item(element: etree._Element) -> Item:
    v = _children(element)
    item = Item(
        post_id=v.get(("wp", "post_id"), ""),
        post_type=v.get(("wp", "post_type"), "post") or "post",
        status=v.get(("wp", "status"), "publish") or "publish",
        title=v.get(("", "title"), ""),
        link=v.get(("", "link"), ""),
        guid=v.get(("", "guid"), ""),
        creator=v.get(("dc", "creator"), ""),
        content=v.get(("content", "encoded"), ""),
        excerpt=(v.get(("excerpt", "encoded"), "") or "").strip(),
        slug=v.get(("wp", "post_name"), ""),
        password=v.get(("wp", "post_password"), ""),
        parent=v.get(("wp", "post_parent"), ""),
        date=_parse_date(v.get(("wp", "post_date_gmt"), "")) or _parse_date(v.get(("wp", "post_date"), "")),
        modified=_parse_date(v.get(("wp", "post_modified_gmt"), "")),
        attachment_url=v.get(("wp", "attachment_url"), ""),
    )
    for child in element:
        key = _name(child.tag)
        if key == ("", "category"):
            item.terms.append((child.get("domain", "category"), child.get("nicename", ""), (child.text or "").strip()))
        elif key == ("wp", "postmeta"):
            meta = _children(child)
            item.meta.setdefault(meta.get(("wp", "meta_key"), ""), meta.get(("wp", "meta_value"), ""))
        elif key == ("wp", "comment"):
            c = _children(child)
            item.comments.append(Comment(
                comment_id=c.get(("wp", "comment_id"), ""), author=c.get(("wp", "comment_author"), ""),
                email=c.get(("wp", "comment_author_email"), ""), url=c.get(("wp", "comment_author_url"), ""),
                date_gmt=_parse_date(c.get(("wp", "comment_date_gmt"), "")) or _parse_date(c.get(("wp", "comment_date"), "")),
                content=c.get(("wp", "comment_content"), ""), approved=c.get(("wp", "comment_approved"), ""),
                type=c.get(("wp", "comment_type"), ""), parent=c.get(("wp", "comment_parent"), "0") or "0"))
    return item
