"""Serve the site with Granian and run a background task worker beside it (crosspost/serve.py).

Granian parses HTTP in Rust, which leaves the Python side of a page-cache hit as the only cost
(see bench/pagecache.py); gunicorn reached about half its throughput on the same hits.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from crosspost import serve


class Command(BaseCommand):
    help = "Serve Crosspost with Granian and a background worker."

    def add_arguments(self, parser) -> None:
        serve.add_arguments(parser)

    def handle(self, *args, host: str, port: int, workers: int, threads: int, no_worker: bool,
               stop_timeout: float, access_log: bool, **options) -> None:
        sys.exit(serve.serve(host=host, port=port, workers=workers, threads=threads, no_worker=no_worker,
                             stop_timeout=stop_timeout, access_log=access_log))
