"""WebSub: one article published to N verified subscribers of the site feed; time until all have it.

    .venv/bin/python bench/websub_push.py [--subscribers 1000] [--rounds 3]

A scratch SQLite database (migrated here) holds N subscriptions of `/feed/rss/`, each with its own
secret and a callback on one loopback receiver (a separate process, a threaded HTTP server) that
checks every `X-Hub-Signature` against that subscriber's secret and counts good and bad pushes.
Each round publishes one article: the publish pipeline queues one push per subscriber and the
push task (`websub_push_pending`, run by the immediate task backend right after the commit, as a
worker would) renders the feed once and POSTs it to everyone. Prints, per round, the seconds from
publish to the last push received (goal: 1,000 in under 10 s) and pushes/s; then the median.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import hmac
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def secret_of(n: int) -> str:
    return f"bench-secret-{n}"


def receive(port: int, good, bad) -> None:
    """Child process: accept pushes on /cb/<n>, verify each signature with subscriber n's secret."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            n = int(self.path.rsplit("/", 1)[1])
            expected = "sha256=" + hmac.new(secret_of(n).encode(), body, hashlib.sha256).hexdigest()
            counter = good if hmac.compare_digest(expected, self.headers.get("X-Hub-Signature", "")) else bad
            with counter.get_lock():
                counter.value += 1
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.request_queue_size = 256
    server.serve_forever()


def setup_django(workdir: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="crosspost.settings", CROSSPOST_VAR_DIR=str(workdir / "var"),
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"),
        SITE_URL="https://news.example.org", LOG_LEVEL="WARNING", CROSSPOST_INGEST_ALLOW_HOSTS="127.0.0.1",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend", WEBSUB_HUB_URL="",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def publish(title: str):
    from wagtail.rich_text import RichText

    from newsroom.models import ArticlePage
    from newsroom.services import section_folder, unique_child_slug

    folder = section_folder("articles")
    article = ArticlePage(title=title, slug=unique_child_slug(folder, title), dek="A dek of ordinary length.",
                          body=[("paragraph", RichText("<p>Body of the story.</p>"))])
    folder.add_child(instance=article)
    article.save_revision().publish()
    return article


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from crosspost.lib.localnet import free_port

    workdir = Path(tempfile.mkdtemp(prefix="bench-websub-"))
    setup_django(workdir)
    from django.utils import timezone

    from federation.models import WebSubSubscription
    from federation.websub import feed_topics
    from newsroom.models import HomePage

    publish("A first story, so the feed exists")
    port = free_port()
    good, bad = multiprocessing.Value("i", 0), multiprocessing.Value("i", 0)
    receiver = multiprocessing.Process(target=receive, args=(port, good, bad), daemon=True)
    receiver.start()
    time.sleep(0.3)
    topic = next(t for t in feed_topics(HomePage.objects.live().first()) if t.endswith("/feed/rss/"))
    lease = timezone.now() + datetime.timedelta(days=10)
    WebSubSubscription.objects.bulk_create(
        WebSubSubscription(topic=topic, callback=f"http://127.0.0.1:{port}/cb/{n}", secret=secret_of(n),
                           lease_expires_at=lease) for n in range(args.subscribers))
    times = []
    try:
        for round_no in range(args.rounds):
            before = good.value
            start = time.perf_counter()
            publish(f"Round {round_no}: a headline of ordinary newsroom length")
            while good.value - before < args.subscribers and time.perf_counter() - start < 120:
                time.sleep(0.01)
            elapsed = time.perf_counter() - start
            got = good.value - before
            times.append(elapsed)
            print(f"round {round_no + 1}: {got}/{args.subscribers} signed pushes verified in {elapsed:.2f} s "
                  f"({got / elapsed:.0f}/s), bad signatures so far {bad.value}")
    finally:
        receiver.terminate()
    print(f"median: {statistics.median(times):.2f} s for {args.subscribers} subscribers (goal < 10 s)")


if __name__ == "__main__":
    main()
