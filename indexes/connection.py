"""How to reach a search node, whichever library talks to it.

One place for the credentials and TLS options: ``registry.detect_engine``
(plain HTTP through requests) and the two client libraries
(``elasticsearch.py``, ``opensearch.py``) read them from a ``NodeConnection``.
No library retries by itself: ``NodeIndexBase._call`` does, with backoff.

``url`` may name several nodes of one cluster, comma-separated: the client libraries spread
requests over them and a retry after a connection error goes to another node, so one node
going down costs a retry, not an outage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NodeConnection:
    url: str
    username: str | None = None
    password: str | None = None
    api_key: str | None = None
    verify_certs: bool = True
    ca_certs: str | None = None
    timeout: float = 30.0

    @property
    def urls(self) -> list[str]:
        return split_node_urls(self.url)

    @property
    def basic_auth(self) -> tuple[str, str] | None:
        return (self.username, self.password or "") if self.username else None

    @property
    def api_key_headers(self) -> dict[str, str]:
        """``Authorization: ApiKey …`` (Elasticsearch's API keys; proxies and security plugins in front of OpenSearch)."""
        return {"Authorization": f"ApiKey {self.api_key}"} if self.api_key else {}

    @property
    def requests_verify(self) -> bool | str:
        """``verify=`` for requests: the CA bundle when one is given, else the flag."""
        return self.ca_certs if (self.verify_certs and self.ca_certs) else self.verify_certs

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments both client libraries accept under the same names."""
        tls: dict[str, Any] = {"ca_certs": self.ca_certs} if self.ca_certs else {}
        return {"verify_certs": self.verify_certs, "ssl_show_warn": self.verify_certs, "max_retries": 0,
                "retry_on_timeout": False, **tls}


def split_node_urls(url: str) -> list[str]:
    """The node URLs in a comma-separated list (one URL is a list of one)."""
    urls = [part.strip() for part in url.split(",") if part.strip()]
    if not urls:
        raise ValueError("no search node URL given")
    return urls
