"""Alert latency and rule throughput on the embedded default (SQLite + FTS5).

1. Ingest-to-notification latency: a real local SMTP server (aiosmtpd), the
   in-process worker running in a thread (as `healthpulse worker` does); each
   incident document is ingested on its own and the clock stops when its
   e-mail arrives at the SMTP server.  Prints p50/p95/max (target p95 ≤ 5 s).
2. Rule evaluation throughput: each rule type's ``evaluate`` over analysed
   documents (pure rule cost), and the whole engine (rules + grouping +
   tickets + outbox rows in the database) in docs/s.

Documents come with their analysis (the NLP cost is measured by
benchmarks/analyze.py); ``--with-nlp`` runs the real analyzer in the loop.
Usage: python benchmarks/alerts.py [--docs 60] [--with-nlp]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from healthpulse.alerts.engine import process_documents
from healthpulse.alerts.rules.base import RuleContext
from healthpulse.alerts.rules_file import load_rules
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.core.clock import SystemClock
from healthpulse.core.domain import Document
from healthpulse.core.models.alerts import AlertDocumentRow, AlertRow
from sqlalchemy import select

# Run as a script: put the checkout on sys.path so the test helpers (tests/support/, not shipped) import.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.alerts import analysed_document
from tests.support.containers import make_container

TOPICS = ["drug_supply", "waiting_times", "staff_conduct", "facility_conditions", "emergency_care", "medical_error",
          "infectious_disease", "payment_insurance", "digital_services", "maternal_child"]


class _Arrivals:
    def __init__(self) -> None:
        self.at: dict[str, float] = {}

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        arrived = time.perf_counter()
        key = message_from_bytes(envelope.content, policy=policy.default)["X-HealthPulse-Idempotency-Key"]
        self.at[str(key).strip()] = arrived
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def latency(n: int, with_nlp: bool, tmp: Path) -> list[float]:
    port = _free_port()
    handler = _Arrivals()
    smtp = Controller(handler, hostname="127.0.0.1", port=port)
    smtp.start()
    c = make_container(tmp / "latency", clock=SystemClock(), analyzer="auto" if with_nlp else None,
                       smtp_host="127.0.0.1", smtp_port=port)
    deps = c.departments.departments
    if with_nlp:  # load the models outside the timed part (once per process in production)
        c.pipeline.analyse([Document(id="warm-up", text="Пациент ждал скорую помощь три часа в Сургуте.")])
    stop = threading.Event()
    worker = threading.Thread(target=c.worker.run_forever, kwargs={"poll_seconds": 0.05, "stop": stop.is_set}, daemon=True)
    worker.start()
    out = []
    try:
        for i in range(n):
            dep, topic = deps[i % len(deps)], TOPICS[(i // len(deps)) % len(TOPICS)]
            doc = analysed_document(f"lat-{i}", dep.id, "high", topic=topic, title=f"Incident {i}")
            if with_nlp:  # the analyzer decides incident, department and topic from the text
                place = next((p for p in dep.places if p.isascii()), dep.places[0])
                doc = doc.model_copy(update={"analysis": None, "title": None, "text": (
                    f"A patient died in a hospital in {place} after waiting three hours for an ambulance; "
                    f"the family accuses the doctors of negligence (case {i}).")})
            t0 = time.perf_counter()
            c.pipeline.ingest(doc)
            with c.session() as s:
                alert_ids = list(s.scalars(select(AlertDocumentRow.alert_id).where(AlertDocumentRow.document_id == doc.id)))
                new = [a for a in alert_ids if s.get(AlertRow, a).last_notified_at is not None
                       and s.get(AlertRow, a).document_count == 1]
            if not new:
                print(f"doc {i}: joined an existing alert or raised none; skipped", file=sys.stderr)
                continue
            prefix = f"alert:{new[0]}:fire:email:"
            deadline = t0 + 30
            while time.perf_counter() < deadline:
                arrived = [t for k, t in list(handler.at.items()) if k.startswith(prefix)]
                if arrived:
                    out.append(arrived[0] - t0)
                    break
                time.sleep(0.002)
            else:
                print(f"doc {i}: no e-mail within 30 s", file=sys.stderr)
    finally:
        stop.set()
        worker.join(timeout=5)
        c.close()
        smtp.stop()
    return out


def throughput(n: int, tmp: Path) -> dict[str, float]:
    c = make_container(tmp / "throughput", clock=SystemClock(), index=None)
    deps = [d.id for d in c.departments.departments]
    docs = [analysed_document(f"tp-{i}", deps[i % len(deps)], ["low", "medium", "high", "critical"][i % 4],
                              incident=i % 3 != 0, topic=TOPICS[i % len(TOPICS)], story=f"story-{i % 97}",
                              text="В Сургутской окружной клинической больнице вспышка кори, пациенты ждут часами.")
            for i in range(n)]
    rules = load_rules(None, c.departments)
    out: dict[str, float] = {}
    for rule in rules.rules:
        with c.session() as s:
            ctx = RuleContext(s, c.clock.now(), c.departments)
            t0 = time.perf_counter()
            rule.evaluate(ctx, docs)
            out[f"rule {rule.type} docs/s"] = n / (time.perf_counter() - t0)
            s.rollback()
    rt = AlertsRuntime.of(c)
    from healthpulse.ingest.store import upsert_document

    with c.session() as s:
        for d in docs:
            upsert_document(s, d, c.clock.now())
    t0 = time.perf_counter()
    for k in range(0, n, 64):
        with c.session() as s:
            process_documents(s, rt, docs[k:k + 64], c.clock.now())
    out["engine (rules+grouping+tickets+outbox) docs/s"] = n / (time.perf_counter() - t0)
    c.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=60, help="documents for the latency run")
    ap.add_argument("--throughput-docs", type=int, default=2000)
    ap.add_argument("--with-nlp", action="store_true", help="run the real analyzer inside the latency loop")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        lat = latency(args.docs, args.with_nlp, Path(tmp))
        if lat:
            print(f"ingest→e-mail latency over {len(lat)} alerts: p50 {statistics.median(lat) * 1000:.0f} ms, "
                  f"p95 {pct(lat, 0.95) * 1000:.0f} ms, max {max(lat) * 1000:.0f} ms (target p95 ≤ 5000 ms)")
        for name, value in throughput(args.throughput_docs, Path(tmp)).items():
            print(f"{name}: {value:,.0f}")


if __name__ == "__main__":
    main()
