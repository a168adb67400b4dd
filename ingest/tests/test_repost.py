import io

import pytest
from lxml import html as lxml_html
from PIL import Image

from ingest.models import OriginalFingerprint
from ingest.services import DuplicateOriginal, RepostError, repost_from_html, repost_from_url
from ingest.tests.conftest import PARAGRAPHS, Reply, article_html
from ingest.urlnorm import url_key
from newsroom.licences import Licence, RepostMode
from newsroom.models import ArticlePage, AuthorPage, Publication
from newsroom.services import author_get_or_create

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def test_it_creates_an_attributed_draft_from_a_url(web):
    url = web.route("/2024/05/dredging", Reply(article_html(canonical="/2024/05/dredging")))
    article = repost_from_url(url=url)
    assert not article.live
    assert article.title == "Harbour to dredge northern channel"
    assert article.dek == "A short dek about the story."
    assert [a.title for a in article.authors] == ["Ada Reporter", "Ben Writer"]
    assert article.publication.name == "The Harbour Ledger"
    assert article.original_url == url
    assert article.original_published_at.isoformat() == "2024-05-02"
    assert article.language == "en"
    assert article.copyright_holder == ""
    assert article.copyright_line == "Ada Reporter and Ben Writer, The Harbour Ledger, 2024"
    assert article.repost_mode == RepostMode.EXCERPT
    body = article.body_html()
    assert PARAGRAPHS[0] in body
    for boilerplate in ("Sign up", "Another story", "First comment", "All rights reserved", "Home"):
        assert boilerplate not in body
    assert article.get_latest_revision() is not None
    assert OriginalFingerprint.objects.get(article=article).canonical_url == url


def test_it_matches_existing_authors_and_publications(web, publication):
    ada = author_get_or_create(name="ada reporter")
    publication.default_licence = Licence.CC_BY
    publication.save()
    url = web.route("/story", Reply(article_html()))
    article = repost_from_url(url=url)
    assert article.authors[0].pk == ada.pk
    assert article.publication == publication
    assert Publication.objects.count() == 1
    assert article.repost_mode == RepostMode.FULL


def test_it_publishes_and_takes_the_mode_it_is_given(web):
    url = web.route("/story", Reply(article_html()))
    article = repost_from_url(url=url, publish=True, mode=str(RepostMode.FULL))
    assert article.live
    assert article.repost_mode == RepostMode.FULL


def test_the_published_repost_looks_like_the_reference_page(web, client):
    web.route("/lead.png", Reply(png_bytes(), content_type="image/png"))
    url = web.route("/story", Reply(article_html(image="/lead.png")))
    article = repost_from_url(url=url, publish=True)
    assert article.hero_image is not None
    page = client.get(article.url)
    assert page.status_code == 200
    tree = lxml_html.fromstring(page.content)
    assert tree.xpath("//h1/text()") == ["Harbour to dredge northern channel"]
    assert "By Ada Reporter and Ben Writer" in " ".join(tree.xpath('//p[@class="byline"]')[0].text_content().split())
    (link,) = tree.xpath('//p[@class="read-original"]/a')
    assert link.text_content() == "Click here to read the full article on The Harbour Ledger."
    assert "Copyright © Ada Reporter and Ben Writer, The Harbour Ledger, 2024" in page.content.decode()


def test_it_keeps_a_copyright_holder_the_page_declares(web):
    html = article_html().replace('"@type": "NewsArticle",', '"@type": "NewsArticle", "copyrightHolder": {"name": "Ledger Media Ltd"},')
    article = repost_from_url(url=web.route("/story", Reply(html)))
    assert article.copyright_holder == "Ledger Media Ltd"


def test_it_strips_xss_payloads_from_the_body(web):
    hostile = PARAGRAPHS + [
        'Click <a href="javascript:alert(1)">here</a> <img src=x onerror="alert(2)"> now.',
        '<span onmouseover="alert(3)">Hover</span> over this sentence for a surprise of some length.',
    ]
    html = article_html(paragraphs=hostile).replace("</article>", "<script>alert(4)</script></article>")
    article = repost_from_url(url=web.route("/story", Reply(html)), publish=True, mode=str(RepostMode.FULL))
    stored = str(article.body.raw_data).lower()
    for bad in ("<script", "javascript:", "onerror", "onmouseover", "alert("):
        assert bad not in stored


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply("missing", status=404), "HTTP 404"),
        (Reply("broken", status=500), "HTTP 500"),
        (Reply(b"%PDF-1.4", content_type="application/pdf"), "application/pdf"),
        (Reply("<html><body><nav><a href='/'>Home</a></nav><p>Hi.</p></body></html>"), "no article"),
        (Reply(b"<p>" + b"x" * (600 * 1024) + b"</p>"), "larger than"),
    ],
)
def test_failures_give_one_line_and_create_nothing(web, reply, message):
    before = (ArticlePage.objects.count(), AuthorPage.objects.count(), Publication.objects.count())
    with pytest.raises(RepostError, match=message) as error:
        repost_from_url(url=web.route("/story", reply))
    assert "\n" not in str(error.value)
    assert (ArticlePage.objects.count(), AuthorPage.objects.count(), Publication.objects.count()) == before


