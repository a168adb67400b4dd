"""The body never loses a page trafilatura can read: our clean-up may cost precision, not the article."""

import gzip
import json
import re

import pytest
import trafilatura

from ingest import extract as extraction
from ingest.extract import NoArticleFound, decode, extract
from ingest.tests.conftest import CORPUS, PARAGRAPHS

EVAL = CORPUS / "trafilatura"
EVAL_LABELS = json.loads((EVAL / "labels.json").read_text(encoding="utf-8"))

# Real pages from trafilatura's evaluation set where the reading without page furniture loses the
# article (or the page is XHTML, or its only paragraph repeats the dek) and the fallback saves it.
FALLBACK_PAGES = [
    "dubisthalle.de-Intendanten-Wechsel.html.gz",
    "franceculture.fr.idees.html.gz",
    "0b4609a864eb4fa0bbcb2b395f6be9eb.html.gz",
    "msn.com.university.html.gz",
]


def eval_page(name: str) -> str:
    return decode(gzip.decompress((EVAL / name).read_bytes()))


def found(snippet: str, text: str) -> bool:
    return " ".join(snippet.split()) in " ".join(text.split())


def page(body: str, head: str = "") -> str:
    return f"<html><head><title>Tram depot to close | The Courier</title>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize("name", FALLBACK_PAGES)
def test_it_keeps_every_snippet_trafilatura_finds_on_pages_that_need_the_fallback(name):
    html = eval_page(name)
    plain = trafilatura.extract(html) or ""
    wanted = [s for s in EVAL_LABELS[name]["with"] if found(s, plain)]
    assert wanted, "trafilatura itself reads this page"
    text = extract(html).text
    assert [s for s in wanted if found(s, text)] == wanted


def test_a_rule_that_strips_the_whole_article_falls_back_to_trafilaturas_reading():
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    # "has-comments" matches the comments rule, so the furniture-free page has no article left.
    html = page(f'<nav><a href="/">Home</a></nav><div class="story has-comments">{paragraphs}</div>')
    element = extraction.lxml_html.fragment_fromstring('<div class="story has-comments"></div>')
    assert extraction.BOILERPLATE_RULES["class: comments"](element, extraction._class_words(element))
    assert extract(html).text.split("\n\n") == PARAGRAPHS


def test_the_declared_article_body_wins_when_neither_reading_finds_it():
    declared = " ".join(PARAGRAPHS)
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Tram depot to close",
                     "articleBody": declared})
    filler = "".join(f"<p>Our shop sells umbrellas, kettles and {n} other useful things for the home.</p>"
                     for n in range(12))
    html = page(f"<div>{filler}</div>", head=f'<script type="application/ld+json">{ld}</script>')
    assert extract(html).text == declared


def test_a_page_whose_only_paragraph_repeats_the_dek_is_not_refused():
    lede = ("Dubious traders promise help with insomnia, joint pain and high cholesterol, and the law lets "
            "them sell supplements that nobody has ever tested. Our reporters followed the money for a year.")
    html = page(f"<main><h1>Supplements</h1><p>{lede}</p></main>",
                head=f'<meta name="description" content="{lede}">')
    result = extract(html)
    assert result.dek == lede
    assert result.text == lede


def test_an_xhtml_page_with_an_encoding_declaration_is_read():
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = '<?xml version="1.0" encoding="utf-8"?>\n' + page(f"<article>{paragraphs}</article>")
    assert extract(html).text.split("\n\n") == PARAGRAPHS


def test_a_page_neither_reading_finds_an_article_on_is_refused_with_an_error_saying_so():
    with pytest.raises(NoArticleFound, match="no article found on https://outlet.example/x"):
        extract(page("<nav><a href='/'>Home</a></nav><p>Cookies?</p>"), url="https://outlet.example/x")


def test_a_list_of_other_stories_after_the_article_is_left_out():
    stories = "".join(f"<p><a href='/s{n}'>Council story number {n}</a></p>" for n in range(3))
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = page(f"<article>{paragraphs}<h3>Related stories</h3>{stories}</article>")
    assert extract(html).text.split("\n\n") == PARAGRAPHS


def test_utf8_bytes_under_a_stale_charset_label_are_read_as_utf8():
    content = '<html><head><meta charset="iso-8859-1"></head><body><p>Zürich, Kraków</p></body></html>'.encode()
    assert "Zürich, Kraków" in decode(content, "iso-8859-1")
    assert "Zürich" in decode("<p>Zürich</p>".encode("cp1252"))


def test_buttons_in_an_author_box_are_not_authors():
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    byline = '<div class="author"><a href="/a/emily">Emily Burack</a> <a href="/edit">Edit</a> <a>Follow</a></div>'
    assert extract(page(f"<article>{byline}{paragraphs}</article>")).authors == ["Emily Burack"]


def test_soft_hyphens_do_not_split_words_in_the_text():
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[1:])
    html = page(f"<article><p>The har\u00adbour autho\u00adrity approved a plan on Thursday, at last.</p>{paragraphs}</article>")
    assert re.search(r"The harbour authority approved", extract(html).text)
