"""An editor's journey in the admin: repost a URL, edit, schedule, publish, select for the newsletter."""

import datetime
import re
import subprocess

from conftest import CROSSPOST, require, screenshot


def login(p, site) -> None:
    p.goto("/admin/login/")
    p.fill("input[name=username]", "admin")
    p.fill("input[name=password]", site["password"])
    p.click("button[type=submit]")
    p.wait_for_url(re.compile(r"/admin/$"))


def crosspost(site, *args: str) -> str:
    return subprocess.run([CROSSPOST, *args], env=site["env"], check=True, capture_output=True, text=True).stdout


def test_an_editor_reposts_a_url_edits_schedules_publishes_and_selects_it_for_the_newsletter(page, site, original_site):
    p = page.page
    login(p, site)
    require(p.locator("a[href='/admin/repost/']"), "Repost from URL", "no /admin/repost/ item in the admin menu")
    p.goto("/admin/repost/")
    p.fill("input[name=url]", original_site)
    screenshot(p, "admin-ingest.png")
    p.locator("main form button[type=submit], main form input[type=submit]").first.click()
    p.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    page_id = re.search(r"/pages/(\d+)/", p.url).group(1)
    assert p.locator("#id_title").input_value() == "Tide gauges go dark"
    p.get_by_role("tab", name="Repost").click()
    assert p.locator("#id_original_url").input_value() == original_site

    # Edit the draft, schedule it for tomorrow and publish: it waits for its time.
    p.get_by_role("tab", name="Content").click()
    p.fill("#id_title", "Tide gauges go dark along the coast")
    p.locator("[data-side-panel-toggle='status']").first.click()
    p.get_by_role("button", name="Set schedule").click()
    tomorrow = (datetime.datetime.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    dialog = p.locator("[role=dialog]:visible, dialog[open]").first
    dialog.locator("input[name=go_live_at]").fill(tomorrow)
    dialog.locator("button[type=submit], button:has-text('Save schedule')").first.click()
    p.get_by_role("button", name="More actions").click()
    p.locator("button[name=action-publish]").click()
    p.wait_for_load_state()
    assert p.request.get("/articles/tide-gauges-go-dark/").status == 404  # not before its time

    # Time passes: move the schedule into the past and let Wagtail's scheduler publish it.
    crosspost(site, "shell", "-c",
              "from wagtail.models import Revision; from django.utils import timezone; import datetime; "
              "past = timezone.now() - datetime.timedelta(minutes=1)\n"
              f"for r in Revision.objects.filter(object_id='{page_id}').exclude(approved_go_live_at=None):\n"
              "    r.approved_go_live_at = past; r.content['go_live_at'] = past.isoformat(); r.save()")
    crosspost(site, "publish_scheduled")
    p.goto("/articles/")
    assert "Tide gauges go dark along the coast" in p.content()

    # Select it for the newsletter from the page's Actions menu, and preview the digest.
    p.goto(f"/admin/pages/{page_id}/edit/")
    p.locator("header button[aria-label=Actions]").first.click()
    p.get_by_role("link", name="History").first.wait_for()  # the menu's items arrive after the click
    add = require(p.get_by_role("link", name="Add to newsletter"), "Add to newsletter",
                  "no 'Add to newsletter' item in the page's Actions menu")
    add.click()
    p.get_by_role("button", name="Add to newsletter").click()
    p.wait_for_url(re.compile(rf"/admin/pages/{page_id}/edit/"))
    assert "added to the next newsletter" in p.content()
    require(p.locator("a[href='/admin/newsletter/digest/']"), "Digest preview",
            "no /admin/newsletter/digest/ item in the admin menu")
    p.goto("/admin/newsletter/digest/")
    assert "Tide gauges go dark along the coast" in p.content()
    screenshot(p, "admin-digest-preview.png")
