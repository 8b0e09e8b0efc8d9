"""Pick the SearchIndex backend from settings (the only place backends are named).

No ``search_url`` → embedded SQLite FTS5 (inside the store's SQLite file, or
``data_dir/search.db`` when the store is elsewhere).  With ``search_url`` the
engine is detected from the node's reply: OpenSearch says
``version.distribution == "opensearch"``; Elasticsearch sends the
``X-Elastic-Product: Elasticsearch`` header.  A node that is down at startup
does not stop the app: ``NodeIndexProxy`` detects on first use and raises
IndexUnavailable until the node answers (the outbox keeps the writes).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import requests
from healthpulse.core.settings import Settings
from healthpulse.indexes.base import BulkResult, IndexUnavailable, SearchIndex
from healthpulse.indexes.connection import NodeConnection
from healthpulse.indexes.query import FacetField, IndexDoc, Interval, SearchQuery, SearchResult, TrendItem
from healthpulse.indexes.sqlite_fts import SqliteFtsIndex
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

ENGINES: dict[str, Callable[..., SearchIndex]] = {}


def register_engine(name: str) -> Callable:
    def deco(factory: Callable[..., SearchIndex]) -> Callable[..., SearchIndex]:
        ENGINES[name] = factory
        return factory

    return deco


@register_engine("elasticsearch")
def _elasticsearch(url: str, **options: Any) -> SearchIndex:
    # Deferred: a deployment talks to one engine; the other's client library need not load.
    from healthpulse.indexes.elasticsearch import ElasticsearchIndex

    return ElasticsearchIndex(url, **options)


@register_engine("opensearch")
def _opensearch(url: str, **options: Any) -> SearchIndex:
    # Deferred: a deployment talks to one engine; the other's client library need not load.
    from healthpulse.indexes.opensearch import OpenSearchIndex

    return OpenSearchIndex(url, **options)


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def node_options(settings: Settings) -> dict[str, Any]:
    search = settings.search
    return {
        "username": search.username,
        "password": _secret(search.password),
        "api_key": _secret(search.api_key),
        "verify_certs": search.verify_certs,
        "ca_certs": search.ca_certs,
        "prefix": search.index_prefix,
    }


def detect_engine(url: str, *, username: str | None = None, password: str | None = None, api_key: str | None = None,
                  verify_certs: bool = True, ca_certs: str | None = None, timeout: float = 10.0) -> str:
    """"opensearch" or "elasticsearch" from a node's root reply. Raises IndexUnavailable when unreachable.

    ``url`` may list a cluster's nodes, comma-separated: the first that answers decides, so a
    process starting while one node is down still finds the engine.
    """
    conn = NodeConnection(url, username, password, api_key, verify_certs, ca_certs, timeout)
    unreachable: list[str] = []
    for node in conn.urls:
        try:
            reply = requests.get(node.rstrip("/") + "/", auth=conn.basic_auth, headers=conn.api_key_headers,
                                 verify=conn.requests_verify, timeout=timeout)
        except requests.RequestException as exc:
            unreachable.append(f"{node}: {exc}")
            continue
        return _engine_from_reply(node, reply)
    raise IndexUnavailable(f"search node unreachable: {'; '.join(unreachable)}")


def _engine_from_reply(url: str, reply: requests.Response) -> str:
    if reply.headers.get("X-Elastic-Product") == "Elasticsearch":
        return "elasticsearch"
    try:
        info = reply.json()
    except ValueError:
        info = {}
    version = info.get("version", {}) if isinstance(info, dict) else {}
    if version.get("distribution") == "opensearch":
        return "opensearch"
    if reply.status_code in (401, 403):
        raise IndexUnavailable(f"search node {url} refused the credentials (HTTP {reply.status_code})")
    if version.get("number"):
        return "elasticsearch"
    if reply.status_code >= 500:
        raise IndexUnavailable(f"search node {url} answered HTTP {reply.status_code}")
    raise ValueError(f"{url} is neither Elasticsearch nor OpenSearch (HTTP {reply.status_code})")


class NodeIndexProxy:
    """A node backend built on first use, so a node that is down at startup is only an IndexUnavailable."""

    def __init__(self, url: str, options: dict[str, Any]) -> None:
        self.url = url
        self.options = options
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._index.name if self._index else "search-node"

    def backend(self) -> SearchIndex:
        with self._lock:
            if self._index is None:
                o = self.options
                engine = detect_engine(self.url, username=o.get("username"), password=o.get("password"),
                                       api_key=o.get("api_key"), verify_certs=o.get("verify_certs", True),
                                       ca_certs=o.get("ca_certs"))
                self._index = ENGINES[engine](self.url, **self.options)
                log.info("search backend engine=%s url=%s", engine, self.url)
            return self._index

    def ensure_ready(self) -> None:
        self.backend().ensure_ready()

    def upsert(self, docs: Sequence[IndexDoc]) -> BulkResult:
        return self.backend().upsert(docs)

    def delete(self, ids: Sequence[str]) -> None:
        self.backend().delete(ids)

    def search(self, query: SearchQuery) -> SearchResult:
        return self.backend().search(query)

    def count(self) -> int:
        return self.backend().count()

    def refresh(self) -> None:
        self.backend().refresh()

    def trends(
        self, query: SearchQuery, field: FacetField = "topics", interval: Interval = "day", size: int = 10
    ) -> list[TrendItem]:
        return self.backend().trends(query, field, interval, size)

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        return self.backend().rebuild(docs)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()


def sqlite_search_path(settings: Settings) -> Path | str:
    """The store's SQLite file when the store is a SQLite file, else data_dir/search.db."""
    url = make_url(settings.database.url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database)
    return Path(settings.data_dir) / "search.db"


def create_index(settings: Settings) -> SearchIndex:
    """The SearchIndex the settings ask for (never contacts a node here)."""
    url = settings.search.url
    if not url:
        return SqliteFtsIndex(sqlite_search_path(settings))
    return NodeIndexProxy(url, node_options(settings))
