"""axe-core on the main pages, left-to-right and right-to-left: no serious or critical violations."""

import pytest

from conftest import AXE

PAGES = ["/", "/articles/", "/authors/", "/regions/", "/search/?q=water", "/membership/", "/contact/",
         "/ar/", "/ar/search/?q=water", "/fr/articles/"]


@pytest.fixture(scope="module")
def axe_page(browser, site):
    if not AXE.exists():
        pytest.fail("axe-core is missing: npm ci --prefix e2e")
    context = browser.new_context(base_url=site["base"], bypass_csp=True)
    yield context.new_page()
    context.close()


def violations(p, path: str) -> list[str]:
    p.goto(path)
    p.add_script_tag(path=str(AXE))
    result = p.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_serious_accessibility_violations(axe_page, path):
    assert violations(axe_page, path) == []


def test_articles_in_both_directions_have_no_serious_accessibility_violations(axe_page):
    axe_page.goto("/")
    article = axe_page.locator("h3.card__title a", has_text="Heatwave shuts schools").first.get_attribute("href")
    for path in (article, "/ar" + article, "/fr" + article):
        assert violations(axe_page, path) == [], path
