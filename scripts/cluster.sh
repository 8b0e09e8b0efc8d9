#!/usr/bin/env bash
# The distributed topology on one machine: the processes an operator runs on several (deploy/README.md).
#
#   scripts/cluster.sh up|down|status
#
# up starts, each on 127.0.0.1:
#   PostgreSQL (HEALTHPULSE_CLUSTER_PG_PORT, default 55440) · Redis, the Celery broker (56380)
#   a 2-node OpenSearch cluster (HTTP 9220, 9221) · 2 Celery workers (`healthpulse worker`: worker1 takes
#   `default` and `transcribe`, worker2 `default` and `crawl`) · 2 web processes behind one port (gunicorn,
#   HEALTHPULSE_CLUSTER_PORT, default 8090) · Celery beat for the crawl schedules (`healthpulse beat` over
#   HEALTHPULSE_CLUSTER_SOURCES, default crawlers/sources.example.yaml; worker2 crawls)
# then waits until GET /healthz answers 200 through the web port, and writes .cluster/env: source it to run
# `healthpulse …` commands against this cluster (e.g. `healthpulse users add admin --role admin`).
# down stops everything up started (data stays in .cluster/ and the database in /tmp/healthpulse-cluster-pg).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DIR=${HEALTHPULSE_CLUSTER_DIR:-$ROOT/.cluster}
WEB_PORT=${HEALTHPULSE_CLUSTER_PORT:-8090}
PG_PORT=${HEALTHPULSE_CLUSTER_PG_PORT:-55440}
REDIS_PORT=${HEALTHPULSE_CLUSTER_REDIS_PORT:-56380}
SEARCH_PORT=${HEALTHPULSE_CLUSTER_SEARCH_PORT:-9220}
# Under /tmp: the postgres user must reach it, and a checkout under a private home is out of its reach.
PG_DIR=${HEALTHPULSE_CLUSTER_PG_DIR:-/tmp/healthpulse-cluster-pg}
SOURCES=${HEALTHPULSE_CLUSTER_SOURCES:-$ROOT/crawlers/sources.example.yaml}
WAIT=${HEALTHPULSE_CLUSTER_WAIT:-180}
PROCESSES=(worker1 worker2 web beat)

log() { echo "cluster: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# The services scripts/services.sh manages, with this cluster's ports and folders.
services() {
  HEALTHPULSE_PG_DIR="$PG_DIR" HEALTHPULSE_PG_PORT="$PG_PORT" HEALTHPULSE_PG_DB=healthpulse \
    HEALTHPULSE_REDIS_DIR="$DIR/redis" HEALTHPULSE_REDIS_PORT="$REDIS_PORT" \
    OPENSEARCH_CLUSTER_PORT="$SEARCH_PORT" OPENSEARCH_CLUSTER_DIR="$DIR/opensearch" \
    scripts/services.sh "$@"
}

pid_alive() { [[ -f "$DIR/$1.pid" ]] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null; }

# Run "$@" in its own session (so `down` stops its children too), logging to .cluster/logs/$1.log.
spawn() {
  local name="$1"
  shift
  if pid_alive "$name"; then
    log "$name already running"
    return
  fi
  setsid "$@" >"$DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$DIR/$name.pid"
  log "$name started (log: $DIR/logs/$name.log)"
}

write_env() {
  local secret
  [[ -f "$DIR/secret" ]] || python3 -c 'import secrets; print(secrets.token_urlsafe(48))' >"$DIR/secret"
  chmod 600 "$DIR/secret"
  secret=$(cat "$DIR/secret")
  eval "$(services start pg redis opensearch-cluster)"
  cat >"$DIR/env" <<EOF
export HEALTHPULSE_DATABASE_URL=$HEALTHPULSE_TEST_POSTGRES_URL
export HEALTHPULSE_BROKER_URL=redis://127.0.0.1:$REDIS_PORT/0
export HEALTHPULSE_SEARCH_URL=$HEALTHPULSE_TEST_OPENSEARCH_CLUSTER_URL
export HEALTHPULSE_DATA_DIR=$DIR/data
export HEALTHPULSE_SECRET_KEY=$secret
EOF
  chmod 600 "$DIR/env"
}

up() {
  [[ -x .venv/bin/healthpulse ]] || die "no .venv: run scripts/setup.sh first"
  command -v redis-server >/dev/null || die "redis-server not found (scripts/setup.sh installs it)"
  mkdir -p "$DIR/logs" "$DIR/data"
  write_env
  # shellcheck disable=SC1091
  . "$DIR/env"
  . .venv/bin/activate
  healthpulse migrate >&2
  # Two workers share the cores: each gets half (two processes of all the threads run slower than one).
  local threads=$(( $(nproc) / 2 > 0 ? $(nproc) / 2 : 1 ))
  spawn worker1 env HEALTHPULSE_NLP_THREADS="$threads" HEALTHPULSE_WHISPER_THREADS="$threads" \
    healthpulse worker --queues default,transcribe --hostname "worker1@%h"
  spawn worker2 env HEALTHPULSE_NLP_THREADS="$threads" HEALTHPULSE_WHISPER_THREADS="$threads" \
    healthpulse worker --queues default,crawl --hostname "worker2@%h"
  spawn web gunicorn --workers 2 --threads 4 --bind "127.0.0.1:$WEB_PORT" --access-logfile - \
    'healthpulse.wiring.wsgi:make_app()'
  spawn beat healthpulse beat --sources "$SOURCES"
  local waited=0
  until curl -fsS -m 5 "http://127.0.0.1:$WEB_PORT/healthz" >/dev/null 2>&1; do
    for name in "${PROCESSES[@]}"; do
      pid_alive "$name" || { tail -n 30 "$DIR/logs/$name.log" >&2; die "$name exited (log: $DIR/logs/$name.log)"; }
    done
    ((waited < WAIT)) || die "no healthy web on port $WEB_PORT after ${WAIT}s (logs: $DIR/logs)"
    sleep 1
    waited=$((waited + 1))
  done
  log "up: web http://127.0.0.1:$WEB_PORT/ ($(curl -fsS -m 5 "http://127.0.0.1:$WEB_PORT/healthz"))"
  log "run commands against it with: . $DIR/env; .venv/bin/healthpulse …"
}

down() {
  local name pid waited
  for name in "${PROCESSES[@]}"; do
    pid_alive "$name" || { rm -f "$DIR/$name.pid"; continue; }
    pid=$(cat "$DIR/$name.pid")
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    waited=0
    while kill -0 "$pid" 2>/dev/null && ((waited < 60)); do sleep 1; waited=$((waited + 1)); done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$DIR/$name.pid"
    log "$name stopped"
  done
  services stop opensearch-cluster redis pg
}

status() {
  local name rc=0
  for name in "${PROCESSES[@]}"; do
    if pid_alive "$name"; then echo "$name running"; else echo "$name stopped"; rc=3; fi
  done
  curl -sS -m 5 "http://127.0.0.1:$WEB_PORT/healthz" || rc=3
  echo
  return $rc
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
