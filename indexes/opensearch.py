"""OpenSearch 2/3 backend through opensearch-py (elasticsearch-py refuses OpenSearch nodes).

All index logic is in indexes/node_index.py; this module binds the client and
says which of its errors are worth retrying.  OpenSearch has no API keys of
its own: ``api_key`` is sent as an ``Authorization: ApiKey …`` header for
proxies/security plugins that accept it.
"""

from __future__ import annotations

from typing import Any

from healthpulse.indexes.connection import NodeConnection
from healthpulse.indexes.node_index import ErrorKind, NodeIndexBase
from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import TransportError


class OpenSearchIndex(NodeIndexBase):
    name = "opensearch"

    def _make_client(self, conn: NodeConnection) -> OpenSearch:
        return OpenSearch(hosts=[conn.url], http_auth=conn.basic_auth, headers=conn.api_key_headers or None,
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
            if status is None or status == 429 or status >= 500:
                return "retry", status
            return "fatal", status
        return None

    def close(self) -> None:
        self.client.close()
