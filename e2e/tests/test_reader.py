"""A reader's journey through the demo site, in a real browser."""

import re

from playwright.sync_api import expect

from conftest import newest_mail, require, screenshot

NEWEST = "Heatwave shuts schools"  # the demo's newest article, translated into French and Arabic by people


def open_newest_article(p) -> str:
    p.goto("/")
    p.locator("h3.card__title a", has_text=NEWEST).first.click()
    p.wait_for_load_state()
    return p.url


def copy_and_check(p, button, source) -> None:
    button.click()
    expect(button).to_have_text(re.compile("^\u2713"))  # the script marks the button once the copy is done
    assert p.evaluate("navigator.clipboard.readText()") == source.input_value()


def test_a_reader_goes_from_home_to_article_author_region_and_search(page, site):
    p = page.page
    p.goto("/")
    screenshot(p, "home-desktop.png")
    open_newest_article(p)
    assert p.locator("article.article h1").is_visible()
    screenshot(p, "article-desktop.png")
    article_url = p.url
    p.locator("p.byline a").first.click()
    assert "articles by" in p.locator("main").inner_text().lower()
    assert p.locator("h3.card__title").count() >= 1
    p.goto(article_url)
    p.locator("dl.taxonomy a").first.click()
    assert p.locator("h1").inner_text()
    assert p.locator("h3.card__title").count() >= 1
    p.fill("#site-search", "water")
    p.press("#site-search", "Enter")
    p.wait_for_url(re.compile(r"/search/\?q=water"))
    assert p.locator("h3.card__title").count() >= 1
    screenshot(p, "search-desktop.png")
    p.goto("/articles/")
    p.locator("article.card:has(p.card__source) h3.card__title a").first.click()
    p.wait_for_load_state()
    assert "The original source of this article is" in p.locator("main").inner_text()
    screenshot(p, "repost.png", full_page=True)


def test_the_language_switcher_leads_to_french_and_right_to_left_arabic(page, site):
    p = page.page
    open_newest_article(p)
    assert p.locator("html").get_attribute("dir") in (None, "ltr")
    p.locator("details.language-switcher summary").click()
    p.locator("details.language-switcher a[lang=fr]").click()
    p.wait_for_url(re.compile(r"/fr/"))
    assert p.locator("html").get_attribute("lang") == "fr"
    assert "Translation in progress" not in p.content()
    assert NEWEST not in p.locator("article.article h1").inner_text()  # a human translation, not the English
    p.locator("details.language-switcher summary").click()
    p.locator("details.language-switcher a[lang=ar]").click()
    p.wait_for_url(re.compile(r"/ar/"))
    assert p.locator("html").get_attribute("dir") == "rtl"
    assert p.evaluate("getComputedStyle(document.body).direction") == "rtl"
    screenshot(p, "article-rtl.png")


def test_a_reader_subscribes_and_confirms_by_the_emailed_link(page, site):
    p = page.page
    p.goto("/")
    form = require(p.locator("footer form.newsletter-form"), "Newsletter sign-up", "no form.newsletter-form in the footer")
    form.locator("input[name=email]").fill("browser.reader@example.org")
    form.locator("button[type=submit]").click()
    p.wait_for_load_state()
    assert "inbox" in p.locator("main").inner_text().lower()
    mail = newest_mail(site["var"], "browser.reader@example.org")
    link = re.search(r"https?://\S+/newsletter/confirm/\S+/", mail).group(0)
    p.goto(link)
    assert "subscribed" not in p.locator("main").inner_text().lower()  # opening the link alone does nothing
    p.locator("main form button[type=submit]").click()
    p.wait_for_load_state()
    assert "you are subscribed" in p.locator("main").inner_text().lower()


def test_a_reader_shares_copies_the_republish_html_and_comments(page, site):
    p = page.page
    open_newest_article(p)
    share = require(p.locator("section.share"), "Sharing", "no section.share under the article")
    for link in share.locator("a.share__link").all():
        assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")
    assert share.locator("a.share__link--email").count() == 1
    share.locator("#email-a-friend summary").click()
    assert share.locator("#email-a-friend form").is_visible()
    copy_and_check(p, share.locator("p.share__copy button.js-copy"), share.locator("p.share__copy input"))

    require(p.locator("#republish"), "Republish dialog", "no details#republish under the article")
    p.locator("#republish summary").click()
    textarea = p.locator("#republish textarea")
    assert "first appeared on" in textarea.input_value()
    copy_and_check(p, p.locator("#republish button.js-copy"), textarea)

    require(p.locator("form.comments__form"), "Comments", "no form.comments__form under the article")
    post_comment(p, "Browser Reader", "commenter@example.org", "A careful piece; thank you for the sources.")


