"""Feature blocks without the encoder: the hashed word block beside the character n-grams."""

import numpy as np
import pytest
from healthpulse.nlp.features import WORD_FEATURES, FeatureBuilder, NgramFeatures, WordFeatures


def _cols(row) -> set[int]:
    return set(row.indices.tolist())


def test_word_rows_are_unit_length_and_an_empty_text_stays_empty():
    x = WordFeatures().transform(["Нет лекарств в аптеке, нет лекарств нигде", ""])
    assert x.shape == (2, WORD_FEATURES)
    assert np.isclose(np.sqrt(x[0].multiply(x[0]).sum()), 1.0)
    assert x[1].nnz == 0


def test_word_order_matters_through_bigrams():
    """Same words, other order: the unigrams agree, the bigrams do not (what character pieces cannot tell)."""
    a, b = WordFeatures().transform(["không còn thuốc", "thuốc còn không"])
    shared = _cols(a) & _cols(b)
    assert len(shared) == 3  # the three words
    assert _cols(a) != _cols(b)


@pytest.mark.parametrize("variants", [
    ("Bệnh viện không còn thuốc", "benh vien khong con thuoc"),  # Vietnamese typed without tone marks
    ("داروی بیماران نایاب شده‌است", "داروي بيماران ناياب شده است"),  # Persian letters, ZWNJ
])
def test_words_are_read_folded(variants):
    a, b = WordFeatures().transform(list(variants))
    assert _cols(a) == _cols(b)


def test_words_read_only_the_character_budget():
    long = "больница " * 10 + "отравление"
    word = _cols(WordFeatures().transform(["отравление"])[0])
    cut, whole = WordFeatures(max_chars=50).transform([long]), WordFeatures(max_chars=5000).transform([long])
    assert word <= _cols(whole)
    assert not word & _cols(cut)


def test_the_builder_joins_the_blocks_in_the_named_order_and_weights():
    builder = FeatureBuilder("ngram+words+cues", weights={"words": 2.0})
    X = builder.build([None], ["Скорая не приехала, пациент умер"]).X
    assert X.shape[1] == NgramFeatures.dim + WORD_FEATURES + builder.cues.dim
    words = X[0, NgramFeatures.dim:NgramFeatures.dim + WORD_FEATURES]
    assert np.isclose(np.sqrt(words.multiply(words).sum()), 2.0)


def test_an_unknown_block_is_refused():
    with pytest.raises(ValueError, match="word"):
        FeatureBuilder("ngram+word")


def test_block_columns_locate_each_block_and_a_masked_block_is_all_zero():
    from healthpulse.nlp.training.train import without_block

    builder = FeatureBuilder("ngram+words+cues")
    X = builder.build([None, None], ["Аптеки без инсулина третью неделю", "Không còn thuốc ở bệnh viện"]).X
    words = builder.block_columns("words")
    assert (words.start, words.stop) == (NgramFeatures.dim, NgramFeatures.dim + WORD_FEATURES)
    assert builder.block_columns("cues").stop == X.shape[1]
    masked = without_block(X, builder, "words")
    assert masked[:, words].nnz == 0
    assert (masked[:, :words.start] != X[:, :words.start]).nnz == 0
    assert (masked[:, words.stop:] != X[:, words.stop:]).nnz == 0
    assert without_block(X, FeatureBuilder("ngram+cues"), "words") is X
