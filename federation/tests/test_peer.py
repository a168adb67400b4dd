"""Against a real ActivityPub implementation nobody here wrote: Fedify (TypeScript), on loopback.

The peer (federation/tests/peer/peer.mjs, its dependencies pinned by the lockfile beside it) is
installed with `npm ci` into a scratch folder, started against our live server, and:
discovers the site and an author by WebFinger, fetches both actors, follows both with signed
Follows (which our inbox verifies), and receives — verifying each signature with our keys — the
Accepts, then the Create of an Article on publish, the Update on edit and on a correction (with the
note in its content), and the Delete on unpublish.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from crosspost.lib.localnet import free_port
from federation.models import Follower
from newsroom.services import article_add_correction, author_get_or_create

# Real processes and a real peer, independent of the database under test: one CI pass is enough.
pytestmark = pytest.mark.once

PEER = Path(__file__).parent / "peer"
OFFLINE = ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ETIMEDOUT", "ENETUNREACH", "network")


@pytest.fixture(scope="module")
def peer_dir(tmp_path_factory) -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js and npm are needed to run the Fedify peer")
    scratch = tmp_path_factory.mktemp("fedify-peer")
    for name in ("package.json", "package-lock.json", "peer.mjs"):
        shutil.copy(PEER / name, scratch / name)
    done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=scratch,
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        if any(word in done.stderr for word in OFFLINE):
            pytest.skip(f"the npm registry is unreachable, so the Fedify peer cannot be installed: {done.stderr[-300:]}")
        raise AssertionError(f"npm ci failed:\n{done.stderr[-2000:]}")
    return scratch


class Peer:
    def __init__(self, directory: Path, site: str, author: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(["node", "peer.mjs", site, author, str(self.port)], cwd=directory,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[dict] = queue.Queue()
        self.seen: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                self.lines.put(json.loads(line))
            except ValueError:
                self.lines.put({"type": "output", "text": line.rstrip()})

    def wait_for(self, predicate, what: str, seconds: float = 60) -> dict:
        for event in self.seen:
            if predicate(event):
                self.seen.remove(event)
                return event
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                event = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            if predicate(event):
                return event
            self.seen.append(event)
        raise AssertionError(f"the peer never reported {what}; it said: {self.seen}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.CROSSPOST_INGEST_ALLOW_HOSTS = ["127.0.0.1", "localhost"]
    return live_server.url


def test_fedify_follows_us_and_verifies_create_update_correction_delete(site, peer_dir, make_article):
    author = author_get_or_create(name="Ada Reporter")
    peer = Peer(peer_dir, f"{site}/", f"{site}{author.url}")
    try:
        found = [peer.wait_for(lambda e: e["type"] == "discovered", "a WebFinger discovery") for _ in range(2)]
        assert {(e["actorType"], e["username"]) for e in found} == {("Organization", "crosspost"),
                                                                    ("Person", "ada-reporter")}
        accepts = [peer.wait_for(lambda e: e["type"] == "Accept", "our Accept") for _ in range(2)]
        assert {e["actor"] for e in accepts} == {f"{site}/", f"{site}/authors/ada-reporter/"}
        assert Follower.objects.filter(remote__uri=f"http://127.0.0.1:{peer.port}/users/peer").count() == 2

        article = make_article("Floods in the delta", authors=("Ada Reporter",))
        create = peer.wait_for(lambda e: e["type"] == "Create", "the Create")
        assert create["objectType"] == "Article" and create["name"] == "Floods in the delta"
        assert create["actor"] == f"{site}/authors/ada-reporter/" and create["object"] == f"{site}{article.url}"
        boost = peer.wait_for(lambda e: e["type"] == "Announce", "the site's boost")
        assert boost["actor"] == f"{site}/" and boost["object"] == f"{site}{article.url}"

        article.title = "Floods in the delta, updated"
        article.save_revision().publish()
        update = peer.wait_for(lambda e: e["type"] == "Update", "the Update")
        assert update["name"] == "Floods in the delta, updated"

        article_add_correction(page=article, kind="correction", text="An earlier version gave the wrong river.")
        corrected = peer.wait_for(lambda e: e["type"] == "Update", "the Update of the correction")
        assert "An earlier version gave the wrong river." in corrected["content"]

        article.refresh_from_db()
        article.specific.unpublish()
        delete = peer.wait_for(lambda e: e["type"] == "Delete", "the Delete")
        assert delete["object"] == f"{site}{article.url}" or delete["objectType"] == "Tombstone"
        assert not [e for e in peer.seen if e["type"] in ("refused", "log") and e.get("level") == "error"]
    finally:
        peer.stop()
