"""What a news page declares about itself: JSON-LD, OpenGraph and other meta tags, bylines.

Each reader takes a parsed page and returns plain values or empty ones; `ingest.extract` decides
which source wins.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from lxml import html as lxml_html

ARTICLE_TYPES = {
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting", "LiveBlogPosting", "Report",
}
_PERSON_TYPES = {"Person"}
_BY = re.compile(r"^\s*(?:written\s+)?(?:by|von|par|por|di|door|av|af|автор[ы]?:?|от)\s+", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\||&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bи\b)\s*", re.IGNORECASE)
_NOT_A_NAME = re.compile(
    r"\d|@|https?:|www\.|\b(?:updated|published|min read|staff|editor|desk"
    # the buttons and labels that sit inside author boxes: "Follow", "Edit", "All articles", "Posted on"
    r"|posted|follow|edit|save|share|view|all|alle|zeige|artikel|articles|über|about|autorenseite|photograph|css)\b",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def text_of(element: Any) -> str:
    return " ".join(element.text_content().split()) if element is not None else ""


def meta(tree: lxml_html.HtmlElement, *keys: str) -> str:
    """The first non-empty content of <meta property|name|itemprop=key> for the keys in order."""
    for key in keys:
        for attr in ("property", "name", "itemprop"):
            for value in tree.xpath(f'//meta[@{attr}=$key]/@content', key=key):
                if value.strip():
                    return " ".join(value.split())
    return ""


# --- JSON-LD ---------------------------------------------------------------------------


def _objects(data: Any) -> Iterator[dict]:
    if isinstance(data, list):
        for item in data:
            yield from _objects(item)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if isinstance(data.get(key), (list, dict)):
                yield from _objects(data[key])


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type", [])
    return {kind} if isinstance(kind, str) else {k for k in kind if isinstance(k, str)}


def json_ld(tree: lxml_html.HtmlElement) -> tuple[dict, dict[str, dict]]:
    """The page's article object (or {}) and every object by @id, to follow references."""
    by_id: dict[str, dict] = {}
    article: dict = {}
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        for obj in _objects(data):
            if isinstance(obj.get("@id"), str):
                by_id.setdefault(obj["@id"], obj)
            if not article and _types(obj) & ARTICLE_TYPES:
                article = obj
    return article, by_id


def _resolve(value: Any, by_id: dict[str, dict]) -> Any:
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in by_id:
        return by_id[value["@id"]]
    return value


def ld_names(value: Any, by_id: dict[str, dict], *, people_only: bool = False) -> list[str]:
    """Names in a JSON-LD author/publisher value: a string, an object, or a list of either."""
    names: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        item = _resolve(item, by_id)
        if isinstance(item, str):
            names.extend(split_names(item))
        elif isinstance(item, dict):
            if people_only and _types(item) and not _types(item) & _PERSON_TYPES:
                continue
            name = item.get("name")
            if isinstance(name, str) and name.strip():
                names.append(" ".join(name.split()))
    return names


def ld_url(value: Any, by_id: dict[str, dict]) -> str:
    """A URL from a JSON-LD image / url value (string, ImageObject, or a list of them)."""
    for item in value if isinstance(value, list) else [value]:
        item = _resolve(item, by_id)
        if isinstance(item, str) and item.strip():
            return item.strip()
        if isinstance(item, dict):
            for key in ("url", "contentUrl", "@id"):
                if isinstance(item.get(key), str) and item[key].strip():
                    return item[key].strip()
    return ""


def ld_text(value: Any) -> str:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), "")
    return " ".join(value.split()) if isinstance(value, str) else ""


# --- names and dates -------------------------------------------------------------------


def split_names(raw: str) -> list[str]:
    """'By Ann Lee and Bob Ray' -> ['Ann Lee', 'Bob Ray']; drops what cannot be a person's name."""
    raw = _BY.sub("", " ".join(raw.split()))
    raw = re.split(r"\s+[—–|·]\s+|\s{2,}", raw)[0]
    names = []
    for part in _NAME_SPLIT.split(raw):
        part = _BY.sub("", part).strip(" .:-")
        if 2 <= len(part) <= 60 and not _NOT_A_NAME.search(part) and len(part.split()) <= 5:
            names.append(part)
    return names


