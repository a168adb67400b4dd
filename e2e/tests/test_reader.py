"""A reader's journey through the demo site, in a real browser."""

import re

from conftest import newest_mail, screenshot


def test_a_reader_goes_from_home_to_article_author_region_and_search(page, site):
    p = page.page
    p.goto("/")
    screenshot(p, "home-desktop.png")
    p.locator("h3.card__title a", has_text="Heatwave shuts schools").first.click()
    p.wait_for_load_state()
    assert p.locator("article.article h1").is_visible()
    screenshot(p, "article-desktop.png")
    article_url = p.url
    p.locator("p.byline a").first.click()
    assert "articles by" in p.locator("main").inner_text().lower()
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
    p.goto("/")
    first_article = p.locator("h3.card__title a", has_text="Heatwave shuts schools").first.get_attribute("href")
    p.goto(first_article)
    p.locator("details.language-switcher summary").click()
    p.locator("details.language-switcher a[lang=fr]").click()
    p.wait_for_url(re.compile(r"/fr/"))
    assert p.locator("html").get_attribute("lang") == "fr"
    assert "Translation in progress" not in p.content()
    p.locator("details.language-switcher summary").click()
    p.locator("details.language-switcher a[lang=ar]").click()
    p.wait_for_url(re.compile(r"/ar/"))
    assert p.locator("html").get_attribute("dir") == "rtl"
    screenshot(p, "article-rtl.png")


def test_a_reader_subscribes_and_confirms_by_the_emailed_link(page, site):
    p = page.page
    p.goto("/")
    form = p.locator("footer form.newsletter-form")
    form.locator("input[name=email]").fill("browser.reader@example.org")
    form.locator("button[type=submit]").click()
    p.wait_for_load_state()
    assert "inbox" in p.locator("main").inner_text().lower()
    mail = newest_mail(site["var"], "browser.reader@example.org")
    link = re.search(r"https?://\S+/newsletter/confirm/\S+/", mail).group(0)
    p.goto(link)
    p.locator("main form button[type=submit]").click()
    p.wait_for_load_state()
    assert "you are subscribed" in p.locator("main").inner_text().lower()


def test_a_reader_shares_copies_the_republish_html_and_comments(page, site):
    p = page.page
    p.goto("/")
    p.locator("h3.card__title a", has_text="Heatwave shuts schools").first.click()
    p.wait_for_load_state()
    assert p.locator("a.share__link--email").count() == 1
    p.locator("#republish summary").click()
    textarea = p.locator("#republish textarea")
    assert "first appeared on" in textarea.input_value()
    p.locator("#republish button.js-copy").click()
    assert "first appeared on" in p.evaluate("navigator.clipboard.readText()")
    form = p.locator("form.comments__form")
    form.locator("input[name=name]").fill("Browser Reader")
    form.locator("input[name=email]").fill("commenter@example.org")
    form.locator("textarea[name=text]").fill("A careful piece; thank you for the sources.")
    form.locator("button[type=submit]").click()
    p.wait_for_load_state()
    assert "will appear once an editor has read it" in p.locator("main").inner_text().lower()


def test_pages_fit_a_phone_without_sideways_scrolling(browser, site):
    context = browser.new_context(base_url=site["base"], viewport={"width": 375, "height": 800}, is_mobile=True)
    p = context.new_page()
    for path in ("/", "/articles/", "/search/?q=water", "/authors/", "/membership/"):
        p.goto(path)
        assert p.evaluate("document.documentElement.scrollWidth") <= 375, path
    p.goto("/")
    article = p.locator("h3.card__title a", has_text="Heatwave shuts schools").first.get_attribute("href")
    p.goto(article)
    assert p.evaluate("document.documentElement.scrollWidth") <= 375
    for image in p.locator("article img").all():
        assert image.get_attribute("width") and image.get_attribute("height")
    screenshot(p, "article-phone.png")
    context.close()


def test_every_form_works_without_javascript(browser, site):
    context = browser.new_context(base_url=site["base"], java_script_enabled=False)
    p = context.new_page()
    p.goto("/search/?q=water")
    assert p.locator("h3.card__title").count() >= 1
    p.goto("/")
    form = p.locator("footer form.newsletter-form")
    form.locator("input[name=email]").fill("nojs.reader@example.org")
    form.locator("button[type=submit]").click()
    p.wait_for_load_state()
    assert "inbox" in p.locator("main").inner_text().lower()
    p.goto("/")
    p.locator("h3.card__title a", has_text="Heatwave shuts schools").first.click()
    p.locator("#republish summary").click()
    assert p.locator("#republish textarea").is_visible()
    p.locator("details.language-switcher summary").click()
    assert p.locator("details.language-switcher a[lang=fr]").is_visible()
    context.close()


def test_keyboard_users_reach_the_content_with_a_visible_focus(page, site):
    p = page.page
    p.goto("/")
    p.keyboard.press("Tab")
    focused = p.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    outline = p.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    p.keyboard.press("Enter")
    assert p.evaluate("location.hash") == "#main"
