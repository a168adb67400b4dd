"""Render time and query count of one page, page cache bypassed (run by bench/pagecache.py, or alone).

"warm" is what a logged-in editor or a reader past the page cache gets once the page's pieces are
rendered for its current version; "cold" drops them (and the remembered route and site) before
every request: the first view after a publish or a purge.

Run: .venv/bin/python bench/render.py /articles/<slug>/ [--requests 200]
Uses the database DATABASE_URL / CROSSPOST_VAR_DIR point at, with the page cache bypassed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspost.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from crosspost.middleware import sites_forget
    from crosspost.templatetags.rendercache import rendercache_clear
    from newsroom import models

    def forget() -> None:
        rendercache_clear()
        models._routes.clear()
        sites_forget()

    client = Client()  # Django's handler only: the page cache is a WSGI layer in front of it
    for _ in range(10):
        client.get(args.path)
    for label, before in (("warm", lambda: None), ("cold", forget)):
        samples = []
        for _ in range(args.requests):
            before()
            start = time.perf_counter()
            response = client.get(args.path)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        before()
        with CaptureQueriesContext(connection) as queries:
            client.get(args.path)
        print(f"{label} render of {args.path}: median {statistics.median(samples):.2f} ms, "
              f"p95 {sorted(samples)[int(len(samples) * 0.95)]:.2f} ms, {len(queries)} queries")


if __name__ == "__main__":
    main()
