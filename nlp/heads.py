"""Small trained classification heads over the feature vectors; inference with numpy only.

``nlp/models/heads.json`` describes the heads (type, classes, thresholds, feature settings,
training provenance); ``nlp/models/heads.npz`` holds their weights (float16 W, float32 b).
Both are written by ``healthpulse train`` (nlp/training/train.py) from the train split only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_MODELS_DIR = Path(__file__).resolve().parent / "models"
# Share of its threshold the best topic needs when no topic passes (heads trained before it was tuned).
DEFAULT_FALLBACK = 0.5


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class LinearHead:
    """A linear model: binary (sigmoid), multiclass (softmax) or multilabel (per-class sigmoid)."""

    name: str
    kind: str  # "binary" | "multiclass" | "multilabel"
    classes: list[str]
    W: np.ndarray
    b: np.ndarray
    thresholds: dict[str, float] = field(default_factory=dict)
    # Multilabel only: a health text with no class over its threshold keeps its best class when that
    # class reaches ``fallback`` × its threshold (0 = always keep one; chosen by cross-validation).
    fallback: float = DEFAULT_FALLBACK
    # Calibration fitted on cross-validation folds (nlp.calibration): Platt (a, b) per class for
    # binary/multilabel heads, one temperature for multiclass heads. Empty = raw scores.
    calibration: dict[str, Any] = field(default_factory=dict)

    def logits(self, X) -> np.ndarray:
        return np.asarray(X @ self.W.astype(np.float32)) + self.b

    def scores(self, X) -> np.ndarray:
        return self.calibrate(self.logits(X))

    def calibrate(self, z: np.ndarray) -> np.ndarray:
        """Logits → probabilities that mean what they say (see nlp.calibration)."""
        if self.kind == "multiclass":
            return softmax(z / float(self.calibration.get("temperature", 1.0)))
        platt = self.calibration.get("platt")
        if platt:
            a = np.array([platt[c][0] for c in self.classes], dtype=np.float32)
            b = np.array([platt[c][1] for c in self.classes], dtype=np.float32)
            z = a * z + b
        return sigmoid(z)

    def threshold(self, cls: str) -> float:
        return self.thresholds.get(cls, 0.5)


@dataclass
class HeadBundle:
    meta: dict
    heads: dict[str, LinearHead]

    @property
    def feature_set(self) -> str:
        return self.meta["features"]["set"]


def save_bundle(bundle: HeadBundle, models_dir: Path) -> None:
    models_dir.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {}
    meta = dict(bundle.meta)
    meta["heads"] = {}
    for name, h in bundle.heads.items():
        arrays[f"{name}__W"] = h.W.astype(np.float16)
        arrays[f"{name}__b"] = h.b.astype(np.float32)
        meta["heads"][name] = {"kind": h.kind, "classes": h.classes, "thresholds": h.thresholds}
        if h.kind == "multilabel":
            meta["heads"][name]["fallback"] = h.fallback
        if h.calibration:
            meta["heads"][name]["calibration"] = h.calibration
    np.savez_compressed(models_dir / "heads.npz", **arrays)
    (models_dir / "heads.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@lru_cache(maxsize=4)
def load_bundle(models_dir: str | Path = DEFAULT_MODELS_DIR) -> HeadBundle:
    """Heads from ``models_dir`` (cached per process). Raises FileNotFoundError with a hint."""
    d = Path(models_dir)
    meta_path, npz_path = d / "heads.json", d / "heads.npz"
    if not meta_path.exists() or not npz_path.exists():
        raise FileNotFoundError(f"no trained NLP heads in {d}: run `healthpulse train`")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    heads = {}
    with np.load(npz_path) as z:
        for name, h in meta["heads"].items():
            heads[name] = LinearHead(name, h["kind"], list(h["classes"]), z[f"{name}__W"], z[f"{name}__b"],
                                     {k: float(v) for k, v in h.get("thresholds", {}).items()},
                                     float(h.get("fallback", DEFAULT_FALLBACK)), dict(h.get("calibration") or {}))
    return HeadBundle(meta, heads)
