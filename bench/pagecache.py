"""Page-cache hits as `make run` serves them, and in the production topology, against nginx.

Run: .venv/bin/python bench/pagecache.py [--seconds 10] [--connections 32] [--rounds 3]
                                         [--topology make-run|production|both] [--redis-url URL]
Needs wrk and nginx (Debian: apt-get install wrk nginx-light). Builds a scratch demo site and
measures the newest article's page-cache hits:

- make-run: exactly what `make run` starts (`crosspost serve`: Granian with two workers, the task
  worker and its scheduler; SQLite; the page cache in files under var/);
- production: the web service of deploy/docker-compose.yml (`crosspost serve --no-worker`, workers
  and the scheduler elsewhere), CROSSPOST_ENV=production, the page cache and sessions on Redis,
  requests carrying the X-Forwarded-Proto header nginx adds;

each against nginx serving the same bytes from a file, wrk rounds alternating between the two,
median of the rounds. It also prints what one hit costs in Python (in-process, CPU time, with the
functions it spends it in) and the CPU time the worker and scheduler used during the rounds.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import sites  # noqa: E402

PROFILE = """
import cProfile, io, os, pstats, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspost.settings")
from crosspost.wsgi import application
path, host, proto = sys.argv[1], sys.argv[2], sys.argv[3]
def environ():
    e = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "HTTP_HOST": host, "SERVER_NAME": "127.0.0.1",
         "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "HTTP_ACCEPT": "*/*"}
    if proto:
        e["HTTP_X_FORWARDED_PROTO"] = proto
    return e
statuses = []
def start_response(status, headers, exc_info=None):
    statuses.append(status)
for _ in range(3):
    b"".join(application(environ(), start_response))
n = 20000
started = time.process_time()
for _ in range(n):
    application(environ(), start_response)
print(f"  one hit in Python (in-process, CPU): {(time.process_time() - started) / n * 1e6:.1f} us; status {statuses[-1]}")
profile = cProfile.Profile()
profile.enable()
for _ in range(n):
    application(environ(), start_response)
profile.disable()
out = io.StringIO()
pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(8)
print("  where it goes (cProfile, 20,000 hits, by own time):")
print("\\n".join("    " + line for line in out.getvalue().splitlines() if "/" in line or "ncalls" in line))
"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(name: str, env: dict, *, worker: bool, headers: dict, host: str, args, article: str,
            scratch: Path) -> tuple[float, float]:
    port = sites.free_port()
    server = sites.start_crosspost({**env, "PORT": str(port)}, port, worker=worker, headers=headers)
    nginx_dir = scratch / f"nginx-{name.split()[0]}"
    nginx = None
    try:
        url = f"http://127.0.0.1:{port}{article}"
        request = urllib.request.Request(url, headers=headers)
        page = urllib.request.urlopen(request).read()
        (nginx_dir / "html").mkdir(parents=True)
        (nginx_dir / "html" / "article.html").write_bytes(page)
        nginx_port = sites.free_port()
        nginx = sites.start_nginx(nginx_dir, nginx_port)
        static = f"http://127.0.0.1:{nginx_port}/article.html"
        sites.wrk(url, seconds=2, connections=args.connections, headers=headers)  # warm every worker
        background = [row[0] for row in sites.tree_memory(server.pid) if row[1] == "task worker and scheduler"]
        cpu_before = sum(cpu_seconds(pid) for pid in background)
        ours, theirs, errors = [], [], 0
        started = time.monotonic()
        for _ in range(args.rounds):
            rps, failed = sites.wrk(url, seconds=args.seconds, connections=args.connections, headers=headers)
            ours.append(rps)
            errors += failed
            rps, failed = sites.wrk(static, seconds=args.seconds, connections=args.connections)
            theirs.append(rps)
            errors += failed
        elapsed = time.monotonic() - started
        cpu_used = sum(cpu_seconds(pid) for pid in background) - cpu_before
        ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
        print(f"\n{name}: article page, wrk -t2 -c{args.connections} -d{args.seconds}s, {args.rounds} alternating "
              f"rounds, median (rounds in brackets)")
        print(f"  crosspost: {ours_median:,.0f} req/s ({' / '.join(f'{v:,.0f}' for v in ours)})")
        print(f"  nginx:     {theirs_median:,.0f} req/s ({' / '.join(f'{v:,.0f}' for v in theirs)})")
        print(f"  ratio: {ours_median / theirs_median:.3f}; errors: {errors}")
        if background:
            print(f"  task worker and scheduler used {cpu_used:.2f} s of CPU in {elapsed:.0f} s of rounds")
        profile = subprocess.run([sys.executable, "-c", PROFILE, article, host, headers.get("X-Forwarded-Proto", "")],
                                 env=env, capture_output=True, text=True)
        print(profile.stdout.rstrip() or profile.stderr[-2000:])
        return ours_median, theirs_median
    finally:
        if nginx:
            sites.stop_nginx(nginx)
        sites.stop(server)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--topology", choices=["make-run", "production", "both"], default="both")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
                        help="A Redis database the production topology may use (its keys are prefixed).")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install wrk nginx-light")
    scratch = Path(tempfile.mkdtemp(prefix="crosspost-bench-"))
    scratch.chmod(0o755)  # nginx workers run as an unprivileged user and must read the page
    try:
        env = sites.demo_site(scratch)
        article = sites.newest_article(env)
        render = subprocess.run([sys.executable, str(sites.ROOT / "bench" / "render.py"), article], env=env,
                                capture_output=True, text=True)
        print(render.stdout.strip() or render.stderr.strip()[-2000:])
        results = {}
        if args.topology in ("make-run", "both"):
            results["make run"] = measure("make run (crosspost serve: web, task worker, scheduler)", env, worker=True,
                                          headers={}, host="127.0.0.1", args=args, article=article, scratch=scratch)
        if args.topology in ("production", "both"):
            production = {**env, "CROSSPOST_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(50),
                          "ALLOWED_HOSTS": "127.0.0.1", "SITE_URL": "https://127.0.0.1", "REDIS_URL": args.redis_url,
                          "CROSSPOST_TRUSTED_PROXIES": "127.0.0.1/32"}
            # Production serves hashed static names from the manifest collectstatic writes.
            subprocess.run([sites.CROSSPOST, "collectstatic", "--noinput", "-v0"], env=production, check=True)
            results["production"] = measure(
                "production (crosspost serve --no-worker, Redis, behind nginx's X-Forwarded-Proto)", production,
                worker=False, headers={"X-Forwarded-Proto": "https"}, host="127.0.0.1", args=args, article=article,
                scratch=scratch)
        print("\n| Topology | Crosspost page-cache hits | nginx, same bytes from a file | ratio |")
        print("|---|---|---|---|")
        targets = {"make run": 0.25, "production": 0.5}
        for name, (ours, theirs) in results.items():
            print(f"| {name} | {ours:,.0f} req/s | {theirs:,.0f} req/s | **{ours / theirs:.2f}** "
                  f"(target >= {targets[name]}) |")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
