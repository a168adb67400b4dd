"""Serving a stored translation vs the original article, and the engine calls a 1,000-word article costs.

Run: .venv/bin/python bench/translation.py [--requests 300]
Builds a scratch SQLite database with the demo content in a temporary directory; nothing else is
touched. The "engine" is a counting stand-in, since this measures Crosspost, not a model.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class CountingEngine:
    name = "bench"

    def __init__(self) -> None:
        self.calls = 0
        self.segments: list[str] = []

    def supports(self, source: str, target: str) -> bool:
        return True

    def translate(self, fragments, *, source, target):
        self.calls += 1
        self.segments += fragments
        return [f"[{target}] {f}" for f in fragments]


def timed(client, paths: list[str], n: int) -> list[list[float]]:
    """Milliseconds per request for each path, requests interleaved so load affects all alike."""
    from django.utils import translation

    samples: list[list[float]] = [[] for _ in paths]
    for _ in range(n):
        for index, path in enumerate(paths):
            start = time.perf_counter()
            response = client.get(path)
            samples[index].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            translation.activate("en")
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="crosspost-bench-")
    os.environ.update(CROSSPOST_VAR_DIR=scratch, DJANGO_SETTINGS_MODULE="crosspost.settings",
                      TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend", DATABASE_URL=f"sqlite:///{scratch}/db.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from wagtail.rich_text import RichText

    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    from newsroom.models import ArticlePage
    from translation.jobs import page_translate

    engine = CountingEngine()
    article = ArticlePage.objects.live().filter(publication__isnull=True).order_by("-first_published_at").first()
    page_translate(page=article, language="fr", engine=engine)
    client = Client()
    path = article.url
    timed(client, [path, f"/fr{path}"], 20)  # warm up
    original, french = timed(client, [path, f"/fr{path}"], args.requests)
    ratio = statistics.median(french) / statistics.median(original)
    print(f"article page, uncached, {args.requests} requests each (in-process client)")
    print(f"  original median {statistics.median(original):.2f} ms   p95 {sorted(original)[int(len(original) * .95)]:.2f} ms")
    print(f"  stored French median {statistics.median(french):.2f} ms   p95 {sorted(french)[int(len(french) * .95)]:.2f} ms")
    print(f"  ratio translated/original: {ratio:.3f} (target <= 1.1)")

    # A 1,000-word article with repeated boilerplate: every distinct segment goes once, in batches.
    sentence = "The council voted on the budget after a long debate about water, schools and roads in the region."
    paragraphs = [f"<p>{n}. {sentence} {sentence}</p>" for n in range(14)] * 2
    article.body = [("paragraph", RichText(p)) for p in paragraphs]
    article.save_revision().publish()
    words = sum(len(p.split()) for p in paragraphs)
    engine = CountingEngine()
    sent = page_translate(page=article, language="de", engine=engine)
    print(f"{words}-word article into German: {sent} segments sent in {engine.calls} engine call(s); "
          f"distinct segments sent once each: {len(engine.segments) == len(set(engine.segments))}")


if __name__ == "__main__":
    main()
