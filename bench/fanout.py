"""ActivityPub fan-out: one article to F followers on S servers, through the real task workers.

    .venv/bin/python bench/fanout.py [--followers 10000] [--servers 5000] [--workers 2] [--page-seconds 10]

A scratch SQLite database (migrated here) gets F remote followers of the site and of an author,
spread over S servers. Each server is its own host name on loopback (127.1.x.y — Linux routes all
of 127/8 to lo) with a shared inbox, so the fan-out is one delivery per server per activity. One
receiver process listens on every one of those addresses and checks each request's signature
itself (draft-cavage: rebuilds the signing string, checks Digest against the body and the RSA
signature with `cryptography`; written here, not our httpsig module). Then it publishes one
article and starts `crosspost worker --batch` processes, which deliver until the queue is empty.
Prints deliveries verified, bad signatures, deliveries/s, time to drain and the workers' peak
RSS (goal: >= 500 signed deliveries/s; with the page load on, also the rate once it is over).
The receiver runs at nice 10 (`--receiver-nice`): it stands for other machines, so it should not
take CPU from the site it is measuring.

Side by side, the site's own page throughput: `crosspost serve --no-worker` runs on the same
database, and wrk (Debian: apt-get install wrk) loads the home page, the article and a search
for `--page-seconds` while the site is idle, again as soon as the workers start delivering, and
once more idle after the fan-out; it prints the busy figure against the mean of the idle ones
(goal: >= 0.8). `--page-seconds 0` leaves the site out. The site, the workers, the receiver and
wrk share this process's session, as `make run`'s processes share one: Linux's autogroup
scheduling (/proc/sys/kernel/sched_autogroup_enabled) splits the CPU evenly between sessions
before niceness counts, so a site started in a session of its own got one core of two whatever
the workers' nice, and its pages measured 0.4x idle. A
delivery that fails (the receiver dropping a connection under load) is retried minutes later by
design, so the bench stops waiting once the workers have exited.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import multiprocessing
import os
import re
import shutil
import signal
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


def receive(port: int, keys: dict[str, str], good, bad, nice: int) -> None:
    """Child process: verify every POST's HTTP Signature with the sender's public key."""
    os.nice(nice)
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

    class Server(ThreadingHTTPServer):
        # A class attribute, read when the socket starts listening: set on the instance after
        # construction it came too late, and the default backlog of 5 overflowed under the
        # fan-out's connection rate (each dropped SYN is retried a second later by the kernel).
        request_queue_size = 4096
        daemon_threads = True

    Server(("0.0.0.0", port), Handler).serve_forever()


def page_load(base: str, paths: list[str], seconds: int, workdir: Path) -> float:
    """Requests/s wrk gets from the site over `paths` for `seconds` (16 connections, 2 threads)."""
    script = workdir / "pages.lua"
    listed = ", ".join(f'"{p}"' for p in paths)
    script.write_text(f"local paths = {{{listed}}}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n"
                      '  return wrk.format("GET", paths[i])\nend\n')
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
                          "-H", "Host: news.example.org", base], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"the site answered {errors.group(1)} errors under load:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def reaped(worker: subprocess.Popen, peaks: list[float]) -> bool:
    """Whether a worker has exited; if it just did, its own peak RSS goes into peaks.

    wait4 gives the rusage of that one child: RUSAGE_CHILDREN would fold in the site's web
    processes and wrk, and report their peak as the workers'.
    """
    if worker.returncode is not None:
        return True
    pid, status, usage = os.wait4(worker.pid, os.WNOHANG)
    if pid == 0:
        return False
    worker.returncode = os.waitstatus_to_exitcode(status)
    peaks.append(usage.ru_maxrss / 1024)
    return True


def site_start(env: dict[str, str], port: int, paths: list[str]) -> subprocess.Popen:
    import urllib.request

    server = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "serve", "--port", str(port), "--no-worker"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              # Its own process group (for killpg) but the bench's session, as `make
                              # run`'s children share one: with the kernel's autogroup scheduling on
                              # (the default), each session gets an equal share of the CPU whatever
                              # the niceness inside it, so a site in a session of its own would get
                              # one core of two and the workers' nice 10 would count for nothing.
                              process_group=0)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            for path in paths:  # warm: the first request to each page fills the page cache
                urllib.request.urlopen(urllib.request.Request(base + path, headers={"Host": "news.example.org"}),
                                       timeout=5).read()
            return server
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the site did not start")


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
    parser.add_argument("--page-seconds", type=int, default=10,
                        help="Seconds of page load (idle, then during the fan-out); 0: no page load.")
    parser.add_argument("--receiver-nice", type=int, default=10,
                        help="Niceness of the process standing in for the remote servers (10: they are other "
                             "machines in life, so they take CPU only when the site leaves it)")
    parser.add_argument("--worker-nice", type=int, default=10,
                        help="Niceness of the delivery workers (10: as `make run` starts its task worker).")
    args = parser.parse_args()
    if args.page_seconds and not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (or pass --page-seconds 0)")
    from crosspost.lib.localnet import free_port

    workdir = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
    env = environment(workdir)
    env["ALLOWED_HOSTS"] = "news.example.org,127.0.0.1"
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    port = free_port()
    keys = seed(args.followers, args.servers, port)
    good, bad = multiprocessing.Value("i", 0), multiprocessing.Value("i", 0)
    receiver = multiprocessing.Process(target=receive, args=(port, keys, good, bad, args.receiver_nice), daemon=True)
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
    site, idle_rps, busy_rps, busy_window = None, 0.0, 0.0, (0, 0)
    if args.page_seconds:
        paths = ["/", article.url, "/search/?q=floods"]
        site_port = free_port()
        site = site_start(env, site_port, paths)
        idle_rps = page_load(f"http://127.0.0.1:{site_port}", paths, args.page_seconds, workdir)
    command = [sys.executable, str(ROOT / "manage.py"), "worker", "--batch"]
    from federation.tasks import deliver_pending

    for _ in range(args.workers * 4):  # enough task runs to drain (each sends for up to a minute)
        deliver_pending.enqueue()
    workers = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                preexec_fn=lambda: os.nice(args.worker_nice)) for _ in range(args.workers)]
    sent = time.perf_counter()
    peaks: list[float] = []
    while good.value + bad.value == 0 and time.perf_counter() - sent < 120:
        time.sleep(0.005)
    first = time.perf_counter()  # the workers have booted and claimed their first batch
    if site is not None:
        before = good.value
        busy_rps = page_load(f"http://127.0.0.1:{site_port}", paths, args.page_seconds, workdir)
        busy_window = (good.value - before, queued)
    quiet_from, quiet_done = time.perf_counter(), good.value  # the page load is over: workers have the CPU
    while good.value + bad.value < queued and time.perf_counter() - sent < 600:
        if all([reaped(worker, peaks) for worker in workers]):
            break  # what is left failed once and waits for its retry, minutes away
        time.sleep(0.05)
    drain = time.perf_counter() - first
    quiet_rate = (good.value - quiet_done) / max(time.perf_counter() - quiet_from, 1e-9)
    if site is not None:  # idle again: the mean of before and after evens out a busy machine's drift
        idle_rps = (idle_rps + page_load(f"http://127.0.0.1:{site_port}", paths, args.page_seconds, workdir)) / 2
    deadline = time.perf_counter() + 120
    while not all([reaped(worker, peaks) for worker in workers]) and time.perf_counter() < deadline:
        time.sleep(0.05)
    peak = max(peaks, default=0.0)
    receiver.terminate()
    if site is not None:
        os.killpg(site.pid, signal.SIGTERM)
        site.wait(timeout=20)
    print(f"{args.followers} followers on {args.servers} servers: {queued} deliveries queued by the publish "
          f"in {publish_s:.2f} s")
    print(f"workers started in {first - sent:.1f} s; verified {good.value}, bad signatures {bad.value}, "
          f"drained in {drain:.1f} s after the first delivery: "
          f"{good.value / drain:.0f} signed deliveries/s with {args.workers} workers at nice {args.worker_nice} "
          f"(goal >= 500)")
    print(f"peak worker RSS {peak:.0f} MiB; done rows {Delivery.objects.filter(status='done').count()}, "
          f"waiting for a retry {Delivery.objects.filter(status='pending').count()}")
    if site is not None:
        print(f"after the page load, with the CPU to themselves: {quiet_rate:.0f} signed deliveries/s "
              f"(goal >= 500; the figure above counts the {args.page_seconds} s the workers yielded to the pages)")
        print(f"site pages (home, article, search; wrk 16 connections, {args.page_seconds} s each): idle (before/after) "
              f"{idle_rps:.0f} req/s, during the fan-out {busy_rps:.0f} req/s ({busy_window[0]} of "
              f"{busy_window[1]} deliveries made meanwhile): {busy_rps / idle_rps:.2f}x idle (goal >= 0.8)")


if __name__ == "__main__":
    main()
