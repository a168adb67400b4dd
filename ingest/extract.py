"""Turn a news page into the parts of a repost: metadata, and the article body as clean HTML.

trafilatura is good at finding the main text of an arbitrary page but guesses metadata and lets
some boilerplate through. Pages also *declare* a lot (JSON-LD, OpenGraph, <article>, bylines),
so we combine the two: declared metadata wins, trafilatura fills the gaps; the body is
trafilatura's reading of the page without a few measured kinds of furniture, checked against
what the page declares and replaced by trafilatura's reading of the raw page when the evidence
says so (see _body). bench/extraction.py measures the difference on real labelled pages.
"""

from __future__ import annotations

import copy
import datetime
import re
from dataclasses import asdict, dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from crosspost.lib.sanitize import clean_html, clean_text
from ingest import metadata as md

# Less text than this is not an article (a cookie notice, a menu); a short blog post has more.
MIN_BODY_CHARS = 100
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre"}
# Whole lines that are the page's widgets, not the story: the usual words in the languages we
# repost most (English, German, French, Spanish, Italian, Polish, Portuguese).
_BOILERPLATE_LINES = re.compile(
    r"^(advertisement|anzeige|werbung|publicité|publicidad|pubblicità|reklama|publicidade"
    r"|read more\b.*|read next\b.*|see also:?.*|sign up.*|subscribe.*|share (this|on).*|follow us.*"
    r"|like this:?|loading\W*|teilen mit:?|teilen:?|wird geladen\W*|gefällt mir:?|bild anzeigen|weiterlesen\W*"
    r"|partager:?|compartir:?|condividi:?|udostępnij:?|compartilhe:?"
    r"|image illustrative\b.*|(bild|foto|photo|image|imagen|zdjęcie):\s.{0,80}"
    r"|(kategorie|category|catégorie|categoría|schlagwörter|tags|étiquettes|etiquetas)\s?:.{0,80})$",
    re.IGNORECASE,
)
# A line that opens a list of other stories: it and the short lines after it are dropped.
_RELATED_LEAD = re.compile(
    r"^(related\b.{0,30}|you (may|might) also like.{0,20}|more (from|on|stories)\b.{0,40}|recommended.{0,20}"
    r"|most (read|popular).{0,20}|also read.{0,10}|auch interessant.{0,10}|mehr zum thema.{0,40}"
    r"|lesen sie (auch|mehr).{0,20}|das könnte sie auch interessieren.{0,10}|weitere (themen|artikel|beiträge|nachrichten).{0,20}"
    r"|ähnliche (beiträge|artikel).{0,10}|zum weiterlesen.{0,10}|(à )?lire aussi.{0,10}|sur le même (sujet|thème).{0,10}"
    r"|(le|te) puede interesar.{0,10}|(lea|lee) también.{0,10}|(contenido|noticias|artículos) relacionad[oa]s?.{0,10}"
    r"|leggi anche.{0,10}|potrebbe interessarti.{0,10}|czytaj (także|też|również).{0,10}|dowiedz się więcej.{0,10}"
    r"|leia (também|mais).{0,10}|veja também.{0,10})$",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2}|\b(published|updated|posted)\b|"
    r"\b\d{1,2}\.? (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w* \d{4}\b",
    re.IGNORECASE,
)


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


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
    # Bytes that are valid UTF-8 and not plain ASCII are UTF-8 whatever the page declares: legacy
    # encodings almost never form valid UTF-8 by chance, and a stale charset label is common.
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
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
        # lxml refuses a str that still carries its XML encoding declaration (XHTML pages).
        tree = lxml_html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
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
    blocks = [md.text_of(el).replace("\xad", "") for el in wrapper.iter(*_BLOCKS - {"ul", "ol"}, "li") if not _has_block_parent(el)]
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
    declared = [
        md.ld_text(ld.get("datePublished")),
        md.meta(tree, "article:published_time", "og:published_time", "datePublished", "pubdate",
                "publish-date", "date", "dc.date", "dcterms.created"),
        md.markup_date(tree),
    ]
    for value in declared:
        parsed = md.parse_date(value)
        if parsed:
            return md.local_day(value, declared) or parsed
    import htmldate  # imported here: tens of MB that only the processes extracting pages need

    found = htmldate.find_date(tree, extensive_search=True, original_date=True, url=url or None)
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


def _class_words(element) -> set[str]:
    """'related-box sidebar_2' -> related-box, related, box, relatedbox, sidebar, 2."""
    words = [w for w in re.split(r"[\s_]+", f"{element.get('class', '')} {element.get('id', '')}".lower()) if w]
    return set(words) | {piece for w in words for piece in w.split("-")} | {w.replace("-", "") for w in words}


def _words_rule(words: set[str]):
    return lambda element, class_words: bool(class_words & words)


def _is_hidden(element, class_words: set[str]) -> bool:
    return (
        element.get("aria-hidden") == "true"
        or element.get("hidden") is not None
        or "display:none" in element.get("style", "").replace(" ", "")
    )


