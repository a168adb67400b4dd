"""Serve the site with Granian and run a background task worker beside it.

This is what `make run` runs: a production-grade server, not runserver, plus the django-tasks
database worker, so translations, search indexing and mail jobs get done without extra set-up.
Granian parses HTTP in Rust, which leaves the Python side of a page-cache hit as the only cost
(see bench/pagecache.py); gunicorn reached about half its throughput on the same hits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Crosspost with Granian and a background worker."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
        parser.add_argument("--no-worker", action="store_true",
                            help="Do not start the task worker and the scheduler.")

    def handle(self, *args, host: str, port: int, workers: int, threads: int, no_worker: bool, **options) -> None:
        bin_dir = os.path.dirname(sys.executable)
        children: list[subprocess.Popen] = []
        if not no_worker:
            children.append(subprocess.Popen([sys.executable, "-m", "crosspost.cli", "worker"]))
            children.append(subprocess.Popen([sys.executable, "-m", "crosspost.cli", "scheduler"]))
        server = subprocess.Popen(
            [
                os.path.join(bin_dir, "granian"),
                "--interface", "wsgi",
                "--host", host,
                "--port", str(port),
                "--workers", str(workers),
                "--blocking-threads", str(threads),
                "--no-ws",
                # A worker stuck in a request (a frozen database) must not hold a restart for ever.
                "--workers-kill-timeout", "10",
                "--access-log",
                "crosspost.wsgi:application",
            ]
        )
        children.append(server)
        self.stdout.write(f"Crosspost is serving on http://{host}:{port}/ (admin at /admin/). Ctrl-C stops it.")

        def stop(signum, frame) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        code = server.wait()
        stop(None, None)
        for child in children:
            child.wait()
        sys.exit(code)
