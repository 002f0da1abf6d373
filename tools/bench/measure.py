"""The measurements of `make bench`, each a function returning plain figures.

(t) trafilatura's fast pass with metadata alone (the reference), (a) extraction alone, (b) the full
processing and (d) the full processing with the prefilter (`backfill --only-matching`) run through the
same machinery: the parent reads the corpus folder and ships page bytes to worker processes
(monitor.run.backfill); (t)'s workers run decode + trafilatura.bare_extraction(fast, with metadata),
(a)'s decode + monitor.extract.extract_article, and (b)'s and (d)'s decode, extract, normalize, match
and events while the parent stores every article in a real SQLite file. Pools are started and warmed
before the clock starts; the CPU time of the parent and of its workers, divided by the pages, is the
cost of a page (the inverse of pages per second per core). (c) runs in this process on the texts (a)
extracted: Analyzer.analyze (normalize, match, events) against a naive baseline that segments every
text with jieba and looks each word up. A sampler thread follows the resident memory of this process
and of its worker processes (psutil) during each phase.
"""

from __future__ import annotations

import concurrent.futures as cf
import cProfile
import io
import json
import logging
import multiprocessing
import os
import pstats
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]
import trafilatura

from monitor.extract import extract_article
from monitor.fetch.encoding import decode_html
from monitor.match.hits import names_a_center
from monitor.match.lexicon import Lexicon
from monitor.models import Article
from monitor.run.archive import folder_pages
from monitor.run.backfill import (
    BATCH,
    PREFILTER_BATCH,
    Backfill,
    Executor,
    Job,
    Outlets,
    PoolExecutor,
    SerialExecutor,
    bounded_results,
    warm_worker,
    worker_analyzer,
)
from monitor.run.ingest import Analyzer
from monitor.store.database import Store
from tools.bench.corpus import BASE_URL, CorpusMaker

log = logging.getLogger(__name__)
MB = 1024 * 1024
# trafilatura's fast pass with metadata, with the outputs the monitor asks of it (no comments, tables,
# images or links: each of those costs trafilatura more, so the reference is the cheaper call)
TRAFILATURA_FAST: dict[str, Any] = {"fast": True, "with_metadata": True, "include_comments": False,
                                    "include_tables": False, "include_images": False, "include_links": False}


# -- memory ---------------------------------------------------------------------------------------


class MemorySampler:
    """Peak resident memory (MB) of this process, of its largest child and of all together."""

    def __init__(self, every: float = 0.2) -> None:
        self.every = every
        self.parent = self.child = self.total = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    def _sample(self) -> None:
        me = psutil.Process()
        try:
            parent = me.memory_info().rss / MB
            children = [c.memory_info().rss / MB for c in me.children(recursive=True)]
        except psutil.Error:  # a worker ended between listing and reading
            return
        self.parent = max(self.parent, parent)
        self.child = max([self.child, *children])
        self.total = max(self.total, parent + sum(children))

    def figures(self) -> dict[str, float]:
        return {"parent_mb": round(self.parent, 1), "largest_worker_mb": round(self.child, 1),
                "all_processes_mb": round(self.total, 1)}


