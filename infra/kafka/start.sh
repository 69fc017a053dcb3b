#!/usr/bin/env bash
# Starts a single-node Apache Kafka broker (KRaft, combined broker + controller) on 127.0.0.1 for
# development and tests. Kafka and its runtime dependencies come from Maven Central through Maven,
# so only Java 17+ and Maven are needed. Data is kept across restarts (same data dir, same port).
#
# The LAST line of stdout is the bootstrap address `127.0.0.1:<port>`; everything else goes to stderr.
# Running it while the broker runs only prints the address.
#
# Environment:
#   KAFKA_CACHE_DIR      where jars, config, data, logs and the pid file live (default <repo>/.cache/kafka)
#   KAFKA_PORT           client port (default: the previous run's port when free, else a free port)
#   KAFKA_VERSION        org.apache.kafka:kafka_2.13 version (default 4.1.1)
#   KAFKA_HEAP_OPTS      JVM heap options (default -Xms256m -Xmx512m)
#   KAFKA_START_TIMEOUT  seconds to wait for the broker to accept clients (default 120)
#   KAFKA_RESET_DATA=1   wipe the data dir before starting
#   KAFKA_MAVEN_ARGS     extra arguments for mvn, e.g. -Dmaven.repo.local=/tmp/m2
set -euo pipefail

log() { printf '[kafka] %s\n' "$*" >&2; }
die() { printf '[kafka] error: %s\n' "$*" >&2; exit 1; }

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
cache_dir="${KAFKA_CACHE_DIR:-$repo_root/.cache/kafka}"
version="${KAFKA_VERSION:-4.1.1}"
log4j_version="2.24.3"
heap_opts="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
start_timeout="${KAFKA_START_TIMEOUT:-120}"

lib_dir="$cache_dir/kafka-$version/lib"
tools_dir="$cache_dir/kafka-$version/tools"
data_dir="$cache_dir/data"
pid_file="$cache_dir/broker.pid"
port_file="$cache_dir/broker.port"
controller_port_file="$cache_dir/controller.port"
config_file="$cache_dir/server.properties"
log_file="$cache_dir/broker.log"

command -v java >/dev/null 2>&1 || die "java not found on PATH: Kafka $version needs a Java 17+ runtime (e.g. apt-get install openjdk-17-jdk-headless)"
command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH: Maven is needed to fetch Kafka (e.g. apt-get install maven)"
command -v javac >/dev/null 2>&1 || die "javac not found on PATH: a JDK (not only a JRE) 17+ is needed (e.g. apt-get install openjdk-17-jdk-headless)"
java_major="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
[[ -n "$java_major" && "$java_major" -ge 17 ]] || die "Kafka $version needs Java 17 or newer; found: $(java -version 2>&1 | head -n1)"

mkdir -p "$cache_dir"
cache_dir="$(cd "$cache_dir" && pwd)"

# Two concurrent starts must not launch two brokers on one data dir.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_dir/start.lock"
  flock -w 300 9 || die "another start.sh holds $cache_dir/start.lock"
fi

broker_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -q 'kafka\.Kafka' "/proc/$pid/cmdline" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

