"""Extraction quality and speed: plain trafilatura.extract against ours (ingest.extract), side by side.

    .venv/bin/python bench/extraction.py [--repeat 3] [--split dev|held-out|all] [--pages] [--rules]

Two labelled corpora (provenance and licence of the second in bench/corpus/trafilatura/README.md):

* crosspost — 14 pages written for this benchmark with full expected texts; body scored by
  3-word shingles (precision, recall, F1 per page, averaged over pages);
* trafilatura-eval — 300 real pages from trafilatura's evaluation set, labelled with snippets the
  body must contain ("with") and must not contain ("without"); scored like trafilatura's own
  evaluation: a "with" snippet found is a true positive, one missing a false negative, a "without"
  snippet found a false positive; precision, recall and F1 from the counts summed over pages.

Every page is in a fixed third held out from development (by a hash of its name) or in the dev
set; both are reported so overfitting shows. Authors (exact list, case-insensitive) and dates
(the day) are scored on the pages whose labels have them. Each round runs both extractors on
every page, alternating, and pages/s is the median over rounds. --pages prints every page,
--rules the effect of switching off each boilerplate rule on its own.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from ingest import extract as extraction  # noqa: E402

CORPUS = ROOT / "bench" / "corpus"
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


@dataclass
class Page:
    corpus: str
    name: str
    html: str
    label: dict
    held_out: bool = False
    kind: str = ""


@dataclass
class Output:
    text: str = ""
    authors: list[str] = field(default_factory=list)
    date: str = ""
    refused: bool = False


@dataclass
class Score:
    """Body counts for one page: shingle or snippet hits, with the totals they are divided by."""

    hits: float = 0.0
    found: float = 0.0
    wanted: float = 0.0

    def precision(self) -> float:
        return self.hits / self.found if self.found else 0.0

    def recall(self) -> float:
        return self.hits / self.wanted if self.wanted else 0.0

    def f1(self) -> float:
        p, r = self.precision(), self.recall()
        return 2 * p * r / (p + r) if p + r else 0.0


# --- corpora ---------------------------------------------------------------------------


def held_out(name: str) -> bool:
    """A fixed third of the pages, whatever order they are read in: never used to tune."""
    return hashlib.sha1(name.encode()).digest()[0] % 3 == 0


def page_kind(html: str) -> str:
    """The page class: what the page declares about where its article is."""
    if re.search(r'"articleBody"\s*:', html):
        return "declares articleBody"
    if re.search(r"<article[\s>]|itemprop=[\"']articleBody", html, re.IGNORECASE):
        return "has <article>"
    return "no declared article"


def load() -> list[Page]:
    pages = []
    ours = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))
    for name, label in sorted(ours.items()):
        pages.append(Page("crosspost", name, (CORPUS / name).read_text(encoding="utf-8"), label))
    theirs = json.loads((CORPUS / "trafilatura" / "labels.json").read_text(encoding="utf-8"))
    for name, label in sorted(theirs.items()):
        raw = gzip.decompress((CORPUS / "trafilatura" / name).read_bytes())
        pages.append(Page("trafilatura-eval", name, extraction.decode(raw), label))
    for page in pages:
        page.held_out = held_out(page.name)
        page.kind = page_kind(page.html)
    return pages


# --- scoring ---------------------------------------------------------------------------


def shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return {tuple(words[i : i + size]) for i in range(max(len(words) - size + 1, 0))}


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def body_score(page: Page, text: str) -> Score:
    if page.corpus == "crosspost":
        got, want = shingles(text), shingles(page.label["text"])
        return Score(len(got & want), len(got), len(want))
    found = _norm(text)
    tp = sum(_norm(s) in found for s in page.label["with"])
    fp = sum(_norm(s) in found for s in page.label["without"])
    return Score(tp, tp + fp, len(page.label["with"]))


def label_authors(page: Page) -> list[str] | None:
    value = page.label.get("authors", page.label.get("author"))
    if not value:
        return None
    names = value if isinstance(value, list) else value.split(";")
    return [_norm(n).casefold() for n in names if n.strip()]


def label_date(page: Page) -> str | None:
    return (page.label.get("date") or "")[:10] or None


def summarise(scores: list[Score], pages: list[Page]) -> tuple[float, float, float]:
    """(precision, recall, F1): per-page means for shingles, summed counts for snippets."""
    if pages[0].corpus == "crosspost":
        return tuple(statistics.fmean(getattr(s, m)() for s in scores) for m in ("precision", "recall", "f1"))
    total = Score(sum(s.hits for s in scores), sum(s.found for s in scores), sum(s.wanted for s in scores))
    return total.precision(), total.recall(), total.f1()


# --- extractors ------------------------------------------------------------------------


def plain_trafilatura(html: str) -> Output:
    raw = trafilatura.extract(html, output_format="json", with_metadata=True)
    data = json.loads(raw) if raw else {}
    authors = [a.strip() for a in (data.get("author") or "").split(";") if a.strip()]
    return Output(data.get("text") or "", authors, (data.get("date") or "")[:10], refused=not raw)


def crosspost(html: str) -> Output:
    try:
        result = extraction.extract(html)
    except extraction.NoArticleFound:
        return Output(refused=True)
    return Output(result.text, result.authors, result.date.isoformat() if result.date else "")


EXTRACTORS: dict[str, Callable[[str], Output]] = {"trafilatura": plain_trafilatura, "crosspost": crosspost}


def run(pages: list[Page], repeat: int) -> tuple[dict[str, list[Output]], dict[str, float]]:
    """Outputs of the first round, and pages/s (median of rounds; the extractors alternate per page)."""
    outputs: dict[str, list[Output]] = {name: [] for name in EXTRACTORS}
    rounds: dict[str, list[float]] = {name: [] for name in EXTRACTORS}
    for round_number in range(max(repeat, 1)):
        spent = dict.fromkeys(EXTRACTORS, 0.0)
        for page in pages:
            order = list(EXTRACTORS) if round_number % 2 == 0 else list(reversed(EXTRACTORS))
            for name in order:
                started = time.perf_counter()
                output = EXTRACTORS[name](page.html)
                spent[name] += time.perf_counter() - started
                if round_number == 0:
                    outputs[name].append(output)
        for name in EXTRACTORS:
            rounds[name].append(len(pages) / spent[name])
    return outputs, {name: statistics.median(values) for name, values in rounds.items()}


def body_outputs(pages: list[Page]) -> list[Output]:
    return [crosspost(page.html) for page in pages]


# --- report ----------------------------------------------------------------------------


def groups(pages: list[Page], split: str) -> list[tuple[str, list[int]]]:
    chosen = [i for i, p in enumerate(pages) if split == "all" or p.held_out == (split == "held-out")]
    out = []
    for corpus in ("crosspost", "trafilatura-eval"):
        in_corpus = [i for i in chosen if pages[i].corpus == corpus]
        for part, wanted in (("dev", False), ("held-out", True)):
            members = [i for i in in_corpus if pages[i].held_out == wanted]
            if members:
                out.append((f"{corpus} {part}", members))
        for kind in ("declares articleBody", "has <article>", "no declared article"):
            members = [i for i in in_corpus if pages[i].kind == kind]
            if members and corpus == "trafilatura-eval":
                out.append((f"{corpus}: {kind}", members))
    return out


def accuracy(outputs: list[Output], pages: list[Page], members: list[int], what: str) -> str:
    if what == "authors":
        labelled = [(i, label_authors(pages[i])) for i in members if label_authors(pages[i])]
        hits = sum([_norm(a).casefold() for a in outputs[i].authors] == want for i, want in labelled)
    else:
        labelled = [(i, label_date(pages[i])) for i in members if label_date(pages[i])]
        hits = sum(outputs[i].date == want for i, want in labelled)
    return f"{hits / len(labelled):4.0%} of {len(labelled):3}" if labelled else "      -   "


def print_table(pages: list[Page], outputs: dict[str, list[Output]], split: str) -> None:
    print(f"{'group':42} {'extractor':12} {'pages':>5} {'P':>6} {'R':>6} {'F1':>6} {'refused':>7}"
          f" {'authors':>11} {'dates':>11}")
    for title, members in groups(pages, split):
        subset = [pages[i] for i in members]
        for name, outs in outputs.items():
            scores = [body_score(pages[i], outs[i].text) for i in members]
            p, r, f = summarise(scores, subset)
            refused = sum(outs[i].refused for i in members)
            print(f"{title:42} {name:12} {len(members):5} {p:6.3f} {r:6.3f} {f:6.3f} {refused:7}"
                  f" {accuracy(outs, pages, members, 'authors'):>11} {accuracy(outs, pages, members, 'dates'):>11}")


def print_pages(pages: list[Page], outputs: dict[str, list[Output]], split: str, every: bool) -> None:
    ours, theirs = outputs["crosspost"], outputs["trafilatura"]
    worse, better = [], 0
    for i, page in enumerate(pages):
        if split != "all" and page.held_out != (split == "held-out"):
            continue
        a, b = body_score(page, theirs[i].text), body_score(page, ours[i].text)
        line = (f"  {page.corpus[:11]:11} {'held' if page.held_out else 'dev ':4} {page.name[:48]:48}"
                f" trafilatura P {a.precision():.2f} R {a.recall():.2f} F1 {a.f1():.2f}"
                f" | crosspost P {b.precision():.2f} R {b.recall():.2f} F1 {b.f1():.2f}"
                f"{' REFUSED' if ours[i].refused else ''}")
        if b.f1() < a.f1() - 1e-9:
            worse.append(line)
        elif b.f1() > a.f1() + 1e-9:
            better += 1
        if every:
            print(line)
    print(f"\ncrosspost better than trafilatura on {better} pages, worse on {len(worse)}:")
    print("\n".join(worse) or "  (none)")
    refused = [p.name for i, p in enumerate(pages) if ours[i].refused and not theirs[i].refused]
    print(f"refused by crosspost although trafilatura extracts them: {len(refused)} {refused}")


def print_rules(pages: list[Page]) -> None:
    """Switch each boilerplate rule off alone and show what it is worth on the dev pages."""
    dev = [p for p in pages if not p.held_out and p.corpus == "trafilatura-eval"]
    baseline = summarise([body_score(p, o.text) for p, o in zip(dev, body_outputs(dev))], dev)
    print(f"\nboilerplate rules on trafilatura-eval dev ({len(dev)} pages); all rules on: "
          f"P {baseline[0]:.3f} R {baseline[1]:.3f} F1 {baseline[2]:.3f}")
    print(f"  {'rule switched off':32} {'ΔP':>7} {'ΔR':>7} {'ΔF1':>7}   (the rule is worth minus these)")
    for table in ("BOILERPLATE_RULES", "LINE_RULES"):
        rules = getattr(extraction, table)
        try:
            for name in rules:
                setattr(extraction, table, {k: v for k, v in rules.items() if k != name})
                p, r, f = summarise([body_score(pg, o.text) for pg, o in zip(dev, body_outputs(dev))], dev)
                print(f"  {name:32} {p - baseline[0]:+7.3f} {r - baseline[1]:+7.3f} {f - baseline[2]:+7.3f}")
        finally:
            setattr(extraction, table, rules)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timing rounds over the corpus")
    parser.add_argument("--split", choices=("dev", "held-out", "all"), default="all")
    parser.add_argument("--pages", action="store_true", help="print every page's scores, not only the worse")
    parser.add_argument("--rules", action="store_true", help="measure each boilerplate rule on the dev pages")
    args = parser.parse_args()
    pages = load()
    chosen = [p for p in pages if args.split == "all" or p.held_out == (args.split == "held-out")]
    print(f"{len(chosen)} labelled pages ({args.split}), {args.repeat} alternating rounds")
    outputs, speed = run(chosen, args.repeat)
    print_table(chosen, outputs, "all")
    print("pages/s: " + ", ".join(f"{name} {value:.1f}" for name, value in speed.items())
          + f"; ratio {speed['crosspost'] / speed['trafilatura']:.2f}")
    print_pages(chosen, outputs, "all", args.pages)
    if args.rules:
        print_rules(chosen)


if __name__ == "__main__":
    main()
