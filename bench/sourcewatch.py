"""Source watch over 10,000 reposts from 50 hosts, the originals served on loopback.

Run: .venv/bin/python bench/sourcewatch.py [--reposts 10000] [--hosts 50] [--due 1000] [--rounds 3]
     [--per-host-hour 30] [--database-url postgres://postgres@127.0.0.1:5432/cp_bench]

Builds a scratch database (SQLite in a temporary directory, or the PostgreSQL database given,
dropped and recreated), loads the demo and `--reposts` articles with `crosspost demo --articles`,
turns them all into reposts watched by source watch, their originals spread over `--hosts`
loopback addresses (127.0.0.2 …), each served by its own HTTP server that answers 304 to a
matching If-None-Match and changes one original in ten. Each round makes `--due` watches due and
runs one pass (`sources_check_due`), printing: checks per second, database queries per pass and
per due watch (the claim is O(reposts due): the figure must not grow with the archive), the most
requests any host received within the clock hour against the cap, and the process's peak RSS
after each round (memory stays flat when it does not grow round on round).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CROSSPOST = str(ROOT / ".venv" / "bin" / "crosspost")

MEASURE = r'''
import collections, datetime, json, resource, statistics, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import django
django.setup()
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from ingest.models import HostBudget, SourceChange, SourceWatch
from ingest.sourcewatch import published_html, sources_check_due
from newsroom.models import ArticlePage, Publication

hosts, due, rounds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
publication = Publication.objects.first() or Publication.objects.create(name="Bench Ledger", homepage="https://bench.example/")
ids = list(ArticlePage.objects.order_by("pk").values_list("pk", flat=True))
pages, requests_per_host = {}, collections.Counter()
port = 18700
now = timezone.now()
watches = []
for n, pk in enumerate(ids):
    host = f"127.0.0.{2 + n % hosts}"
    url = f"http://{host}:{port}/story/{pk}"
    watches.append(SourceWatch(article_id=pk, url=url, host=host, watch_until=now + datetime.timedelta(days=30),
                               next_check_at=now + datetime.timedelta(days=1)))
ArticlePage.objects.update(publication=publication)
for n, article in enumerate(ArticlePage.objects.order_by("pk").iterator(chunk_size=500)):
    body = published_html(article)
    if n % 10 == 0:  # one original in ten has been rewritten since we reposted it
        body = "<p>" + "The story was rewritten after new documents surfaced. " * 12 + "</p>"
    pages[f"/story/{article.pk}"] = (f"<html><head><title>{article.title}</title></head><body><article>"
                                     f"<h1>{article.title}</h1>{body}</article></body></html>").encode()
SourceWatch.objects.all().delete()  # the demo's own watch: every repost is watched the same way here
SourceWatch.objects.bulk_create(watches, batch_size=2000)
ArticlePage.objects.update(original_url=Subquery(SourceWatch.objects.filter(article_id=OuterRef("pk")).values("url")[:1]))
lock = threading.Lock()

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def do_GET(self):
        with lock:
            requests_per_host[self.server.server_address[0]] += 1
        body = pages.get(self.path.split("?")[0])
        if body is None:
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        etag = '"%x"' % (hash(body) & 0xffffffff)
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304); self.send_header("ETag", etag); self.send_header("Content-Length", "0")
            self.end_headers(); return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8"); self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)

servers = []
for n in range(hosts):
    server = ThreadingHTTPServer((f"127.0.0.{2 + n}", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    servers.append(server)

cap = __import__("django.conf", fromlist=["settings"]).settings.CROSSPOST_SOURCE_WATCH_PER_HOST_HOUR
results = []
for round_number in range(rounds):
    HostBudget.objects.all().delete()  # each round is its own clock hour
    requests_per_host.clear()
    start_at = timezone.now()
    chosen = list(SourceWatch.objects.order_by("?").values_list("pk", flat=True)[:due])
    SourceWatch.objects.filter(pk__in=chosen).update(next_check_at=start_at - datetime.timedelta(minutes=1))
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        checked = sources_check_due(now=start_at, limit=due)
        seconds = time.perf_counter() - started
    statuses = collections.Counter(r.status for r in checked)
    fetched = sum(requests_per_host.values())
    results.append({"round": round_number + 1, "due": due, "seconds": round(seconds, 2),
                    "checks_per_s": round(len(checked) / seconds, 1), "fetches": fetched,
                    "queries": len(queries.captured_queries),
                    "queries_per_due": round(len(queries.captured_queries) / due, 2),
                    "max_requests_one_host": max(requests_per_host.values(), default=0), "cap_per_host_hour": cap,
                    "statuses": dict(statuses), "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)})
    SourceWatch.objects.filter(next_check_at__lte=start_at).update(next_check_at=start_at + datetime.timedelta(days=1))
print(json.dumps({"reposts": len(ids), "hosts": hosts, "open_changes": SourceChange.objects.filter(status="open").count(),
                  "rounds": results}))
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reposts", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--per-host-hour", type=int, default=30)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="sourcewatch-bench-"))
    try:
        env = {**os.environ, "CROSSPOST_VAR_DIR": str(scratch), "DJANGO_SETTINGS_MODULE": "crosspost.settings",
               "CROSSPOST_INGEST_ALLOW_HOSTS": "127.0.0.0/8",
               "CROSSPOST_SOURCE_WATCH_PER_HOST_HOUR": str(args.per_host_hour)}
        env.pop("REDIS_URL", None)
        if args.database_url:
            base, _, name = args.database_url.rpartition("/")
            admin = f"{base}/postgres"
            subprocess.run(["psql", admin, "-qc", f"drop database if exists {name}"], check=True)
            subprocess.run(["psql", admin, "-qc", f"create database {name}"], check=True)
            env["DATABASE_URL"] = args.database_url
        else:
            env["DATABASE_URL"] = f"sqlite:///{scratch}/db.sqlite3"
        subprocess.run([CROSSPOST, "migrate", "-v0"], env=env, check=True)
        subprocess.run([CROSSPOST, "demo"], env=env, check=True, capture_output=True)
        subprocess.run([CROSSPOST, "demo", "--articles", str(args.reposts)], env=env, check=True, capture_output=True)
        subprocess.run([sys.executable, "-c", MEASURE, str(args.hosts), str(args.due), str(args.rounds)],
                       env=env, cwd=ROOT, check=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
