"""Index templates are per engine: what one backend adds must not reach the next one's index."""

from healthpulse.indexes.node_dsl import load_template, schema_component


def test_a_changed_component_leaves_the_next_one_as_shipped():
    first = schema_component("engine")
    first["template"]["settings"]["index.knn"] = True  # what OpenSearch with k-NN adds
    first["template"]["mappings"]["properties"]["embedding"] = {"type": "knn_vector", "dimension": 384}
    again = schema_component("engine")
    assert "index.knn" not in again["template"]["settings"]
    assert again["template"]["mappings"]["properties"] == load_template("mappings.json")["template"]["mappings"]["properties"]
    assert "embedding" not in load_template("mappings.json")["template"]["mappings"]["properties"]
