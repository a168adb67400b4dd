"""The inbox: only signed activities from the actor they name get in, and each does one thing once."""

from __future__ import annotations

import datetime
import json

import pytest

from engagement.models import Comment
from federation import httpsig, services
from federation.models import Block, Delivery, Follower, Reaction, RemoteActor, Reply
from federation.tests.conftest import follow
from ingest.tests.conftest import Reply as Answer

pytestmark = pytest.mark.django_db
SITE = "http://testserver/"


def _accepts_received(remote_server) -> list[dict]:
    return [json.loads(body) for path, _headers, body in remote_server.posted if path.endswith("/inbox")]


def test_a_signed_follow_is_recorded_and_answered_with_a_signed_accept(client, remote, remote_server):
    answer = remote.post(client, "/ap/inbox", follow(remote, SITE))
    assert answer.status_code == 202, answer.content
    follower = Follower.objects.get()
    assert follower.actor.kind == "site" and follower.remote.uri == remote.uri
    assert follower.remote.shared_inbox == remote.shared_inbox

    (path, headers, body), = remote_server.posted
    assert path == "/users/alice/inbox"  # an Accept goes to the follower's own inbox
    accept = json.loads(body)
    assert accept["type"] == "Accept" and accept["object"]["id"] == f"{remote.uri}#follows/1"
    assert accept["actor"] == SITE
    site_key = follower.actor.public_key_pem
    lower = {k.lower(): v for k, v in headers.items()}
    httpsig.request_verify(method="POST", target=path, headers=lower, body=body,
                           params=httpsig.signature_parse(lower["signature"]), public_key_pem=site_key)
    assert Delivery.objects.get().status == "done"


def test_following_twice_records_one_follower(client, remote, make_article):
    make_article()
    remote.post(client, "/ap/inbox", follow(remote, "http://testserver/authors/ada-reporter/"))
    remote.post(client, "/ap/actors/ada-reporter/inbox", follow(remote, "http://testserver/authors/ada-reporter/", 2))
    assert Follower.objects.get().actor.username == "ada-reporter"


def test_undo_follow_removes_the_follower(client, remote):
    remote.post(client, "/ap/inbox", follow(remote, SITE))
    undo = {"id": remote.uri + "#undo/1", "type": "Undo", "actor": remote.uri, "object": follow(remote, SITE)}
    assert remote.post(client, "/ap/inbox", undo).status_code == 202
    assert not Follower.objects.exists()


def test_an_unsigned_post_is_refused(client, remote):
    answer = client.post("/ap/inbox", data=json.dumps(follow(remote, SITE)), content_type="application/activity+json")
    assert answer.status_code == 401
    assert not Follower.objects.exists()


def test_a_follow_signed_with_another_key_is_refused(client, remote, other_key):
    answer = remote.post(client, "/ap/inbox", follow(remote, SITE), private_key_pem=other_key[0])
    assert answer.status_code == 401
    assert "does not verify" in answer.json()["error"]
    assert not Follower.objects.exists()


def test_a_tampered_body_is_refused(client, remote):
    honest = follow(remote, SITE)
    answer = remote.post(client, "/ap/inbox", honest, body=json.dumps({**honest, "object": "x"}).encode(),
                         sign_original=True)
    assert answer.status_code == 401 and "Digest" in answer.json()["error"]


def test_a_replayed_old_request_is_refused(client, remote):
    then = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=13)
    answer = remote.post(client, "/ap/inbox", follow(remote, SITE), now=then)
    assert answer.status_code == 401 and "12 hours" in answer.json()["error"]


def test_an_activity_naming_another_actor_than_its_signer_is_refused(client, remote):
    forged = {**follow(remote, SITE), "actor": "https://elsewhere.example/users/mallory"}
    assert remote.post(client, "/ap/inbox", forged).status_code == 401


def test_the_signers_key_is_fetched_once_and_cached(client, remote, remote_server):
    remote.post(client, "/ap/inbox", follow(remote, SITE))
    remote.post(client, "/ap/inbox", {"id": remote.uri + "#u", "type": "Undo", "actor": remote.uri,
                                      "object": follow(remote, SITE)})
    fetches = [path for path, _ in remote_server.requests if path == "/users/alice"]
    assert len(fetches) == 1


def test_bad_json_is_a_400_not_a_500(client, remote):
    answer = remote.post(client, "/ap/inbox", {}, body=b"{not json")
    assert answer.status_code == 400


def test_a_blocked_domain_is_refused_and_loses_its_followers(client, remote):
    remote.post(client, "/ap/inbox", follow(remote, SITE))
    services.block_add(domain="127.0.0.1", reason="spam")
    assert not Follower.objects.exists()
    assert remote.post(client, "/ap/inbox", follow(remote, SITE, 2)).status_code == 403
    assert not Follower.objects.exists()


def test_a_blocked_actor_is_refused(client, remote):
    Block.objects.create(actor_uri=remote.uri)
    assert remote.post(client, "/ap/inbox", follow(remote, SITE)).status_code == 403


