"""ActivityPub fan-out: one article to F followers on S servers, through the real task workers.

    .venv/bin/python bench/fanout.py [--followers 10000] [--servers 5000] [--workers 2]

A scratch SQLite database (migrated here) gets F remote followers of the site and of an author,
spread over S servers. Each server is its own host name on loopback (127.1.x.y — Linux routes all
of 127/8 to lo) with a shared inbox, so the fan-out is one delivery per server per activity. One
receiver process listens on every one of those addresses and checks each request's signature
itself (draft-cavage: rebuilds the signing string, checks Digest against the body and the RSA
signature with `cryptography`; written here, not our httpsig module). Then it publishes one
article and starts `crosspost worker --batch` processes, which deliver until the queue is empty.
Prints deliveries verified, bad signatures, deliveries/s, time to drain and each worker's peak
RSS (goal: >= 500 signed deliveries/s).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def server_host(n: int) -> str:
    return f"127.1.{n // 250}.{n % 250 + 1}"


def receive(port: int, keys: dict[str, str], good, bad) -> None:
    """Child process: verify every POST's HTTP Signature with the sender's public key."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    public = {key_id: serialization.load_pem_public_key(pem.encode()) for key_id, pem in keys.items()}

    def verified(handler, body: bytes) -> bool:
        fields = {}
        for part in handler.headers.get("Signature", "").split(","):
            name, _, value = part.strip().partition("=")
            fields[name] = value.strip('"')
        algorithm, _, digest = handler.headers.get("Digest", "").partition("=")
        if algorithm.lower() != "sha-256" or base64.b64decode(digest) != hashlib.sha256(body).digest():
            return False
        lines = []
        for name in fields.get("headers", "").split():
            if name == "(request-target)":
                lines.append(f"(request-target): post {handler.path}")
            else:
                lines.append(f"{name}: {handler.headers.get(name, '')}")
        key = public.get(fields.get("keyId", ""))
        try:
            key.verify(base64.b64decode(fields["signature"]), "\n".join(lines).encode(),  # type: ignore[union-attr]
                       padding.PKCS1v15(), hashes.SHA256())
        except Exception:
            return False
        return True

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            counter = good if verified(self, body) else bad
            with counter.get_lock():
                counter.value += 1
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    server.daemon_threads = True
    server.request_queue_size = 512
    server.serve_forever()


def environment(workdir: Path) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "crosspost.settings", "CROSSPOST_VAR_DIR": str(workdir / "var"),
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"),
            "SITE_URL": "https://news.example.org", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
            "CROSSPOST_INGEST_ALLOW_HOSTS": "127.0.0.0/8", "FEDERATION_DELIVERY_RATE": "0"}


def seed(followers: int, servers: int, port: int):
    from django.utils import timezone

    from federation.models import Follower, RemoteActor
    from federation.services import actor_for_author, actor_for_site
    from newsroom.services import author_get_or_create

    site = actor_for_site()
    ada = actor_for_author(author_get_or_create(name="Ada Reporter"))
    now = timezone.now()
    remotes = RemoteActor.objects.bulk_create(
        RemoteActor(uri=f"http://{server_host(n % servers)}:{port}/users/u{n}",
                    key_id=f"http://{server_host(n % servers)}:{port}/users/u{n}#main-key", public_key_pem="-",
                    inbox=f"http://{server_host(n % servers)}:{port}/users/u{n}/inbox",
                    shared_inbox=f"http://{server_host(n % servers)}:{port}/inbox", username=f"u{n}",
                    domain=server_host(n % servers), fetched_at=now)
        for n in range(followers))
    Follower.objects.bulk_create(Follower(actor=site if n % 2 else ada, remote=remote)
                                 for n, remote in enumerate(remotes))
    from federation import documents

    return {documents.key_id(actor): actor.public_key_pem for actor in (site, ada)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", type=int, default=10000)
    parser.add_argument("--servers", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    from crosspost.lib.localnet import free_port

    workdir = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
    env = environment(workdir)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    port = free_port()
    keys = seed(args.followers, args.servers, port)
    good, bad = multiprocessing.Value("i", 0), multiprocessing.Value("i", 0)
    receiver = multiprocessing.Process(target=receive, args=(port, keys, good, bad), daemon=True)
    receiver.start()
    time.sleep(0.5)

    from unittest import mock

    from wagtail.rich_text import RichText

    from federation.models import Delivery
    from newsroom.models import ArticlePage
    from newsroom.services import section_folder, unique_child_slug

    folder = section_folder("articles")
    title = "Floods in the delta: a headline of ordinary newsroom length"
    article = ArticlePage(title=title, slug=unique_child_slug(folder, title), dek="A dek.",
                          body=[("paragraph", RichText("<p>Body of the story.</p>" * 20))])
    folder.add_child(instance=article)
    from newsroom.models import ArticleAuthor
    from newsroom.services import author_get_or_create

    ArticleAuthor.objects.create(page=article, author=author_get_or_create(name="Ada Reporter"))
    start = time.perf_counter()
    with mock.patch("federation.delivery.deliveries_kick"):  # the workers below do the sending
        article.save_revision().publish()
    queued = Delivery.objects.count()
    publish_s = time.perf_counter() - start
    command = [sys.executable, str(ROOT / "manage.py"), "worker", "--batch"]
    from federation.tasks import deliver_pending

    for _ in range(args.workers * 4):  # enough task runs to drain (each sends for up to a minute)
        deliver_pending.enqueue()
    workers = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL) for _ in range(args.workers)]
    sent = time.perf_counter()
    while good.value + bad.value == 0 and time.perf_counter() - sent < 120:
        time.sleep(0.005)
    first = time.perf_counter()  # the workers have booted and claimed their first batch
    while good.value + bad.value < queued and time.perf_counter() - sent < 600:
        time.sleep(0.05)
    drain = time.perf_counter() - first
    for worker in workers:
        worker.wait(timeout=120)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    receiver.terminate()
    print(f"{args.followers} followers on {args.servers} servers: {queued} deliveries queued by the publish "
          f"in {publish_s:.2f} s")
    print(f"workers started in {first - sent:.1f} s; verified {good.value}, bad signatures {bad.value}, "
          f"drained in {drain:.1f} s after the first delivery: "
          f"{good.value / drain:.0f} signed deliveries/s with {args.workers} workers (goal >= 500)")
    print(f"peak worker RSS {peak:.0f} MiB; done rows {Delivery.objects.filter(status='done').count()}")


if __name__ == "__main__":
    main()
