"""OpenSearch 2/3 backend through opensearch-py (elasticsearch-py refuses OpenSearch nodes).

All index logic is in indexes/node_index.py; this module binds the client,
says which of its errors are worth retrying, and asks the node whether it has
the k-NN plugin: with it, vectors go in a ``knn_vector`` field (Lucene HNSW,
cosine; the Lucene engine needs no native library), without it (minimal
distributions) they stay in ``_source`` and are scored exactly.  OpenSearch has no API keys of
its own: ``api_key`` is sent as an ``Authorization: ApiKey …`` header for
proxies/security plugins that accept it.
"""

from __future__ import annotations

import logging
from typing import Any

from healthpulse.indexes.connection import NodeConnection
from healthpulse.indexes.node_index import NEVER_TRANSIENT, ErrorKind, NodeIndexBase, NodeRequestError
from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import TransportError

log = logging.getLogger(__name__)


class OpenSearchIndex(NodeIndexBase):
    name = "opensearch"
    _has_knn: bool | None = None

    def _vector_mapping(self) -> dict[str, Any] | None:
        if self._has_knn is None:
            self._has_knn = self._node_has_knn()
        if not self._has_knn:
            return None
        return {"type": "knn_vector", "dimension": self.EMBEDDING_DIMS,
                "method": {"name": "hnsw", "engine": "lucene", "space_type": "cosinesimil"}}

    def _vector_index_settings(self) -> dict[str, Any]:
        return {"index.knn": True}

    def _index_takes_vectors(self, index: str) -> bool:
        """A ``knn_vector`` field with a method needs ``index.knn``, which is fixed when the index is created."""
        answer = self.request("GET", f"/{index}/_settings/index.knn", params={"flat_settings": "true"})
        first: dict[str, Any] = next(iter(answer.values()), {})
        settings: dict[str, Any] = first.get("settings", {})
        return str(settings.get("index.knn", "false")).lower() == "true"

    def _node_has_knn(self) -> bool:
        """Every node lists the k-NN plugin (a packaged install names it ``opensearch-knn``, an embedded node by
        its class); a node that will not say (a restricted ``_cat``) is treated as without it."""
        try:
            rows = self.request("GET", "/_cat/plugins", params={"format": "json", "h": "name,component"})
            nodes = self.request("GET", "/_cat/nodes", params={"format": "json", "h": "name"})
        except NodeRequestError as exc:
            log.warning("opensearch: cannot list plugins (%s); document vectors stay in _source", exc)
            return False
        with_knn = {row.get("name") for row in rows if "knn" in str(row.get("component", "")).lower()}
        return bool(nodes) and all(node.get("name") in with_knn for node in nodes)

    def _make_client(self, conn: NodeConnection) -> OpenSearch:
        return OpenSearch(hosts=conn.urls, http_auth=conn.basic_auth, headers=conn.api_key_headers or None,
                          timeout=conn.timeout, **conn.client_options())

    def _request(self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> dict:
        return self.client.transport.perform_request(method, path, params=params, body=body)

    def _bulk_call(self, operations: list[dict[str, Any]], refresh: bool) -> dict:
        return self.client.bulk(body=operations, refresh=str(refresh).lower())

    def _classify(self, exc: Exception) -> tuple[ErrorKind, int | None] | None:
        if isinstance(exc, OpenSearchConnectionError):
            return "retry", None
        if isinstance(exc, TransportError):
            status = exc.status_code if isinstance(exc.status_code, int) else None
            if (status is None or status == 429 or status >= 500) and exc.error not in NEVER_TRANSIENT:
                return "retry", status
            return "fatal", status
        return None

    def close(self) -> None:
        self.client.close()
