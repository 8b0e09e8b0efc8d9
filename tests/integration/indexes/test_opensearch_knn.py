"""OpenSearch's k-NN plugin: vectors in a ``knn_vector`` field, and an index made without it.

The test node (scripts/search-node.sh) loads the k-NN plugin.  An index made while a node had no
plugin (a minimal distribution) keeps its vectors in ``_source``: it must keep answering semantic
queries exactly, and ``rebuild`` (``healthpulse reindex``) must give it the kNN field.
"""

from __future__ import annotations

import numpy as np
import pytest
from healthpulse.indexes.query import SearchQuery

from tests.integration.indexes.conftest import dataset, topic_vector

pytestmark = [pytest.mark.integration, pytest.mark.database_independent]  # a search index alone


def _embedding_mapping(index) -> dict:
    live = index._alias_indices()[-1]
    return next(iter(index.request("GET", f"/{live}/_mapping").values()))["mappings"]["properties"]["embedding"]


def _cosine_ranking(docs, query):
    with_vector = [d for d in docs if d.embedding]
    return sorted(with_vector, key=lambda d: (-float(np.dot(query, d.embedding)), d.id))


def test_a_new_index_keeps_vectors_in_a_knn_vector_field(make_node):
    index = make_node("opensearch")
    try:
        index.ensure_ready()
        field = _embedding_mapping(index)
        assert field["type"] == "knn_vector" and field["dimension"] == 384
        assert field["method"]["engine"] == "lucene" and field["method"]["space_type"] == "cosinesimil"
        assert index.vector_field == "knn_vector"
        doc = dataset()[0]
        index.upsert([doc])
        index.refresh()
        live = index._alias_indices()[-1]
        stored = index.request("GET", f"/{live}/_doc/{doc.id}")["_source"]
        assert "embedding" not in stored and stored["title"] == doc.title  # the engine keeps the vector, not _source
        assert [h.id for h in index.search(SearchQuery(vector=doc.embedding, size=1)).hits] == [doc.id]
    finally:
        index.drop()
        index.close()


def test_an_index_made_without_the_plugin_answers_exactly_until_reindex_gives_it_knn(make_node, docs, caplog):
    old = make_node("opensearch")
    old._has_knn = False  # as on a node without the plugin: the only difference is what the node reports
    query = np.asarray(topic_vector("drug_supply", 999))
    expected = _cosine_ranking(docs, query)
    try:
        old.upsert(docs)
        old.refresh()
        assert _embedding_mapping(old) == {"type": "object", "enabled": False} and old.vector_field is None
        kept = old.request("GET", f"/{old._alias_indices()[-1]}/_doc/{docs[0].id}")["_source"]
        assert kept["embedding"] == pytest.approx(docs[0].embedding)  # the exact scan reads it there

        upgraded = type(old)(old.url, prefix=old.prefix)  # the same index, read by a process on a node with k-NN
        with caplog.at_level("WARNING"):
            upgraded.ensure_ready()
        assert upgraded.vector_field is None and "healthpulse reindex" in caplog.text
        exact = upgraded.search(SearchQuery(vector=query.tolist(), size=5))
        assert [h.id for h in exact.hits] == [d.id for d in expected[:5]]

        assert upgraded.rebuild(iter(docs)) == len(docs)
        assert upgraded.vector_field == "knn_vector" and _embedding_mapping(upgraded)["type"] == "knn_vector"
        knn = upgraded.search(SearchQuery(vector=query.tolist(), size=5))
        assert [h.id for h in knn.hits] == [h.id for h in exact.hits]
        assert [h.score for h in knn.hits] == pytest.approx([h.score for h in exact.hits], abs=1e-3)
        hanoi = upgraded.search(SearchQuery(vector=query.tolist(), size=50, departments=["hanoi"]))
        assert [h.id for h in hanoi.hits] == [d.id for d in expected if d.department == "hanoi"]
        upgraded.close()
    finally:
        old.drop()
        old.close()
