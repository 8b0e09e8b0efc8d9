"""healthpulse at scale (issue 17, item 6): N generated documents into PostgreSQL + an OpenSearch cluster,
then the press dashboard and search at that size.

1. **Ingest.** (``--workers N``: N ingest processes share each chunk, as several `healthpulse ingest`
   workers would; each has its own container on the run's database and index.) N pre-analysed documents (NLP off: each carries its analysis, as a worker's output would)
   go through ``pipeline.ingest_many`` in batches: stored in PostgreSQL with their outbox rows in one
   transaction, pushed to the cluster by healthpulse's bulk path, then the post-ingest stages (alert rules,
   incidents). docs/s over the timed ingest calls only.
2. **Raw.** The same documents' index bodies (read back from PostgreSQL and built before the clock starts)
   through the client's ``helpers.bulk`` into a twin index with the same template. The two paths take
   turns chunk by chunk, so both indexes grow together on the same machine state; the ratio
   healthpulse / raw (target ≥ 0.7) prices the whole pipeline (database, outbox, stages) against the
   bare index write.
   One line per chunk: the run so far, the chunk alone, and (one ingest process) the share of the chunk's
   time each stage took (store, waiting for the previous index push, each post-ingest hook).
3. **Dashboard.** Once the cluster's merges have settled (``settle``), p50/p95 of each press endpoint and
   search through the real Flask app, logged in as press, filters varied (``benchmarks/web.py``'s
   endpoints; target p95 ≤ 200 ms).

Generation is seeded: five languages, texts of a news article's length (log-normal, median about 150
words, one in twenty over 600), a year of dates (``--span-days``), the bundled departments, 80 % news and 20 % social
posts, 3 % incidents. ``--mix crawl`` (default): a quarter of the documents about health, each with a
vector as the pipeline gives them (copies of one story close together); ``--mix health``: every
document about health and none with a vector (the worst case for incidents: each negative one opens
its own). ``--arrival time`` (default): the year arrives in publication order, each item up to two days
late, as a crawl delivers it; ``--arrival shuffled``: the year in random order, every batch a backfill
spanning it (incident merging and the spike rule then read a stretch per fortnight of the year per batch).
The database is created for the run and dropped after; the two indexes too. A run cut short (a 1M run
takes hours) carries on with ``--resume DATABASE:PREFIX`` (both printed when a run starts): the documents
its database holds are generated again and skipped, the rest ingested and timed; the figures printed are
then those of the resumed part alone. ``--keep`` leaves database and indexes in place; resuming a whole
run measures the dashboard again.

    scripts/services.sh start pg && scripts/search-node.sh start opensearch-cluster
    python benchmarks/scale.py --docs 1000000 --search-url http://127.0.0.1:9210 [--workers 2] \
        [--pg postgresql+psycopg://postgres@127.0.0.1:55432/healthpulse_test]
"""

from __future__ import annotations

import argparse
import hashlib
import math
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root: its ``tests`` package
sys.path.insert(0, str(Path(__file__).resolve().parent))
from healthpulse.core.clock import FakeClock  # noqa: E402
from healthpulse.core.domain import Channel, Document  # noqa: E402
from healthpulse.indexes.node_dsl import doc_source  # noqa: E402
from healthpulse.ingest.store import get_documents, to_index_doc  # noqa: E402
from healthpulse.nlp.features import E5_DIM  # noqa: E402
from index import VOCAB  # noqa: E402 - benchmarks/index.py's five-language vocabulary

from tests.support.containers import make_container  # noqa: E402
from tests.support.databases import create_postgres_database, drop_postgres_database, postgres_url  # noqa: E402
from tests.support.web import TOPIC_IDS, news_document  # noqa: E402
from web import WORDS, measure_endpoints  # noqa: E402 - benchmarks/web.py's dashboard endpoints

NOW = datetime(2026, 11, 1, tzinfo=UTC)
LANGS = ["ru", "ar", "fa", "vi", "en"]


def words_of(lang: str) -> list[str]:
    return VOCAB[lang] + WORDS[lang]  # WORDS: the terms the dashboard's search asks for


MIXES = ("crawl", "health")
HEALTH_SHARE = 0.25  # of the "crawl" mix: issue 14's crawl mix has at least 80 % of items not about health


