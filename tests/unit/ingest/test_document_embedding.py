"""Document vectors: the real 12-layer encoder lines languages up; the store keeps them as bytes."""

from __future__ import annotations

import numpy as np
import pytest
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.vectors import pack_vector, unpack_vector
from healthpulse.nlp.embedding import DocumentEmbedder

from tests.unit.ingest.test_pipeline import analysed, flaky  # noqa: F401  (fixture)

SAME_EVENT = [
    (None, "Surgut city hospital has had no insulin for a week; diabetic patients are sent home without their doses."),
    (None, "В городской больнице Сургута неделю нет инсулина, больных диабетом отправляют домой без уколов."),
    (None, "در بیمارستان شهر سورگوت یک هفته است انسولین نیست و بیماران دیابتی بدون دارو به خانه فرستاده می‌شوند."),
]
OTHER = [(None, "A new paediatric wing opened at the Tehran children's hospital with 40 beds."),
         (None, "Ambulance took two hours to reach a heart attack patient in Khanty-Mansiysk.")]


@pytest.fixture(scope="module")
def embedder():
    return DocumentEmbedder()


def test_one_event_in_three_languages_is_closer_than_other_health_news(embedder):
    same = embedder.embed_documents(SAME_EVENT)
    other = embedder.embed_documents(OTHER)
    assert same.shape == (3, 384) and np.allclose(np.linalg.norm(same, axis=1), 1.0, atol=1e-4)
    weakest_same = min(float(same[i] @ same[j]) for i in range(3) for j in range(i + 1, 3))
    strongest_other = float((same @ other.T).max())
    assert weakest_same > strongest_other


def test_a_query_in_one_language_ranks_the_event_in_others_first(embedder):
    q = embedder.embed_queries(["инсулин"])[0]
    docs = embedder.embed_documents(SAME_EVENT + OTHER)
    ranked = np.argsort(-(docs @ q))
    assert set(ranked[:3].tolist()) == {0, 1, 2}


def test_vectors_round_trip_as_bytes_and_bad_bytes_are_refused():
    v = [0.6, -0.8, 0.0]
    assert np.allclose(unpack_vector(pack_vector(v)), v)
    with pytest.raises(ValueError, match="multiple of 4"):
        unpack_vector(b"\x00\x01\x02")


def test_the_documents_row_keeps_the_vector(flaky):  # noqa: F811
    c, _ = flaky
    c.pipeline.ingest(analysed("v1", "Insulin shortage in Surgut pharmacies"))
    with c.session() as s:
        row = s.get(DocumentRow, "v1")
        assert row.embedding is None  # nothing embedded it yet
        row.embedding = pack_vector([0.6, 0.8] + [0.0] * 382)
        s.commit()
    with c.session() as s:
        stored = s.get(DocumentRow, "v1").embedding
    assert np.allclose(unpack_vector(stored)[:2], [0.6, 0.8])


def test_ingest_embeds_health_documents_only_and_keeps_the_vector(tmp_path, embedder):
    from healthpulse.core.domain import Analysis, Document

    from tests.support.containers import make_container

    c = make_container(tmp_path, embedder=embedder, index=None)
    try:
        health = analysed("h1", SAME_EVENT[1][1])
        other = Document(id="n1", text="Football cup final on Sunday",
                         analysis=Analysis(language="en", health_related=False, incident=False, components=["test"]))
        c.pipeline.ingest_many([health, other])
        with c.session() as s:
            h, n = s.get(DocumentRow, "h1"), s.get(DocumentRow, "n1")
            assert h.embedding is not None and n.embedding is None
            stored = np.asarray(unpack_vector(h.embedding))
        assert float(stored @ embedder.embed_documents(SAME_EVENT[:1])[0]) > 0.85  # the Russian text ~ the English one
        # Re-ingesting the same analysis (no vector attached) keeps the stored vector and changes nothing.
        again = c.pipeline.ingest(analysed("h1", SAME_EVENT[1][1]).model_copy())
        with c.session() as s:
            assert s.get(DocumentRow, "h1").embedding is not None
        assert again.changed is False
    finally:
        c.close()
