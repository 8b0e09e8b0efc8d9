"""Several processes start at once on an empty node (web, workers, crawler of a fresh deployment): one index, no errors.

Each races to create the first index behind the alias; the losers' "more than one write index"
(a 5xx) must tell them at once that another process won — not cost them the retries' backoff
and an IndexUnavailable.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from healthpulse.indexes.elasticsearch import ElasticsearchIndex
from healthpulse.indexes.opensearch import OpenSearchIndex

from tests.integration.indexes.conftest import node_url

pytestmark = [pytest.mark.integration, pytest.mark.database_independent]  # a search index alone
ENGINES = {"opensearch": OpenSearchIndex, "elasticsearch": ElasticsearchIndex}


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_processes_racing_to_create_the_first_index_all_get_the_one_index(engine):
    url, prefix = node_url(engine), f"hptest-race-{uuid.uuid4().hex[:8]}"
    indices = [ENGINES[engine](url, prefix=prefix, retries=0) for _ in range(6)]  # retries=0: a 5xx would surface
    start, errors = threading.Barrier(len(indices)), []

    def ready(index) -> None:
        start.wait()
        try:
            index.ensure_ready()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=ready, args=(i,)) for i in indices]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert errors == []
        assert len(indices[0]._alias_indices()) == 1
        assert {i.mode for i in indices} == {indices[0].mode} and indices[0].mode is not None
    finally:
        indices[0].drop()
        for index in indices:
            index.close()