def post_comment(p, name: str, email: str, text: str) -> None:
    form = p.locator("form.comments__form")
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=email]").fill(email)
    form.locator("textarea[name=text]").fill(text)
    form.locator("button[type=submit]").click()
    p.wait_for_load_state()
    assert "will appear once an editor has read it" in p.locator("main").inner_text().lower()


def test_pages_fit_a_phone_without_sideways_scrolling(open_page, site):
    p = open_page(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True).page
    p.goto("/")
    article = p.locator("h3.card__title a", has_text=NEWEST).first.get_attribute("href")
    author = "/authors/maren-holt/"
    for path in ("/", "/articles/", "/search/?q=water", "/authors/", author, "/regions/europe/", "/membership/",
                 "/contact/", article, "/ar/", "/ar" + article):
        p.goto(path)
        assert p.evaluate("document.documentElement.scrollWidth") <= 375, path
        if path == "/":
            screenshot(p, "home-phone.png")
    p.goto(article)
    screenshot(p, "article-phone.png")


def test_images_are_responsive_sized_and_lazy_below_the_fold(page, site):
    p = page.page
    open_newest_article(p)
    hero = p.locator("article.article img").first
    assert hero.get_attribute("srcset") and hero.get_attribute("sizes")
    for path in ("/", "/articles/", "/authors/maren-holt/", p.url):
        p.goto(path)
        images = p.evaluate("""Array.from(document.images).map(img => ({
            src: img.currentSrc, width: img.getAttribute('width'), height: img.getAttribute('height'),
            lazy: img.loading === 'lazy', top: img.getBoundingClientRect().top}))""")
        assert images, path
        for image in images:
            assert image["width"] and image["height"], (path, image)  # room reserved: no layout shift
            if image["top"] > 900:
                assert image["lazy"], (path, image)
    p.goto("/")
    assert p.locator(".home__latest > article.card img").get_attribute("loading") != "lazy"  # the lead picture


def test_every_page_and_form_works_without_javascript(open_page, site):
    p = open_page(java_script_enabled=False).page
    p.goto("/search/?q=water")
    assert p.locator("h3.card__title").count() >= 1
    p.fill("#search-q", "drought")
    p.locator("form.search-page-form button[type=submit]").click()
    p.wait_for_url(re.compile(r"q=drought"))
    p.goto("/")
    form = p.locator("footer form.newsletter-form")
    form.locator("input[name=email]").fill("nojs.reader@example.org")
    form.locator("button[type=submit]").click()
    p.wait_for_load_state()
    assert "inbox" in p.locator("main").inner_text().lower()

    open_newest_article(p)
    assert p.locator("button.js-copy:visible").count() == 0  # copy buttons need JavaScript: hidden without it
    p.locator("#email-a-friend summary").click()
    assert p.locator("#email-a-friend form").is_visible()
    p.locator("#republish summary").click()
    assert p.locator("#republish textarea").is_visible()
    p.locator("details.language-switcher summary").click()
    assert p.locator("details.language-switcher a[lang=fr]").is_visible()
    post_comment(p, "Reader Without Scripts", "noscript@example.org", "Read with scripts switched off; the page works.")


def test_keyboard_users_skip_to_the_content_and_tab_through_the_nav_with_a_visible_focus(page, site):
    p = page.page
    p.goto("/")
    p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.className") == "skip-link"
    assert p.locator(".skip-link").is_visible()  # shown when focused
    outline = p.evaluate("[getComputedStyle(document.activeElement).outlineStyle,"
                         " parseFloat(getComputedStyle(document.activeElement).outlineWidth)]")
    assert outline[0] != "none" and outline[1] >= 2
    p.keyboard.press("Enter")
    assert p.evaluate("location.hash") == "#main"
    p.keyboard.press("Tab")
    assert p.evaluate("document.getElementById('main').contains(document.activeElement)")

    p.goto("/")
    nav = p.locator("nav.site-nav a").evaluate_all("links => links.map(a => a.textContent.trim())")
    reached = []
    for _ in range(len(nav) + 8):
        p.keyboard.press("Tab")
        focused = p.evaluate("""(() => { const el = document.activeElement, style = getComputedStyle(el);
            return {text: el.textContent.trim(), inNav: !!el.closest('nav.site-nav'), visible: el.matches(':focus-visible'),
                    outline: style.outlineStyle}; })()""")
        assert focused["visible"] and focused["outline"] != "none", focused
        if focused["inNav"]:
            reached.append(focused["text"])
    assert reached == nav
