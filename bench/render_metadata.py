"""What a repost's machine-facing metadata costs per uncached render: JSON-LD, hreflang, switcher.

Run: .venv/bin/python bench/render_metadata.py [PATH] [--requests 50] [--rounds 5]
Uses the database DATABASE_URL / CROSSPOST_VAR_DIR point at (`crosspost demo` first); PATH
defaults to the newest live repost. Rounds alternate "with" (as served) and "without" (the JSON-LD
reduced to its type and the language alternates to none, computed for nothing), each a cold render
per request (the page's pieces, route and site forgotten: the first view after a purge), Django's
handler only. Prints the median of the rounds' medians for each and their ratio, and the bytes
the metadata adds, which is all a cached hit pays (the page cache serves stored bytes).
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
    parser.add_argument("path", nargs="?")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--drop", choices=("both", "json-ld", "alternates"), default="both",
                        help="What 'without' leaves out, to tell the two costs apart.")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspost.settings")
    import django

    django.setup()
    from unittest import mock

    from django.test import Client

    from crosspost.middleware import sites_forget
    from crosspost.templatetags.rendercache import rendercache_clear
    from newsroom import models
    from translation.selectors import Alternates

    path = args.path or models.ArticlePage.objects.live().filter(publication__isnull=False) \
        .order_by("-first_published_at").first().url
    client = Client()

    def render() -> tuple[float, int]:
        rendercache_clear()
        models._routes.clear()
        sites_forget()
        start = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200
        return elapsed, len(response.content)

    def without():
        patches = []
        if args.drop in ("both", "json-ld"):
            patches.append(mock.patch("newsroom.seo.article_json_ld",
                                      lambda article, request=None: {"@type": "NewsArticle"}))
        if args.drop in ("both", "alternates"):
            patches.append(mock.patch("translation.templatetags.translation_tags.page_alternates",
                                      lambda page, language: Alternates(languages=[], indexable=True)))
        return patches

    for _ in range(10):
        render()
    medians: dict[str, list[float]] = {"with": [], "without": []}
    sizes: dict[str, int] = {}
    for _ in range(args.rounds):
        for label in ("with", "without"):
            patches = without() if label == "without" else []
            for patch in patches:
                patch.start()
            try:
                samples = [render() for _ in range(args.requests)]
            finally:
                for patch in patches:
                    patch.stop()
            medians[label].append(statistics.median(ms for ms, _ in samples))
            sizes[label] = samples[-1][1]
    with_ms, without_ms = statistics.median(medians["with"]), statistics.median(medians["without"])
    print(f"cold render of {path}, dropping {args.drop}: with metadata {with_ms:.2f} ms, without {without_ms:.2f} ms, "
          f"ratio {with_ms / without_ms:.3f} (median of {args.rounds} alternating rounds of {args.requests}); "
          f"metadata adds {sizes['with'] - sizes['without']} bytes to a {sizes['with']}-byte page")


if __name__ == "__main__":
    main()