def test_likes_and_boosts_are_counted_once_per_actor(client, remote, make_article):
    article = make_article()
    url = "http://testserver" + article.url
    for n in (1, 2):
        remote.post(client, "/ap/inbox", {"id": f"{remote.uri}#likes/{n}", "type": "Like", "actor": remote.uri,
                                          "object": url})
    remote.post(client, "/ap/inbox", {"id": f"{remote.uri}/statuses/9/activity", "type": "Announce",
                                      "actor": remote.uri, "object": url})
    assert sorted(Reaction.objects.filter(article=article).values_list("kind", flat=True)) == ["announce", "like"]
    remote.post(client, "/ap/inbox", {"id": f"{remote.uri}#undo", "type": "Undo", "actor": remote.uri,
                                      "object": {"id": f"{remote.uri}#likes/1", "type": "Like"}})
    assert list(Reaction.objects.values_list("kind", flat=True)) == ["announce"]


def _reply(remote, article, text="<p>Great piece, <script>alert(1)</script>thanks!</p>", n=1) -> dict:
    note = {"id": f"{remote.uri}/statuses/{n}", "type": "Note", "attributedTo": remote.uri, "content": text,
            "inReplyTo": "http://testserver" + article.url, "to": ["https://www.w3.org/ns/activitystreams#Public"]}
    return {"id": note["id"] + "/activity", "type": "Create", "actor": remote.uri, "object": note}


def test_a_reply_becomes_a_sanitised_comment_awaiting_moderation(client, remote, make_article):
    article = make_article()
    assert remote.post(client, "/ap/inbox", _reply(remote, article)).status_code == 202
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING and comment.article_id == article.pk
    assert comment.name == "Alice"
    assert "alert" not in comment.text and "Great piece" in comment.text
    assert comment.fediverse_reply.handle == "@alice@127.0.0.1"
    assert comment.fediverse_reply.actor_url == remote.server.url("/@alice")
    remote.post(client, "/ap/inbox", _reply(remote, article))
    assert Comment.objects.count() == 1


def test_deleting_the_note_removes_its_comment(client, remote, make_article):
    article = make_article()
    remote.post(client, "/ap/inbox", _reply(remote, article))
    delete = {"id": remote.uri + "#del", "type": "Delete", "actor": remote.uri,
              "object": {"id": f"{remote.uri}/statuses/1", "type": "Tombstone"}}
    remote.post(client, "/ap/inbox", delete)
    assert not Comment.objects.exists() and not Reply.objects.exists()


def test_a_deleted_account_loses_its_follows(client, remote):
    remote.post(client, "/ap/inbox", follow(remote, SITE))
    remote.post(client, "/ap/inbox", {"id": remote.uri + "#delete", "type": "Delete", "actor": remote.uri,
                                      "object": remote.uri})
    assert not Follower.objects.exists()
    assert RemoteActor.objects.filter(uri=remote.uri).exists()


def test_the_moderation_queue_marks_a_reply_as_from_the_fediverse(client, remote, make_article, admin_user):
    article = make_article()
    remote.post(client, "/ap/inbox", _reply(remote, article))
    client.force_login(admin_user)
    queue = client.get("/admin/engagement/comments/").content.decode()
    assert "From the fediverse: @alice@127.0.0.1" in queue
    assert f'href="{remote.server.url("/@alice")}"' in queue


def test_an_approved_reply_shows_under_the_article_with_its_authors_link(client, remote, make_article, committed):
    from engagement.comments import comment_approve

    article = make_article()
    remote.post(client, "/ap/inbox", _reply(remote, article))
    assert "Great piece" not in client.get(article.url).content.decode()  # waiting for an editor
    committed(comment_approve, comment_ids=[Comment.objects.get().pk])
    page = client.get(article.url).content.decode()
    assert "Great piece" in page and "<script>" not in page.split("comments-heading")[1]
    assert f'<a class="comment__name" href="{remote.server.url("/@alice")}" rel="nofollow ugc noopener">' in page
    assert "@alice@127.0.0.1 on the fediverse" in page


def test_a_reply_whose_actor_link_is_not_a_web_address_gets_no_link(client, remote, make_article):
    remote.server.route("/users/alice", Answer(json.dumps({**remote.document(), "url": "javascript:alert(1)"}),
                                              content_type="application/activity+json"))
    article = make_article()
    remote.post(client, "/ap/inbox", _reply(remote, article))
    assert Comment.objects.get().fediverse_reply.actor_url == remote.uri


def test_a_reply_to_an_article_with_closed_comments_is_not_held(client, remote, make_article):
    article = make_article()
    article.comments_open = False
    article.save(update_fields=["comments_open"])
    assert remote.post(client, "/ap/inbox", _reply(remote, article)).json()["result"] == "comments are closed"
    assert not Comment.objects.exists()


def test_a_banned_fediverse_account_cannot_comment_again(client, remote, make_article):
    from engagement.comments import address_ban

    article = make_article()
    remote.post(client, "/ap/inbox", _reply(remote, article))
    address_ban(email=Comment.objects.get().email)
    remote.post(client, "/ap/inbox", _reply(remote, article, n=2))
    assert Comment.objects.count() == 1 and Comment.objects.get().status == Comment.Status.REJECTED


def test_blocking_one_actor_removes_only_its_follows(client, remote, remote_server):
    from federation.tests.conftest import RemoteUser, _key_pair

    bob = RemoteUser(remote_server, "bob", *_key_pair(1), commit=remote.commit)
    bob.publish()
    remote.post(client, "/ap/inbox", follow(remote, SITE))
    bob.post(client, "/ap/inbox", follow(bob, SITE))
    services.block_add(actor_uri=remote.uri)
    assert list(Follower.objects.values_list("remote__username", flat=True)) == ["bob"]
    assert remote.post(client, "/ap/inbox", follow(remote, SITE, 2)).status_code == 403