# Each rule was measured on its own (bench/extraction.py --rules); rules that cost recall on the
# development pages were dropped: <nav>/<footer>/<aside>/<header>/<form>/<figure> tags, landmark
# roles, and classes like byline, meta, date, caption, cookie, modal, banner, more, teaser,
# subscribe, paywall. trafilatura already leaves most of that out, and where it does not,
# removing it took article text with it more often than not.
BOILERPLATE_RULES = {
    "hidden": _is_hidden,
    "class: ads": _words_rule({"ad", "ads", "adslot", "advert", "advertisement", "sponsor", "sponsored", "promo"}),
    "class: share": _words_rule({"share", "sharing", "social", "toolbar"}),
    "class: comments": _words_rule({"comment", "comments", "disqus"}),
    "class: newsletter": _words_rule({"newsletter", "newsletters", "signup"}),
    "class: related": _words_rule({"related", "recirc", "outbrain", "taboola", "mostread"}),
    "class: dek kicker": _words_rule({"standfirst", "dek", "kicker"}),
    "class: corrections": _words_rule({"correction", "corrections"}),
}
_KEEP_TAGS = {"html", "body", "main", "article"}


def _strip_boilerplate(root) -> int:
    """Drop the page furniture BOILERPLATE_RULES name; return how much prose went with it."""
    for element in list(root.iter("script", "style", "noscript", "template", "svg")):
        if element.getparent() is not None:
            element.drop_tree()
    rules = list(BOILERPLATE_RULES.values())
    dropped_prose = 0
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element is root or element.getparent() is None:
            continue
        if element.tag in _KEEP_TAGS and not element.get("aria-hidden"):
            continue
        class_words = _class_words(element) if element.get("class") or element.get("id") else set()
        if any(rule(element, class_words) for rule in rules):
            dropped_prose += sum(len(t) for t in map(md.text_of, element.iter("p")) if len(t) >= _RUNNING_TEXT)
            element.drop_tree()
    return dropped_prose


_WORD = re.compile(r"\w+")
_RUNNING_TEXT = 80  # characters: a paragraph this long is prose, not a menu item or a label


def _trafilatura(page) -> str:
    import trafilatura  # imported here, as htmldate above: most processes never extract a page

    return trafilatura.extract(
        page, output_format="html", include_links=True, include_formatting=False, include_tables=True,
        include_comments=False, include_images=False,
    ) or ""


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return {tuple(words[i : i + 3]) for i in range(max(len(words) - 2, 0))}


def _overlap(candidate: str, declared: set) -> tuple[float, float]:
    """(precision, recall) of a candidate's text against the page's declared articleBody."""
    got = _shingles(candidate)
    if not got or not declared:
        return 0.0, 0.0
    hits = len(got & declared)
    return hits / len(got), hits / len(declared)


def _running_text(text: str) -> int:
    """Characters in paragraphs long enough to be prose: what a body has and page furniture lacks."""
    return sum(len(p) for p in text.split("\n\n") if len(p) >= _RUNNING_TEXT)


def _container_prose(tree) -> str:
    """The prose paragraphs of the element the page calls its article ("" without one)."""
    scope = _article_scope(tree)
    if scope is None:
        return ""
    return "\n\n".join(t for t in (md.text_of(p) for p in scope.iter("p")) if len(t) >= _RUNNING_TEXT)


def _declared_html(declared: str) -> str:
    return "".join(f"<p>{_escape(p.strip())}</p>" for p in re.split(r"\n\s*\n|\n", declared) if p.strip())


def _body(tree, ld: dict, meta: Extracted) -> str:
    """The article body, chosen by evidence among trafilatura's readings of the page.

    The first reading is trafilatura on the page without its furniture (BOILERPLATE_RULES). It is
    kept unless the page contradicts it: it is too short for an article, it misses most of the
    articleBody the page declares, it holds much less prose than the page's own article
    container, or the furniture rules dropped more prose than it holds. Then trafilatura also reads the page as it is, and _choose weighs the two (and the
    declaration). So a furniture rule can cost a page some precision, never its article.
    """
    declared = md.ld_text(ld.get("articleBody"))
    declared = declared if len(declared) >= MIN_BODY_CHARS else ""
    container = _container_prose(tree)
    cleaned = copy.deepcopy(tree)
    dropped_prose = _strip_boilerplate(cleaned)
    first = _tidy(_trafilatura(cleaned), meta)
    first_text = plain_text(first)
    doubtful = (
        len(first_text) < MIN_BODY_CHARS
        or (declared and _overlap(first_text, _shingles(declared))[1] < 0.5)
        or _running_text(first_text) < 0.5 * len(container)
        or _running_text(first_text) < dropped_prose
    )
    if not doubtful:
        return first
    raw_extraction = _trafilatura(tree)
    chosen = _choose(first, _tidy(raw_extraction, meta), declared=declared, container=container, meta=meta)
    if len(plain_text(chosen)) < MIN_BODY_CHARS:
        # Our clean-up left too little (say the only paragraph repeats the dek): trafilatura's
        # own reading, sanitised, rather than refusing a page it can read.
        chosen = max([chosen, _tidy(raw_extraction, meta, lines=False)], key=lambda c: len(plain_text(c)))
    return chosen


