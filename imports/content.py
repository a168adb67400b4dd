"""An exported post's HTML → the pieces of an article body: clean rich text and images.

WordPress content arrives in three dialects, often mixed in one post: classic editor text (no
<p>, paragraphs are blank lines), shortcodes (`[caption]`, `[gallery]`, `[embed]` …) and block
markup (`<!-- wp:paragraph -->` comments around plain HTML). Ghost gives clean HTML. Everything
goes the same way: shortcodes become HTML (a caption a figure, a gallery its images, an embed a
link) or are dropped and counted, block comments are dropped and counted, bare embed URLs and
video iframes become links, and the result is cut at each image into rich-text chunks (sanitised
with nh3 by crosspost.lib.sanitize) and images for Wagtail to hold.
"""

from __future__ import annotations

import html as htmllib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from crosspost.lib.sanitize import clean_html

# Shortcodes WordPress, WordPress.com and Jetpack register; any other [word] is left as text
# ("[sic]", "[1]"), as WordPress itself leaves unregistered ones.
_KNOWN_SHORTCODES = {
    "caption", "wp_caption", "gallery", "embed", "youtube", "vimeo", "tweet", "twitter", "twitter-timeline",
    "audio", "video", "playlist", "wpvideo", "videopress", "soundcloud", "spotify", "dailymotion", "ted",
    "slideshow", "slideshare", "scribd", "googlemaps", "instagram", "facebook", "contact-form", "contact-field",
    "polldaddy", "crowdsignal", "code", "sourcecode", "latex", "archives", "sitemap", "recipe", "gravityform",
    "wpforms", "simple-payment", "subscribe", "jetpack_subscription_form", "blog_subscription_form",
    "portfolio", "testimonials", "geo", "digg", "recaptcha", "column", "one_half", "one_third", "et_pb_section",
    "vc_row", "vc_column", "vc_column_text",
}
_EMBED_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "twitter.com", "x.com", "youtube-nocookie.com",
                "player.vimeo.com", "wordpress.tv", "videopress.com")
_SHORTCODE = re.compile(r"\[(/?)([a-zA-Z][\w-]*)((?:\s+[^\]]*)?)\]")
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
_BLOCK_COMMENT = re.compile(r"<!--\s*wp:([a-z0-9/-]+)")
_BLOCK_START = re.compile(r"^\s*(<(p|h[1-6]|ul|ol|li|blockquote|pre|table|div|figure|hr|dl|section|iframe|"
                          r"address|img|!--)|\[(caption|gallery|embed))", re.I)
_BLOCK_INSIDE = re.compile(r"<(p|h[1-6]|ul|ol|blockquote|pre|table|div|figure|hr|dl)\b", re.I)
_URL_ONLY = re.compile(r"^\s*(https?://[^\s<>\"]+)\s*$")


@dataclass
class Image:
    src: str
    alt: str = ""
    caption: str = ""


@dataclass
class Converted:
    """The body as rich-text strings and Images, in reading order, and what was done to get it."""

    parts: list[str | Image] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)  # shortcode or block name → times dropped
    converted: Counter = field(default_factory=Counter)

    @property
    def text(self) -> str:
        chunks = [p for p in self.parts if isinstance(p, str)]
        return " ".join(lxml.html.fromstring(f"<div>{c}</div>").text_content() for c in chunks if c.strip())

# A [gallery] shortcode's attributes → the URLs of its images (the exporter knows its attachments).
Gallery = Callable[[dict[str, str]], list[str]]


def _attrs(text: str) -> dict[str, str]:
    return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in _ATTR.finditer(text)}


def autop(text: str) -> str:
    """Classic-editor text → paragraphs: blank lines part paragraphs, single newlines are <br>."""
    out = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        if not chunk.strip():
            continue
        if _BLOCK_START.match(chunk):
            out.append(chunk)
            continue
        block = _BLOCK_INSIDE.search(chunk)
        head, rest = (chunk[:block.start()], chunk[block.start():]) if block else (chunk, "")
        out.append("<p>" + head.strip().replace("\n", "<br>\n") + "</p>" + rest)
    return "\n".join(out)


def _link(url: str, label: str = "") -> str:
    url = htmllib.unescape(url.strip())
    return f'<p><a href="{htmllib.escape(url)}">{htmllib.escape(label or url)}</a></p>'


