#!/usr/bin/env bash
# A single-node Kafka 3.9 broker (KRaft, no ZooKeeper) from Maven Central jars, without
# Docker or a tarball:
#
#   infra/kafka/kafka.sh start    fetch the jars if missing, format the data dir if new, start, wait until ready
#   infra/kafka/kafka.sh stop     stop the broker started by `start` (SIGTERM, then SIGKILL after 60 s)
#   infra/kafka/kafka.sh status   exit 0 when it runs
#   infra/kafka/kafka.sh clean    stop, then delete the data and logs (the jars stay)
#
# The data dir survives stop/start (topics and messages are kept, as a real broker's are);
# `clean` is the way to start from nothing. Clients use PLAINTEXT on 127.0.0.1:$KAFKA_PORT.
#
# KAFKA_DIR              data, logs, config and pid file (default <repo>/.rollcall/kafka)
# KAFKA_LIBS             the jars (default infra/kafka/libs)
# KAFKA_PORT             client port (default 9092)
# KAFKA_CONTROLLER_PORT  KRaft controller port (default 9093; never point clients at it)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dir="${KAFKA_DIR:-$repo/.rollcall/kafka}"
libs="${KAFKA_LIBS:-$here/libs}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
pid_file="$dir/kafka.pid"
config="$dir/server.properties"
log="$dir/logs/server.log"
log_opt="-Dlog4j.configuration=file:$here/log4j.properties"

die() {
  echo "kafka.sh: $*" >&2
  exit 1
}

running_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

fetch_jars() {
  if [ -f "$libs/kafka_2.13-3.9.1.jar" ] && [ -f "$libs/reload4j-1.2.25.jar" ]; then return; fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch the Kafka jars into $libs"
  echo "kafka.sh: fetching Kafka 3.9.1 jars from Maven Central into $libs"
  rm -rf "$libs.partial"
  mkdir -p "$(dirname "$libs")"
  (cd "$here" && mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs.partial") >"$libs.fetch.log" 2>&1 ||
    die "fetching the jars failed: $(cat "$libs.fetch.log")"
  rm -f "$libs.fetch.log"
  rm -rf "$libs"
  mv "$libs.partial" "$libs"
}

write_config() {
  mkdir -p "$dir/data" "$dir/logs"
  # Replication factor 1 everywhere: with the defaults (3) a lone broker never gets a group
  # coordinator and consumers loop on "group coordinator is not available".
  cat >"$config" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
}

format_if_new() {
  # Formatting an existing dir would fail (and with -g wipe the cluster's identity); a
  # restart keeps what the broker stored.
  if [ -f "$dir/data/meta.properties" ]; then return; fi
  local id
  id="$(java -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null)" || die "cannot make a cluster id"
  java -cp "$libs/*" "$log_opt" kafka.tools.StorageTool format -t "$id" -c "$config" >"$dir/logs/format.log" 2>&1 ||
    die "formatting $dir/data failed: $(cat "$dir/logs/format.log")"
}

start() {
  if pid="$(running_pid)"; then
    echo "kafka.sh: already running (pid $pid) on 127.0.0.1:$port"
    return
  fi
  command -v java >/dev/null || die "Java 17 or later is needed to run Kafka"
  fetch_jars
  write_config
  format_if_new
  : >"$log"
  # setsid: the broker must outlive the shell (and a CI step's process group) that started it.
  setsid java -Xms512m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true "$log_opt" \
    -cp "$libs/*" kafka.Kafka "$config" >>"$log" 2>&1 </dev/null &
  echo $! >"$pid_file"
  local pid=$! waited=0
  until grep -q 'Kafka Server started' "$log"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$log" >&2
      rm -f "$pid_file"
      die "the broker exited while starting (log above, full log in $log)"
    fi
    if [ "$waited" -ge 600 ]; then
      tail -n 40 "$log" >&2
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$pid_file"
      die "the broker was not ready after 60 s (log above, full log in $log)"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  node "$here/warm-up.mjs" "127.0.0.1:$port" 60 || die "the broker started but does not serve topics (full log in $log)"
  echo "kafka.sh: Kafka 3.9.1 ready on 127.0.0.1:$port (pid $pid, data in $dir/data, log in $log)"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pid_file"
    echo "kafka.sh: not running"
    return
  fi
  kill "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge 600 ]; then
      echo "kafka.sh: no clean shutdown after 60 s, killing pid $pid" >&2
      kill -9 "$pid" 2>/dev/null || true
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -f "$pid_file"
  echo "kafka.sh: stopped (pid $pid)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if pid="$(running_pid)"; then echo "kafka.sh: running (pid $pid) on 127.0.0.1:$port"; else
      echo "kafka.sh: not running"
      exit 1
    fi
    ;;
  clean)
    stop
    rm -rf "$dir"
    echo "kafka.sh: removed $dir"
    ;;
  *) die "usage: $0 start|stop|status|clean" ;;
esac