def parent_cpu_seconds() -> float:
    """CPU time (user + system) of this process alone so far."""
    return float(sum(psutil.Process().cpu_times()[:2]))


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its live child processes so far: unlike wall
    time, it does not count the time other programs on the machine took."""
    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for child in me.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.Error:
            continue
    return float(total)


# -- the corpus -----------------------------------------------------------------------------------


def make_corpus(folder: Path, pages: int, seed: int) -> dict[str, Any]:
    """Write the corpus (streamed: one page at a time); counts, sizes and the time it took."""
    started = time.perf_counter()
    kinds: dict[str, int] = {}
    size = 0
    for page in CorpusMaker(seed).write(folder, pages):
        kinds[page.kind] = kinds.get(page.kind, 0) + 1
        size += len(page.data)
    return {"pages": pages, "kinds": kinds, "mean_kb": round(size / max(1, pages) / 1024, 1),
            "total_mb": round(size / MB, 1), "seconds": round(time.perf_counter() - started, 1)}


# -- (t) trafilatura alone and (a) extraction alone ------------------------------------------------


@dataclass(frozen=True)
class Extracted:
    url: str
    title: str | None
    text: str | None
    published: str | None


def extract_batch(jobs: Sequence[Job]) -> list[Extracted]:
    """decode + extract_article for a batch (runs on a worker)."""
    out = []
    for job in jobs:
        article = extract_article(decode_html(job.raw, job.content_type).text, job.url)
        out.append(Extracted(job.url, article.title if article else None, article.text if article else None,
                             article.published.isoformat() if article and article.published else None))
    return out


def trafilatura_batch(jobs: Sequence[Job]) -> list[Extracted]:
    """decode + trafilatura's fast pass with metadata (TRAFILATURA_FAST), nothing of ours (runs on a worker)."""
    out = []
    for job in jobs:
        found: Any = trafilatura.bare_extraction(decode_html(job.raw, job.content_type).text, url=job.url,
                                                 **TRAFILATURA_FAST)
        out.append(Extracted(job.url, found.title if found else None, found.text if found else None,
                             found.date if found else None))
    return out


def _warm_extractor() -> None:
    extract_article("<html><body><article><p>" + "示范文字，" * 40 + "</p></article></body></html>",
                    "http://warm.invalid/")


def measure_trafilatura(folder: Path, workers: int, limit: int | None = None) -> dict[str, Any]:
    """(t): every page through decode + trafilatura's fast pass with metadata on `workers` processes."""
    return _pool_pass(folder, workers, trafilatura_batch, limit, None)


def measure_extraction(folder: Path, workers: int, texts: Path) -> dict[str, Any]:
    """(a): every page of the corpus through decode + extract_article on `workers` processes; the texts
    are written to `texts` (JSON lines) for (c)."""
    with texts.open("w", encoding="utf-8") as out:
        return _pool_pass(folder, workers, extract_batch, None, out)


def _pool_pass(folder: Path, workers: int, batch: Any, limit: int | None, out: Any) -> dict[str, Any]:
    """`batch` over the corpus on a warm pool of `workers` processes: time, CPU a page, memory; the texts
    found go to `out` (JSON lines) when given."""
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_extractor) as pool, \
            MemorySampler() as memory:
        cf.wait([pool.submit(time.sleep, 0.5) for _ in range(workers)])
        started, cpu = time.perf_counter(), cpu_seconds()
        articles = pages = 0
        for _, results in bounded_results(_job_batches(folder, limit), lambda jobs: pool.submit(batch, jobs),
                                          lambda pending: cf.wait(pending, return_when=cf.FIRST_COMPLETED)[0],
                                          window=2 * workers):
            for item in results:
                pages += 1
                if item.text is not None:
                    articles += 1
                    if out is not None:
                        out.write(json.dumps(item.__dict__, ensure_ascii=False) + "\n")
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return {"workers": workers, "pages": pages, "articles": articles, "seconds": round(seconds, 2),
            "articles_per_s": round(pages / seconds, 1), "cpu_ms_per_page": round(cpu * 1000 / pages, 2),
            "pages_per_core_s": round(pages / cpu, 1), "memory": memory.figures()}


def _job_batches(folder: Path, limit: int | None = None) -> Iterator[list[Job]]:
    batch: list[Job] = []
    for count, page in enumerate(folder_pages(folder, BASE_URL), 1):
        batch.append(Job(page.url, page.raw, page.content_type, None))
        if len(batch) == BATCH or count == limit:
            yield batch
            batch = []
        if count == limit:
            return
    if batch:
        yield batch


# -- (b) the full processing ----------------------------------------------------------------------


