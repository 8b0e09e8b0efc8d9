"""Quality of the Analyzer on a labelled split: per-language and overall metrics and a table.

Metrics: language accuracy; health-relevance F1 and incident F1 (positive class); sentiment
accuracy; topic micro precision/recall/F1 (over health-related gold items); department accuracy
(over health-related gold items that name a department); severity accuracy (over gold incidents
the analyzer also flags as incidents).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from healthpulse.core.domain import Analysis, Document
from healthpulse.nlp.calibration import confident_error_share, ece
from healthpulse.nlp.training.dataset import Item

METRICS = ("n", "language_acc", "health_f1", "incident_f1", "sentiment_acc", "topic_p", "topic_r", "topic_f1",
           "department_acc", "severity_acc", "incident_ece", "sentiment_ece", "sure_wrong")
# A text this long or longer is also counted in the "long" row (multi-paragraph articles, long transcripts).
LONG_CHARS = 800
HEADERS = {"n": "items", "language_acc": "language acc", "health_f1": "health F1", "incident_f1": "incident F1",
           "sentiment_acc": "sentiment acc", "topic_p": "topic P", "topic_r": "topic R", "topic_f1": "topic F1",
           "department_acc": "department acc", "severity_acc": "severity acc", "incident_ece": "incident ECE",
           "sentiment_ece": "sentiment ECE", "sure_wrong": "wrong at ≥0.9"}


def to_document(it: Item) -> Document:
    return Document(id=it.id, title=it.title, text=it.text)


# Issue 14's bar on text written independently of the training data (tests/unit/nlp/test_quality.py).
TARGETS = {"language_acc": 0.99, "health_f1": 0.95, "incident_f1": 0.93, "sentiment_acc": 0.92, "topic_f1": 0.85,
           "department_acc": 0.95}
PER_LANGUAGE_TARGETS = {"incident_f1": 0.88, "sentiment_acc": 0.85}
CALIBRATION_TARGETS = {"incident_ece": 0.08, "sentiment_ece": 0.08, "sure_wrong": 0.03}
# Where the shipped heads do not reach the bar yet (README "Measured quality"), the tests hold the
# measured level (rounded down) so that a regression fails; the bar above stays the goal.
# Every bar is met since 2026-12-04 (sentiment 0.912 -> 0.920 when the screen stopped reading the tone it is unsure
# of, chosen on the third dev set); the dict stays for a bar a future change cannot reach at once.
NOT_YET_MET: dict[str, float] = {}
PER_LANGUAGE_NOT_YET_MET: dict[str, float] = {}  # every language meets its bar since the second read


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else (1.0 if not (fp or fn) else 0.0)


@dataclass
class _Counts:
    n: int = 0
    lang_ok: int = 0
    h_tp: int = 0
    h_fp: int = 0
    h_fn: int = 0
    i_tp: int = 0
    i_fp: int = 0
    i_fn: int = 0
    sent_ok: int = 0
    t_tp: int = 0
    t_fp: int = 0
    t_fn: int = 0
    dep_n: int = 0
    dep_ok: int = 0
    sev_n: int = 0
    sev_ok: int = 0
    # (confidence of the label given, was it right) for the calibration measures
    inc_conf: list = field(default_factory=list)
    sent_conf: list = field(default_factory=list)

    def add(self, it: Item, a: Analysis) -> None:
        self.n += 1
        self.lang_ok += a.language == it.lang
        h = bool(a.health_related)
        self.h_tp += h and it.health_related
        self.h_fp += h and not it.health_related
        self.h_fn += (not h) and it.health_related
        inc = bool(a.incident)
        self.i_tp += inc and it.incident
        self.i_fp += inc and not it.incident
        self.i_fn += (not inc) and it.incident
        self.sent_ok += a.sentiment is not None and a.sentiment.label == it.sentiment
        if a.incident_confidence is not None:
            self.inc_conf.append((a.incident_confidence, inc == it.incident))
        if a.sentiment is not None:
            self.sent_conf.append((a.sentiment.score, a.sentiment.label == it.sentiment))
        if it.health_related:
            pred, gold = set(a.topic_ids), set(it.topics)
            self.t_tp += len(pred & gold)
            self.t_fp += len(pred - gold)
            self.t_fn += len(gold - pred)
            if it.department:
                self.dep_n += 1
                self.dep_ok += a.department == it.department
        if it.incident and inc:
            self.sev_n += 1
            self.sev_ok += a.severity == it.severity

    def metrics(self) -> dict[str, float]:
        tp, fp, fn = self.t_tp, self.t_fp, self.t_fn
        return {
            "n": self.n,
            "language_acc": self.lang_ok / self.n if self.n else 0.0,
            "health_f1": _f1(self.h_tp, self.h_fp, self.h_fn),
            "incident_f1": _f1(self.i_tp, self.i_fp, self.i_fn),
            "sentiment_acc": self.sent_ok / self.n if self.n else 0.0,
            "topic_p": tp / (tp + fp) if tp + fp else 0.0,
            "topic_r": tp / (tp + fn) if tp + fn else 0.0,
            "topic_f1": _f1(tp, fp, fn),
            "department_acc": self.dep_ok / self.dep_n if self.dep_n else 0.0,
            "severity_acc": self.sev_ok / self.sev_n if self.sev_n else 0.0,
            "incident_ece": _ece(self.inc_conf),
            "sentiment_ece": _ece(self.sent_conf),
            "sure_wrong": confident_error_share(*_cols(self.inc_conf + self.sent_conf)),
        }


def _cols(pairs: list) -> tuple[np.ndarray, np.ndarray]:
    if not pairs:
        return np.zeros(0), np.zeros(0, dtype=bool)
    c, ok = zip(*pairs, strict=True)
    return np.array(c, dtype=float), np.array(ok, dtype=bool)


def _ece(pairs: list) -> float:
    return ece(*_cols(pairs))


def evaluate(items: Sequence[Item], analyses: Sequence[Analysis]) -> dict[str, dict[str, float]]:
    """{"overall": metrics, "<lang>": metrics, ...}."""
    counts: dict[str, _Counts] = defaultdict(_Counts)
    for it, a in zip(items, analyses, strict=True):
        counts[it.lang].add(it, a)
        if len(it.text) >= LONG_CHARS:
            counts["long"].add(it, a)
        counts["overall"].add(it, a)
    langs = ("ru", "ar", "fa", "vi", "en")
    order = [lg for lg in langs if lg in counts] + \
        sorted(k for k in counts if k not in (*langs, "long", "overall")) + \
        (["long"] if "long" in counts else []) + ["overall"]
    return {k: counts[k].metrics() for k in order}


def errors(items: Sequence[Item], analyses: Sequence[Analysis]) -> list[dict]:
    """Per-item disagreements (for error analysis in reports)."""
    out = []
    for it, a in zip(items, analyses, strict=True):
        diff: dict[str, tuple] = {}
        if a.language != it.lang:
            diff["language"] = (it.lang, a.language)
        if bool(a.incident) != it.incident:
            diff["incident"] = (it.incident, a.incident, a.incident_score)
        if bool(a.health_related) != it.health_related:
            diff["health"] = (it.health_related, a.health_related, a.health_score)
        if a.sentiment is None or a.sentiment.label != it.sentiment:
            diff["sentiment"] = (it.sentiment, a.sentiment.label if a.sentiment else None)
        if it.health_related and set(a.topic_ids) != set(it.topics):
            diff["topics"] = (sorted(it.topics), sorted(a.topic_ids))
        if it.health_related and it.department and a.department != it.department:
            diff["department"] = (it.department, a.department)
        if diff:
            out.append({"id": it.id, "text": it.text[:120], **diff})
    return out


def format_table(results: dict[str, dict[str, float]], markdown: bool = True) -> str:
    cols = list(METRICS)
    head = ["lang"] + [HEADERS[c] for c in cols]
    rows = []
    for lang, m in results.items():
        rows.append([f"**{lang}**" if lang == "overall" and markdown else lang] +
                    [str(int(m[c])) if c == "n" else f"{m[c]:.3f}" for c in cols])
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=False)]
    return "\n".join("  ".join(x.rjust(w) for x, w in zip(r, widths, strict=True)) for r in [head, *rows])
