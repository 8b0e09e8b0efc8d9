"""The labelled data: well-formed labels, and no leakage between train and test."""

from __future__ import annotations

import re

from healthpulse.core.departments import load_departments
from healthpulse.nlp.taxonomy import load_taxonomy
from healthpulse.nlp.training.dataset import load_split

from .conftest import DEPARTMENTS


def _shingles(text: str, n: int = 5) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}


def test_labels_are_valid():
    deps = set(load_departments(DEPARTMENTS).ids)
    topics = set(load_taxonomy().ids)
    for split in ("train", "test"):
        for it in load_split(split):
            assert it.lang in ("ru", "ar", "fa", "vi", "en")
            assert it.text.strip()
            assert it.sentiment in ("negative", "neutral", "positive")
            assert set(it.topics) <= topics
            assert it.department is None or it.department in deps
            assert (it.severity is not None) == it.incident, it.id
            if it.incident:
                assert it.health_related and it.sentiment == "negative", it.id
            if not it.health_related:
                assert it.topics == [], it.id


def test_train_is_bigger_and_covers_every_language():
    train = load_split("train")
    for lang in ("ru", "ar", "fa", "vi", "en"):
        assert sum(1 for it in train if it.lang == lang) >= 150


def test_no_scenario_or_near_duplicate_crosses_the_split():
    train, test = load_split("train"), load_split("test")
    assert not {it.scenario for it in train} & {it.scenario for it in test}
    assert not {it.id for it in train} & {it.id for it in test}
    # Near duplicates: a test text sharing most of its 5-word shingles with some train text.
    index: dict[str, set[int]] = {}
    train_sh = [_shingles(it.text) for it in train]
    for i, sh in enumerate(train_sh):
        for s in sh:
            index.setdefault(s, set()).add(i)
    for it in test:
        sh = _shingles(it.text)
        hits: dict[int, int] = {}
        for s in sh:
            for i in index.get(s, ()):
                hits[i] = hits.get(i, 0) + 1
        best = max((n / len(sh | train_sh[i]) for i, n in hits.items()), default=0.0)
        assert best < 0.5, (it.id, it.text)