def measure_full(folder: Path, db: Path, lexicon: Lexicon, workers: int, limit: int | None = None,
                 only_matching: bool = False) -> dict[str, Any]:
    """(b), or (d) with `only_matching`: decode (the prefilter), extract, normalize, match, events on
    `workers` processes; every article stored by this process in the SQLite file `db` (as `monitor
    backfill` does)."""
    executor = PoolExecutor(lexicon, workers, only_matching)
    store = Store.open(db)
    try:
        executor.ready()
        load = os.getloadavg()[0]
        cpu, parent = cpu_seconds(), parent_cpu_seconds()
        with MemorySampler() as memory:
            batch = PREFILTER_BATCH if only_matching else BATCH
            summary = Backfill(store, lexicon, executor, Outlets(None), batch=batch).run(_limited(folder, limit))
        cpu, parent = cpu_seconds() - cpu, parent_cpu_seconds() - parent
        items = store.count("items")
    finally:
        executor.close()
        store.close()
    n = max(1, summary.pages)
    return {"workers": workers, "only_matching": only_matching, "pages": summary.pages, "stored": summary.stored,
            "left_out": summary.filtered, "failed": summary.failed, "matched": summary.matched,
            "events": summary.events, "queue_items": items, "seconds": summary.seconds,
            "articles_per_s": round(summary.pages / summary.seconds, 1), "cpu_ms_per_page": round(cpu * 1000 / n, 2),
            "parent_cpu_ms_per_page": round(parent * 1000 / n, 2), "pages_per_core_s": round(n / cpu, 1),
            "stage_ms_per_page": {k: round(v * 1000 / n, 3) for k, v in summary.stages.items()},
            "stage_note": "wall time: prefilter, extract and analyze summed over the workers (including waits "
                          "for a core), read and store in the parent",
            "db_mb": round(db.stat().st_size / MB, 1), "memory": memory.figures(),
            "load_average": [round(load, 2), round(os.getloadavg()[0], 2)]}