fetch_kafka() {
  [[ -f "$lib_dir/.complete" ]] && return 0
  log "fetching org.apache.kafka:kafka_2.13:$version and its runtime dependencies with Maven"
  local work="$cache_dir/kafka-$version/maven"
  rm -rf "$lib_dir" "$work"
  mkdir -p "$work"
  cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.scoran</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    <!-- The kafka_2.13 POM leaves the SLF4J binding to the distribution; without it the broker logs nothing. -->
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>$log4j_version</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>$log4j_version</version></dependency>
  </dependencies>
</project>
EOF
  # shellcheck disable=SC2086 # KAFKA_MAVEN_ARGS is a list of arguments on purpose
  if ! (cd "$work" && mvn -B -q -Dstyle.color=never ${KAFKA_MAVEN_ARGS:-} org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$lib_dir") 1>&2; then
    die "Maven could not fetch org.apache.kafka:kafka_2.13:$version (is Maven Central reachable? does the version exist?)"
  fi
  ls "$lib_dir"/kafka_2.13-"$version".jar >/dev/null 2>&1 || die "Maven finished but $lib_dir has no kafka_2.13-$version.jar"
  touch "$lib_dir/.complete"
}

build_probe() {
  [[ -f "$tools_dir/KafkaProbe.class" && "$tools_dir/KafkaProbe.class" -nt "$script_dir/kafka-probe.java" ]] && return 0
  mkdir -p "$tools_dir"
  javac -nowarn -d "$tools_dir" -cp "$lib_dir/*" "$script_dir/kafka-probe.java" 1>&2 || die "could not compile $script_dir/kafka-probe.java"
  cat >"$tools_dir/log4j2.properties" <<'EOF'
status = error
rootLogger.level = off
EOF
}

probe() {
  java -Xmx128m -Dlog4j2.configurationFile="$tools_dir/log4j2.properties" -cp "$tools_dir:$lib_dir/*" KafkaProbe "$@"
}

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() { # $1: file holding the previous port
  local previous=""
  [[ -f "$1" ]] && previous="$(cat "$1")"
  if [[ -n "$previous" ]] && port_is_free "$previous"; then
    printf '%s\n' "$previous"
  else
    probe free-port
  fi
}

wait_ready() { # $1 port, $2 pid
  local timeout_ms=$((start_timeout * 1000)) code=0
  probe ready "127.0.0.1:$1" "$timeout_ms" "$2" || code=$?
  if [[ $code -ne 0 ]]; then
    log "the broker did not become ready; last lines of $log_file:"
    tail -n 40 "$log_file" >&2 || true
    [[ $code -eq 2 ]] && die "the broker process exited during start-up"
    die "the broker did not accept clients within ${start_timeout}s"
  fi
}

fetch_kafka
build_probe

if pid="$(broker_pid)"; then
  port="$(cat "$port_file")"
  if [[ -n "${KAFKA_PORT:-}" && "$KAFKA_PORT" != "$port" ]]; then
    die "a broker already runs on 127.0.0.1:$port (pid $pid); stop it first to use KAFKA_PORT=$KAFKA_PORT"
  fi
  wait_ready "$port" "$pid"
  echo "127.0.0.1:$port"
  exit 0
fi
rm -f "$pid_file"

if [[ -n "${KAFKA_PORT:-}" ]]; then
  port="$KAFKA_PORT"
  port_is_free "$port" || die "KAFKA_PORT=$port is already in use on 127.0.0.1"
else
  port="$(pick_port "$port_file")"
fi
controller_port="$(pick_port "$controller_port_file")"
[[ "$controller_port" != "$port" ]] || controller_port="$(probe free-port)"

cat >"$config_file" <<EOF
# Written by infra/kafka/start.sh: one node that is both broker and controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$data_dir
auto.create.topics.enable=true
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
EOF

if [[ "${KAFKA_RESET_DATA:-}" == "1" ]]; then
  log "KAFKA_RESET_DATA=1: wiping $data_dir"
  rm -rf "$data_dir"
fi

java_opts=($heap_opts -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
  -Dlog4j2.configurationFile="$cache_dir/log4j2.properties" -Dkafka.logs.dir="$cache_dir")
cat >"$cache_dir/log4j2.properties" <<'EOF'
status = error
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = OUT
logger.state-change.name = state.change.logger
logger.state-change.level = warn
logger.request.name = kafka.request.logger
logger.request.level = warn
EOF

if [[ ! -f "$data_dir/meta.properties" ]]; then
  mkdir -p "$data_dir"
  cluster_id="$(java -Xmx128m -Dlog4j2.configurationFile="$tools_dir/log4j2.properties" -cp "$lib_dir/*" kafka.tools.StorageTool random-uuid)"
  log "formatting KRaft storage in $data_dir (cluster id $cluster_id)"
  java -Xmx256m -Dlog4j2.configurationFile="$tools_dir/log4j2.properties" -cp "$lib_dir/*" \
    kafka.tools.StorageTool format --cluster-id "$cluster_id" --config "$config_file" --ignore-formatted 1>&2 \
    || die "kafka-storage format failed for $data_dir"
else
  log "reusing data in $data_dir"
fi

log "starting Kafka $version on 127.0.0.1:$port (controller 127.0.0.1:$controller_port), log $log_file"
printf '\n===== start %s port %s =====\n' "$(date -u +%FT%TZ)" "$port" >>"$log_file"
# setsid + closed stdio: the broker must outlive this script and never hold its caller's pipes open.
setsid nohup java "${java_opts[@]}" -cp "$lib_dir/*" kafka.Kafka "$config_file" </dev/null >>"$log_file" 2>&1 9>&- &
pid=$!
echo "$pid" >"$pid_file"
echo "$port" >"$port_file"
echo "$controller_port" >"$controller_port_file"

wait_ready "$port" "$pid"
log "broker pid $pid ready"
echo "127.0.0.1:$port"
