"""A republished copy's pixel counted by a real web process reaches the database through a separate
scheduler and worker, as `make run` runs them: the count does not stay in the process that took it."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings
from django.test import override_settings

from audience.tests.test_processes import ROOT, article, environment, shared_database, web_process
from crosspost.lib.counters import FileStore, store
from crosspost.lib.localnet import free_port, wait_for
from engagement.republish import pixel_token

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]
__all__ = ["article", "shared_database"]  # fixtures this module uses by name


def load_pixel(port: int, token: str, referer: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/r/{token}.gif", headers={"Referer": referer})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_a_pixel_counted_in_a_web_process_is_written_by_the_worker(article, shared_database, tmp_path):
    database_url, query = shared_database
    env = environment(database_url, tmp_path / "var")
    with override_settings(SECRET_KEY=env["SECRET_KEY"]):  # signed as the web process will check it
        token = pixel_token(article.pk)
    port = free_port()
    server = web_process(env, port)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", seconds=120)
        statuses = [load_pixel(port, token, "https://partner.example.org/news/harbour") for _ in range(3)]
        statuses.append(load_pixel(port, token, "https://other.example.net/story?p=7"))
        assert set(statuses) == {200}
        # The process hands its counts to the shared store within a push interval (1 s here).
        shared = store() if settings.COUNTERS_REDIS_URL else FileStore(tmp_path / "var" / "counters")
        deadline = time.monotonic() + 30
        while not shared.batch_names() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert shared.batch_names(), "the web process pushed its counts"
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert query("SELECT count(*) FROM engagement_republication") == [(0,)], "nothing written by the web process"

    command = [sys.executable, "-m", "crosspost.cli"]
    subprocess.run([*command, "scheduler", "--once"], env=env, cwd=ROOT, check=True, timeout=120)
    subprocess.run([*command, "worker", "--batch"], env=env, cwd=ROOT, check=True, timeout=120,
                   capture_output=True)

    rows = set(query(f"SELECT domain, page_url, views FROM engagement_republication WHERE article_id = {article.pk}"))
    assert rows == {("partner.example.org", "https://partner.example.org/news/harbour", 3),
                    ("other.example.net", "https://other.example.net/story?p=7", 1)}
    assert shared.batch_names() == [], "each batch written once, then dropped"