def _choose(first: str, raw: str, *, declared: str, container: str, meta: Extracted) -> str:
    """The first reading or the raw one, whichever the page's own declarations support."""
    if declared:
        wanted = _shingles(declared)
        candidates = [first, raw]
        if max(_overlap(plain_text(c), wanted)[1] for c in candidates) < 0.5:
            # Neither reading finds what the page says its article is: the declaration is a candidate.
            candidates.append(_tidy(_declared_html(declared), meta))
        return max(candidates, key=lambda c: _f1(*_overlap(plain_text(c), wanted)))
    raw_text = plain_text(raw)
    # More prose is evidence only if it lies inside the page's article container, when it has one:
    # a cookie notice or a list of other stories is prose too.
    inside = not container or _overlap(raw_text, _shingles(container))[0] >= 0.5
    if inside and _running_text(raw_text) > 1.5 * _running_text(plain_text(first)):
        return raw
    return first


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_INLINE = {"a", "strong", "em", "b", "i", "u", "br", "span", "sub", "sup", "code", "small", "mark", "abbr", "q"}
_KEPT_BLOCKS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "hr"}


def _loose_text_to_paragraphs(container) -> None:
    """Text trafilatura left between blocks (after a heading, say) becomes a paragraph of its own."""
    if (container.text or "").strip():
        paragraph = etree.Element("p")
        paragraph.text, container.text = container.text.strip(), None
        container.insert(0, paragraph)
    for child in list(container):
        if (child.tail or "").strip():
            paragraph = etree.Element("p")
            paragraph.text, child.tail = child.tail.strip(), None
            child.addnext(paragraph)


def _normalise_blocks(container) -> None:
    """Blocks rich text cannot hold become ones it can: table rows and <pre> paragraphs, headings h2-h4."""
    _loose_text_to_paragraphs(container)
    for table in list(container.iter("table")):
        rows = [" | ".join(md.text_of(c) for c in row.iter("td", "th") if md.text_of(c)) for row in table.iter("tr")]
        for text in reversed([r for r in rows if r]):
            paragraph = etree.Element("p")
            paragraph.text = text
            table.addnext(paragraph)
        table.drop_tree()
    for element in list(container.iter()):
        if element is container or not isinstance(element.tag, str):
            continue
        if element.tag in {"h1", "h5", "h6"}:
            element.tag = "h2" if element.tag == "h1" else "h4"
        elif element.tag not in _KEPT_BLOCKS | _INLINE:
            has_blocks = any(d.tag in _KEPT_BLOCKS for d in element.iterdescendants())
            if has_blocks:
                element.drop_tag()
            else:
                element.tag = "p"
                element.attrib.clear()


def _is_byline(text: str, position: int, count: int, meta: Extracted) -> bool:
    return len(text) < 120 and any(name.casefold() in text.casefold() for name in meta.authors)


def _is_edge_dateline(text: str, position: int, count: int, meta: Extracted) -> bool:
    return (position < 3 or position >= count - 2) and len(text) < 80 and bool(_DATELINE.search(text))


_LIST_ITEM_CHARS = 120  # a headline in a list of other stories is shorter than this


def _is_related_lead(text: str, position: int, count: int, meta: Extracted) -> bool:
    # Only in the second half: near the top such a line is more likely a real subheading.
    return position >= count / 2 and bool(_RELATED_LEAD.match(text))


LINE_RULES = {
    "lines: title repeated": lambda text, position, count, meta: bool(meta.title)
    and text.casefold() == meta.title.casefold(),
    "lines: boilerplate phrases": lambda text, position, count, meta: bool(_BOILERPLATE_LINES.match(text)),
    "lines: byline": _is_byline,
    "lines: related-stories list": _is_related_lead,
    "lines: dateline at the edges": _is_edge_dateline,
}


def _tidy(body: str, meta: Extracted, *, lines: bool = True) -> str:
    """Sanitised body without headings above h2, the title/dek/byline repeated, or stray boilerplate."""
    if not body.strip():
        return ""
    doc = lxml_html.document_fromstring(body)
    container = doc.find("body") if doc.find("body") is not None else doc
    _normalise_blocks(container)
    elements = list(container)
    rules = list(LINE_RULES.values()) if lines else []
    in_related_list = False
    for position, element in enumerate(elements):
        text = md.text_of(element).replace("\xad", "")
        if in_related_list and max((len(md.text_of(li)) for li in element.iter("li")), default=len(text)) < _LIST_ITEM_CHARS:
            element.drop_tree()
            continue
        in_related_list = False
        if not text or any(rule(text, position, len(elements), meta) for rule in rules):
            in_related_list = _is_related_lead in rules and bool(_RELATED_LEAD.match(text))
            element.drop_tree()
    html = "".join(etree.tostring(el, encoding="unicode", method="html", with_tail=False) for el in container)
    return clean_html(html)
