#!/usr/bin/env bash
# Start/stop the services the integration tests use, on 127.0.0.1 only:
# PostgreSQL (a throwaway cluster), Redis (the Celery broker), OpenSearch and Elasticsearch (real nodes
# fetched from Maven Central by scripts/search-node.sh) and a 2-node OpenSearch
# cluster (HEALTHPULSE_TEST_OPENSEARCH_CLUSTER=false leaves it out).
#   scripts/services.sh start [COMPONENT…]  → prints `export VAR=...` lines to eval
#   scripts/services.sh stop [COMPONENT…]
# COMPONENT: pg, redis, opensearch, elasticsearch, opensearch-cluster (default: all of them).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PG_DIR=${HEALTHPULSE_PG_DIR:-/tmp/healthpulse-pg}
PG_PORT=${HEALTHPULSE_PG_PORT:-55432}
PG_DB=${HEALTHPULSE_PG_DB:-healthpulse_test}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

pg_start() {
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then
    mkdir -p "$PG_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DIR"
    as_pg "$PG_BIN/initdb -D $PG_DIR -U postgres -A trust -E UTF8 --locale=C.UTF-8" >/dev/null
  fi
  if ! as_pg "$PG_BIN/pg_ctl -D $PG_DIR status" >/dev/null 2>&1; then
    # A throwaway test server: no fsync, so the suite's PostgreSQL pass can make and drop a database per test
    # cheaply (durability across a crash is all this gives up; locking and isolation are untouched).
    as_pg "$PG_BIN/pg_ctl -D $PG_DIR -l $PG_DIR/server.log -w -o '-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off' start" >/dev/null
  fi
  as_pg "psql -h 127.0.0.1 -p $PG_PORT -U postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='$PG_DB'\"" | grep -q 1 \
    || as_pg "psql -h 127.0.0.1 -p $PG_PORT -U postgres -c 'CREATE DATABASE $PG_DB'" >/dev/null
  echo "export HEALTHPULSE_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/$PG_DB"
}

REDIS_DIR=${HEALTHPULSE_REDIS_DIR:-/tmp/healthpulse-redis}
REDIS_PORT=${HEALTHPULSE_REDIS_PORT:-56379}

# A throwaway Redis (the Celery broker of distributed mode), loopback only, no persistence.
redis_start() {
  mkdir -p "$REDIS_DIR"
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --save "" --appendonly no \
      --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" >/dev/null
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  echo "export HEALTHPULSE_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

redis_stop() {
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

pg_stop() {
  [ -f "$PG_DIR/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl -D $PG_DIR -m fast stop" >/dev/null 2>&1 || true
}

start_search() {
  local engine="$1" var="$2"
  if [ "$engine" = elasticsearch ]; then
    if scripts/search-node.sh start elasticsearch >&2; then
      echo "export $var=$(scripts/search-node.sh url elasticsearch)"
    else
      echo "services: Elasticsearch did not start (see above); its tests will report it" >&2
    fi
    return
  fi
  scripts/search-node.sh start "$engine" >&2
  echo "export $var=$(scripts/search-node.sh url "$engine")"
}

ALL=(pg redis opensearch elasticsearch opensearch-cluster)
[ "${HEALTHPULSE_TEST_OPENSEARCH_CLUSTER:-true}" = true ] || ALL=(pg redis opensearch elasticsearch)
action="${1:-}"
[ $# -gt 0 ] && shift
components=("$@")
[ ${#components[@]} -gt 0 ] || components=("${ALL[@]}")
case "$action" in
  start)
    for c in "${components[@]}"; do
      case "$c" in
        pg) pg_start ;;
        redis) redis_start ;;
        opensearch) start_search opensearch HEALTHPULSE_TEST_OPENSEARCH_URL ;;
        elasticsearch) start_search elasticsearch HEALTHPULSE_TEST_ELASTICSEARCH_URL ;;
        opensearch-cluster) start_search opensearch-cluster HEALTHPULSE_TEST_OPENSEARCH_CLUSTER_URL ;;
        *) echo "services: unknown component $c (${ALL[*]})" >&2; exit 2 ;;
      esac
    done
    ;;
  stop)
    for c in "${components[@]}"; do
      case "$c" in
        pg) pg_stop ;;
        redis) redis_stop ;;
        opensearch | elasticsearch | opensearch-cluster) scripts/search-node.sh stop "$c" >&2 || true ;;
        *) echo "services: unknown component $c (${ALL[*]})" >&2; exit 2 ;;
      esac
    done
    ;;
  *) echo "usage: $0 start|stop [pg|redis|opensearch|elasticsearch|opensearch-cluster]…" >&2; exit 2 ;;
esac
