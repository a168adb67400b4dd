"""Publishing fans out through the workers: once per shared inbox, signed, retried, never doubled."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from federation import delivery, httpsig, services
from federation.models import Activity, Delivery, Follower, RemoteServer
from federation.tests.conftest import RemoteUser, _key_pair
from ingest.tests.conftest import Reply, WebServer
from newsroom.services import article_add_correction, author_get_or_create

pytestmark = pytest.mark.django_db
AP = "application/activity+json"


@pytest.fixture
def second_server():
    server = WebServer("127.0.0.2")
    yield server
    server.close()


def _follow(remote: RemoteUser, actor) -> Follower:
    stored = services.remote_actor_store(remote.document())
    return Follower.objects.create(actor=actor, remote=stored)


@pytest.fixture
def followed(remote, remote_server, second_server, settings):
    """Ada is followed by alice and bob (one server, one shared inbox) and carol (a server without one);
    the site by alice."""
    settings.CROSSPOST_INGEST_ALLOW_HOSTS = ["127.0.0.1", "127.0.0.2"]
    ada = services.actor_for_author(author_get_or_create(name="Ada Reporter"))
    bob = RemoteUser(remote_server, "bob", *_key_pair(0))
    bob.publish()
    carol = RemoteUser(second_server, "carol", *_key_pair(1))
    carol.publish()
    doc = carol.document()
    del doc["endpoints"]
    services.remote_actor_store(doc)
    for user in (remote, bob):
        _follow(user, ada)
    Follower.objects.create(actor=ada, remote=services.remote_actor_store(doc))
    _follow(remote, services.actor_for_site())
    return ada, carol


def _received(server: WebServer) -> list[tuple[str, dict, dict]]:
    return [(path, {k.lower(): v for k, v in headers.items()}, json.loads(body)) for path, headers, body in server.posted]


def test_publishing_sends_one_signed_create_per_shared_inbox(committed, followed, make_article, remote_server, second_server):
    ada, carol = followed
    article = committed(make_article, "Floods in the delta", authors=("Ada Reporter",))
    first = _received(remote_server)
    creates = [(p, h, a) for p, h, a in first if a["type"] == "Create"]
    assert [p for p, _, _ in creates] == ["/inbox"]  # alice and bob share one inbox
    path, headers, create = creates[0]
    assert create["actor"] == "http://testserver/authors/ada-reporter/"
    assert create["object"]["type"] == "Article" and create["object"]["name"] == "Floods in the delta"
    assert create["object"]["id"] == "http://testserver" + article.url
    body = remote_server.posted[[a for _, _, a in first].index(create)][2]
    httpsig.request_verify(method="POST", target=path, headers=headers, body=body,
                           params=httpsig.signature_parse(headers["signature"]), public_key_pem=ada.public_key_pem)
    # The site boosts it to its own followers, so it shows on their timelines too.
    assert [a["type"] for _, _, a in first if a["actor"] == "http://testserver/"] == ["Announce"]
    # carol's server has no shared inbox: her own inbox gets it.
    assert [(p, a["type"]) for p, _, a in _received(second_server)] == [("/users/carol/inbox", "Create")]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"done"}


def test_editing_sends_update_and_unpublishing_delete_then_a_tombstone(committed, followed, make_article, remote_server,
                                                                      client):
    article = committed(make_article, "Before", authors=("Ada Reporter",))
    article.title = "After"
    committed(article.save_revision().publish)
    article.refresh_from_db()
    committed(article.specific.unpublish)
    kinds = [a["type"] for _, _, a in _received(remote_server) if a["actor"] != "http://testserver/"]
    assert kinds == ["Create", "Update", "Delete"]
    update = [a for _, _, a in _received(remote_server) if a["type"] == "Update"][0]
    assert update["object"]["name"] == "After"
    gone = client.get(article.url, HTTP_ACCEPT=AP)
    assert gone.status_code == 410 and gone.json()["type"] == "Tombstone"


def test_a_correction_sends_one_signed_update_carrying_the_note(committed, followed, make_article, remote_server,
                                                                 second_server):
    ada, _carol = followed
    article = committed(make_article, "Floods in the delta", authors=("Ada Reporter",))
    before = len(remote_server.posted)
    committed(article_add_correction, page=article, kind="correction",
              text="An earlier version gave the wrong river.")
    new = remote_server.posted[before:]
    assert [json.loads(body)["type"] for _, _, body in new] == ["Update"]  # once, and no second Announce
    path, headers, body = new[0]
    update = json.loads(body)
    assert update["actor"] == "http://testserver/authors/ada-reporter/"
    assert update["object"]["id"] == "http://testserver" + article.url and "updated" in update["object"]
    assert "Correction, " in update["object"]["content"]
    assert "An earlier version gave the wrong river." in update["object"]["content"]
    lowered = {k.lower(): v for k, v in headers.items()}
    httpsig.request_verify(method="POST", target=path, headers=lowered, body=body,
                           params=httpsig.signature_parse(lowered["signature"]), public_key_pem=ada.public_key_pem)
    assert [a["type"] for _, _, a in _received(second_server)] == ["Create", "Update"]
    # A later note sends one more Update, which carries both notes.
    committed(article_add_correction, page=article, kind="update", text="The river has since receded.")
    updates = [a for _, _, a in _received(remote_server) if a["type"] == "Update"]
    assert len(updates) == 2 and "The river has since receded." in updates[-1]["object"]["content"]
    assert "An earlier version gave the wrong river." in updates[-1]["object"]["content"]


def test_the_outbox_lists_what_was_published(committed, followed, make_article, client):
    committed(make_article, "Outboxed", authors=("Ada Reporter",))
    outbox = client.get("/ap/actors/ada-reporter/outbox").json()
    assert outbox["totalItems"] == 1 and outbox["orderedItems"][0]["object"]["name"] == "Outboxed"
    one = outbox["orderedItems"][0]["id"].removeprefix("http://testserver")
    assert client.get(one).json()["type"] == "Create"


def test_a_410_removes_the_followers_behind_that_inbox(committed, followed, make_article, remote_server):
    remote_server.route("/inbox", Reply("", status=410))
    committed(make_article, authors=("Ada Reporter",))
    assert not Follower.objects.filter(remote__shared_inbox=remote_server.url("/inbox")).exists()
    assert Follower.objects.filter(remote__username="carol").exists()
    assert Delivery.objects.filter(status="gone").exists()


def test_a_failing_server_is_retried_later_then_suspended(committed, followed, make_article, second_server, settings):
    settings.FEDERATION_SUSPEND_AFTER = 2
    second_server.route("/users/carol/inbox", Reply("busy", status=503))
    committed(make_article, "One", authors=("Ada Reporter",))
    failed = Delivery.objects.get(domain="127.0.0.2")
    assert failed.status == "pending" and failed.attempts == 1 and failed.next_attempt_at > timezone.now()
    assert "503" in failed.last_error
    committed(make_article, "Two", authors=("Ada Reporter",))
    server = RemoteServer.objects.get(domain="127.0.0.2")
    assert server.consecutive_failures == 2 and server.suspended_until > timezone.now()
    Delivery.objects.filter(domain="127.0.0.2").update(next_attempt_at=timezone.now())
    before = len(second_server.posted)
    committed(delivery.deliveries_run)
    assert len(second_server.posted) == before  # suspended: not even tried


def test_a_refusal_is_given_up_at_once(committed, followed, make_article, second_server):
    second_server.route("/users/carol/inbox", Reply("no", status=403))
    committed(make_article, authors=("Ada Reporter",))
    assert Delivery.objects.get(domain="127.0.0.2").status == "failed"


def test_a_worker_killed_mid_fan_out_leaves_nobody_out_and_resends_only_its_batch(committed, followed, make_article,
                                                                                  remote_server, second_server,
                                                                                  settings, monkeypatch):
    monkeypatch.setattr(delivery, "deliveries_kick", lambda: None)  # no worker runs: the rows wait
    committed(make_article, authors=("Ada Reporter",))
    assert not remote_server.posted
    pending = list(Delivery.objects.filter(status="pending").order_by("pk"))
    # A worker (long dead: its pid is gone) had claimed the first row and sent it; the rest untouched.
    Delivery.objects.filter(pk=pending[0].pk).update(status="sending", claimed_by="ghost:999999:1",
                                                     claimed_at=timezone.now())
    from crosspost.lib import leases

    settings.CROSSPOST_LEASE_SECONDS = 0  # another host's claim lapses at once here
    counts = committed(delivery.deliveries_run)
    assert counts["delivered"] == len(pending)
    assert Delivery.objects.filter(status="done").count() == len(pending)
    assert leases.holder()  # the rows are now ours and finished
    committed(delivery.deliveries_run)
    assert len(remote_server.posted) + len(second_server.posted) == len(pending)


def test_without_followers_nothing_is_sent_but_the_outbox_and_tombstone_still_tell(committed, make_article, client):
    article = committed(make_article, )
    committed(article.specific.unpublish)
    assert list(Activity.objects.order_by("pk").values_list("type", flat=True)) == ["Create", "Announce", "Delete"]
    assert not Delivery.objects.exists()
    assert client.get(article.url, HTTP_ACCEPT=AP).status_code == 410


def test_a_batch_is_recorded_in_a_few_statements_however_many_inboxes_it_holds(committed, remote, remote_server,
                                                                               monkeypatch, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(delivery, "deliveries_kick", lambda: None)
    site = services.actor_for_site()
    for n in range(12):  # twelve followers on servers without a shared inbox: twelve inboxes
        user = RemoteUser(remote_server, f"reader{n}", *_key_pair(0))
        user.publish()
        doc = user.document()
        del doc["endpoints"]
        Follower.objects.create(actor=site, remote=services.remote_actor_store(doc))
    delivery.activity_send(actor=site, kind="Create", obj={"id": "http://testserver/x", "type": "Note"},
                           inboxes=delivery.follower_inboxes([site]))
    with CaptureQueriesContext(connection) as queries:
        counts = delivery.deliveries_run(batch_size=50)
    assert counts["delivered"] == 12 and len(remote_server.posted) == 12
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert len(writes) <= 4, writes  # reclaim, claim, the successes, the servers that recovered


def test_nothing_is_delivered_to_a_loopback_address_unless_allowed(committed, followed, make_article, remote_server,
                                                                   settings):
    settings.CROSSPOST_INGEST_ALLOW_HOSTS = []
    committed(make_article, authors=("Ada Reporter",))
    assert not remote_server.posted
    refused = Delivery.objects.filter(domain="127.0.0.1").first()
    assert refused.status == "pending" and "not a public address" in refused.last_error


def test_a_delivery_still_failing_two_days_on_is_given_up(committed, followed, make_article, second_server):
    import datetime

    second_server.route("/users/carol/inbox", Reply("busy", status=503))
    committed(make_article, authors=("Ada Reporter",))
    failing = Delivery.objects.get(domain="127.0.0.2")
    assert failing.status == "pending"
    Activity.objects.filter(pk=failing.activity_id).update(created_at=timezone.now() - datetime.timedelta(days=2, hours=1))
    Delivery.objects.filter(pk=failing.pk).update(next_attempt_at=timezone.now())
    committed(delivery.deliveries_run)
    failing.refresh_from_db()
    assert failing.status == "failed" and failing.attempts == 2
