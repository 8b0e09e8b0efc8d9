"""Elasticsearch 8/9 backend through elasticsearch-py (>=8,<9, which talks to ES 8 and 9).

All index logic is in indexes/node_index.py; this module binds the client and
says which of its errors are worth retrying.
"""

from __future__ import annotations

from typing import Any

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TransportError
from elasticsearch import ApiError, Elasticsearch
from healthpulse.indexes.node_index import ErrorKind, NodeIndexBase

_JSON = {"accept": "application/json", "content-type": "application/json"}


class ElasticsearchIndex(NodeIndexBase):
    name = "elasticsearch"

    def _make_client(self, url: str, *, username: str | None, password: str | None, api_key: str | None,
                     verify_certs: bool, ca_certs: str | None, timeout: float) -> Elasticsearch:
        tls: dict[str, Any] = {"ca_certs": ca_certs} if ca_certs else {}
        return Elasticsearch(
            url,
            basic_auth=(username, password or "") if username else None,
            api_key=api_key,
            verify_certs=verify_certs,
            ssl_show_warn=verify_certs,
            request_timeout=timeout,
            max_retries=0,
            retry_on_timeout=False,
            **tls,
        )

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
            return ("retry" if status == 429 or status >= 500 else "fatal"), status
        if isinstance(exc, TransportError):
            return "retry", None
        return None

    def close(self) -> None:
        self.client.close()
