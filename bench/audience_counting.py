"""What counting views costs cached page hits: the site as `make run` serves it, counting on vs off.

Run: .venv/bin/python bench/audience_counting.py [--seconds 10] [--connections 32] [--rounds 3]
Needs wrk (Debian: apt-get install wrk). Builds a scratch demo site, then alternates servers
(`crosspost serve`: Granian with two workers, the task worker and the scheduler) started with
AUDIENCE_ENABLED=false and true, `--rounds` times each, and runs wrk against the newest article:

- pages only: GET the cached article page (with counting on the page also carries the beacon);
- views: with counting on, every page is followed by its beacon (POST /a/v, as beacon.js sends
  it), which is the real cost of counting a view; page views/s = requests/s ÷ 2.

It prints the median of each, the ratios (goal: counting costs cached page hits at most 5%), and
checks that the views counted (after the worker's flush) equal the beacons wrk sent.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crosspost.lib.localnet import free_port, wait_for  # noqa: E402

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:135.0) Gecko/20100101 Firefox/135.0"
VIEWS_LUA = """
local n = 0
local page = "%(page)s"
local body = "a=%(article)s&l=en&r=https%%3A%%2F%%2Fwww.google.com%%2F&c="
local headers = {["User-Agent"] = "%(ua)s", ["Content-Type"] = "application/x-www-form-urlencoded"}
request = function()
  n = n + 1
  if n %% 2 == 1 then return wrk.format("GET", page, {["User-Agent"] = "%(ua)s"}) end
  return wrk.format("POST", "/a/v", headers, body)
end
"""


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> tuple[float, int, int]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", f"User-Agent: {FIREFOX}"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return rps, total, errors


def cli(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crosspost.cli", *args], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True, **kwargs)


def serve(env: dict, port: int, counting: bool) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "crosspost.cli", "serve", "--port", str(port)],
                              env={**env, "AUDIENCE_ENABLED": "true" if counting else "false"}, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    return server


def stop(server: subprocess.Popen) -> None:
    time.sleep(7)  # every web process pushes its counts (COUNTERS_PUSH_SECONDS is 5) before it goes
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:  # a server that does not stop on SIGTERM (issue 20) is killed
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    scratch = Path(tempfile.mkdtemp(prefix="crosspost-audience-bench-"))
    env = {**os.environ, "CROSSPOST_VAR_DIR": str(scratch), "DATABASE_URL": f"sqlite:///{scratch}/db.sqlite3",
           "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "crosspost.settings"}
    env.pop("REDIS_URL", None)
    cli(env, "migrate", "-v0")
    cli(env, "demo")
    found = cli(env, "shell", "-c", "from newsroom.models import ArticlePage; "
                "a = ArticlePage.objects.live().order_by('-first_published_at').first(); print(a.pk, a.url)")
    article, path = found.stdout.strip().splitlines()[-1].split()
    script = scratch / "views.lua"
    script.write_text(VIEWS_LUA % {"page": path, "article": article, "ua": FIREFOX})
    before = json.loads(cli(env, "stats", "--days", "1", "--json", "--flush").stdout)["views"]

    results: dict[str, list[float]] = {"off": [], "on_pages": [], "on_views": []}
    beacons_sent = errors = 0
    port = free_port()
    try:
        for _ in range(args.rounds):
            for counting in (False, True):
                server = serve(env, port, counting)
                try:
                    url = f"http://127.0.0.1:{port}{path}"
                    wait_for(url, seconds=120)
                    wrk(url, 2, args.connections)  # warm every worker (and fill the page cache)
                    rps, _, errs = wrk(url, args.seconds, args.connections)
                    errors += errs
                    results["on_pages" if counting else "off"].append(rps)
                    if counting:
                        rps, total, errs = wrk(url, args.seconds, args.connections, script)
                        errors += errs
                        results["on_views"].append(rps / 2)
                        beacons_sent += total // 2
                finally:
                    stop(server)
    finally:
        counted = json.loads(cli(env, "stats", "--days", "1", "--json", "--flush").stdout)["views"] - before
        shutil.rmtree(scratch, ignore_errors=True)

    off, on_pages, on_views = (statistics.median(results[k]) for k in ("off", "on_pages", "on_views"))
    print(f"cached article page, {args.connections} connections, {args.seconds}s per run, "
          f"median of {args.rounds} alternating runs, crosspost serve as make run starts it")
    print(f"  counting off, pages:                      {off:,.0f} page views/s")
    print(f"  counting on, pages (beacon markup only):  {on_pages:,.0f} page views/s  "
          f"(cost {1 - on_pages / off:+.1%})")
    print(f"  counting on, page + its beacon per view:  {on_views:,.0f} page views/s  "
          f"(cost {1 - on_views / off:+.1%})")
    print(f"  errors: {errors}; beacons sent {beacons_sent:,}, views counted {counted:,} "
          f"(the warm-up's beacons are not in 'sent')")


if __name__ == "__main__":
    main()