def story_vector(story: str | None, rnd: random.Random) -> list[float]:
    """A unit vector like the embedder's: copies of one story lie close together (cosine ≈ 0.97), others apart."""
    # the story's whole id seeds its base: the first eight bytes alone ("story-12") gave every story whose number
    # starts with the same two digits one vector, about a hundred giant "stories" (before 2026-12-03)
    seed = int.from_bytes(hashlib.blake2b(story.encode(), digest_size=8).digest(), "little") if story else None
    base = np.random.default_rng(seed if seed is not None else rnd.randrange(2**63))
    v = base.standard_normal(E5_DIM)
    if story:
        v = v + 0.25 * np.random.default_rng(rnd.randrange(2**63)).standard_normal(E5_DIM)
    return [float(x) for x in v / np.linalg.norm(v)]


ARRIVALS = ("time", "shuffled")
CRAWL_LAG_MINUTES = 48 * 60  # a crawl fetches an item within two days of its publication


def published_at(i: int, n: int, rnd: random.Random, arrival: str, span_days: float = 365) -> datetime:
    """``time``: the stream runs through the year in publication order, each item up to two days late, as a
    crawl or a national feed delivers them; ``shuffled``: any date of the year in any order (a backfill of a
    whole archive at once, every batch spanning the year)."""
    if arrival == "time":
        return NOW - timedelta(days=span_days) * (1 - i / n) - timedelta(minutes=rnd.randrange(CRAWL_LAG_MINUTES))
    return NOW - timedelta(minutes=rnd.randrange(int(span_days * 24 * 60)))