def dedupe(names: list[str]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append(name)
    return unique


def parse_date(value: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    match = _ISO_DATE.search(value)
    if match:
        try:
            return datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


def _moment(value: str) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            return None
    return moment if moment.tzinfo else None


def local_day(value: str, others: list[str]) -> datetime.date | None:
    """The day in the publisher's time zone of a UTC timestamp, when another declaration gives the zone.

    "2019-10-18T22:04Z" and "Sat, 19 Oct 2019 00:04 +0200" are one moment; readers saw the 19th.
    """
    moment = _moment(value)
    if moment is None or moment.utcoffset():
        return None
    for other in others:
        local = _moment(other) if other else None
        if local is not None and local.utcoffset() and abs(local - moment) < datetime.timedelta(days=1):
            return moment.astimezone(local.tzinfo).date()
    return None


# --- markup ----------------------------------------------------------------------------

_BYLINE_WORDS = {"byline", "author", "autor", "autore", "auteur", "firma", "writer", "byl"}
_NOT_BYLINE_WORDS = {
    "bio", "role", "comment", "comments", "avatar", "photo", "image", "img", "title", "box", "description", "desc",
    "about", "info", "posts",
}
_TEXT_BYLINE = re.compile(
    r"(?:^|\s)(?:by|By|BY)\s+([A-ZÀ-ÖØ-ÞА-Я][\w'’.-]+(?:\s+[A-ZÀ-ÖØ-ÞА-Я][\w'’.-]+){1,3}"
    r"(?:\s+and\s+[A-ZÀ-ÖØ-ÞА-Я][\w'’.-]+(?:\s+[A-ZÀ-ÖØ-ÞА-Я][\w'’.-]+){1,3})?)"
)


def class_words(element: Any) -> set[str]:
    """The words of an element's class and id: 'byline__name post-meta' -> byline, name, post, meta."""
    raw = f"{element.get('class', '')} {element.get('id', '')}".lower()
    return {w for w in re.split(r"[\s_-]+", raw) if w}


def _outside_page_furniture(element: Any) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in {"nav", "footer", "aside"} or class_words(ancestor) & {"comment", "comments"}:
            return False
    return True


def markup_authors(tree: lxml_html.HtmlElement) -> list[str]:
    """Names from bylines in the markup: rel=author, itemprop=author, class/id like byline or author."""
    names: list[str] = []
    for element in tree.xpath('//*[@rel="author" or @itemprop="author" or @class or @id]'):
        marked = element.get("rel") == "author" or element.get("itemprop") == "author"
        words = class_words(element)
        if not marked and not (words & _BYLINE_WORDS and not words & _NOT_BYLINE_WORDS):
            continue
        if not _outside_page_furniture(element):
            continue
        inner = element.xpath('.//*[@itemprop="name"]') or element.xpath(".//a")
        for part in inner or [element]:
            names.extend(split_names(text_of(part)))
    return dedupe(names)


def text_authors(scope: Any) -> list[str]:
    """Names from a 'by Firstname Lastname' line near the top of an article with no marked byline."""
    for element in scope.iter("p", "div", "span", "address"):
        text = text_of(element)
        if len(text) > 120:
            continue
        match = _TEXT_BYLINE.search(text)
        if match:
            return dedupe(split_names(match.group(1)))
    return []


def markup_date(tree: lxml_html.HtmlElement) -> str:
    """A publication date written in the markup: itemprop=datePublished or the article's <time>."""
    for value in tree.xpath('//*[@itemprop="datePublished"]/@datetime | //*[@itemprop="datePublished"]/@content'):
        if value.strip():
            return value
    for value in tree.xpath("(//article//time[@datetime] | //header//time[@datetime] | //time[@pubdate])/@datetime"):
        if value.strip():
            return value
    return ""


def canonical_link(tree: lxml_html.HtmlElement, base: str) -> str:
    for href in tree.xpath('//link[@rel="canonical"]/@href'):
        if href.strip():
            return urljoin(base, href.strip())
    return ""