def shortcodes_expand(text: str, *, gallery: Gallery, result: Converted) -> str:
    """Shortcodes to HTML: known ones converted or dropped (counted), unknown brackets left alone."""
    def enclosed(name: str, body: str) -> str:
        return re.sub(rf"\[{name}(\s[^\]]*)?\](.*?)\[/{name}\]", lambda m: convert(name, m.group(1) or "", m.group(2)),
                      body, flags=re.S | re.I)

    def convert(name: str, attrs: str, inner: str) -> str:
        values = _attrs(attrs)
        if name in ("caption", "wp_caption"):
            result.converted["caption"] += 1
            img = re.search(r"<img[^>]*>", inner, re.I)
            caption = values.get("caption") or re.sub(r"<img[^>]*>|</?a[^>]*>", "", inner).strip()
            return f"<figure>{img.group(0) if img else ''}<figcaption>{caption}</figcaption></figure>"
        if name in ("embed", "youtube", "vimeo", "tweet", "twitter", "video", "audio", "wpvideo", "videopress"):
            url = inner.strip() or values.get("url") or values.get("src") or values.get("mp4") or values.get("mp3") \
                or attrs.strip().lstrip("=").strip()
            if url.startswith("http"):
                result.converted[name] += 1
                return _link(url)
        result.dropped[name] += 1
        return inner

    for name in ("caption", "wp_caption", "embed", "youtube", "vimeo", "tweet", "video", "audio"):
        text = enclosed(name, text)

    def single(match: re.Match) -> str:
        closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3) or ""
        if name not in _KNOWN_SHORTCODES:
            return match.group(0)
        if closing:
            return ""
        if name == "gallery":
            result.converted["gallery"] += 1
            return "".join(f'<figure><img src="{htmllib.escape(url)}"></figure>' for url in gallery(_attrs(attrs)))
        return convert(name, attrs, "")

    return _SHORTCODE.sub(single, text)


def _embed_link(element: etree._Element) -> str | None:
    """A bare embed URL (WordPress auto-embeds) or a video iframe, as a link; None otherwise."""
    if element.tag == "iframe":
        src = element.get("src", "")
        return _link(src) if any(host in src for host in _EMBED_HOSTS) else None
    if element.tag in ("p", "div", "figure") and not element.findall(".//a") and not element.findall(".//img"):
        match = _URL_ONLY.match(element.text_content())
        if match:
            return _link(match.group(1))
    for iframe in element.iter("iframe"):
        return _embed_link(iframe)
    return None


def _images_of(element: etree._Element) -> list[Image]:
    caption_el = next(iter(element.iter("figcaption")), None)
    caption = " ".join(caption_el.text_content().split()) if caption_el is not None else ""
    images = [Image(src=img.get("src", "").strip(), alt=(img.get("alt") or "").strip()[:250])
              for img in element.iter("img") if img.get("src", "").strip()]
    if len(images) == 1:
        images[0].caption = caption[:250]
    return images


def _only_images(element: etree._Element) -> bool:
    """Whether an element is an image with at most a caption around it (a figure, a linked image)."""
    text = element.text_content()
    for caption in element.iter("figcaption"):
        text = text.replace(caption.text_content(), "")
    return not text.strip() and element.find(".//img") is not None


_CONTAINERS = {"div", "section", "article", "main", "header", "footer", "aside", "span", "center"}


def _walk(element: etree._Element, out: list[str | Image], buffer: list[str]) -> None:
    def flush() -> None:
        if buffer:
            out.append("".join(buffer))
            buffer.clear()

    if element.text and element.text.strip():
        buffer.append(htmllib.escape(element.text))
    for child in element:
        if not isinstance(child.tag, str):  # a comment
            if child.tail:
                buffer.append(htmllib.escape(child.tail))
            continue
        link = _embed_link(child)
        if link:
            buffer.append(link)
        elif child.tag == "img":
            flush()
            if child.get("src", "").strip():
                out.append(Image(src=child.get("src", "").strip(), alt=(child.get("alt") or "").strip()[:250]))
        elif child.tag == "figure" or (child.find(".//img") is not None and _only_images(child)):
            flush()
            out.extend(_images_of(child))
        elif child.tag in _CONTAINERS and any(isinstance(c.tag, str) for c in child):
            _walk(child, out, buffer)
        elif child.find(".//img") is not None:
            # An image inside a paragraph of text: the text stays, the images follow it.
            images = _images_of(child)
            for img in list(child.iter("img")):
                img.drop_tree()
            buffer.append(lxml.html.tostring(child, encoding="unicode", with_tail=False))
            flush()
            out.extend(images)
        else:
            buffer.append(lxml.html.tostring(child, encoding="unicode", with_tail=False))
        if child.tail and child.tail.strip():
            buffer.append(htmllib.escape(child.tail))
    if element.getparent() is None:
        flush()


def html_convert(html: str, *, wordpress: bool = False, gallery: Gallery = lambda attrs: []) -> Converted:
    """Convert an export's body HTML; `wordpress` also expands shortcodes and paragraphs."""
    result = Converted()
    for name in _BLOCK_COMMENT.findall(html):
        result.converted[f"wp:{name}"] += 1
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    if wordpress:
        html = autop(shortcodes_expand(html, gallery=gallery, result=result))
    if not html.strip():
        return result
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        result.parts.append(clean_html(html))
        return result
    raw: list[str | Image] = []
    _walk(root, raw, [])
    for part in raw:
        if isinstance(part, Image):
            result.parts.append(part)
            continue
        cleaned = re.sub(r"<p>(\s|<br>|&nbsp;)*</p>", "", clean_html(part))
        if re.sub(r"<[^>]+>|&nbsp;|\s", "", cleaned):
            if result.parts and isinstance(result.parts[-1], str):
                result.parts[-1] += cleaned
            else:
                result.parts.append(cleaned)
    return result
