import pytest
from django.utils import translation
from lxml import html as lxml_html

from translation.models import SegmentTranslation, TranslationJob
from translation.selectors import page_segment_rows
from translation.services import page_retranslate, segment_correct

pytestmark = pytest.mark.django_db

PARAGRAPHS = (
    'Ministers met on <a href="https://example.org/talks?a=1&amp;b=2">Monday</a> to discuss water.',
    "Farmers said the <em>deal</em> was broken.",
)


def visit(client, url, callbacks):
    with callbacks(execute=True):
        response = client.get(url)
    assert response.status_code == 200
    # The test client leaves the request's language active; page URLs below are the English ones.
    translation.activate("en")
    return response


def test_the_first_visit_queues_a_job_and_shows_the_original_with_a_notice(client, libretranslate, make_article,
                                                                           django_capture_on_commit_callbacks):
    article = make_article("Water talks", paragraphs=PARAGRAPHS)
    first = visit(client, f"/fr{article.url}", django_capture_on_commit_callbacks).content.decode()
    assert "Translation in progress" in first
    assert '<meta http-equiv="refresh"' in first
    assert '<h1 lang="en" dir="ltr">Water talks</h1>' in first
    assert TranslationJob.objects.get(page=article, language="fr").status == "done"


def test_the_french_page_shows_french_text_with_links_intact(client, libretranslate, make_article,
                                                             django_capture_on_commit_callbacks):
    article = make_article("Water talks", dek="A deal in doubt.", paragraphs=PARAGRAPHS)
    visit(client, f"/fr{article.url}", django_capture_on_commit_callbacks)
    page = visit(client, f"/fr{article.url}", django_capture_on_commit_callbacks).content.decode()
    tree = lxml_html.fromstring(page)
    assert tree.xpath("//h1/text()") == ["«fr» Water talks"]
    assert tree.xpath('//p[@class="dek"]/text()') == ["«fr» A deal in doubt."]
    body = tree.xpath('//div[@class="article__body"]')[0]
    assert body.xpath(".//a/@href") == ["https://example.org/talks?a=1&b=2"]
    assert body.xpath(".//a/text()") == ["«fr» Monday"]
    assert body.xpath(".//em/text()") == ["«fr» deal"]
    assert "Translation in progress" not in page
    assert tree.xpath("/html/@lang") == ["fr"]


def test_a_second_view_makes_no_engine_call(client, libretranslate, make_article, django_capture_on_commit_callbacks):
    article = make_article(paragraphs=PARAGRAPHS)
    visit(client, f"/fr{article.url}", django_capture_on_commit_callbacks)
    calls = len(libretranslate.calls)
    assert calls >= 1
    visit(client, f"/fr{article.url}", django_capture_on_commit_callbacks)
    visit(client, f"/fr{article.url}", django_capture_on_commit_callbacks)
    assert len(libretranslate.calls) == calls


def test_arabic_pages_are_right_to_left(client, libretranslate, make_article, django_capture_on_commit_callbacks):
    article = make_article(paragraphs=PARAGRAPHS)
    visit(client, f"/ar{article.url}", django_capture_on_commit_callbacks)
    tree = lxml_html.fromstring(visit(client, f"/ar{article.url}", django_capture_on_commit_callbacks).content)
    assert tree.xpath("/html/@dir") == ["rtl"]
    assert tree.xpath("/html/@lang") == ["ar"]
    assert tree.xpath("//h1/text()")[0].startswith("«ar»")
    english = lxml_html.fromstring(client.get(article.url).content)
    assert english.xpath("/html/@dir") == []


def test_an_editors_correction_survives_a_retranslation(client, libretranslate, make_article,
                                                         django_capture_on_commit_callbacks):
    article = make_article("Water talks", paragraphs=PARAGRAPHS)
    visit(client, f"/fr{article.url}", django_capture_on_commit_callbacks)
    rows = page_segment_rows(article, "fr")
    title_row = next(row for row in rows if row["source"] == "Water talks")
    with django_capture_on_commit_callbacks(execute=True):
        segment_correct(page=article, language="fr", source_hash=title_row["hash"], text="Pourparlers sur l'eau")
        page_retranslate(page=article, language="fr")
    corrected = SegmentTranslation.objects.get(source_hash=title_row["hash"], language="fr")
    assert corrected.status == "reviewed"
    assert corrected.text == "Pourparlers sur l'eau"
    # The machine was asked again for the other segments, never for the corrected one.
    assert "Water talks" not in libretranslate.calls[-1]["q"]
    tree = lxml_html.fromstring(visit(client, f"/fr{article.url}", django_capture_on_commit_callbacks).content)
    assert tree.xpath("//h1/text()") == ["Pourparlers sur l'eau"]


