"""Registry of the NLP stages by name (spaCy factories). ``nlp.analyzer`` adds them from config.

Factory configs hold only plain values (names, numbers); objects a stage needs at run time
(departments, trained heads, taxonomy) are handed over by the analyzer through ``configure``.
"""

from __future__ import annotations

from healthpulse.nlp.encoder import FULL_LAYERS
from healthpulse.nlp.features import ReadingBudget
from healthpulse.nlp.stages import (
    ClassifierStage,
    FeatureStage,
    GazetteerStage,
    LanguageStage,
    ScreenStage,
    SeverityStage,
)
from spacy.language import Language

STAGES = ("hp_language", "hp_gazetteer", "hp_screen", "hp_features", "hp_classifier", "hp_severity")


@Language.factory("hp_language", default_config={"languages": ["ru", "ar", "fa", "vi", "en"], "min_confidence": 0.5})
def make_language_stage(nlp: Language, name: str, languages: list[str], min_confidence: float) -> LanguageStage:
    return LanguageStage(languages, min_confidence)


@Language.factory("hp_gazetteer")
def make_gazetteer_stage(nlp: Language, name: str) -> GazetteerStage:
    return GazetteerStage()


@Language.factory("hp_screen")
def make_screen_stage(nlp: Language, name: str) -> ScreenStage:
    return ScreenStage()


@Language.factory("hp_features", default_config={"feature_set": "e5+cues", "embed_chars": 400,
                                                 "weights": {"e5": 1.0, "ngram": 1.0, "cues": 0.5}, "num_threads": 2,
                                                 "cue_chars": 0, "encoder_layers": FULL_LAYERS, "cache_dir": "",
                                                 "reading": {}, "ngram_chars": 2000})
def make_feature_stage(nlp: Language, name: str, feature_set: str, embed_chars: int, weights: dict[str, float],
                       num_threads: int, cue_chars: int, encoder_layers: int, cache_dir: str,
                       reading: dict[str, int], ngram_chars: int) -> FeatureStage:
    return FeatureStage(feature_set, embed_chars, weights, num_threads, cue_chars or None, encoder_layers,
                        cache_dir or None, ReadingBudget(**reading), ngram_chars)


@Language.factory("hp_classifier")
def make_classifier_stage(nlp: Language, name: str) -> ClassifierStage:
    return ClassifierStage()


@Language.factory("hp_severity")
def make_severity_stage(nlp: Language, name: str) -> SeverityStage:
    return SeverityStage()