def events_of(db: Path) -> list[tuple[Any, ...]]:
    """Every event of a database with its article's URL (no ids), sorted: what two runs must agree on."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        rows = connection.execute(
            "SELECT a.url, e.type, e.center, e.place, e.province, e.level, e.code, e.date, e.partners, "
            "round(e.confidence, 6), e.evidence FROM events e JOIN articles a ON a.id = e.article_id").fetchall()
    return sorted(rows)


def same_events(full_db: Path, only_db: Path) -> dict[str, Any]:
    """Whether (d) found exactly the events of (b), and how many."""
    full, only = events_of(full_db), events_of(only_db)
    return {"identical": full == only, "full": len(full), "only_matching": len(only),
            "missing": len(set(full) - set(only)), "extra": len(set(only) - set(full))}


def _limited(folder: Path, limit: int | None) -> Iterator[Any]:
    for count, page in enumerate(folder_pages(folder, BASE_URL), 1):
        if limit is not None and count > limit:
            return
        yield page


# -- (c) after extraction: ours against a naive jieba baseline ------------------------------------


def _articles(texts: Path) -> Iterator[Article]:
    with texts.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            published = _day(row["published"])
            yield Article(row["url"], row["title"], row["text"], published)


def _day(value: str | None) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(value) if value else None


def measure_after_extraction(texts: Path, lexicon: Lexicon) -> dict[str, Any]:
    """(c): Analyzer.analyze (normalize, match, events) on every extracted text, then the naive
    baseline (jieba.lcut on every text, each word looked up among the lexicon's forms)."""
    warm_worker(lexicon)  # jieba, spaCy and the gazetteer loaded before the clock starts, as in a worker
    ours = _time_ours(worker_analyzer(lexicon), texts)
    naive = _time_naive(lexicon, texts)
    return {"articles": ours["articles"], "ours": ours, "naive": naive,
            "naive_over_ours": round(naive["seconds"] / ours["seconds"], 2)}


def _time_ours(analyzer: Analyzer, texts: Path) -> dict[str, Any]:
    spent = {"matching": 0.0, "other": 0.0}
    counts = {"matching": 0, "other": 0, "events": 0}
    for article in _articles(texts):
        started = time.perf_counter()
        analysis = analyzer.analyze(article)
        kind = "matching" if analysis.matched else "other"
        spent[kind] += time.perf_counter() - started
        counts[kind] += 1
        counts["events"] += len(analysis.events)
    total = spent["matching"] + spent["other"]
    n = counts["matching"] + counts["other"]
    return {"articles": n, "seconds": round(total, 3), "articles_per_s": round(n / total, 1),
            "ms_per_article": round(total * 1000 / n, 4), "matching_articles": counts["matching"],
            "events": counts["events"],
            "ms_per_matching_article": round(spent["matching"] * 1000 / max(1, counts["matching"]), 3),
            "ms_per_other_article": round(spent["other"] * 1000 / max(1, counts["other"]), 4)}


def _time_naive(lexicon: Lexicon, texts: Path) -> dict[str, Any]:
    import jieba

    forms = {form: term for term in lexicon.terms for form in term.forms}
    jieba.initialize()
    spent = 0.0
    n = found = 0
    for article in _articles(texts):
        started = time.perf_counter()
        terms = [forms[word] for word in jieba.lcut(article.text) if word in forms]
        spent += time.perf_counter() - started
        n += 1
        found += names_a_center(terms)
    return {"articles": n, "seconds": round(spent, 3), "articles_per_s": round(n / spent, 1),
            "ms_per_article": round(spent * 1000 / n, 4), "matching_articles": found}


# -- the 1 → 2 worker speedup, and a profile ------------------------------------------------------


def measure_speedup(folder: Path, tmp: Path, lexicon: Lexicon, pages: int, only_matching: bool = False,
                    ) -> dict[str, Any]:
    """(b), or (d), on the first `pages` pages with 1 and then 2 worker processes, each into a fresh database."""
    name = "only" if only_matching else "full"
    one = measure_full(folder, tmp / f"speedup-{name}-1.db", lexicon, 1, pages, only_matching)
    two = measure_full(folder, tmp / f"speedup-{name}-2.db", lexicon, 2, pages, only_matching)
    return {"pages": one["pages"], "only_matching": only_matching, "one_worker_per_s": one["articles_per_s"],
            "two_workers_per_s": two["articles_per_s"], "one_worker_cpu_ms_per_page": one["cpu_ms_per_page"],
            "two_workers_cpu_ms_per_page": two["cpu_ms_per_page"],
            "speedup": round(two["articles_per_s"] / one["articles_per_s"], 2),
            "ceiling": two_core_ceiling(one["cpu_ms_per_page"], one["parent_cpu_ms_per_page"]),
            "load_average": one["load_average"] + two["load_average"]}


def two_core_ceiling(cpu_ms: float, parent_ms: float) -> float:
    """The 1 → 2 worker speedup two cores allow when nothing else runs: with one worker the parent has
    the other core and a page takes the worker's time W; with two, the workers and the parent share both
    cores, (W + P) / 2 a page. So 2W / (W + P), from the CPU a page took (P: the parent's part)."""
    worker = cpu_ms - parent_ms
    return round(2 * worker / (worker + parent_ms), 2) if worker > 0 else 0.0


def profile_serial(folder: Path, tmp: Path, lexicon: Lexicon, pages: int, top: int = 35) -> str:
    """cProfile of the full processing of `pages` pages in this process (no pool): the text report."""
    executor: Executor = _serial(lexicon)
    store = Store.open(tmp / "profile.db")
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        Backfill(store, lexicon, executor, Outlets(None)).run(_limited(folder, pages))
        profiler.disable()
    finally:
        store.close()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def _serial(lexicon: Lexicon) -> Executor:
    warm_worker(lexicon)
    return SerialExecutor(lexicon)
