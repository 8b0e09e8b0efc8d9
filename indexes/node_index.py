"""What the Elasticsearch and OpenSearch backends share: templates, alias, bulk, retries.

Layout on the node: composable index template ``<prefix>-docs`` built from
the component templates ``<prefix>-analysis`` and ``<prefix>-mappings``
(JSON files in indexes/templates/, versioned); documents are written through
the alias ``<prefix>-docs`` to ``<prefix>-docs-v<schema>-<timestamp>``.
``rebuild`` fills a new index, swaps the alias in one ``_aliases`` call and
deletes the old index: searches never see a half-built index.

Analysis: a node with the analysis-common module runs the per-language
analyzers of templates/analysis-languages.json ("engine" mode); a node
without it (the minimal Elasticsearch distribution) gets text analysed by
indexes/text_analysis.py ("client" mode).  The mode is recorded in the
index's ``_meta`` so a running index is always queried the way it was built.

Vectors: where the node has a kNN field type (Elasticsearch ``dense_vector``,
OpenSearch's k-NN plugin ``knn_vector``) new indices get one and semantic
search runs the engine's kNN; otherwise vectors stay in ``_source`` and are
scored exactly.  Which one applies is read from the live index's mapping, so
an index made before the plugin keeps working until ``reindex`` rebuilds it.

Subclasses supply the client: ``_request``, ``_bulk_call`` and ``_classify``
(which errors are worth retrying), and their vector field.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, cast

from healthpulse.core.errors import HealthpulseError
from healthpulse.indexes.base import BulkResult, IndexUnavailable
from healthpulse.indexes.connection import NodeConnection
from healthpulse.indexes.node_dsl import (
    SCHEMA_VERSION,
    AnalysisMode,
    VectorField,
    build_search,
    doc_source,
    index_template,
    knn_search,
    load_template,
    parse_knn,
    parse_search,
    schema_component,
)
from healthpulse.indexes.query import FacetField, IndexDoc, Interval, SearchQuery, SearchResult, TrendItem
from healthpulse.indexes.trends import compute_trends

log = logging.getLogger(__name__)

ErrorKind = Literal["retry", "fatal"]

# Vectors on a node without a kNN field type: in _source, scored exactly by a script (node_dsl.knn_search).
SOURCE_ONLY_VECTOR: dict[str, Any] = {"type": "object", "enabled": False}


UNAVAILABLE_ERRORS = frozenset({
    "index_closed_exception", "cluster_block_exception", "index_not_found_exception",
    "no_shard_available_action_exception", "unavailable_shards_exception", "security_exception",
})


# Errors a node may answer with a 5xx that no retry can mend: e.g. two processes creating the first
# index at once — the loser's "alias has more than one write index" (an illegal state) means the
# other won, and ``ensure_ready`` must learn that at once, not after the retries' backoff.
NEVER_TRANSIENT = frozenset({"illegal_state_exception", "illegal_argument_exception",
                             "resource_already_exists_exception"})


def _error_type(outcome: dict[str, Any]) -> str | None:
    error = outcome.get("error")
    return error.get("type") if isinstance(error, dict) else None


class NodeRequestError(HealthpulseError, RuntimeError):
    """The node answered with a non-retryable error (bad request, mapping conflict…)."""
    error_code = "unavailable"

    def __init__(self, status: int | None, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status


class NodeIndexBase:
    """SearchIndex on an Elasticsearch-compatible node; subclasses bind a client library."""

    name = "node"
    EMBEDDING_DIMS = 384  # nlp.embedding's e5 encoder

    def __init__(
        self,
        url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        api_key: str | None = None,
        verify_certs: bool = True,
        ca_certs: str | None = None,
        timeout: float = 30.0,
        prefix: str = "healthpulse",
        analysis: AnalysisMode | Literal["auto"] = "auto",
        batch_size: int = 500,
        batch_bytes: int = 5_000_000,
        retries: int = 3,
        backoff: float = 0.5,
        refresh_writes: bool = False,
    ) -> None:
        self.prefix = prefix
        self.alias = f"{prefix}-docs"
        self._requested_mode = analysis
        self.mode: AnalysisMode | None = None
        self.batch_size = batch_size
        self.batch_bytes = batch_bytes
        self.retries = retries
        self.backoff = backoff
        self.refresh_writes = refresh_writes
        self._building: str | None = None  # index a rebuild in this process is filling
        self.vector_field: VectorField | None = None  # the live index's vector field type; None: vectors in _source
        self.url = url
        self.client = self._make_client(NodeConnection(url, username, password, api_key, verify_certs, ca_certs, timeout))

    # ---------------------------------------------------- client primitives
    def _make_client(self, conn: NodeConnection) -> Any:
        """The client library's object; it must not retry by itself (``_call`` does, with backoff)."""
        raise NotImplementedError

    def _request(self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> dict:
        raise NotImplementedError

    def _bulk_call(self, operations: list[dict[str, Any]], refresh: bool) -> dict:
        raise NotImplementedError

    def _classify(self, exc: Exception) -> tuple[ErrorKind, int | None] | None:
        """("retry"|"fatal", status) for client errors; None for anything else (re-raised)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def _call(self, fn, *args, **kwargs):
        """Run a client call; retry 429/5xx/connection errors with backoff, then IndexUnavailable."""
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - classified below, unknown ones re-raised
                kind = self._classify(exc)
                if kind is None:
                    raise
                if kind[0] == "fatal":
                    raise NodeRequestError(kind[1], str(exc)) from exc
                if attempt == self.retries:
                    raise IndexUnavailable(f"{self.name} unavailable after {attempt + 1} attempts: {exc}") from exc
                log.warning("search node error, retrying in %.1fs: %s", delay, exc)
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    def request(self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> dict:
        return self._call(self._request, method, path, body, params)

    # ------------------------------------------------------------ lifecycle
    def _detect_mode(self) -> AnalysisMode:
        if self._requested_mode != "auto":
            return self._requested_mode
        probe = {"tokenizer": "standard", "filter": ["asciifolding", {"type": "snowball", "language": "Russian"}], "text": "a"}
        try:
            self.request("POST", "/_analyze", probe)
        except NodeRequestError:
            return "client"
        return "engine"

    def _put_templates(self, mode: AnalysisMode) -> None:
        component = schema_component(mode)
        vector = self._vector_mapping()
        mappings = component["template"]["mappings"]
        mappings["properties"]["embedding"] = vector or SOURCE_ONLY_VECTOR
        if vector:  # the engine keeps the vectors itself; 384 floats as JSON would be most of the index
            mappings["_source"]["excludes"] = [*mappings["_source"]["excludes"], "embedding"]
            component["template"]["settings"].update(self._vector_index_settings())
        self.request("PUT", f"/_component_template/{self.prefix}-schema", component)
        self.request("PUT", f"/_index_template/{self.alias}", index_template(self.prefix))

    def _vector_mapping(self) -> dict[str, Any] | None:
        """The engine's kNN field for document vectors on this node, or None to keep them in _source only."""
        return None

    def _vector_index_settings(self) -> dict[str, Any]:
        """Index settings a kNN field needs (OpenSearch's ``index.knn``); set when the index is created."""
        return {}

    def _index_takes_vectors(self, index: str) -> bool:
        """Whether ``index`` (made earlier) can gain the kNN field now, without a rebuild."""
        return True

    def _mapping(self, index: str) -> dict[str, Any]:
        """``index``'s mapping (read once per start: each check below looks at the same answer)."""
        return cast(dict[str, Any], next(iter(self.request("GET", f"/{index}/_mapping").values()))["mappings"])

    def _add_embedding_field(self, index: str, mapping: dict[str, Any]) -> dict[str, Any]:
        """Give an index made before semantic search its vector field (an additive mapping change); the mapping now."""
        if "embedding" in mapping.get("properties", {}):
            return mapping
        vector = self._vector_mapping() if self._index_takes_vectors(index) else None
        field = vector or SOURCE_ONLY_VECTOR
        self.request("PUT", f"/{index}/_mapping", {"properties": {"embedding": field}})
        return {**mapping, "properties": {**mapping.get("properties", {}), "embedding": field}}

    def _read_vector_field(self, index: str, mapping: dict[str, Any] | None = None) -> VectorField | None:
        """The type of ``index``'s vector field, which decides how semantic search runs on it."""
        mapping = self._mapping(index) if mapping is None else mapping
        field_type = mapping.get("properties", {}).get("embedding", {}).get("type")
        if field_type in ("dense_vector", "knn_vector"):
            return cast(VectorField, field_type)
        if self._vector_mapping() is not None:
            log.warning("search index %s keeps vectors in _source only (made before the node had kNN): semantic "
                        "search scores every match exactly; `healthpulse reindex` rebuilds it with a kNN field", index)
        return None

    def _alias_indices(self) -> list[str]:
        # _cat answers 200 with [] when the alias is missing (GET /_alias would 404 and log a warning).
        rows = self.request("GET", f"/_cat/aliases/{self.alias}", params={"format": "json", "h": "alias,index"})
        return sorted({row["index"] for row in rows if row.get("alias") == self.alias})

    @staticmethod
    def _index_mode(mapping: dict[str, Any]) -> AnalysisMode:
        return cast(AnalysisMode, mapping.get("_meta", {}).get("analysis_mode", "engine"))

    def _add_new_fields(self, index: str, mapping: dict[str, Any] | None = None) -> None:
        """Put the fields mappings.json gained since ``index`` was made (e.g. ``reach``) into its mapping.

        Why: the mapping is strict, so without this an index built by an older version rejects every
        new document that carries such a field.  Only additions: existing fields are never changed.
        """
        mapping = self._mapping(index) if mapping is None else mapping
        wanted = load_template("mappings.json")["template"]["mappings"]["properties"]
        missing = {k: v for k, v in wanted.items() if k not in mapping.get("properties", {})}
        if missing:
            self.request("PUT", f"/{index}/_mapping", {"properties": missing})
            log.info("search index %s: fields added to the mapping: %s", index, ", ".join(sorted(missing)))

    def _create_index(self, mode: AnalysisMode, *, with_alias: bool) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        name = f"{self.alias}-v{SCHEMA_VERSION}-{stamp}"
        body: dict[str, Any] = {"mappings": {"_meta": {"analysis_mode": mode, "schema_version": SCHEMA_VERSION}}}
        if with_alias:
            body["aliases"] = {self.alias: {"is_write_index": True}}
        self.request("PUT", f"/{name}", body)
        return name

    def ensure_ready(self) -> None:
        if self.mode is not None:
            return
        indices = self._alias_indices()
        if indices:
            live = indices[-1]
            mapping = self._add_embedding_field(live, self._mapping(live))
            self.mode = self._index_mode(mapping)
            for index in indices:
                self._add_new_fields(index, mapping if index == live else None)
            self.vector_field = self._read_vector_field(live, mapping)
            return
        mode = self._detect_mode()
        self._put_templates(mode)
        try:
            self._create_index(mode, with_alias=True)
        except NodeRequestError as exc:  # another process won the race
            if not self._alias_indices():
                raise
            log.info("index created concurrently: %s", exc)
        live = self._alias_indices()[-1]
        mapping = self._mapping(live)
        self.mode = self._index_mode(mapping)
        self.vector_field = self._read_vector_field(live, mapping)
        log.info("search index ready alias=%s mode=%s vectors=%s", self.alias, self.mode, self.vector_field or "_source")

    def refresh(self) -> None:
        self.ensure_ready()
        self.request("POST", f"/{self.alias}/_refresh")

    # --------------------------------------------------------------- writes
    def _batches(self, operations: Iterable[tuple[str, list[dict[str, Any]], int]]):
        batch: list[tuple[str, list[dict[str, Any]]]] = []
        size = 0
        for doc_id, ops, nbytes in operations:
            if batch and (len(batch) >= self.batch_size or size + nbytes > self.batch_bytes):
                yield batch
                batch, size = [], 0
            batch.append((doc_id, ops))
            size += nbytes
        if batch:
            yield batch

    def _send(self, batch: list[tuple[str, list[dict[str, Any]]]], result: BulkResult, *, missing_ok: bool) -> None:
        """One bulk request; items rejected with 429 are resent with backoff, other rejections reported."""
        pending = batch
        delay = self.backoff
        for attempt in range(self.retries + 1):
            operations = [op for _, ops in pending for op in ops]
            response = self._call(self._bulk_call, operations, self.refresh_writes)
            retry: list[tuple[str, list[dict[str, Any]]]] = []
            for (doc_id, ops), item in zip(pending, response["items"], strict=True):
                outcome = next(iter(item.values()))
                status = outcome.get("status", 500)
                if status < 300 or (missing_ok and status == 404):
                    result.indexed.append(doc_id)
                elif status == 429 or status >= 500:
                    retry.append((doc_id, ops))
                elif status in (401, 403) or _error_type(outcome) in UNAVAILABLE_ERRORS:
                    # Not the document's fault (closed/missing index, read-only block, no rights): keep it queued.
                    raise IndexUnavailable(f"{self.name} cannot take writes now: {outcome.get('error')}")
                else:
                    error = outcome.get("error", {})
                    reason = error.get("reason", str(error)) if isinstance(error, dict) else str(error)
                    result.failed[doc_id] = f"{error.get('type', status) if isinstance(error, dict) else status}: {reason}"
            if not retry:
                return
            if attempt == self.retries:
                raise IndexUnavailable(f"{len(retry)} documents still rejected as overloaded after {attempt + 1} tries")
            log.warning("bulk: %d documents refused as overloaded (429/5xx), resending in %.1fs", len(retry), delay)
            time.sleep(delay)
            delay *= 2
            pending = retry

    def _write(self, target: str, docs: Iterable[IndexDoc]) -> BulkResult:
        assert self.mode is not None

        def operations():
            for doc in docs:
                source = doc_source(doc, self.mode)
                ops = [{"index": {"_index": target, "_id": doc.id}}, source]
                # Request size estimate for batching (UTF-8 of non-Latin text ≈ 2 bytes a char).
                yield doc.id, ops, 2 * (len(doc.text) + len(doc.title or "")) + 600

        result = BulkResult()
        for batch in self._batches(operations()):
            self._send(batch, result, missing_ok=False)
        return result

    def upsert(self, docs: Sequence[IndexDoc]) -> BulkResult:
        try:
            self.ensure_ready()
            result = self._write(self.alias, docs)
            building = self._building
            if building:  # a rebuild is running here: the new index must not miss this write
                self._write(building, docs)
        except NodeRequestError as exc:
            # The whole request was refused (credentials, closed index…): keep the writes queued.
            raise IndexUnavailable(f"{self.name} refused the write: {exc}") from exc
        return result

    def delete(self, ids: Sequence[str]) -> None:
        try:
            self.ensure_ready()
            for target in filter(None, (self.alias, self._building)):
                ops = ((i, [{"delete": {"_index": target, "_id": i}}], 64) for i in ids)
                result = BulkResult()
                for batch in self._batches(ops):
                    self._send(batch, result, missing_ok=True)
        except NodeRequestError as exc:
            raise IndexUnavailable(f"{self.name} refused the delete: {exc}") from exc

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        self.ensure_ready()
        old = self._alias_indices()
        mode = self._detect_mode()
        self._put_templates(mode)
        self.mode = mode
        new = self._create_index(mode, with_alias=False)
        self._building = new
        try:
            result = self._write(new, docs)
        except BaseException:
            self._building = None
            self.request("DELETE", f"/{new}")
            raise
        if result.failed:
            log.warning("rebuild: %d documents rejected: %s", len(result.failed), dict(list(result.failed.items())[:5]))
        self.request("POST", f"/{new}/_refresh")
        actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        actions.append({"add": {"index": new, "alias": self.alias, "is_write_index": True}})
        self.request("POST", "/_aliases", {"actions": actions})
        self._building = None
        self.vector_field = self._read_vector_field(new)
        for name in old:
            self._delete_if_present(f"/{name}")
        log.info("search index rebuilt alias=%s index=%s documents=%d", self.alias, new, len(result.indexed))
        return len(result.indexed)

    def drop(self) -> None:
        """Delete this prefix's indices and templates (tests, benchmarks, uninstall)."""
        for name in self._alias_indices():
            self._delete_if_present(f"/{name}")
        for path in (f"/_index_template/{self.alias}", f"/_component_template/{self.prefix}-schema"):
            self._delete_if_present(path)
        self.mode = None

    def _delete_if_present(self, path: str) -> None:
        """DELETE where "already gone" is success: a DELETE retried after a read timeout finds the work done
        (a 1M-document index outlived the 30 s timeout and its retry answered 404)."""
        try:
            self.request("DELETE", path)
        except NodeRequestError as exc:
            if exc.status != 404:
                raise

    # ---------------------------------------------------------------- reads
    def count(self) -> int:
        self.ensure_ready()
        return int(self.request("GET", f"/{self.alias}/_count")["count"])

    def search(self, query: SearchQuery) -> SearchResult:
        self.ensure_ready()
        assert self.mode is not None
        if query.vector is not None:
            body = knn_search(query, self.vector_field)
            return parse_knn(self.request("POST", f"/{self.alias}/_search", body), query, shifted=self.vector_field is None)
        body, terms = build_search(query, self.mode)
        response = self.request("POST", f"/{self.alias}/_search", body)
        return parse_search(response, query, terms)

    def trends(
        self, query: SearchQuery, field: FacetField = "topics", interval: Interval = "day", size: int = 10
    ) -> list[TrendItem]:
        return compute_trends(self, query, field, interval, size)
