"""Extraction quality on bench/corpus: plain trafilatura.extract against ours (ingest.extract).

    .venv/bin/python bench/extraction.py [--repeat 5] [--verbose]

For each page of the hand-labelled corpus (bench/corpus/labels.json) it prints, for both
extractors: F1 of the body's 3-word shingles against the labelled text, whether the author list
is exactly right, whether the date is right, and pages per second.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from ingest.extract import NoArticleFound, extract  # noqa: E402

CORPUS = ROOT / "bench" / "corpus"
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return {tuple(words[i : i + size]) for i in range(max(len(words) - size + 1, 0))}


def f1(found: str, expected: str) -> float:
    got, want = shingles(found), shingles(expected)
    if not got or not want:
        return 0.0
    hits = len(got & want)
    if not hits:
        return 0.0
    precision, recall = hits / len(got), hits / len(want)
    return 2 * precision * recall / (precision + recall)


def plain_trafilatura(html: str) -> dict:
    raw = trafilatura.extract(html, output_format="json", with_metadata=True)
    data = json.loads(raw) if raw else {}
    authors = [a.strip() for a in (data.get("author") or "").split(";") if a.strip()]
    return {"text": data.get("text") or "", "authors": authors, "date": data.get("date") or ""}


def ours(html: str) -> dict:
    try:
        result = extract(html)
    except NoArticleFound:
        return {"text": "", "authors": [], "date": ""}
    return {"text": result.text, "authors": result.authors, "date": result.date.isoformat() if result.date else ""}


def score(name: str, extractor, pages: dict[str, str], labels: dict, repeat: int, verbose: bool) -> dict:
    results = {page: extractor(html) for page, html in pages.items()}
    started = time.perf_counter()
    for _ in range(repeat):
        for html in pages.values():
            extractor(html)
    elapsed = time.perf_counter() - started
    f1s, authors_ok, dates_ok = [], 0, 0
    for page, label in labels.items():
        got = results[page]
        f1s.append(f1(got["text"], label["text"]))
        author_hit = [a.casefold() for a in got["authors"]] == [a.casefold() for a in label["authors"]]
        date_hit = got["date"] == label["date"]
        authors_ok += author_hit
        dates_ok += date_hit
        if verbose:
            print(f"  {name:12} {page:32} F1 {f1s[-1]:.3f}  authors {'ok ' if author_hit else 'BAD'} "
                  f"{got['authors']}  date {'ok ' if date_hit else 'BAD'} {got['date']}")
    n = len(labels)
    return {
        "extractor": name,
        "body_f1": sum(f1s) / n,
        "author_accuracy": authors_ok / n,
        "date_accuracy": dates_ok / n,
        "pages_per_second": repeat * n / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timing rounds over the corpus")
    parser.add_argument("--verbose", action="store_true", help="print every page's scores")
    args = parser.parse_args()
    labels = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))
    pages = {name: (CORPUS / name).read_text(encoding="utf-8") for name in labels}
    print(f"{len(pages)} labelled pages in {CORPUS.relative_to(ROOT)}")
    print(f"{'extractor':14} {'body F1':>8} {'authors':>8} {'dates':>8} {'pages/s':>9}")
    for name, extractor in (("trafilatura", plain_trafilatura), ("crosspost", ours)):
        row = score(name, extractor, pages, labels, args.repeat, args.verbose)
        print(f"{row['extractor']:14} {row['body_f1']:8.3f} {row['author_accuracy']:8.0%} "
              f"{row['date_accuracy']:8.0%} {row['pages_per_second']:9.1f}")


if __name__ == "__main__":
    main()
