"""What each staff role may do: every admin URL of ours, walked as a Contributor and as an Editor.

The table below is the rule (README's "Who may do what" says it in words). The walk discovers
the URLs from the URLconf, so a new admin screen fails this test until it is put in the table.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.admin.menu import admin_menu

from engagement.models import (
    BannedAddress,
    Comment,
    ContactMessage,
    Partner,
    PermissionRequest,
    Republication,
    WebhookDelivery,
    WebhookEndpoint,
)
from federation.models import Block
from imports.models import ImportRun
from ingest.models import FeedSubscription, InboxItem, SourceChange
from membership.models import Member, Tier
from newsletter.models import Newsletter, Subscriber
from newsroom.models import Publication
from newsroom.services import CONTRIBUTOR_GROUP, EDITOR_GROUP

pytestmark = pytest.mark.django_db

OUR_APPS = {"crosspost", "newsroom", "search", "ingest", "newsletter", "translation", "engagement", "membership",
            "federation", "imports", "audience"}

# URL names (namespace:name, or a namespace alone for every view of a viewset) each role may open.
# Everything else of ours must refuse them.
_PUBLICATIONS = ["wagtailsnippets_newsroom_publication:" + view for view in (
    "list", "list_results", "add", "edit", "usage", "history", "history_results", "copy")]
# Wagtail's snippet choosers answer anyone in the admin; they list only what readers see anyway.
_CHOOSERS = [f"wagtailsnippetchoosers_{model}:{view}" for model in ("newsroom_publication", "membership_tier")
             for view in ("choose", "choose_results", "chosen", "chosen_multiple")]
MAY = {
    CONTRIBUTOR_GROUP: {
        "ingest_repost", "ingest_inbox", "ingest_inbox_repost", "ingest_inbox_dismiss",
        "ingest_source_changes", "ingest_source_change",
        *_PUBLICATIONS, *_CHOOSERS, "wagtailsnippetchoosers_newsroom_publication:create",
    },
    EDITOR_GROUP: {
        "ingest_repost", "ingest_inbox", "ingest_inbox_repost", "ingest_inbox_dismiss", "feeds",
        "ingest_source_changes", "ingest_source_change", "ingest_source_change_act",
        *_PUBLICATIONS, "wagtailsnippets_newsroom_publication:delete", *_CHOOSERS,
        "wagtailsnippetchoosers_newsroom_publication:create",
        "newsletter_digest", "newsletter_stats", "newsletter_subscribers:index", "newsletter_subscribers:index_results",
        "newsletter_subscribers:add", "newsletter_subscribers:edit", "newsletter_subscribers:history",
        "newsletter_subscribers:history_results", "newsletter_subscribers:usage", "newsletter_subscribers:copy",
        # Lists: added and edited by editors, deleted only by admins (a list's archive goes with it).
        *[f"newsletter_lists:{view}" for view in (
            "index", "index_results", "add", "edit", "history", "history_results", "usage", "copy")],
        "translation_jobs", "translation_page", "translation_segments", "translation_interface",
        "engagement_comments", "engagement_permissions", "engagement_permission", "engagement_republications",
        "engagement_messages", *[f"engagement_banned:{view}" for view in (
            "index", "index_results", "add", "delete", "history", "history_results")],
        "settings:newsroom.sitesettings",
        "federation_overview", "federation_blocks",
        # Partners: added, edited and revoked (untick "active") by editors, deleted only by admins.
        *[f"engagement_partners:{view}" for view in (
            "index", "index_results", "add", "edit", "history", "history_results", "usage")],
        "audience_report",
    },
}


def _unwrap(view):
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    return view


def _model_of(pattern: URLPattern):
    view_class = getattr(pattern.callback, "view_class", None)
    model = (getattr(pattern.callback, "view_initkwargs", None) or {}).get("model")
    if model is None and view_class is not None:
        model = view_class.__dict__.get("model")
    return model if hasattr(model, "_meta") else None


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (
                pattern.namespace or namespace)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern


def our_admin_urls() -> list[tuple[str, str, object]]:
    """(route, name, model) of every admin view defined by our apps or showing one of our models."""
    found = []
    for route, name, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith("admin/"):
            continue
        model = _model_of(pattern)
        module = _unwrap(pattern.callback).__module__.split(".")[0]
        if module in OUR_APPS or (model is not None and model._meta.app_label in OUR_APPS):
            found.append((route, name.removeprefix("wagtailadmin_api:"), model))
    # Wagtail's settings screens are one view for every settings model; ours are listed by hand.
    for app, model in (("newsroom", "sitesettings"), ("engagement", "engagementsettings"),
                       ("membership", "membershipsettings")):
        found.append((f"admin/settings/{app}/{model}/", f"settings:{app}.{model}", None))
    return found


def _allowed(group: str, name: str) -> bool:
    return name in MAY[group] or name.split(":")[0] in MAY[group]


@pytest.fixture
def staff(django_user_model):
    def make(group: str):
        user = django_user_model.objects.create_user(username=group.lower(), password="pw", email=f"{group}@example.org")
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def one_of_each(make_article):
    article = make_article("Harbour dredging begins")
    endpoint = WebhookEndpoint.objects.create(name="Partner", url="https://partner.example/hook", secret="s")
    feed = FeedSubscription.objects.create(url="http://127.0.0.1:9/feed.xml", title="Loopback")
    return {
        "article": article,
        Comment: Comment.objects.create(article=article, name="Reader", email="reader@example.org", text="Hello"),
        PermissionRequest: PermissionRequest.objects.create(
            article=article, name="Ed", email="ed@example.org", organisation="Gazette", use="web", message="May we?"),
        ContactMessage: ContactMessage.objects.create(kind="feedback", name="R", email="r@example.org",
                                                      subject="Hi", message="Hello"),
        Republication: Republication.objects.create(
            article=article, domain="partner.example", views=3, first_seen=timezone.now(), last_seen=timezone.now()),
        WebhookEndpoint: endpoint,
        WebhookDelivery: WebhookDelivery.objects.create(endpoint=endpoint, article=article, event="published",
                                                        payload="{}"),
        BannedAddress: BannedAddress.objects.create(email="spam@example.org"),
        FeedSubscription: feed,
        InboxItem: InboxItem.objects.create(subscription=feed, url="http://127.0.0.1:9/story", title="Story"),
        SourceChange: SourceChange.objects.create(article=article, kind="gone", http_status=410),
        Member: Member.objects.create(email="member@example.org"),
        Tier: Tier.objects.create(name="Friend", monthly_amount=500, yearly_amount=5000),
        Subscriber: Subscriber.objects.create(email="sub@example.org"),
        Newsletter: Newsletter.objects.create(name="Weekly", slug="weekly"),
        Publication: Publication.objects.create(name="Gazette", homepage="https://gazette.example/"),
        ImportRun: ImportRun.objects.create(source="ghost", file="imports/export.json"),
        Block: Block.objects.create(domain="spam.example"),
        Partner: Partner.objects.create(name="Community News", domain="community-news.example"),
    }


_ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")
_FUNCTION_VIEW_MODELS = {"engagement_permission": PermissionRequest, "ingest_inbox_repost": InboxItem,
                         "ingest_inbox_dismiss": InboxItem, "ingest_source_change": SourceChange,
                         "ingest_source_change_act": SourceChange,
                         "imports_run": ImportRun}


def _url(route: str, name: str, model, objects: dict) -> str:
    def value(match: re.Match) -> str:
        argument = match.group(2)
        if argument == "page_id":
            return str(objects["article"].pk)
        if argument == "language":
            return "fr"
        owner = model or _FUNCTION_VIEW_MODELS[name]
        return str(objects[owner].pk)

    return "/" + _ARGUMENT.sub(value, route)


def _visit(client, url: str):
    response = client.get(url)
    if response.status_code == 405:  # POST-only actions
        response = client.post(url)
    return response


def _refused(response) -> bool:
    # Wagtail answers a refusal in its admin with a redirect home and a message; elsewhere a 403.
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def test_every_admin_url_of_ours_is_in_the_table():
    names = {name for _, name, _ in our_admin_urls()}
    assert {"engagement_comments", "translation_interface", "members:index", "membership_revenue"} <= names
    declared = set().union(*MAY.values())
    unknown = {entry for entry in declared if entry not in names and not any(n.startswith(entry + ":") for n in names)}
    assert not unknown, f"the table names URLs that no longer exist: {unknown}"


@pytest.mark.parametrize("group", [CONTRIBUTOR_GROUP, EDITOR_GROUP])
def test_each_role_opens_what_it_may_and_is_refused_the_rest(client, staff, one_of_each, group):
    client.force_login(staff(group))
    wrong = []
    for route, name, model in our_admin_urls():
        url = _url(route, name, model, one_of_each)
        response = _visit(client, url)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        if _allowed(group, name) == _refused(response):
            wrong.append(f"{url} ({name}): {response.status_code} {response.get('Location', '')}")
    assert not wrong, f"{group}:\n" + "\n".join(wrong)


# Every menu item of ours and the URL name it leads to.
MENU_ENTRIES = {
    "/admin/engagement/comments/": "engagement_comments", "/admin/engagement/permissions/": "engagement_permissions",
    "/admin/engagement/republications/": "engagement_republications",
    "/admin/engagement/messages/": "engagement_messages", "/admin/engagement_banned/": "engagement_banned:index",
    "/admin/engagement_webhooks/": "engagement_webhooks:index",
    "/admin/engagement/webhooks/deliveries/": "engagement_deliveries",
    "/admin/translations/": "translation_jobs", "/admin/repost/": "ingest_repost", "/admin/repost/inbox/": "ingest_inbox",
    "/admin/repost/sources/": "ingest_source_changes",
    "/admin/feeds/": "feeds:index", "/admin/members/": "members:index", "/admin/membership/revenue/": "membership_revenue",
    "/admin/newsletter/subscribers/": "newsletter_subscribers:index", "/admin/newsletter/digest/": "newsletter_digest:index",
    "/admin/fediverse/": "federation_overview",
    "/admin/newsletter/digests/": "newsletter_stats:index", "/admin/newsletter/lists/": "newsletter_lists:index",
}


@pytest.mark.parametrize("group", [CONTRIBUTOR_GROUP, EDITOR_GROUP])
def test_the_menu_shows_a_role_exactly_the_screens_it_may_open(client, staff, group):
    request = RequestFactory().get("/admin/")
    request.user = staff(group)

    def urls(items):
        for item in items:
            menu = getattr(item, "menu", None)
            yield from urls(menu.menu_items_for_request(request)) if menu is not None else [item.url]

    shown = set(urls(admin_menu.menu_items_for_request(request)))
    wrong = [f"{url}: shown={url in shown}" for url, name in MENU_ENTRIES.items() if (url in shown) != _allowed(group, name)]
    assert not wrong, f"{group}: " + ", ".join(wrong)
    client.force_login(request.user)
    for url in shown & set(MENU_ENTRIES):
        assert client.get(url).status_code == 200, url


def test_a_contributor_cannot_approve_a_comment(client, staff, one_of_each):
    comment = one_of_each[Comment]
    client.force_login(staff(CONTRIBUTOR_GROUP))
    client.post("/admin/engagement/comments/", {"one": f"approve:{comment.pk}"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_an_editor_approves_a_comment(client, staff, one_of_each):
    comment = one_of_each[Comment]
    client.force_login(staff(EDITOR_GROUP))
    client.post("/admin/engagement/comments/", {"one": f"approve:{comment.pk}"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_a_contributor_cannot_ban_an_address_or_answer_a_request(client, staff, one_of_each, mailoutbox):
    client.force_login(staff(CONTRIBUTOR_GROUP))
    client.post("/admin/engagement/comments/", {"one": f"ban:{one_of_each[Comment].pk}"})
    request = one_of_each[PermissionRequest]
    client.post(f"/admin/engagement/permissions/{request.pk}/", {"decision": "approve", "message": "Yes"})
    assert not BannedAddress.objects.filter(email="reader@example.org").exists()
    request.refresh_from_db()
    assert request.status == PermissionRequest.Status.PENDING
    assert mailoutbox == []
