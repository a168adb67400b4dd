import html

import pytest
from django.conf import settings
from django.urls import reverse

from engagement.republish import pixel_ids, republish_html
from newsroom.licences import Licence


@pytest.fixture
def article(make_article):
    return make_article(
        "Harbour strike ends",
        authors=("Ada Reporter", "Ben Writer"),
        paragraphs=(
            "Dockers went back to work on Monday.",
            'Read <a href="/articles/older/">our earlier story</a>.<script>alert(1)</script>',
            '<iframe src="https://video.example/1"></iframe><form action="/x"><input name="q"></form>Talks went on.',
        ),
    )


def test_it_builds_title_byline_body_credit_and_pixel(article):
    out = republish_html(article)
    assert "<h1>Harbour strike ends</h1>" in out
    assert "<p>By Ada Reporter and Ben Writer</p>" in out
    assert f'<time datetime="{article.display_date.date().isoformat()}">' in out
    assert "Dockers went back to work on Monday." in out
    canonical = article.canonical_url()
    assert canonical.startswith(settings.SITE_URL)
    assert f'first appeared on <a href="{canonical}">{settings.SITE_NAME}</a>' in out
    assert "republished here under our community licence" in out
    pixel = settings.SITE_URL + "/r/"
    assert f'<img src="{pixel}' in out and 'width="1" height="1"' in out


def test_the_pixel_in_the_html_names_the_article(article):
    out = republish_html(article)
    token = out.split(settings.SITE_URL + "/r/", 1)[1].split(".gif", 1)[0]
    assert pixel_ids(token) == (article.pk, None)
    assert pixel_ids(token.replace(str(article.pk), str(article.pk + 1), 1)) is None


def test_it_drops_scripts_forms_and_embeds_and_makes_links_absolute(article):
    out = republish_html(article)
    for banned in ("<script", "alert(1)", "<iframe", "<form", "<input"):
        assert banned not in out
    assert "Talks went on." in out
    assert f'href="{settings.SITE_URL}/articles/older/"' in out


def test_a_creative_commons_article_links_to_its_licence(make_article):
    article = make_article(licence=Licence.CC_BY_NC_ND)
    out = republish_html(article)
    assert '<a href="https://creativecommons.org/licenses/by-nc-nd/4.0/" rel="license">CC BY-NC-ND 4.0</a>' in out


def test_the_article_page_offers_the_html_in_a_textarea(client, article):
    page = client.get(article.url).content.decode()
    assert "Republish this article" in page
    box = page.split('class="republish__html"', 1)[1].split("</textarea>", 1)[0]
    assert "&lt;h1&gt;Harbour strike ends&lt;/h1&gt;" in box
    assert html.unescape(box.split(">", 1)[1]).strip() == republish_html(article).strip()
    ours = page.split('<section class="engagement"', 1)[1]
    assert "<script>" not in ours and "<script src=" in ours  # no inline script (strict CSP)
    assert " style=" not in ours.replace(html.escape('style="border:0;width:1px;height:1px"'), "")


def test_a_repost_offers_no_box_but_a_permission_request(client, make_article, publication):
    repost = make_article(publication=publication, original_url="https://ledger.example.org/a")
    page = client.get(repost.url).content.decode()
    assert "Republish this article" not in page
    assert "Republishing is not offered for this article." in page
    assert reverse("engagement:permission_request", args=[repost.pk]) in page


def test_editors_can_switch_the_box_off(client, make_article):
    article = make_article(republish_allowed=False)
    page = client.get(article.url).content.decode()
    assert "Republish this article" not in page
    assert "Republishing is not offered" in page


def test_all_rights_reserved_means_no_box(client, make_article):
    article = make_article(licence=Licence.ALL_RIGHTS_RESERVED)
    assert "Republish this article" not in client.get(article.url).content.decode()
