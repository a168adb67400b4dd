"""axe-core on the main pages and forms, left-to-right and right-to-left: no serious or critical violations."""

import re

import pytest

from conftest import AXE, newest_mail

PAGES = ["/", "/articles/", "/authors/", "/authors/maren-holt/", "/regions/", "/regions/europe/", "/themes/climate/",
         "/dossiers/running-dry/", "/search/?q=water", "/search/?q=zzzzzz", "/membership/", "/contact/",
         "/contact/media/"]


@pytest.fixture(scope="module")
def axe_page(browser, site):
    if not AXE.exists():
        pytest.fail("axe-core is missing: npm ci --prefix e2e")
    # The site's CSP allows only its own scripts; axe is injected from the test's disk.
    context = browser.new_context(base_url=site["base"], bypass_csp=True)
    yield context.new_page()
    context.close()


def violations(p, path: str | None = None) -> list[str]:
    if path is not None:
        p.goto(path)
    p.add_script_tag(path=str(AXE))
    result = p.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['help']}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("prefix", ["", "/ar"], ids=["ltr", "rtl"])
@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_serious_accessibility_violations(axe_page, path, prefix):
    assert violations(axe_page, prefix + path) == []
    if prefix:
        assert axe_page.locator("html").get_attribute("dir") == "rtl"


def test_articles_in_both_directions_have_no_serious_accessibility_violations(axe_page):
    axe_page.goto("/")
    article = axe_page.locator("h3.card__title a", has_text="Heatwave shuts schools").first.get_attribute("href")
    for path in (article, "/ar" + article, "/fr" + article):
        assert violations(axe_page, path) == [], path


@pytest.mark.parametrize("prefix", ["", "/ar"], ids=["ltr", "rtl"])
def test_the_subscription_pages_have_no_serious_accessibility_violations(axe_page, site, prefix):
    email = f"axe{prefix.strip('/')}@example.org"
    axe_page.goto(prefix + "/")
    form = axe_page.locator("footer form.newsletter-form")
    if form.count() == 0:
        pytest.skip("Newsletter sign-up not available: no form.newsletter-form in the footer")
    form.locator("input[name=email]").fill(email)
    form.locator("button[type=submit]").click()
    axe_page.wait_for_load_state()
    assert violations(axe_page) == [], "check-your-inbox page"
    link = re.search(r"https?://\S+/newsletter/confirm/\S+/", newest_mail(site["var"], email)).group(0)
    assert violations(axe_page, link) == [], "confirm page"
    axe_page.locator("main form button[type=submit]").click()
    axe_page.wait_for_load_state()
    assert violations(axe_page) == [], "subscribed page"