def test_an_edited_article_retranslates_only_changed_segments(client, libretranslate, make_article,
                                                               django_capture_on_commit_callbacks):
    from wagtail.rich_text import RichText

    article = make_article("Water talks", paragraphs=PARAGRAPHS)
    visit(client, f"/fr{article.url}", django_capture_on_commit_callbacks)
    before = len(libretranslate.segments_sent)
    article.body = [("paragraph", RichText(f"<p>{PARAGRAPHS[0]}</p>")), ("paragraph", RichText("<p>A new line.</p>"))]
    article.save_revision().publish()
    visit(client, f"/fr{article.url}", django_capture_on_commit_callbacks)
    assert libretranslate.segments_sent[before:] == ["A new line."]


def test_a_shared_sentence_is_translated_once_across_articles(client, libretranslate, make_article,
                                                              django_capture_on_commit_callbacks):
    first = make_article("First", paragraphs=("The same sentence appears twice.",))
    second = make_article("Second", paragraphs=("The same sentence appears twice.",))
    visit(client, f"/fr{first.url}", django_capture_on_commit_callbacks)
    visit(client, f"/fr{second.url}", django_capture_on_commit_callbacks)
    assert libretranslate.segments_sent.count("The same sentence appears twice.") == 1


def test_a_long_article_sends_each_distinct_segment_once_in_batches(client, libretranslate, make_article,
                                                                    django_capture_on_commit_callbacks):
    paragraphs = tuple(f"Paragraph number {n} says something about the budget." for n in range(120))
    article = make_article("Long read", paragraphs=paragraphs + paragraphs[:30])
    visit(client, f"/fr{article.url}", django_capture_on_commit_callbacks)
    sent = libretranslate.segments_sent
    assert len(sent) == len(set(sent)) == 121  # 120 distinct paragraphs and the title
    assert len(libretranslate.calls) == 3  # batches of at most 50


def test_engine_failures_are_recorded_and_never_stored_as_translations(client, libretranslate, make_article,
                                                                      django_capture_on_commit_callbacks):
    libretranslate.fail_with = 503
    article = make_article(paragraphs=PARAGRAPHS)
    page = visit(client, f"/fr{article.url}", django_capture_on_commit_callbacks).content.decode()
    job = TranslationJob.objects.get(page=article, language="fr")
    assert job.status == "failed"
    assert "503" in job.last_error
    assert job.next_attempt_at is not None
    assert not SegmentTranslation.objects.exists()
    assert "Ministers met on" in page


def test_an_unsupported_language_fails_for_good_without_retrying(client, libretranslate, make_article,
                                                                 django_capture_on_commit_callbacks):
    article = make_article(paragraphs=PARAGRAPHS)
    visit(client, f"/sw{article.url}", django_capture_on_commit_callbacks)
    job = TranslationJob.objects.get(page=article, language="sw")
    assert job.status == "failed" and job.next_attempt_at is None
    assert "cannot translate" in job.last_error
    page = visit(client, f"/sw{article.url}", django_capture_on_commit_callbacks).content.decode()
    assert "could not be translated" in page
    assert TranslationJob.objects.get(pk=job.pk).status == "failed"


def test_without_an_engine_language_pages_show_the_original_with_a_notice(client, make_article, settings):
    settings.CROSSPOST_MT_BACKEND = "none"
    article = make_article("Plain", paragraphs=PARAGRAPHS)
    page = client.get(f"/de{article.url}").content.decode()
    assert "Machine translation is not available" in page
    assert '<h1 lang="en" dir="ltr">Plain</h1>' in page
    assert not TranslationJob.objects.exists()


def test_the_switcher_marks_the_current_language(client, make_article):
    article = make_article("Switchable")
    tree = lxml_html.fromstring(client.get(article.url).content)
    alternates = dict(zip(tree.xpath('//link[@hreflang]/@hreflang'), tree.xpath('//link[@hreflang]/@href')))
    # Only languages that really exist are listed (translation/tests/test_language_alternates.py).
    assert alternates == {"en": f"http://testserver{article.url}", "x-default": f"http://testserver{article.url}"}
    switcher = tree.xpath('//details[@class="language-switcher"]//a/@href')
    assert switcher == [article.url]
    assert tree.xpath('//details[@class="language-switcher"]//a[@aria-current]/text()') == ["English"]


def test_listings_show_stored_translations_of_titles(client, libretranslate, make_article,
                                                     django_capture_on_commit_callbacks):
    article = make_article("Water talks", dek="A deal in doubt.")
    visit(client, f"/fr{article.url}", django_capture_on_commit_callbacks)
    tree = lxml_html.fromstring(visit(client, "/fr/articles/", django_capture_on_commit_callbacks).content)
    assert tree.xpath('//h3[@class="card__title"]/a/text()') == ["«fr» Water talks"]
    assert tree.xpath('//h3[@class="card__title"]/a/@href') == [f"/fr{article.url}"]
