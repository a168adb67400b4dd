"""Page and search latency as the archive grows: 1k, 10k, 100k articles.

Run: .venv/bin/python bench/scale.py [--sizes 1000,10000,100000] [--requests 30]
     [--database-url postgres://postgres@127.0.0.1:5432/crosspost_scale]
For each size it builds a scratch database (SQLite in a temporary directory by default; with
--database-url a PostgreSQL database it drops and recreates), loads the demo plus the archive
with `crosspost demo --articles N` (timing the load), and prints median and p95 of uncached
renders (Django's handler in-process; the page cache is a WSGI layer in front of it) of an
article, an author, a region, a theme, a dossier, home, the site feed, a sitemap page and search.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CROSSPOST = str(ROOT / ".venv" / "bin" / "crosspost")

MEASURE = r'''
import json, statistics, sys, time
import django
django.setup()
from django.test import Client
from newsroom.models import ArticlePage, DossierPage, RegionPage, ThemePage
requests = int(sys.argv[1])
with_search = sys.argv[2] == "1"
article = ArticlePage.objects.live().order_by("-first_published_at").first()
author = max(article.authors, key=lambda a: a.author_articles.count())
paths = {
    "article": article.url, "author": author.url, "region": RegionPage.objects.first().url,
    "theme": ThemePage.objects.first().url, "dossier": DossierPage.objects.first().url, "home": "/",
    "feed": "/feed/rss/", "sitemap": "/sitemap-articles.xml", "listing p.50": "/articles/?page=50",
}
if with_search:
    paths.update({"search common": "/search/?q=water", "search rare": "/search/?q=harbour+census"})
client = Client()
out = {}
for name, path in paths.items():
    for _ in range(3):
        client.get(path)
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    out[name] = (statistics.median(samples), samples[int(len(samples) * 0.95) - 1])
print(json.dumps(out))
'''


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--skip-search", action="store_true", help="Leave search out (it is the slow part today).")
    args = parser.parse_args()
    results = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        scratch = Path(tempfile.mkdtemp(prefix=f"crosspost-scale-{size}-"))
        env = {**os.environ, "CROSSPOST_VAR_DIR": str(scratch), "DJANGO_SETTINGS_MODULE": "crosspost.settings"}
        env.pop("REDIS_URL", None)
        if args.database_url:
            import psycopg

            base, name = args.database_url.rsplit("/", 1)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
            env["DATABASE_URL"] = args.database_url
        else:
            env["DATABASE_URL"] = f"sqlite:///{scratch}/db.sqlite3"
        subprocess.run([CROSSPOST, "migrate", "-v0"], env=env, check=True)
        subprocess.run([CROSSPOST, "demo"], env=env, check=True, capture_output=True)
        started = time.monotonic()
        subprocess.run([CROSSPOST, "demo", "--articles", str(size)], env=env, check=True, capture_output=True)
        load = time.monotonic() - started
        measured = subprocess.run([sys.executable, "-c", MEASURE, str(args.requests),
                                   "0" if args.skip_search else "1"], env=env, cwd=ROOT,
                                  check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        results[size] = (load, json.loads(measured))
        print(f"{size:>7} articles loaded in {load:6.1f} s", flush=True)
    names = list(next(iter(results.values()))[1])
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\nmedian / p95 ms, uncached, {engine}")
    print(f"{'page':16}" + "".join(f"{size:>18,}" for size in results))
    for name in names:
        cells = "".join(f"{results[s][1][name][0]:>9.1f} /{results[s][1][name][1]:>6.1f}" for s in results)
        print(f"{name:16}{cells}")


if __name__ == "__main__":
    main()
