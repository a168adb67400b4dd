import json

import pytest

from ingest import fingerprint
from ingest.extract import NoArticleFound, extract
from ingest.tests.conftest import CORPUS, PARAGRAPHS, article_html
from ingest.urlnorm import normalize_url

LABELS = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(LABELS))
def test_it_reads_every_labelled_corpus_page(name):
    label = LABELS[name]
    result = extract((CORPUS / name).read_text(encoding="utf-8"))
    assert result.title == label["title"]
    assert result.authors == label["authors"]
    assert result.date is not None and result.date.isoformat() == label["date"]
    assert result.publisher == label["publisher"]
    assert result.language == label["language"]
    got, want = fingerprint.shingles(result.text, 3), fingerprint.shingles(label["text"], 3)
    assert len(got & want) / len(got | want) > 0.9


def test_it_keeps_a_headline_with_a_dash_whole():
    html = article_html("Ukraine - Russia talks resume").replace('"headline": "Ukraine - Russia talks resume",', "")
    assert extract(html).title == "Ukraine - Russia talks resume"


def test_it_leaves_boilerplate_out_of_the_body():
    result = extract(article_html(), url="https://ledger.example.org/x")
    assert result.text.split("\n\n") == PARAGRAPHS
    assert result.canonical_url == "https://ledger.example.org/2024/05/dredging"


def test_a_page_without_an_article_is_an_error():
    with pytest.raises(NoArticleFound):
        extract("<html><body><nav><a href='/'>Home</a></nav><p>Cookies?</p></body></html>")


def test_near_duplicate_texts_have_similar_signatures_and_different_ones_do_not():
    text = " ".join(PARAGRAPHS)
    edited = text.replace("Thursday", "Friday") + " This story was updated."
    other = "The council voted to close the tram depot at the end of the year. " * 5
    same = fingerprint.similarity(fingerprint.signature(text), fingerprint.signature(edited))
    different = fingerprint.similarity(fingerprint.signature(text), fingerprint.signature(other))
    assert same >= fingerprint.THRESHOLD > different
    assert fingerprint.from_bytes(fingerprint.to_bytes(fingerprint.signature(text))) == fingerprint.signature(text)


def test_urls_are_normalised_for_comparison():
    assert normalize_url("HTTPS://Outlet.Example:443/a/b/?utm_source=x&id=3#top") == "https://outlet.example/a/b?id=3"
