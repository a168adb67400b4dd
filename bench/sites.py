"""What the benchmarks share: a scratch demo site, `crosspost serve` as `make run` starts it, nginx
serving files, wrk, single-request latency and the resident memory of a process tree."""

from __future__ import annotations

import http.client
import os
import re
import signal
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

from crosspost.lib.localnet import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
CROSSPOST = str(ROOT / ".venv" / "bin" / "crosspost")

__all__ = ["ROOT", "CROSSPOST", "free_port", "wait_for"]


def demo_site(scratch: Path, **extra_env: str) -> dict:
    """Migrate and fill a demo site under `scratch`; returns the environment that serves it."""
    env = {**os.environ, "CROSSPOST_VAR_DIR": str(scratch), "DATABASE_URL": f"sqlite:///{scratch}/db.sqlite3",
           "PYTHONPATH": str(ROOT), **extra_env}
    if "REDIS_URL" not in extra_env:
        env.pop("REDIS_URL", None)
    subprocess.run([CROSSPOST, "migrate", "-v0"], env=env, check=True)
    subprocess.run([CROSSPOST, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([CROSSPOST, "demo"], env=env, check=True, capture_output=True)
    return env


def shell(env: dict, code: str) -> str:
    """Run Python in the site's Django shell; returns the last line it printed."""
    out = subprocess.run([CROSSPOST, "shell", "-c", code], env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def newest_article(env: dict) -> str:
    return shell(env, "from newsroom.models import ArticlePage; "
                      "print(ArticlePage.objects.live().order_by('-first_published_at').first().url)")


def wait_until_answering(url: str, *, headers: dict | None = None, seconds: float = 120) -> None:
    """Like `wait_for`, with headers (production answers plain http with a redirect to https)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=2) as response:
                response.read()
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {seconds:.0f} s") from None
            time.sleep(0.3)


def start_crosspost(env: dict, port: int, *, worker: bool = True, workers: int = 2,
                    headers: dict | None = None, cgroup: MemoryCgroup | None = None) -> subprocess.Popen:
    """`crosspost serve` as `make run` starts it (Granian, the task worker and its scheduler)."""
    argv = [CROSSPOST, "serve", "--port", str(port), "--workers", str(workers)]
    if not worker:
        argv.append("--no-worker")
    server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True, preexec_fn=cgroup.enter if cgroup else None)
    wait_until_answering(f"http://127.0.0.1:{port}/healthz", headers=headers)
    return server


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def start_nginx(directory: Path, port: int) -> Path:
    """nginx (two workers, as many as cores) serving `directory/html`; returns its config file."""
    (directory / "html").mkdir(parents=True, exist_ok=True)
    conf = directory / "nginx.conf"
    conf.write_text(
        f"worker_processes 2; pid {directory}/nginx.pid; error_log {directory}/error.log;\n"
        "events { worker_connections 1024; }\n"
        f"http {{ access_log off; default_type text/html; server {{ listen 127.0.0.1:{port}; "
        f"root {directory}/html; }} }}\n")
    subprocess.run(["nginx", "-c", str(conf)], check=True)
    return conf


def stop_nginx(conf: Path) -> None:
    subprocess.run(["nginx", "-c", str(conf), "-s", "stop"], capture_output=True)


def wrk(url: str, *, seconds: int, connections: int, headers: dict | None = None) -> tuple[float, int]:
    """Requests/s and errors (socket errors and non-2xx/3xx answers) of one wrk run."""
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return rps, errors


def single_request_ms(url: str, *, requests: int = 60, headers: dict | None = None) -> float:
    """Median time of one request at a time on a kept-alive connection, in milliseconds."""
    host, _, rest = url.removeprefix("http://").partition("/")
    name, _, port = host.partition(":")
    connection = http.client.HTTPConnection(name, int(port or 80), timeout=30)
    samples = []
    for n in range(requests + 5):
        start = time.perf_counter()
        connection.request("GET", "/" + rest, headers=headers or {})
        response = connection.getresponse()
        response.read()
        if n >= 5:  # the first few warm the connection and the process
            samples.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
    connection.close()
    return statistics.median(samples)


class MemoryCgroup:
    """A memory cgroup of the site's own, where this machine lets us make one (a child of ours).

    The kernel charges each page to one cgroup, once, whichever processes map it: the charge is the
    tree's resident memory as `docker stats`, systemd's MemoryCurrent and a container's memory
    limit see it, with none of the double counting of summed RSS. The server enters it between
    fork and exec (`enter`), so everything it and its children allocate is charged here.
    """

    def __init__(self, path: Path, version: int) -> None:
        self.path, self.version = path, version

    @classmethod
    def create(cls, name: str) -> MemoryCgroup | None:
        entries = [line.split(":", 2) for line in Path("/proc/self/cgroup").read_text().splitlines()]
        v1 = [where for _, controllers, where in entries if "memory" in controllers.split(",")]
        if v1:
            candidates = [(Path("/sys/fs/cgroup/memory") / v1[0].lstrip("/"), 1)]
        else:  # the unified hierarchy alone ("0::/path"); a child gets memory.stat only where it may
            candidates = [(Path("/sys/fs/cgroup") / where.lstrip("/"), 2) for hid, _, where in entries if hid == "0"]
        for parent, version in candidates:
            path = parent / f"{name}-{os.getpid()}"
            try:
                path.mkdir()
            except OSError:
                return None
            group = cls(path, version)
            if group.stat():
                return group
            group.remove()
        return None

    def enter(self) -> None:
        try:
            (self.path / "cgroup.procs").write_text(str(os.getpid()))
        except OSError:
            pass  # the count is then missing (`holds_processes`), not the benchmark

    def holds_processes(self) -> bool:
        try:
            return bool((self.path / "cgroup.procs").read_text().strip())
        except OSError:
            return False

    def stat(self) -> dict[str, int]:
        try:
            return {key: int(value) for key, value in
                    (line.split() for line in (self.path / "memory.stat").read_text().splitlines())}
        except (OSError, ValueError):  # gone, or not the format this reads
            return {}

    def resident_mib(self) -> tuple[float, float, float]:
        """(anonymous, mapped file pages, other page cache) charged to the tree, MiB."""
        stat = self.stat()
        if self.version == 1:
            anon, mapped, cache = stat.get("total_rss", 0), stat.get("total_mapped_file", 0), stat.get("total_cache", 0)
        else:
            anon, mapped, cache = stat.get("anon", 0), stat.get("file_mapped", 0), stat.get("file", 0)
        return anon / 2**20, mapped / 2**20, max(0, cache - mapped) / 2**20

    def remove(self) -> None:
        try:
            self.path.rmdir()  # refused while a process is still in it
        except OSError:
            pass


def print_cgroup_memory(cgroup: MemoryCgroup | None) -> float | None:
    """Print what the kernel charges to the tree; returns the resident MiB (None without a cgroup)."""
    if cgroup is None or not cgroup.holds_processes():
        print("    (no memory cgroup of its own could be made here: the kernel's own count is not available)")
        return None
    anon, mapped, cache = cgroup.resident_mib()
    print(f"    {anon + mapped:7.1f} MiB resident as the kernel charges it to the tree's memory cgroup "
          f"(each page once): {anon:.1f} anonymous + {mapped:.1f} mapped files (libraries already cached stay "
          f"charged where they were first read); besides, {cache:.1f} MiB of page cache for files it read or "
          "wrote (reclaimable)")
    return anon + mapped


def tree(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid] + [p for child in map(int, out) for p in tree(child)]


def memory_mib(pid: int) -> tuple[float, float]:
    """Resident (RSS) and proportional (PSS: shared pages split between their users) memory, MiB."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                values[key] = int(rest.split()[0]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        return 0.0, 0.0
    return values.get("Rss", 0.0), values.get("Pss", 0.0)


def process_label(pid: int) -> str:
    try:
        argv = [a.decode() for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if a]
    except FileNotFoundError:
        return "?"
    words = [Path(argv[0]).name] + [a for a in argv[1:] if not a.startswith("/")][:3]
    return " ".join(words)[:60]


CHILD_LABELS = {"cp-worker": "task worker and scheduler"}


def tree_memory(pid: int) -> list[tuple[int, str, float, float]]:
    """(pid, what it is, RSS MiB, PSS MiB) for a process and all its descendants.

    `crosspost serve`'s children are forks of it and keep its command line (a replacement started
    after a crash has its own); each names itself (/proc/<pid>/comm: cp-web-1, cp-web-2, cp-worker),
    which is what they are labelled by.
    """
    rows = []
    for child in tree(pid):
        label = process_label(child)
        if child != pid:
            try:
                comm = Path(f"/proc/{child}/comm").read_text().strip()
            except FileNotFoundError:
                comm = ""
            if comm.startswith("cp-web-"):
                label = f"web worker {comm.removeprefix('cp-web-')} (Granian)"
            else:
                label = CHILD_LABELS.get(comm, label)
        rows.append((child, label, *memory_mib(child)))
    return rows


def print_tree_memory(title: str, pid: int) -> tuple[float, float]:
    rows = tree_memory(pid)
    print(f"  {title}:")
    for p, label, rss, pss in rows:
        print(f"    {rss:7.1f} MiB RSS {pss:7.1f} MiB PSS  pid {p} {label}")
    total_rss, total_pss = sum(r[2] for r in rows), sum(r[3] for r in rows)
    web = [r for r in rows if r[1].startswith("web worker")]
    if web:
        print(f"    {sum(r[2] for r in web):7.1f} MiB RSS {sum(r[3] for r in web):7.1f} MiB PSS  "
              f"the web workers ({len(web)})")
        server = web + rows[:1]  # with `crosspost serve`, their master: the supervisor it hands over to
        print(f"    {sum(r[2] for r in server):7.1f} MiB RSS {sum(r[3] for r in server):7.1f} MiB PSS  "
              "the web server: the web workers and their master")
    print(f"    {total_rss:7.1f} MiB RSS {total_pss:7.1f} MiB PSS  whole tree ({len(rows)} processes)")
    return total_rss, total_pss