def generated(n: int, departments: list[str], seed: int = 17, mix: str = "crawl",
              arrival: str = "time", span_days: float = 365) -> Iterator[Document]:
    """``n`` analysed documents, the same ones for the same seed, mix and arrival.

    ``crawl``: a quarter about health, each with a vector as the pipeline embeds them (copies of a story
    close together), the rest neither health nor incidents (merging and the topic rules skip them).
    ``health``: every document about health and none with a vector, so none can join an incident and
    every negative one opens its own (the mix of the figures before 2026-12-02: the worst case)."""
    rnd = random.Random(seed)
    for i in range(n):
        lang = LANGS[i % 5]
        words = words_of(lang)
        length = max(20, min(3000, int(rnd.lognormvariate(math.log(150), 0.8))))
        sentences = [" ".join(rnd.choices(words, k=12)) + "." for _ in range(length // 12 + 1)]
        incident = rnd.random() < 0.03
        doc = news_document(
            i, department=rnd.choice(departments), published=published_at(i, n, rnd, arrival, span_days),
            language=lang, sentiment=rnd.choice(["negative", "negative", "neutral", "positive"]),
            topics=rnd.sample(TOPIC_IDS, rnd.choice((1, 1, 2))), incident=incident,
            story=f"story-{rnd.randrange(max(1, n // 5))}" if rnd.random() < 0.3 else None,
            text=" ".join(sentences), source=f"source-{rnd.randrange(200)}",
            channel=Channel.NEWS if rnd.random() < 0.8 else Channel.SOCIAL)
        if mix == "crawl":
            assert doc.analysis is not None
            if rnd.random() < HEALTH_SHARE:
                update = {"embedding": story_vector(doc.story_id, rnd)}
            else:
                update = {"health_related": False, "incident": False, "severity": None, "topics": []}
            doc = doc.model_copy(update={"analysis": doc.analysis.model_copy(update=update)})
        yield doc


# -- several ingest processes (--workers): each its own container on the run's database and index ---------
_WORKER: dict[str, object] = {}


def _worker_start(settings: dict[str, object]) -> None:
    from healthpulse.core.settings import load_settings
    from healthpulse.wiring.container import build_container

    _WORKER["container"] = build_container(load_settings(None, **settings), clock=FakeClock(NOW), analyzer=None,
                                           index="auto", embedder=None)


def _worker_ingest(docs: list[Document], batch: int) -> int:
    """Ingest ``docs`` in batches, as one `healthpulse ingest` process would; how many were created."""
    c = _WORKER["container"]
    batches = (docs[i:i + batch] for i in range(0, len(docs), batch))
    return sum(r.created for results in c.pipeline.ingest_batches(batches) for r in results)  # type: ignore[attr-defined]


class StageClock:
    """Seconds this process spent per ingest stage: storing (documents + outbox), waiting for the previous index
    push, and each post-ingest hook. Instrumentation for the per-chunk lines (the first 1M run had chunks at half
    speed and no way to tell which stage): it wraps the container's own pipeline and hooks, nothing else changes."""

    def __init__(self, c) -> None:  # type: ignore[no-untyped-def]
        from healthpulse.ingest import index_push

        self.seconds: dict[str, float] = {}
        pipeline = c.pipeline
        pipeline._store = self._timed("store", pipeline._store)
        for hook in c.hooks:
            hook.on_ingested = self._timed(type(hook).__name__, hook.on_ingested)
        index_push.BackgroundPush.wait = self._timed("push wait", index_push.BackgroundPush.wait)

    def _timed(self, name: str, fn):  # type: ignore[no-untyped-def]
        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t0
        return timed

    def take(self) -> dict[str, float]:
        """The seconds since the last take, per stage."""
        out, self.seconds = self.seconds, {}
        return out


def ingest_chunk(c, chunk: list[Document], batch: int, pool: ProcessPoolExecutor | None, workers: int) -> int:  # type: ignore[no-untyped-def]
    """The chunk through one ingest (this process) or ``workers`` processes, each a contiguous share."""
    if pool is None:
        batches = (chunk[i:i + batch] for i in range(0, len(chunk), batch))
        return sum(r.created for results in c.pipeline.ingest_batches(batches) for r in results)
    share = -(-len(chunk) // workers)
    futures = [pool.submit(_worker_ingest, chunk[i:i + share], batch) for i in range(0, len(chunk), share)]
    return sum(f.result() for f in futures)


def raw_bodies(c, index, ids: list[str]) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    """The index bodies of stored documents ``ids``, read back from PostgreSQL, for the raw twin."""
    with c.session() as s:
        return [(r.id, doc_source(to_index_doc(r, c.settings.max_index_chars), index.mode))
                for r in get_documents(s, ids)]


def raw_bulk(index, target: str, bodies: list[tuple[str, dict]], batch: int) -> float:  # type: ignore[no-untyped-def]
    from opensearchpy import helpers

    actions = ({"_index": target, "_id": doc_id, "_source": body} for doc_id, body in bodies)
    t0 = time.perf_counter()
    ok, errors = helpers.bulk(index.client, actions, chunk_size=batch, raise_on_error=True, max_retries=3,
                              initial_backoff=0.5)  # both paths retry 429s with backoff
    elapsed = time.perf_counter() - t0
    if ok != len(bodies):
        raise SystemExit(f"raw bulk indexed {ok} of {len(bodies)}: {errors}")
    return elapsed


@contextmanager
def run_container(args: argparse.Namespace, tmp: Path, clock: FakeClock) -> Iterator[object]:
    """A container on a new database and index prefix, or on a cut run's (``--resume``); the database is
    dropped after unless ``--keep``."""
    if args.resume:
        name, _, prefix = args.resume.partition(":")
    else:
        name, prefix = create_postgres_database("hp_scale"), f"hpscale-{int(time.time())}"
    print(f"run on database {name}, index prefix {prefix} (to carry on or measure again: --resume {name}:{prefix})",
          flush=True)
    c = make_container(tmp, clock=clock, database_url=postgres_url(name), search_url=args.search_url,
                       search_index_prefix=prefix)
    try:
        yield c
    finally:
        c.close()
        if not args.keep:
            drop_postgres_database(name)


def settle(index, limit_s: float = 900, quiet_s: float = 30) -> tuple[float, bool]:  # type: ignore[no-untyped-def]
    """Wait until the cluster has run no merge for ``quiet_s`` (at most ``limit_s``); the seconds waited, and
    whether it settled (False: the limit came first, and the figures are taken during merges).

    Why: a bulk load of 1M documents leaves minutes of segment merges behind it, and queries measured during
    them time the merging (negative stories p95 646 ms right after the load, 193 ms once quiet: 2026-12-03);
    the dashboard's figures are those of a cluster at rest, as the press office meets it between crawls."""
    t0 = time.perf_counter()
    quiet_since = None
    while time.perf_counter() - t0 < limit_s:
        merging = index.request("GET", "/_stats/merge")["_all"]["total"]["merges"]["current"]
        now = time.perf_counter()
        quiet_since = (quiet_since or now) if merging == 0 else None
        if quiet_since is not None and now - quiet_since >= quiet_s:
            return time.perf_counter() - t0, True
        time.sleep(2)
    return time.perf_counter() - t0, False


def skip_stored(c, source: Iterator[Document], index, raw_target: str, batch: int) -> int:  # type: ignore[no-untyped-def]
    """Resuming: consume from ``source`` the documents the cut run stored (it ingested in order, one process),
    check each is there, and give the raw twin those it lacks (untimed: their ingest was the cut run's)."""
    from healthpulse.core.models.documents import DocumentRow
    from sqlalchemy import func, select

    with c.session() as s:
        stored = int(s.scalar(select(func.count()).select_from(DocumentRow)) or 0)
    skipped = 0
    while skipped < stored:
        ids = [d.id for d in islice(source, min(20_000, stored - skipped))]
        if not ids:  # the database holds more than this run generates: not a run of these arguments
            raise SystemExit(f"cannot resume: the database holds {stored:,} documents, more than the {skipped:,} "
                             "generated (another --docs, or documents added since?)")
        with c.session() as s:
            found = int(s.scalar(select(func.count()).select_from(DocumentRow).where(DocumentRow.id.in_(ids))) or 0)
        if found != len(ids):
            raise SystemExit(f"cannot resume: {len(ids) - found} of generated documents {skipped:,}+ are not stored "
                             "(another seed, mix, arrival or span?)")
        in_raw: set[str] = set()
        for i in range(0, len(ids), 5_000):  # under the index's 10,000-hit window
            part = ids[i:i + 5_000]
            found_raw = index.request("POST", f"/{raw_target}/_search", {
                "size": len(part), "_source": False, "query": {"ids": {"values": part}}})["hits"]["hits"]
            in_raw.update(h["_id"] for h in found_raw)
        missing = sorted(set(ids) - in_raw)
        if missing:
            raw_bulk(index, raw_target, raw_bodies(c, index, missing), batch)
        skipped += len(ids)
        print(f"\rresuming: {skipped:,}/{stored:,} stored documents skipped", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return skipped


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--search-url", required=True, help="the OpenSearch cluster, e.g. http://127.0.0.1:9210")
    ap.add_argument("--chunk", type=int, default=20_000, help="documents per turn of each path")
    ap.add_argument("--batch", type=int, default=500, help="documents per ingest call and per bulk request")
    ap.add_argument("--rounds", type=int, default=20, help="requests per dashboard endpoint")
    ap.add_argument("--workers", type=int, default=1,
                    help="ingest processes sharing each chunk (several `healthpulse ingest` workers); 1: this one")
    ap.add_argument("--mix", choices=MIXES, default="crawl",
                    help="crawl: a quarter about health, with vectors (default); health: all, without (worst case)")
    ap.add_argument("--arrival", choices=ARRIVALS, default="time",
                    help="time: in publication order, up to two days late, as a crawl delivers (default); "
                         "shuffled: a year's archive in random order (the figures before 2026-12-02)")
    ap.add_argument("--span-days", type=float, default=365,
                    help="days the documents' dates cover; fewer documents over fewer days keep --docs N's "
                         "density per day (100,000 over 36.5 days: a 1M year's stream, in a tenth of the time)")
    ap.add_argument("--pg", default=os.environ.get("HEALTHPULSE_TEST_POSTGRES_URL",
                                                   "postgresql+psycopg://postgres@127.0.0.1:55432/healthpulse_test"),
                    help="a PostgreSQL server's database URL; the run creates its own database there")
    ap.add_argument("--resume", metavar="DATABASE:PREFIX",
                    help="carry on a run cut short, on its database and index prefix (same seed, --docs, --mix, "
                         "--arrival, --span-days); prints the resumed part's figures, or, on a whole run kept "
                         "with --keep, the dashboard's again")
    ap.add_argument("--keep", action="store_true",
                    help="keep the database and both indexes afterwards (to measure the dashboard again)")
    args = ap.parse_args(argv)
    if args.resume and not all(args.resume.partition(":")[::2]):
        ap.error(f"--resume wants DATABASE:PREFIX, as a run prints when it starts; got {args.resume!r}")
    os.environ["HEALTHPULSE_TEST_POSTGRES_URL"] = args.pg  # the server tests.support's databases helpers use

    clock = FakeClock(NOW)
    with tempfile.TemporaryDirectory() as tmp, run_container(args, Path(tmp), clock) as c:
        c.index.ensure_ready()
        index = c.index.backend()  # the node backend behind the container's proxy: its client and alias
        raw_target = f"{index.alias}-raw"
        if not args.resume:
            index.request("PUT", f"/{raw_target}", {})  # the same template (pattern <prefix>-docs-*)
        hp_s = raw_s = 0.0
        source = generated(args.docs, c.departments.ids, mix=args.mix, arrival=args.arrival, span_days=args.span_days)
        done = skip_stored(c, source, index, raw_target, args.batch) if args.resume else 0
        timed = 0  # documents ingested and timed by this process
        pool = None
        if args.workers > 1:
            shared = {"database_url": c.settings.database_url, "search_url": args.search_url,
                      "search_index_prefix": c.settings.search.index_prefix, "data_dir": Path(tmp) / "data",
                      "testing": True, "secret_key": "scale-benchmark"}
            pool = ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_worker_start, initargs=(shared,))
            pool.submit(time.sleep, 0).result()  # the workers are up (imports, models) before the clock starts
        stages = StageClock(c) if pool is None else None
        started = time.perf_counter()
        try:
            while done < args.docs:
                chunk = list(islice(source, args.chunk))
                t0 = time.perf_counter()
                created = ingest_chunk(c, chunk, args.batch, pool, args.workers)  # as `healthpulse ingest` feeds it
                if created != len(chunk):
                    raise SystemExit(f"{len(chunk) - created} documents not stored")
                chunk_hp = time.perf_counter() - t0
                chunk_raw = raw_bulk(index, raw_target, raw_bodies(c, index, [d.id for d in chunk]), args.batch)
                hp_s, raw_s = hp_s + chunk_hp, raw_s + chunk_raw
                done += len(chunk)
                timed += len(chunk)
                # One line per chunk: the whole so far, this chunk alone, and where this chunk's time went.
                split = "" if stages is None else " · " + ", ".join(
                    f"{name} {100 * sec / chunk_hp:.0f} %" for name, sec in stages.take().items())
                print(f"{done:,}/{args.docs:,} documents · healthpulse {timed / hp_s:,.0f} docs/s · "
                      f"raw {timed / raw_s:,.0f} docs/s · {time.perf_counter() - started:,.0f} s · this chunk: "
                      f"{len(chunk) / chunk_hp:,.0f} vs {len(chunk) / chunk_raw:,.0f} docs/s, ratio "
                      f"{chunk_raw / chunk_hp:.2f}{split}", file=sys.stderr, flush=True)
            if any(c.pipeline.outbox_pending().values()):
                raise SystemExit(f"outbox not drained: {c.pipeline.outbox_pending()}")
            index.refresh()
            index.request("POST", f"/{raw_target}/_refresh")
            in_index, in_raw = index.count(), index.request("GET", f"/{raw_target}/_count")["count"]
            print(f"documents: {args.docs:,} generated; {in_index:,} in healthpulse's index, {in_raw:,} in the raw twin")
            if timed:
                if timed != args.docs:
                    print(f"timed: the {timed:,} documents this run ingested (resumed at {args.docs - timed:,})")
                print(f"ingest into PostgreSQL + cluster (store, outbox, bulk, stages): {timed / hp_s:,.0f} docs/s")
                print(f"raw helpers.bulk of the same bodies:                         {timed / raw_s:,.0f} docs/s")
                print(f"ratio: {raw_s / hp_s:.2f} (target >= 0.7) with {args.workers} ingest process(es), "
                      f"{args.mix} mix, {args.arrival} arrival")
            retried = [j for j in c.jobs.list_jobs(kind="pipeline.post_ingest", limit=1000)]
            print(f"post-ingest stages queued for retry after concurrent writers: {len(retried)}")
            waited, settled = settle(index)
            print(f"dashboard measured once the cluster's merges settled ({waited:,.0f} s after the load)" if settled
                  else f"dashboard measured with the cluster still merging ({waited:,.0f} s after the load)")
            measure_endpoints(c, clock, args.rounds, args.docs)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
            if not args.keep:
                index.request("DELETE", f"/{raw_target}", params={"ignore_unavailable": "true"})
                index.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
