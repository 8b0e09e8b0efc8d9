"""Elasticsearch 8/9 backend through elasticsearch-py (>=8,<9, which talks to ES 8 and 9).

All index logic is in indexes/node_index.py; this module binds the client and
says which of its errors are worth retrying.
"""

from __future__ import annotations

from typing import Any

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TransportError
from elasticsearch import ApiError, Elasticsearch
from healthpulse.indexes.connection import NodeConnection
from healthpulse.indexes.node_index import NEVER_TRANSIENT, ErrorKind, NodeIndexBase

_JSON = {"accept": "application/json", "content-type": "application/json"}


class ElasticsearchIndex(NodeIndexBase):
    name = "elasticsearch"

    def _vector_mapping(self) -> dict[str, Any]:
        return {"type": "dense_vector", "dims": self.EMBEDDING_DIMS, "index": True, "similarity": "cosine"}

    def _make_client(self, conn: NodeConnection) -> Elasticsearch:
        return Elasticsearch(conn.urls, basic_auth=conn.basic_auth, api_key=conn.api_key, request_timeout=conn.timeout,
                             **conn.client_options())

    def _request(self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> dict:
        headers = _JSON if body is not None else {"accept": "application/json"}
        return self.client.perform_request(method, path, params=params, headers=headers, body=body).body

    def _bulk_call(self, operations: list[dict[str, Any]], refresh: bool) -> dict:
        return self.client.bulk(operations=operations, refresh=refresh).body

    def _classify(self, exc: Exception) -> tuple[ErrorKind, int | None] | None:
        if isinstance(exc, (TransportConnectionError, ConnectionTimeout)):
            return "retry", None
        if isinstance(exc, ApiError):
            status = exc.meta.status
            body = exc.body if isinstance(exc.body, dict) else {}
            error = body.get("error")
            error_type = error.get("type") if isinstance(error, dict) else None
            return ("retry" if (status == 429 or status >= 500) and error_type not in NEVER_TRANSIENT else "fatal"), status
        if isinstance(exc, TransportError):
            return "retry", None
        return None

    def close(self) -> None:
        self.client.close()
