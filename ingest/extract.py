"""Turn a news page into the parts of a repost: metadata, and the article body as clean HTML.

trafilatura is good at finding the main text of an arbitrary page but guesses metadata and lets
some boilerplate through. Pages also *declare* a lot (JSON-LD, OpenGraph, <article>, bylines),
so we combine the two: declared metadata wins, trafilatura fills the gaps; the body comes from
the declared article container with boilerplate removed first, and trafilatura extracts it.
bench/extraction.py measures the difference.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass, field
from urllib.parse import urljoin, urlsplit

import htmldate
import trafilatura
from lxml import etree
from lxml import html as lxml_html

from crosspost.lib.sanitize import clean_html, clean_text
from ingest import metadata as md

MIN_BODY_CHARS = 150
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre"}
_DROP_TAGS = [
    "script", "style", "noscript", "template", "nav", "footer", "aside", "form", "iframe",
    "button", "svg", "header", "figure", "figcaption", "picture", "img", "video", "audio", "select",
]
_DROP_ROLES = {"navigation", "complementary", "contentinfo", "banner", "search", "dialog", "alert"}
# class/id words that mark what is not the article (matched as whole words of the attribute).
_BOILERPLATE_WORDS = {
    "ad", "ads", "adslot", "advert", "advertisement", "sponsor", "sponsored", "promo", "related",
    "newsletter", "newsletters", "subscribe", "subscription", "signup", "share", "sharing", "social",
    "comment", "comments", "disqus", "breadcrumb", "breadcrumbs", "cookie", "cookies", "paywall",
    "recommended", "recirc", "outbrain", "taboola", "trending", "popular", "byline", "dateline",
    "tags", "toolbar", "modal", "popup", "banner", "teaser", "teasers", "more", "readmore",
    "mostread", "bio", "caption", "credit", "meta", "info", "standfirst", "dek", "kicker", "subtitle",
    "updated", "timestamp", "date", "correction", "corrections",
}
_BOILERPLATE_LINES = re.compile(
    r"^(advertisement|anzeige|publicité|read more\b.*|read next\b.*|related:?.*|see also:?.*|sign up.*|"
    r"subscribe.*|share (this|on).*|follow us.*)$",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2}|\b(published|updated|posted)\b|"
    r"\b\d{1,2}\.? (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w* \d{4}\b",
    re.IGNORECASE,
)


class NoArticleFound(Exception):
    pass


@dataclass
class Extracted:
    """What we found on a page. `html` is sanitised; `text` is its plain text."""

    title: str = ""
    dek: str = ""
    authors: list[str] = field(default_factory=list)
    date: datetime.date | None = None
    publisher: str = ""
    language: str = ""
    canonical_url: str = ""
    image_url: str = ""
    image_alt: str = ""
    copyright_holder: str = ""
    html: str = ""
    text: str = ""

    def as_json(self) -> dict:
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        return data


def decode(content: bytes, charset: str | None = None) -> str:
    if charset:
        try:
            return content.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    head = content[:4096].decode("ascii", errors="ignore")
    declared = re.search(r"""<meta[^>]+charset=["']?([\w-]+)""", head, re.IGNORECASE)
    for candidate in ([declared.group(1)] if declared else []) + ["utf-8"]:
        try:
            return content.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode("cp1252", errors="replace")


def extract(html: str, *, url: str = "") -> Extracted:
    """Everything we can read from the page; NoArticleFound when it has no article text."""
    if not html.strip():
        raise NoArticleFound("the page is empty")
    try:
        tree = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        raise NoArticleFound("the page is not HTML we can read") from None
    ld, by_id = md.json_ld(tree)
    base = url or md.canonical_link(tree, "")
    result = Extracted()
    result.publisher = clean_text(_publisher(tree, ld, by_id, url))[:200]
    result.title = _title(tree, ld, result.publisher)
    result.dek = _dek(tree, ld)
    result.authors = [name for name in map(clean_text, _authors(tree, ld, by_id)) if 0 < len(name) <= 100]
    result.date = _date(tree, ld, html, url)
    result.language = _language(tree, ld)
    result.canonical_url = (
        md.canonical_link(tree, base) or md.meta(tree, "og:url") or md.ld_url(ld.get("url"), by_id) or url
    )
    image = md.ld_url(ld.get("image"), by_id) or md.meta(tree, "og:image", "og:image:url", "twitter:image")
    result.image_url = urljoin(base, image) if image else ""
    result.image_alt = clean_text(md.meta(tree, "og:image:alt", "twitter:image:alt"))
    result.copyright_holder = ", ".join(md.ld_names(ld.get("copyrightHolder"), by_id))
    result.html = _body(tree, ld, result)
    result.text = plain_text(result.html)
    if len(result.text) < MIN_BODY_CHARS:
        raise NoArticleFound(f"no article found on {url or 'the page'}")
    if not result.title:
        result.title = result.text.split("\n")[0][:120]
    return result


