"""Digest sending next to the raw pipe measured in the same run, then a send killed with SIGKILL.

    .venv/bin/python bench/newsletter_send.py [--subscribers 20000] [--workers 2] [--server aiosmtpd]

The receiver is Postfix's smtp-sink when installed (Debian: apt-get install postfix), else an
aiosmtpd server in its own process (`--server` chooses). On a free loopback port:
1. raw pipe: two plain smtplib processes push identical pre-rendered 6 KB messages, one
   connection each, as fast as they can;
2. Crosspost: a scratch SQLite database (migrated here) with N confirmed subscribers and a digest
   of five selected articles; times `digest_send(workers=2)` end to end (claims, rendering,
   personalisation, SMTP, one delivery record per accepted message);
3. SIGKILL: `crosspost newsletter send` for a second digest, in its own process group, against an
   aiosmtpd server that logs every message's Message-ID; killed with SIGKILL halfway, then run
   again to the end. Counts readers who got nothing (lost) and copies received twice (duplicated).
Prints messages/s for both, the ratio (goal >= 0.5), the peak RSS of the sending processes, and
lost / duplicated after the kill (goal: 0 lost, at most one per worker duplicated).
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import multiprocessing
import os
import resource
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from crosspost.lib.localnet import free_port

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def smtp_sink_binary() -> str | None:
    binary = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
    return binary if os.path.exists(binary) else None


def serve_aiosmtpd(port: int, log_path: str) -> None:
    """Child mode: an aiosmtpd server that appends "<Message-ID> <recipient>" per message."""
    import email.parser

    from aiosmtpd.controller import Controller

    log = open(log_path, "a", buffering=1)
    headers = email.parser.BytesHeaderParser()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            message_id = headers.parsebytes(envelope.content).get("Message-ID", "-")
            for rcpt in envelope.rcpt_tos:
                log.write(f"{message_id} {rcpt}\n")
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


def start_aiosmtpd(workdir: Path, name: str) -> tuple[subprocess.Popen, int, Path]:
    log = workdir / f"{name}.log"
    log.touch()
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve-smtp", str(port), str(log)])
    wait_port(port)
    return server, port, log


def wait_port(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"no SMTP server on port {port}")


def start_sink(workdir: Path) -> tuple[subprocess.Popen, int, Path]:
    binary = smtp_sink_binary()
    if binary is None:
        sys.exit("smtp-sink not found: apt-get install postfix, or --server aiosmtpd")
    dump = workdir / "sink"
    dump.mkdir()
    os.chmod(workdir, 0o755)
    os.chmod(dump, 0o777)  # smtp-sink drops privileges to nobody
    port = free_port()
    args = [binary, "-c", "-d", f"{dump}/%M.", f"127.0.0.1:{port}", "1000"]
    if os.geteuid() == 0:
        args[1:1] = ["-u", "nobody"]
    sink = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(workdir / "sink.log", "w"))
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return sink, port, dump
        except OSError:
            time.sleep(0.05)
    sys.exit("smtp-sink did not start")


def received(dump: Path) -> int:
    if dump.is_file():  # aiosmtpd's log, a line per message
        with open(dump, "rb") as log:
            return sum(1 for _ in log)
    with os.scandir(dump) as entries:  # streamed: a list of 200,000 names would skew the RSS figures
        return sum(1 for _ in entries)


def raw_message() -> bytes:
    body = ("All the news that fits, line after line of the digest. " * 2 + "\r\n") * 52
    head = (
        "From: Crosspost <newsroom@localhost>\r\nTo: reader@example.org\r\nSubject: Raw pipe\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    )
    return (head + body).encode()[:6144]


def raw_sender(port: int, count: int, offset: int) -> None:
    message = raw_message()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for n in range(count):
            smtp.sendmail("newsroom@localhost", [f"r{offset + n}@example.org"], message)


def raw_pipe(port: int, total: int) -> float:
    per_process = total // 2
    processes = [multiprocessing.Process(target=raw_sender, args=(port, per_process, i * per_process)) for i in range(2)]
    start = time.perf_counter()
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return per_process * 2 / (time.perf_counter() - start)


class PeakRSS:
    """Samples VmHWM (peak resident memory) of this process's children while they run."""

    def __init__(self, exclude: set[int]) -> None:
        self.exclude = exclude
        self.peaks: dict[int, int] = {}
        self.first: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        pid = os.getpid()
        while not self._stop.is_set():
            try:
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                return
            for child in children:
                if int(child) in self.exclude:
                    continue
                try:
                    status = Path(f"/proc/{child}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peaks[int(child)] = int(line.split()[1]) // 1024
                    if line.startswith("VmRSS:"):
                        self.first.setdefault(int(child), int(line.split()[1]) // 1024)
            time.sleep(0.05)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def setup_django(workdir: Path, port: int) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="crosspost.settings",
        CROSSPOST_VAR_DIR=str(workdir / "var"),
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        SITE_URL="https://news.example.org",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def seed(subscribers: int):
    from django.utils import timezone
    from wagtail.rich_text import RichText

    from newsletter import services
    from newsletter.models import Subscriber, Subscription
    from newsroom.models import ArticlePage
    from newsroom.services import section_folder, unique_child_slug

    folder = section_folder("articles")
    for n in range(5):
        title = f"Bench article {n}: a headline of ordinary newsroom length"
        article = ArticlePage(
            title=title,
            slug=unique_child_slug(folder, title),
            dek="A dek of a sentence or two, as editors write them, summing up the story for the reader. " * 2,
            body=[("paragraph", RichText("<p>Body.</p>"))],
        )
        folder.add_child(instance=article)
        article.save_revision().publish()
        services.selection_add(article=article)
    chunk = 5000
    daily = services.newsletter_default()
    for start in range(0, subscribers, chunk):
        readers = Subscriber.objects.bulk_create(
            Subscriber(email=f"r{n}@example.org", email_key=f"r{n}@example.org", status="confirmed",
                       language="fr" if n % 10 == 0 else "en")
            for n in range(start, min(start + chunk, subscribers))
        )
        Subscription.objects.bulk_create(Subscription(subscriber=r, newsletter=daily, confirmed_at=timezone.now())
                                         for r in readers)
    return services.digest_build(date=timezone.localdate())


def send_env(workdir: Path, port: int) -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "crosspost.settings", "CROSSPOST_VAR_DIR": str(workdir / "var"),
            "DATABASE_URL": os.environ["DATABASE_URL"], "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port),
            "SITE_URL": "https://news.example.org", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}


def killed_send(workdir: Path, subscribers: int, workers: int) -> dict:
    """Phase 3: SIGKILL a real send halfway, resume it, and count what each reader received."""
    from newsletter import services
    from newsroom.models import ArticlePage

    services.selection_add(article=ArticlePage.objects.live().first())  # a fresh selection for a new digest
    date = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    server, port, log = start_aiosmtpd(workdir, "kill")
    command = [sys.executable, str(ROOT / "manage.py"), "newsletter", "send", "--date", date, "--json",
               "--workers", str(workers)]
    try:
        sender = subprocess.Popen(command, env=send_env(workdir, port), start_new_session=True,
                                  stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 300
        while received(log) < subscribers // 2 and time.monotonic() < deadline and sender.poll() is None:
            time.sleep(0.005)
        os.killpg(sender.pid, signal.SIGKILL)
        sender.wait()
        time.sleep(0.5)  # the server finishes what was handed over before the kill
        at_kill = received(log)
        start = time.perf_counter()
        resumed = subprocess.run(command, env=send_env(workdir, port), capture_output=True, text=True, check=True)
        resume_seconds = time.perf_counter() - start
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait()
    marker = f"digest-{date.replace('-', '')}-"
    copies = collections.Counter(line.split()[1] for line in open(log) if marker in line)
    return {"at_kill": at_kill, "resumed": json.loads(resumed.stdout), "resume_seconds": resume_seconds,
            "readers": len(copies), "lost": subscribers - len(copies),
            "duplicated": sum(n - 1 for n in copies.values()), "received": sum(copies.values())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--raw", type=int, default=20_000, help="messages for the raw pipe")
    parser.add_argument("--server", choices=["smtp-sink", "aiosmtpd"],
                        default="smtp-sink" if smtp_sink_binary() else "aiosmtpd")
    parser.add_argument("--no-kill", action="store_true", help="skip the SIGKILL phase")
    parser.add_argument("--seed-into", help=argparse.SUPPRESS)
    parser.add_argument("--serve-smtp", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_smtp:  # child mode: the logging SMTP server
        serve_aiosmtpd(int(args.serve_smtp[0]), args.serve_smtp[1])
        return
    if args.seed_into:  # child mode: migrate and fill the scratch database, then exit
        setup_django(Path(args.seed_into), 0)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        seed(args.subscribers)
        return
    workdir = Path(tempfile.mkdtemp(prefix="bench-newsletter-"))
    if args.server == "smtp-sink":
        sink, port, dump = start_sink(workdir)
    else:
        sink, port, dump = start_aiosmtpd(workdir, "throughput")
    try:
        # Seeding runs in its own process so the sender's memory shows only what sending costs.
        subprocess.run([sys.executable, __file__, "--seed-into", str(workdir), "--subscribers",
                        str(args.subscribers)], check=True)
        raw_pipe(port, 2000)  # warm-up
        raw_before = raw_pipe(port, args.raw)
        setup_django(workdir, port)
        from newsletter import rendering
        from newsletter.models import Digest
        from newsletter.services import digest_send

        digest = Digest.objects.get()
        size = len(rendering.digest_prepare(articles=rendering.digest_articles(digest), date=digest.date,
                                            language="en").raw)
        time.sleep(0.5)
        before = received(dump)
        rss_before_send = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with PeakRSS(exclude={sink.pid}) as workers_rss:
            start = time.perf_counter()
            result = digest_send(digest=digest, workers=args.workers)
            elapsed = time.perf_counter() - start
        time.sleep(0.5)
        got = received(dump) - before
        raw_after = raw_pipe(port, args.raw)
        raw_rate = (raw_before + raw_after) / 2
        ours = result["sent"] / elapsed
        parent_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"server:     {args.server} on loopback")
        print(f"raw pipe:   {raw_rate:8.0f} msg/s  (before {raw_before:.0f}, after {raw_after:.0f}; "
              f"{args.raw} messages of 6 KB, 2 smtplib processes)")
        print(f"crosspost:  {ours:8.0f} msg/s  ({result['sent']} digests of {size / 1024:.1f} KB to "
              f"{args.subscribers} subscribers, {args.workers} workers, {elapsed:.1f} s; "
              f"failed {result['failed']}; server received {got})")
        print(f"ratio:      {ours / raw_rate:8.2f}  (goal >= 0.5)")
        peaks = ", ".join(
            f"{workers_rss.first[pid]} -> {mib} MiB" for pid, mib in workers_rss.peaks.items()
        ) or "not measured"
        print(f"peak RSS:   sending process {rss_before_send:.0f} MiB before the send, {parent_rss:.0f} MiB after; "
              f"send workers (first seen -> peak) {peaks}")
        if not args.no_kill:
            killed = killed_send(workdir, args.subscribers, args.workers)
            print(f"SIGKILL:    killed after {killed['at_kill']} of {args.subscribers} accepted; the re-run sent "
                  f"{killed['resumed']['sent']} in {killed['resume_seconds']:.1f} s "
                  f"(reclaimed {killed['resumed']['reclaimed']})")
            print(f"            lost {killed['lost']}, duplicated {killed['duplicated']} "
                  f"(goal: 0 lost, at most {args.workers} duplicated: one per connection in flight)")
    finally:
        sink.terminate()
        sink.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
