"""A reader's browser counts one view with no cookie; the editors' audience screens are axe clean."""

import json
import re
import subprocess
import time

import pytest

from conftest import AXE, CROSSPOST, screenshot

# Headless Chromium names itself HeadlessChrome, which the counting rightly takes for a bot.
READER_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
             "Safari/537.36")


def login(p, site) -> None:
    p.goto("/admin/login/")
    p.fill("input[name=username]", "admin")
    p.fill("input[name=password]", site["password"])
    p.click("button[type=submit]")
    p.wait_for_url(re.compile(r"/admin/$"))


def stats(site) -> dict:
    out = subprocess.run([CROSSPOST, "stats", "--days", "1", "--json", "--flush"], env=site["env"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def article_views(report: dict, title: str) -> int:
    return sum(row["views"] for row in report["top_articles"] if row["title"] == title)


def test_a_readers_visit_is_counted_once_without_a_cookie(open_page, site):
    before = stats(site)
    reader = open_page(user_agent=READER_UA)
    p = reader.page
    p.goto("/")
    link = p.locator("h3.card__title a").first
    title = link.inner_text().strip()
    link.click()
    p.wait_for_load_state("networkidle")
    assert p.context.cookies() == [], "counting sets no cookie"
    deadline = time.monotonic() + 30  # web processes hand their counts over every few seconds
    while time.monotonic() < deadline:
        after = stats(site)
        if article_views(after, title) > article_views(before, title):
            break
        time.sleep(1)
    assert article_views(after, title) == article_views(before, title) + 1
    assert after["views"] == before["views"] + 2  # the home page and the article


def test_a_reader_sending_global_privacy_control_is_not_counted(open_page, site):
    before = stats(site)["views"]
    reader = open_page(user_agent=READER_UA, extra_http_headers={"Sec-GPC": "1"})
    reader.page.goto("/")
    reader.page.wait_for_load_state("networkidle")
    time.sleep(7)
    assert stats(site)["views"] == before


@pytest.fixture
def editor_page(browser, site):
    if not AXE.exists():
        pytest.fail("axe-core is missing: npm ci --prefix e2e")
    context = browser.new_context(base_url=site["base"], bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, site)
    yield page
    context.close()


def our_violations(p, selector: str) -> list[str]:
    """axe on what this app draws (Wagtail's own chrome is Wagtail's to fix)."""
    p.add_script_tag(path=str(AXE))
    result = p.evaluate("async (s) => await axe.run({include: Array.from(document.querySelectorAll(s))}, "
                        "{resultTypes: ['violations']})", selector)
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['help']}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def test_the_dashboard_panels_and_audience_screens_are_axe_clean(editor_page):
    p = editor_page
    p.goto("/admin/")
    assert p.locator(".audience-panel").count() >= 4
    assert p.locator(".audience-panel svg.sparkline").count() == 1
    assert our_violations(p, ".audience-panel") == []
    screenshot(p, "admin-dashboard.png")
    p.get_by_role("link", name="Readers").click()
    p.wait_for_url(re.compile(r"/admin/reports/audience/"))
    assert p.locator("svg.chart").count() == 1
    assert our_violations(p, ".nice-padding") == []
    screenshot(p, "admin-audience.png")
    p.goto("/admin/engagement/republications/")
    # Two charts: views per day, and views per day for the busiest republishing sites (the demo has several).
    assert p.locator("svg.chart").count() == 2 and "Community News" in p.content()
    assert p.get_by_text("Views per day for the busiest sites").count() == 1
    assert our_violations(p, ".nice-padding") == []


def test_every_dashboard_panel_links_to_a_screen_that_opens(editor_page):
    p = editor_page
    p.goto("/admin/")
    links = p.locator(".audience-panel a")
    hrefs = sorted({links.nth(n).get_attribute("href") for n in range(links.count())})
    assert len(hrefs) >= 4, f"panel links are missing: {hrefs}"
    for href in hrefs:
        response = p.goto(href)
        assert response is not None and response.status == 200, href
        assert "/admin/login/" not in p.url, href