def plain_text(html: str) -> str:
    if not html.strip():
        return ""
    wrapper = lxml_html.fragment_fromstring(html, create_parent="div")
    blocks = [md.text_of(el) for el in wrapper.iter(*_BLOCKS - {"ul", "ol"}, "li") if not _has_block_parent(el)]
    return "\n\n".join(b for b in blocks if b)


def _has_block_parent(element) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in {"p", "li", "h2", "h3", "h4", "blockquote"}:
            return True
        parent = parent.getparent()
    return False


# --- metadata choices ------------------------------------------------------------------


def _publisher(tree, ld: dict, by_id: dict, url: str) -> str:
    names = md.ld_names(ld.get("publisher"), by_id)
    if names:
        return names[0]
    declared = md.meta(tree, "og:site_name", "application-name", "publisher")
    if declared:
        return declared
    # "Story headline | The Outlet": the last part of <title> names the site.
    for title in tree.xpath("//title[1]"):
        parts = re.split(r"\s+[|–—:-]{1,2}\s+", md.text_of(title))
        if len(parts) > 1 and 0 < len(parts[-1]) < 40:
            return parts[-1]
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _title(tree, ld: dict, publisher: str) -> str:
    visible = [md.ld_text(ld.get("headline"))]
    visible += [md.text_of(h) for h in tree.xpath("(//article//h1 | //main//h1)[1]")]
    declared = [md.meta(tree, "og:title", "twitter:title")]
    fallback = [md.text_of(h) for h in tree.xpath("//h1[1]")]
    titles = [md.text_of(t) for t in tree.xpath("//title[1]")]
    for candidate in visible + [_strip_site_suffix(t, publisher) for t in declared] + fallback:
        candidate = clean_text(candidate)
        if candidate:
            return candidate[:255]
    for candidate in titles:
        candidate = clean_text(_strip_site_suffix(candidate, publisher, loose=True))
        if candidate:
            return candidate[:255]
    return ""


def _strip_site_suffix(title: str, publisher: str, *, loose: bool = False) -> str:
    """'Story | The Outlet' -> 'Story'. Loosely (for <title>), any short last part is a site name."""
    parts = re.split(r"\s+[|–—:-]{1,2}\s+", title)
    if len(parts) < 2:
        return title
    last = parts[-1].strip()
    if (publisher and last.casefold() == publisher.casefold()) or (loose and len(last) < 30):
        return title[: title.rfind(last)].rstrip(" |–—:-")
    return title


def _dek(tree, ld: dict) -> str:
    declared = md.ld_text(ld.get("description")) or md.meta(tree, "og:description", "description", "twitter:description")
    if not declared:
        for element in tree.xpath("//*[@class]"):
            if md.class_words(element) & {"standfirst", "dek", "subtitle", "subheadline", "lede"}:
                declared = md.text_of(element)
                break
    return clean_text(declared)


def _authors(tree, ld: dict, by_id: dict) -> list[str]:
    people = md.ld_names(ld.get("author"), by_id, people_only=True)
    if people:
        return md.dedupe(people)
    in_markup = md.markup_authors(tree)
    if in_markup:
        return in_markup
    declared = md.meta(tree, "author", "article:author", "parsely-author", "sailthru.author", "dc.creator")
    if declared and not declared.startswith("http"):
        return md.dedupe(md.split_names(declared))
    scope = _article_scope(tree)
    return md.text_authors(scope if scope is not None else tree)


def _date(tree, ld: dict, html: str, url: str) -> datetime.date | None:
    for value in (
        md.ld_text(ld.get("datePublished")),
        md.meta(tree, "article:published_time", "og:published_time", "datePublished", "pubdate",
                "publish-date", "date", "dc.date", "dcterms.created"),
        md.markup_date(tree),
    ):
        parsed = md.parse_date(value)
        if parsed:
            return parsed
    found = htmldate.find_date(tree, extensive_search=False, original_date=True, url=url or None)
    return md.parse_date(found) if found else None