def test_it_creates_nothing_when_loopback_is_not_allowed(make_server, fetch_settings):
    server = make_server("127.0.0.1")
    url = server.route("/story", Reply(article_html()))
    with pytest.raises(RepostError, match="not a public address"):
        repost_from_url(url=url)
    assert not ArticlePage.objects.exists()


def test_the_same_url_is_never_reposted_twice(web):
    url = web.route("/story", Reply(article_html()))
    first = repost_from_url(url=url)
    with pytest.raises(DuplicateOriginal) as duplicate:
        repost_from_url(url=url + "?utm_source=twitter")
    assert duplicate.value.article.pk == first.pk
    assert str(first.pk) in str(duplicate.value)
    assert ArticlePage.objects.count() == 1


def test_the_same_canonical_url_reached_by_another_link_is_a_duplicate(web):
    first = repost_from_url(url=web.route("/a", Reply(article_html(canonical="/x"))))
    with pytest.raises(DuplicateOriginal) as duplicate:
        repost_from_url(url=web.route("/b", Reply(article_html(canonical="/x/"))))
    assert duplicate.value.article.pk == first.pk


def test_the_same_text_with_trivial_changes_is_a_duplicate(web):
    first = repost_from_url(url=web.route("/a", Reply(article_html(canonical="https://one.example/a"))))
    edited = [p.replace("Thursday", "Thursday evening") for p in PARAGRAPHS] + ["This article was updated."]
    second = article_html("Harbour will dredge the channel", canonical="https://two.example/b", paragraphs=edited)
    with pytest.raises(DuplicateOriginal) as duplicate:
        repost_from_url(url=web.route("/b", Reply(second)))
    assert duplicate.value.article.pk == first.pk


def test_a_different_story_from_the_same_outlet_is_not_a_duplicate(web):
    repost_from_url(url=web.route("/a", Reply(article_html(canonical="https://one.example/a"))))
    other = [
        "The city council voted to close the old tram depot at the end of the year, citing repair costs.",
        "Workers at the depot will move to the new maintenance hall, the transport department said.",
        "Residents have asked for the site to become a park, but developers have also shown interest.",
    ]
    repost_from_url(url=web.route("/b", Reply(article_html("Tram depot to close", canonical="https://one.example/b", paragraphs=other))))
    assert ArticlePage.objects.count() == 2


def test_an_article_reposted_by_hand_counts_as_reposted(web, make_article, publication):
    url = web.route("/story", Reply(article_html()))
    existing = make_article(publication=publication, original_url=url)
    with pytest.raises(DuplicateOriginal) as duplicate:
        repost_from_url(url=url)
    assert duplicate.value.article.pk == existing.pk


def test_it_imports_html_an_editor_saved_by_hand(fetch_settings):
    article = repost_from_html(html=article_html(canonical=""), source_url="https://ledger.example.org/saved")
    assert article.original_url == "https://ledger.example.org/saved"
    assert article.publication.name == "The Harbour Ledger"
    assert [a.title for a in article.authors] == ["Ada Reporter", "Ben Writer"]


def test_html_import_needs_an_http_source_url(fetch_settings):
    with pytest.raises(RepostError, match="http"):
        repost_from_html(html=article_html(), source_url="javascript:alert(1)")


def test_markup_in_declared_names_is_removed(web):
    html = article_html().replace('"name": "Ada Reporter"', '"name": "<img src=x onerror=alert(1)>Ada Reporter"')
    html = html.replace('"name": "The Harbour Ledger"', '"name": "The <b>Harbour</b> Ledger"')
    article = repost_from_url(url=web.route("/story", Reply(html)))
    assert [a.title for a in article.authors] == ["Ada Reporter", "Ben Writer"]
    assert article.publication.name == "The Harbour Ledger"


def test_a_lead_image_that_is_not_an_image_is_skipped(web):
    web.route("/lead.png", Reply(b"<script>alert(1)</script>", content_type="image/png"))
    article = repost_from_url(url=web.route("/story", Reply(article_html(image="/lead.png"))))
    assert article.hero_image is None


@pytest.mark.parametrize("url", ["https://ledger.example.org:99999/story", "https://ledger.example.org:abc/story",
                                 "http://[x/story"])
def test_a_malformed_address_is_a_one_line_error_not_a_crash(fetch_settings, url):
    with pytest.raises(RepostError, match="malformed address"):
        repost_from_url(url=url)
    assert not ArticlePage.objects.exists()


def test_a_malformed_canonical_link_in_the_page_is_a_one_line_error(fetch_settings):
    with pytest.raises(RepostError, match="malformed address"):
        repost_from_html(html=article_html(canonical="https://ledger.example.org:notaport/story"),
                         source_url="https://ledger.example.org/saved")
    assert not ArticlePage.objects.exists()


