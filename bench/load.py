"""Sustained load on the site as `make run` serves it: no 5xx, and memory that stays flat.

Run: .venv/bin/python bench/load.py [--seconds 120] [--connections 64]
Needs wrk (Debian: apt-get install wrk). Builds a scratch site with the demo content, starts
`crosspost serve`, and runs wrk rotating over home, an article, search and a feed (search is
never cached, so part of the load always reaches Django). Every 5 s it samples the resident
memory of each server process; it prints requests/s, responses by status class, and each
process's memory at the start, middle and end.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.sites import MemoryCgroup, free_port, print_cgroup_memory, print_tree_memory, tree_memory, wait_for  # noqa: E402

# Each wrk thread counts responses by status class; done() adds the threads' counts up.
LUA = """
local paths = {%s}
local threads = {}
local i = 0
classes = {0, 0, 0, 0, 0}

setup = function(thread)
  table.insert(threads, thread)
end

request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end

response = function(status, headers, body)
  local class = math.floor(status / 100)
  classes[class] = (classes[class] or 0) + 1
end

done = function(summary, latency, requests)
  local totals = {0, 0, 0, 0, 0}
  for _, thread in ipairs(threads) do
    local counts = thread:get("classes")
    for class = 1, 5 do totals[class] = totals[class] + (counts[class] or 0) end
  end
  local e = summary.errors
  io.write(string.format("classes: %%d %%d %%d %%d %%d\\n", totals[1], totals[2], totals[3], totals[4], totals[5]))
  io.write(string.format("socket-errors: %%d %%d %%d %%d\\n", e.connect, e.read, e.write, e.timeout))
end
"""


def tree_pids(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout.split()
    pids = [pid]
    for child in map(int, out):
        pids += tree_pids(child)
    return pids


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--check", action="store_true",
                        help="Exit 1 on any 4xx or 5xx, any socket error or a process growing by more than 50 MiB "
                             "over the second half.")
    parser.add_argument("--as-make-run", action="store_true",
                        help="Serve as `make run` does (with the task worker and its scheduler), not the web alone.")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    scratch = Path(tempfile.mkdtemp(prefix="crosspost-load-"))
    env = {**os.environ, "CROSSPOST_VAR_DIR": str(scratch), "DATABASE_URL": f"sqlite:///{scratch}/db.sqlite3",
           "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)
    crosspost = str(ROOT / ".venv" / "bin" / "crosspost")
    subprocess.run([crosspost, "migrate", "-v0"], env=env, check=True)
    subprocess.run([crosspost, "demo"], env=env, check=True, capture_output=True)
    article = subprocess.run([crosspost, "shell", "-c", "from newsroom.models import ArticlePage; "
                              "print(ArticlePage.objects.live().order_by('-first_published_at').first().url)"],
                             env=env, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    paths = ["/", article, "/search/?q=water", "/feed/rss/", "/search/?q=election&page=1", "/fr/"]
    port = free_port()
    cgroup = MemoryCgroup.create("crosspost-load")
    server = subprocess.Popen([crosspost, "serve", "--port", str(port), *([] if args.as_make_run else ["--no-worker"])], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                              preexec_fn=cgroup.enter if cgroup else None)
    samples: list[dict[int, int]] = []
    stop = threading.Event()
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz")
        for path in paths:
            urllib.request.urlopen(base + path).read()
        script = scratch / "rotate.lua"
        script.write_text(LUA % ", ".join(f'"{p}"' for p in paths))

        def sample() -> None:
            while not stop.is_set():
                samples.append({pid: rss_kib(pid) for pid in tree_pids(server.pid)})
                stop.wait(5)

        names = {pid: label for pid, label, _, _ in tree_memory(server.pid)}
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "10s",
                              "-s", str(script), base], capture_output=True, text=True, check=True).stdout
        stop.set()
        sampler.join()
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        total = int(re.search(r"(\d+) requests in", out).group(1))
        classes = [int(n) for n in re.search(r"classes: ([\d ]+)", out).group(1).split()]
        socket_errors = [int(n) for n in re.search(r"socket-errors: ([\d ]+)", out).group(1).split()]
        print(f"{args.seconds}s at {args.connections} connections over {len(paths)} URLs "
              f"(home, article, search x2, feed, French home)")
        print(f"  {total:,} requests, {rps:,.0f} req/s")
        print("  responses: " + ", ".join(f"{n + 1}xx {count:,}" for n, count in enumerate(classes) if count))
        print(f"  5xx: {classes[4]}; 4xx: {classes[3]}; socket errors (connect/read/write/timeout): "
              + "/".join(map(str, socket_errors)))
        print(f"  resident memory per server process (MiB), {len(samples)} samples 5 s apart:")
        print("    start / middle / end   (growth over the run; over the second half)")
        first, middle, last = samples[0], samples[len(samples) // 2], samples[-1]
        grew = False
        for pid in sorted(first):
            start, mid, end = first[pid] / 1024, middle.get(pid, 0) / 1024, last.get(pid, 0) / 1024
            print(f"    {start:7.1f} / {mid:7.1f} / {end:7.1f}   ({end - start:+.1f}; {end - mid:+.1f})  "
                  f"pid {pid} {names.get(pid, '')}")
            grew = grew or (mid and end - mid > 50)
        print_tree_memory("at the end (PSS splits the pages the forked processes share)", server.pid)
        print_cgroup_memory(cgroup)
        if args.check and (classes[3] or classes[4] or sum(socket_errors) or grew):
            raise SystemExit("load check failed: 4xx/5xx, socket errors or memory growth (see above)")
    finally:
        stop.set()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        if cgroup:
            cgroup.remove()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