def _language(tree, ld: dict) -> str:
    raw = (
        md.ld_text(ld.get("inLanguage"))
        or "".join(tree.xpath("/html/@lang | /html/@xml:lang")[:1])
        or md.meta(tree, "og:locale", "content-language", "language")
    )
    code = raw.strip().replace("_", "-").lower()
    if code.startswith("zh-"):
        return "zh-hant" if code in {"zh-tw", "zh-hk", "zh-hant"} else "zh-hans"
    return code.split("-")[0][:12]


# --- body ------------------------------------------------------------------------------


def _article_scope(tree):
    """The element the page says holds the article, or None."""
    for xpath in ('//*[@itemprop="articleBody"]', "//article", '//main | //*[@role="main"]'):
        found = tree.xpath(xpath)
        if found:
            return max(found, key=lambda el: len(" ".join(el.xpath(".//p//text()"))))
    return None


def _is_boilerplate(element) -> bool:
    if element.get("role", "").lower() in _DROP_ROLES or element.get("aria-hidden") == "true":
        return True
    if element.get("hidden") is not None or "display:none" in element.get("style", "").replace(" ", ""):
        return True
    words = re.split(r"[\s_]+", f"{element.get('class', '')} {element.get('id', '')}".lower())
    words = [w for w in words if w]
    pieces = {piece for w in words for piece in w.split("-")}
    return bool((set(words) | pieces | {w.replace("-", "") for w in words}) & _BOILERPLATE_WORDS)


def _strip_boilerplate(root) -> None:
    for element in list(root.iter(*_DROP_TAGS)):
        if element is not root and element.getparent() is not None:
            element.drop_tree()
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element is root or element.getparent() is None:
            continue
        if element.tag in {"html", "body", "main", "article"} and not element.get("aria-hidden"):
            continue
        if _is_boilerplate(element):
            element.drop_tree()


def _body(tree, ld: dict, meta: Extracted) -> str:
    scope = _article_scope(tree)
    root = lxml_html.document_fromstring(etree.tostring(scope if scope is not None else tree, encoding="unicode"))
    _strip_boilerplate(root)
    page = etree.tostring(root, encoding="unicode", method="html")
    body = trafilatura.extract(
        page, output_format="html", include_links=True, include_formatting=True, include_tables=False,
        include_comments=False, include_images=False, favor_recall=scope is not None,
    ) or ""
    if scope is not None and len(plain_text(body)) < 0.6 * len(" ".join(root.xpath("//p//text()"))):
        # trafilatura threw away much of a container the page itself calls the article.
        body = "".join(_blocks(root))
    if not body.strip() and md.ld_text(ld.get("articleBody")):
        body = "".join(f"<p>{_escape(p)}</p>" for p in re.split(r"\n\s*\n|\n", ld["articleBody"]) if p.strip())
    return _tidy(body, meta)


def _blocks(root) -> list[str]:
    out = []
    for element in root.iter(*_BLOCKS):
        if any(a.tag in _BLOCKS for a in element.iterancestors()):
            continue
        if md.text_of(element):
            out.append(etree.tostring(element, encoding="unicode", method="html", with_tail=False))
    return out


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _tidy(body: str, meta: Extracted) -> str:
    """Sanitised body without headings above h2, the title/dek/byline repeated, or stray boilerplate."""
    if not body.strip():
        return ""
    doc = lxml_html.document_fromstring(body)
    container = doc.find("body") if doc.find("body") is not None else doc
    for heading in container.iter("h1", "h5", "h6"):
        heading.tag = "h2" if heading.tag == "h1" else "h4"
    skip = {s.casefold() for s in (meta.title, meta.dek) if s}
    elements = list(container)
    for position, element in enumerate(elements):
        text = md.text_of(element)
        at_edge = position < 3 or position >= len(elements) - 2
        if (
            not text
            or text.casefold() in skip
            or _BOILERPLATE_LINES.match(text)
            or (len(text) < 120 and any(name.casefold() in text.casefold() for name in meta.authors))
            or (at_edge and len(text) < 80 and _DATELINE.search(text))
        ):
            element.drop_tree()
    html = "".join(etree.tostring(el, encoding="unicode", method="html", with_tail=False) for el in container)
    return clean_html(html)
