"""Page and search latency as the archive grows: 1k, 10k, 100k articles.

Run: .venv/bin/python bench/scale.py [--sizes 1000,10000,100000] [--requests 30] [--plot docs/scale-sqlite.png]
     [--database-url postgres://postgres@127.0.0.1:5432/crosspost_scale]
For each size it builds a scratch database (SQLite in a temporary directory by default; with
--database-url a PostgreSQL database it drops and recreates), loads the demo plus the archive
with `crosspost demo --articles N` (timing the load), and prints median and p95 of uncached
renders (Django's handler in-process, with what it loaded frozen out of the garbage collector's
reach as in crosspost/wsgi.py; the page cache is a WSGI layer in front of it) of an
article, an author, a region, a theme, a dossier, home, the site feed, a sitemap page and search.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CROSSPOST = str(ROOT / ".venv" / "bin" / "crosspost")

MEASURE = r'''
import json, statistics, sys, time
import crosspost.wsgi  # sets Django up and freezes what it loaded, as the web process does
from django.test import Client
from newsroom.models import ArticlePage, DossierPage, RegionPage, ThemePage
from newsroom.sitemaps import ArticleSitemap
requests = int(sys.argv[1])
with_search = sys.argv[2] == "1"
article = ArticlePage.objects.live().order_by("-first_published_at").first()
author = max(article.authors, key=lambda a: a.author_articles.count())
paths = {
    "article": article.url, "author": author.url, "region": RegionPage.objects.first().url,
    "theme": ThemePage.objects.first().url, "dossier": DossierPage.objects.first().url, "home": "/",
    "feed": "/feed/rss/", "sitemap index": "/sitemap.xml", "sitemap page 1": "/sitemap-articles.xml",
    "sitemap mid page": f"/sitemap-articles.xml?p={max(1, ArticleSitemap().paginator.num_pages // 2)}",
    "listing p.50": "/articles/?page=50",
}
if with_search:
    from newsroom.bulk import TOWNS
    from search.models import ArticleSearchEntry
    middle = ArticleSearchEntry.objects.filter(body__contains="In ").order_by("article_id")
    middle = middle[middle.count() // 2]
    town = next(t for t in TOWNS if f"In {t}," in middle.body)
    region = RegionPage.objects.first().pk
    paths.update({"search common": "/search/?q=water", "search common+region": f"/search/?q=water&region={region}",
                  "search rare": f"/search/?q={town}",
                  "search rare+dates": f"/search/?q={town}&date_from=2000-01-01&date_to=2030-12-31"})
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
    out[name] = (statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)])
print(json.dumps(out))
'''


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--skip-search", action="store_true", help="Leave search out.")
    parser.add_argument("--plot", default="", help="Draw median latencies to this PNG (e.g. docs/scale-sqlite.png).")
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
        if args.database_url:
            # Measure the archive as it is once settled, not while the server is still writing out
            # the load: flush it, and vacuum so index-only scans see every page as visible, as
            # autovacuum would have done for an archive that grew over years.
            with psycopg.connect(args.database_url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
                conn.execute("CHECKPOINT")
        measured = subprocess.run([sys.executable, "-c", MEASURE, str(args.requests),
                                   "0" if args.skip_search else "1"], env=env, cwd=ROOT,
                                  check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        results[size] = (load, json.loads(measured))
        print(f"{size:>7} articles loaded in {load:6.1f} s", flush=True)
        if not args.database_url:
            shutil.rmtree(scratch, ignore_errors=True)
    names = list(next(iter(results.values()))[1])
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\nmedian / p95 ms, uncached, {engine}")
    print(f"{'page':16}" + "".join(f"{size:>18,}" for size in results))
    for name in names:
        cells = "".join(f"{results[s][1][name][0]:>9.1f} /{results[s][1][name][1]:>6.1f}" for s in results)
        print(f"{name:16}{cells}")
    if args.plot:
        plot(results, Path(args.plot), f"Uncached median render time, {engine}")
        Path(args.plot).with_suffix(".json").write_text(json.dumps(results, indent=1))
        print(f"\nplot: {args.plot}")


def plot(results: dict, target: Path, title: str) -> None:
    """A line per page: median ms against archive size (log scale), drawn with Pillow."""
    from math import log10

    from PIL import Image, ImageDraw

    sizes = sorted(results)
    names = list(results[sizes[0]][1])
    width, height, left, right, top, bottom = 1100, 620, 70, 260, 50, 60
    top_ms = max(results[s][1][n][0] for s in sizes for n in names) * 1.1
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((left, 15), title, fill="black")
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(size: int) -> float:
        span = log10(sizes[-1]) - log10(sizes[0]) or 1
        return left + (log10(size) - log10(sizes[0])) / span * plot_w

    def y(ms: float) -> float:
        return top + plot_h - ms / top_ms * plot_h

    draw.line([(left, top), (left, top + plot_h), (left + plot_w, top + plot_h)], fill="black")
    for step in range(6):
        ms = top_ms * step / 5
        draw.line([(left - 4, y(ms)), (left + plot_w, y(ms))], fill="#e5e5e5" if step else "black")
        draw.text((8, y(ms) - 6), f"{ms:.0f} ms", fill="black")
    for size in sizes:
        draw.text((x(size) - 20, top + plot_h + 10), f"{size:,}", fill="black")
    draw.text((left + plot_w / 2 - 40, height - 25), "articles in the archive", fill="black")
    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
               "#bcbd22", "#17becf", "#000000", "#aa3377", "#66ccee", "#228833"]
    for index, name in enumerate(names):
        colour = colours[index % len(colours)]
        points = [(x(s), y(results[s][1][name][0])) for s in sizes]
        draw.line(points, fill=colour, width=3)
        for px, py in points:
            draw.ellipse([px - 4, py - 4, px + 4, py + 4], fill=colour)
        legend_y = top + index * 20
        draw.line([(width - right + 20, legend_y + 6), (width - right + 45, legend_y + 6)], fill=colour, width=3)
        draw.text((width - right + 52, legend_y), name, fill="black")
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target)


if __name__ == "__main__":
    main()
