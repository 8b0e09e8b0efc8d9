"""Engine detection and credentials, against a local HTTP server that answers like a node's root endpoint."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from healthpulse.core.settings import load_settings
from healthpulse.indexes.base import IndexUnavailable
from healthpulse.indexes.connection import NodeConnection, split_node_urls
from healthpulse.indexes.registry import create_index, detect_engine, node_options


class _Root(BaseHTTPRequestHandler):
    reply: tuple[int, dict, dict] = (200, {}, {})
    seen: list[dict] = []

    def do_GET(self):  # noqa: N802 - http.server API
        type(self).seen.append(dict(self.headers))
        status, headers, body = type(self).reply
        data = json.dumps(body).encode()
        self.send_response(status)
        for k, v in {"content-type": "application/json", **headers}.items():
            self.send_header(k, v)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def root_server():
    _Root.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Root)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize(
    ("reply", "engine"),
    [
        ((200, {}, {"version": {"distribution": "opensearch", "number": "2.19.1"}}), "opensearch"),
        ((200, {"X-Elastic-Product": "Elasticsearch"}, {"version": {"number": "8.19.0"}}), "elasticsearch"),
        # the minimal ES distribution has no root endpoint but still sends the product header
        ((405, {"X-Elastic-Product": "Elasticsearch"}, {"error": "Incorrect HTTP method"}), "elasticsearch"),
    ],
)
def test_engine_detected_from_root_reply(root_server, reply, engine):
    _Root.reply = reply
    assert detect_engine(root_server[1]) == engine


def _dead_url() -> str:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_a_cluster_url_lists_nodes_and_the_first_that_answers_decides(root_server):
    _Root.reply = (200, {}, {"version": {"distribution": "opensearch", "number": "2.19.1"}})
    dead = _dead_url()
    assert detect_engine(f" {dead} , {root_server[1]}/ ,") == "opensearch"
    assert NodeConnection(f"{dead},{root_server[1]}").urls == [dead, root_server[1]]
    other_dead = _dead_url()
    with pytest.raises(IndexUnavailable, match="unreachable") as err:
        detect_engine(f"{dead},{other_dead}", timeout=2)
    assert dead in str(err.value) and other_dead in str(err.value)  # every node tried is named
    with pytest.raises(ValueError, match="no search node URL"):
        split_node_urls(" , ")


def test_credentials_from_settings_are_sent(root_server):
    _Root.reply = (200, {}, {"version": {"distribution": "opensearch"}})
    settings = load_settings(None, search_url=root_server[1], search_username="hp", search_password="s3cret",
                             search_index_prefix="tenant1")
    options = node_options(settings)
    assert options["password"] == "s3cret" and options["prefix"] == "tenant1"
    detect_engine(root_server[1], username=options["username"], password=options["password"])
    assert _Root.seen[-1]["Authorization"].startswith("Basic ")
    detect_engine(root_server[1], api_key="abc")
    assert _Root.seen[-1]["Authorization"] == "ApiKey abc"


def test_refused_credentials_and_foreign_servers(root_server):
    _Root.reply = (401, {}, {"error": "unauthorized"})
    with pytest.raises(IndexUnavailable, match="credentials"):
        detect_engine(root_server[1])
    _Root.reply = (200, {}, {"hello": "world"})
    with pytest.raises(ValueError, match="neither Elasticsearch nor OpenSearch"):
        detect_engine(root_server[1])


def test_proxy_builds_the_detected_backend_on_first_use(root_server):
    _Root.reply = (200, {}, {"version": {"distribution": "opensearch"}})
    index = create_index(load_settings(None, search_url=root_server[1]))
    assert _Root.seen == []  # nothing contacted at creation
    backend = index.backend()
    assert type(backend).__name__ == "OpenSearchIndex" and backend.alias == "healthpulse-docs"
    index.close()