def test_a_lead_image_that_claims_a_billion_pixels_is_skipped(web):
    buffer = io.BytesIO()
    Image.new("1", (1, 1)).save(buffer, "PNG")
    bomb = bytearray(buffer.getvalue())
    bomb[16:24] = (30000).to_bytes(4, "big") * 2  # the IHDR's width and height (its CRC is not checked by open)
    web.route("/lead.png", Reply(bytes(bomb), content_type="image/png"))
    article = repost_from_url(url=web.route("/story", Reply(article_html(image="/lead.png"))))
    assert article.hero_image is None


def test_two_spellings_of_one_author_make_one_byline(web):
    html = article_html().replace('"name": "Ben Writer"', '"name": "ADA REPORTER"')
    article = repost_from_url(url=web.route("/story", Reply(html)))
    assert [a.title for a in article.authors] == ["Ada Reporter"]


TRAM_DEPOT = [
    "The city council voted to close the old tram depot at the end of the year, citing repair costs.",
    "Workers at the depot will move to the new maintenance hall, the transport department said.",
    "Residents have asked for the site to become a park, but developers have also shown interest.",
]


def test_a_canonical_on_another_host_that_says_something_else_is_not_believed(web):
    real = web.route("/real", Reply(article_html("Tram depot to close", canonical="/real", paragraphs=TRAM_DEPOT)))
    impostor = repost_from_html(html=article_html(canonical=real), source_url="https://impostor.example/fake")
    assert impostor.original_url == "https://impostor.example/fake"
    story = repost_from_url(url=real)  # not blocked as a "duplicate" of the impostor
    assert story.original_url == real and ArticlePage.objects.count() == 2


def test_a_syndicated_copy_pointing_to_the_original_on_another_host_is_believed(web):
    real = web.route("/real", Reply(article_html("Tram depot to close", canonical="/real", paragraphs=TRAM_DEPOT)))
    copy = repost_from_html(html=article_html("Tram depot to close", canonical=real, paragraphs=TRAM_DEPOT),
                            source_url="https://syndicator.example/copy")
    assert copy.original_url == real
    with pytest.raises(DuplicateOriginal):
        repost_from_url(url=real)


def test_a_repost_that_rolls_back_leaves_no_lead_image_in_media_storage(web, fetch_settings, monkeypatch,
                                                                        make_article):
    from ingest import services

    web.route("/lead.png", Reply(png_bytes(), content_type="image/png"))
    url = web.route("/story", Reply(article_html(image="/lead.png")))
    fetch_image = services._lead_image

    def another_editor_reposts_it_meanwhile(image_url):
        # Between our duplicate check and our write, a colleague's repost of the same original lands.
        image = fetch_image(image_url)
        rival = make_article("The same story, reposted by a colleague")
        OriginalFingerprint.objects.create(article=rival, canonical_url=url_key(url), signature=b"")
        return image

    monkeypatch.setattr(services, "_lead_image", another_editor_reposts_it_meanwhile)
    with pytest.raises(DuplicateOriginal):
        repost_from_url(url=url)
    assert ArticlePage.objects.count() == 1
    media = fetch_settings.MEDIA_ROOT
    assert [path for path in media.rglob("*") if path.is_file()] == []


def test_the_lead_image_is_kept_when_the_repost_is_saved(web, fetch_settings):
    web.route("/lead.png", Reply(png_bytes(), content_type="image/png"))
    article = repost_from_url(url=web.route("/story", Reply(article_html(image="/lead.png"))))
    assert article.hero_image.file.storage.exists(article.hero_image.file.name)


def test_a_canonical_url_longer_than_the_fingerprint_column_is_stored_and_found_again(web):
    long_path = "/2024/05/" + "dredging-the-northern-channel-" * 50  # 1,500 characters
    first = repost_from_url(url=web.route(long_path + "a", Reply(article_html(canonical=long_path + "a"))))
    key = OriginalFingerprint.objects.get(article=first).canonical_url
    assert len(key) <= 1000
    with pytest.raises(DuplicateOriginal):
        repost_from_url(url=web.url(long_path + "a"))
    # Another long URL with the same first thousand characters is another original.
    other = article_html("Another story entirely", canonical=long_path + "b",
                         paragraphs=[p[::-1] for p in PARAGRAPHS])
    second = repost_from_url(url=web.route(long_path + "b", Reply(other)))
    assert OriginalFingerprint.objects.get(article=second).canonical_url != key


def test_reposting_still_works_after_an_editor_renames_the_articles_folder(web):
    from newsroom.services import section_folder, site_ensure_structure

    folder = section_folder("articles")
    folder.slug, folder.title = "stories", "Stories"
    folder.save_revision().publish()
    site_ensure_structure()  # as every start runs it: the renamed folder is still the one
    article = repost_from_url(url=web.route("/story", Reply(article_html())))
    assert article.get_parent().specific == section_folder("articles")
    assert article.url.startswith("/stories/")
    assert ArticlePage.objects.count() == 1 and section_folder("articles").slug == "stories"
