"""The encoder cut to its first layers: derived once from the bundled file, loaded as the heads say."""

from __future__ import annotations

import numpy as np
import pytest
from healthpulse.nlp.encoder import (
    FULL_LAYERS,
    EncoderUnavailable,
    bundled_model_path,
    get_encoder,
    read_layers,
    truncated_model_path,
)


def test_truncated_file_differs_from_the_bundled_one_only_in_the_layer_count(tmp_path):
    source = bundled_model_path()
    path = truncated_model_path(3, tmp_path)
    assert path.parent == tmp_path and read_layers(path) == 3 and read_layers(source) == FULL_LAYERS
    a, b = source.read_bytes(), path.read_bytes()
    assert len(a) == len(b)
    diff = [i for i in range(0, len(a), 4096) if a[i:i + 4096] != b[i:i + 4096]]
    assert diff == [0]  # only the header block
    mtime = path.stat().st_mtime_ns
    assert truncated_model_path(3, tmp_path) == path and path.stat().st_mtime_ns == mtime  # derived once
    assert truncated_model_path(FULL_LAYERS, tmp_path) == source


def test_a_damaged_derived_file_is_rebuilt(tmp_path):
    path = truncated_model_path(2, tmp_path)
    path.write_bytes(b"E5S1 broken")
    assert read_layers(truncated_model_path(2, tmp_path)) == 2
    with path.open("r+b") as fh:  # complete size, damaged header
        fh.write(b"XXXX")
    assert read_layers(truncated_model_path(2, tmp_path)) == 2


@pytest.mark.parametrize("layers", [0, 13, -1])
def test_impossible_layer_counts_are_refused(tmp_path, layers):
    with pytest.raises(ValueError, match="encoder_layers"):
        truncated_model_path(layers, tmp_path)


def test_a_file_that_is_not_a_model_is_named(tmp_path):
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"not a model at all")
    with pytest.raises(EncoderUnavailable, match="x.bin"):
        read_layers(bad)


def test_fewer_layers_give_other_normalised_embeddings(tmp_path):
    texts = ["Пациент умер в больнице Сургута.", "A patient died at the hospital in Leeds."]
    full = get_encoder(2, FULL_LAYERS, str(tmp_path)).passage(texts)
    cut = get_encoder(2, 3, str(tmp_path)).passage(texts)
    assert cut.shape == full.shape == (2, 384)
    assert np.allclose(np.linalg.norm(cut, axis=1), 1.0, atol=1e-4)
    assert not np.allclose(cut, full, atol=1e-3)
    # Still cross-lingual after three layers: the translation pair is closer than an unrelated text.
    other = get_encoder(2, 3, str(tmp_path)).passage(["Футбольный клуб выиграл кубок."])[0]
    assert float(cut[0] @ cut[1]) > float(cut[1] @ other)


def test_the_analyzer_loads_the_layer_count_its_heads_were_trained_on(analyzer):
    layers = int(analyzer.bundle.meta["features"].get("encoder_layers") or FULL_LAYERS)
    stage = dict(analyzer.nlp.pipeline)["hp_features"]
    assert stage.e5 is not None and stage.e5.layers == layers
