"""A reader joins two newsletters with one confirmation, then changes them, and how often the
daily one comes, in the preference centre reached from the welcome mail, and at last leaves them
all; every page on the way has no serious axe violation."""

import re

import pytest

from conftest import AXE, newest_mail, require


@pytest.fixture
def axe_page(browser, site):
    if not AXE.exists():
        pytest.fail("axe-core is missing: npm ci --prefix e2e")
    context = browser.new_context(base_url=site["base"], bypass_csp=True)  # axe comes from the test's disk
    yield context.new_page()
    context.close()


def violations(p) -> list[str]:
    p.add_script_tag(path=str(AXE))
    result = p.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['help']}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("prefix", ["", "/ar"], ids=["ltr", "rtl"])
def test_a_reader_picks_two_newsletters_then_changes_them_in_the_preference_centre(axe_page, site, prefix):
    p = axe_page
    email = f"preferences{prefix.strip('/')}@example.org"
    p.goto(prefix + "/newsletter/subscribe/")
    lists = require(p.locator("main fieldset.newsletter-lists input[name=lists]"), "Choice of newsletters",
                    "no checkboxes named 'lists' on the sign-up page")
    assert lists.count() >= 2
    assert violations(p) == [], "sign-up page"
    form = p.locator("main form.newsletter-form")
    form.locator("input[name=email]").fill(email)
    for n in range(lists.count()):
        lists.nth(n).check()
    form.locator("button[type=submit]").click()
    p.wait_for_load_state()

    link = re.search(r"https?://\S+/newsletter/confirm/\S+/", newest_mail(site["var"], email)).group(0)
    p.goto(link)
    p.locator("main form button[type=submit]").click()
    p.wait_for_load_state()
    welcome = newest_mail(site["var"], "/newsletter/preferences/")
    assert email in welcome
    preferences = re.search(r"https?://\S+/newsletter/preferences/\S+/", welcome).group(0)

    p.goto(preferences)
    require(p.locator("h1#preferences-heading"), "Preference centre", "no h1#preferences-heading")
    boxes = p.locator("main input[name=lists]")
    assert [boxes.nth(n).is_checked() for n in range(boxes.count())] == [True] * boxes.count()
    assert violations(p) == [], "preference centre"
    how_often = require(p.locator("main fieldset.newsletter-frequency"), "How often",
                        "no fieldset.newsletter-frequency in the preference centre")
    assert how_often.count() == 1, "the demo's weekly list is weekly already: only the daily one has a choice"
    assert how_often.locator("legend").inner_text().strip() != ""
    assert how_often.locator("input[type=radio][value=every]").is_checked(), "a new sign-up gets every issue"
    how_often.get_by_label("One weekly round-up").check()  # only the English catalogue exists so far
    boxes.nth(1).uncheck()
    p.locator("main select[name=language]").select_option("fr")
    p.get_by_role("button", name=re.compile("Save|Enregistrer")).click()
    p.wait_for_load_state()
    assert p.locator("main [role=status]").count() == 1
    boxes = p.locator("main input[name=lists]")
    assert boxes.nth(0).is_checked() and not boxes.nth(1).is_checked()
    assert p.locator("main select[name=language]").input_value() == "fr"
    assert p.locator("main fieldset.newsletter-frequency input[value=weekly]").is_checked()
    assert violations(p) == [], "preference centre after saving"

    p.get_by_role("button", name="Unsubscribe from everything").click()
    p.wait_for_load_state()
    assert p.locator("main [role=status]").count() == 1
    boxes = p.locator("main input[name=lists]")
    assert not any(boxes.nth(n).is_checked() for n in range(boxes.count())), "left every list"
    assert violations(p) == [], "preference centre after leaving every list"
