"""How fast the audience report answers over a year of daily rows of a 100,000-article archive.

Run: .venv/bin/python bench/audience_reports.py [--articles 100000] [--per-day 8000] [--days 365]
     [--database-url postgres://postgres@127.0.0.1:5432/crosspost_audience_bench] [--repeat 5] [--keep DIR]
Builds a scratch database (SQLite in a temporary directory by default; with --database-url a
PostgreSQL database it drops and recreates), loads the demo and the archive (`crosspost demo
--articles N`), then writes `--days` days of daily rows the way the flush would have: each day
the newest 300 articles of that day and `--per-day` minus 300 others from the archive were read
(a long tail, as a newsroom's archive is read), some in a second language, with the day's
referrer, device and language breakdowns, and the article and monthly rows the flush keeps
(audience.services.rollups_rebuild). Then it times `audience_report` (everything the
Reports → Audience screen, its CSV and `crosspost stats --json` show) for the last 1, 7, 30, 90
and 365 days: median of `--repeat` runs, goal under 300 ms. With `--keep DIR` the scratch site
stays in DIR, and a later run with the same DIR (and database) only times the report again.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _database(args, scratch: Path) -> str:
    if not args.database_url:
        return f"sqlite:///{scratch}/db.sqlite3"
    if args.reuse:
        return args.database_url
    import psycopg

    base, name = args.database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return args.database_url


def _rows(args, article_ids: list[int], published: dict[int, datetime.date], today: datetime.date):
    rng = random.Random(7)
    by_age = sorted(article_ids, key=lambda pk: published[pk])
    dates = [published[pk] for pk in by_age]
    for back in range(args.days):
        day = today - datetime.timedelta(days=back)
        # The newest articles as of that day, and a long tail from the rest of the archive.
        cut = max(0, bisect.bisect_right(dates, day) - 1)
        fresh = by_age[max(0, cut - 299):cut + 1]
        tail = rng.sample(by_age[:max(1, cut - 299)], min(args.per_day - len(fresh), max(0, cut - 299)))
        for rank, pk in enumerate(reversed(fresh)):
            yield day, pk, "en", int(3000 / (rank + 1)) + 1
            if rank < 30:
                yield day, pk, "fr", int(300 / (rank + 1)) + 1
        for pk in tail:
            yield day, pk, "en", rng.randint(1, 12)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--per-day", type=int, default=8000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", default="", help="a directory to keep the scratch site in, or to reuse it from")
    args = parser.parse_args()
    scratch = Path(args.keep or tempfile.mkdtemp(prefix="crosspost-audience-reports-"))
    args.reuse = bool(args.keep) and (scratch / "built").exists()
    scratch.mkdir(parents=True, exist_ok=True)
    os.environ.update({"CROSSPOST_VAR_DIR": str(scratch), "DATABASE_URL": _database(args, scratch),
                       "DJANGO_SETTINGS_MODULE": "crosspost.settings", "PYTHONPATH": str(ROOT)})
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    if not args.reuse:
        _build(args)
        (scratch / "built").touch()
    import django

    django.setup()
    from django.db import connection

    from audience.models import DailyArticleViews
    from audience.selectors import audience_report

    rows = DailyArticleViews.objects.count()
    print(f"{rows:,} daily article rows ({connection.vendor})")
    print(f"{'RANGE':<10} {'MEDIAN':>9} {'MAX':>9}  (goal < 300 ms)")
    for days in (1, 7, 30, 90, 365):
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            audience_report(days=days)
            timings.append((time.perf_counter() - started) * 1000)
        print(f"{days:>4} days  {statistics.median(timings):>7.0f} ms {max(timings):>7.0f} ms")
    connection.close()
    if not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)


def _build(args) -> None:
    """Load the demo and its archive, then a year of daily rows written as the flush would."""
    started = time.monotonic()
    for command in (["migrate", "-v0"], ["demo", "--articles", str(args.articles)]):
        subprocess.run([sys.executable, "-m", "crosspost.cli", *command], cwd=ROOT, check=True,
                       capture_output=True, env=os.environ)
    print(f"archive of {args.articles:,} articles loaded in {time.monotonic() - started:.0f} s")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from audience.models import DailyArticleViews, DailyBreakdown, DailySiteViews
    from audience.services import rollups_rebuild
    from newsroom.models import ArticlePage

    today = timezone.localdate()
    published = {pk: timezone.localtime(at).date() for pk, at in
                 ArticlePage.objects.values_list("pk", "first_published_at")}
    started = time.monotonic()
    table = DailyArticleViews._meta.db_table
    totals: dict[datetime.date, int] = {}
    batch: list[tuple] = []

    def write(rows: list[tuple]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} (day, article_id, language, views) VALUES (%s, %s, %s, %s)", rows)

    with transaction.atomic():
        for model in (DailyArticleViews, DailySiteViews, DailyBreakdown):  # the demo's four weeks
            model.objects.all().delete()
        for row in _rows(args, list(published), published, today):
            totals[row[0]] = totals.get(row[0], 0) + row[3]
            batch.append(row)
            if len(batch) >= 20_000:
                write(batch)
                batch = []
        write(batch)
        DailySiteViews.objects.bulk_create(DailySiteViews(day=d, views=n, visitors=int(n * 0.6)) for d, n in totals.items())
        DailyBreakdown.objects.bulk_create(
            DailyBreakdown(day=d, dimension=dim, value=value, views=int(n * share)) for d, n in totals.items()
            for dim, value, share in (("referrer", "search", .4), ("referrer", "direct", .3), ("referrer", "social", .3),
                                      ("device", "mobile", .6), ("device", "desktop", .4), ("language", "en", .9),
                                      ("language", "fr", .1), ("domain", "google.com", .4)))
    rollups_rebuild()  # the article and monthly rows the flush keeps as it writes daily ones
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{args.days} days of daily rows written in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
