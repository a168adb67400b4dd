"""Article page as `make run` serves it vs nginx serving the same bytes from a file.

Run: .venv/bin/python bench/pagecache.py [--seconds 10] [--connections 64]
Needs wrk and nginx (Debian: apt-get install wrk nginx-light). Builds a scratch site with the
demo content in a temporary directory, starts `crosspost serve` (Granian + page cache) and an
nginx on free loopback ports, runs wrk against both in the same run, and prints requests/s,
errors and the ratio (target: >= 0.25 with zero errors at 64 connections). It also prints the
uncached render time of the article and its query count.
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
import urllib.request
from pathlib import Path

from crosspost.lib.localnet import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def wrk(url: str, seconds: int, connections: int) -> tuple[float, int]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|Socket errors:.*?):\s*(\d+)", out))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors = sum(int(n) for n in socket_errors.groups()) + sum(
            int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    return rps, errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install wrk nginx-light")
    scratch = Path(tempfile.mkdtemp(prefix="crosspost-bench-"))
    scratch.chmod(0o755)  # nginx workers run as an unprivileged user and must read the page
    env = {**os.environ, "CROSSPOST_VAR_DIR": str(scratch), "DATABASE_URL": f"sqlite:///{scratch}/db.sqlite3"}
    env.pop("REDIS_URL", None)
    crosspost = str(BIN / "crosspost")
    subprocess.run([crosspost, "migrate", "-v0"], env=env, check=True)
    subprocess.run([crosspost, "demo"], env=env, check=True, capture_output=True)
    path = subprocess.run([crosspost, "shell", "-c", "from newsroom.models import ArticlePage; "
                           "print(ArticlePage.objects.live().order_by('-first_published_at').first().url)"],
                          env=env, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    render = subprocess.run([sys.executable, str(ROOT / "bench" / "render.py"), path], env=env,
                            capture_output=True, text=True)
    print(render.stdout.strip() or render.stderr.strip())

    port = free_port()
    server = subprocess.Popen([crosspost, "serve", "--port", str(port), "--no-worker"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    nginx_dir = scratch / "nginx"
    (nginx_dir / "html").mkdir(parents=True)
    nginx_port = free_port()
    try:
        url = f"http://127.0.0.1:{port}{path}"
        wait_for(url)
        (nginx_dir / "html" / "article.html").write_bytes(urllib.request.urlopen(url).read())
        (nginx_dir / "nginx.conf").write_text(
            f"worker_processes 2; pid {nginx_dir}/nginx.pid; error_log {nginx_dir}/error.log;\n"
            "events { worker_connections 1024; }\n"
            f"http {{ access_log off; default_type text/html; server {{ listen 127.0.0.1:{nginx_port}; "
            f"root {nginx_dir}/html; }} }}\n")
        subprocess.run(["nginx", "-c", str(nginx_dir / "nginx.conf")], check=True)
        wait_for(f"http://127.0.0.1:{nginx_port}/article.html")
        wrk(url, 2, args.connections)  # warm every worker's memory
        ours, our_errors = wrk(url, args.seconds, args.connections)
        theirs, their_errors = wrk(f"http://127.0.0.1:{nginx_port}/article.html", args.seconds, args.connections)
        print(f"article page, {args.connections} connections, {args.seconds}s each, same run")
        print(f"  crosspost serve (Granian + page cache): {ours:,.0f} req/s, {our_errors} errors")
        print(f"  nginx, same bytes from a file:           {theirs:,.0f} req/s, {their_errors} errors")
        print(f"  ratio: {ours / theirs:.3f} (target >= 0.25)")
    finally:
        subprocess.run(["nginx", "-c", str(nginx_dir / "nginx.conf"), "-s", "stop"], capture_output=True)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
