#!/usr/bin/env bash
# Parley's standard benchmark: for each server, start it with parley.war and the raw reference raw.war, run the
# standard scenarios against both, stop it, and write bench/target/results/RESULTS.md (a markdown table) beside one
# JSON file per run. One command, bounded time; see bench/README.md.
#
#   bench/run-standard.sh                       # WildFly, Open Liberty and Payara Micro in turn
#   bench/run-standard.sh wildfly               # one server
#   BENCH_SET=smoke bench/run-standard.sh wildfly   # a ~30 s check that the generator works (CI)
#   BENCH_SET=cluster bench/run-standard.sh         # issue #16: one WildFly node vs two in cluster mode
#   BENCH_SET=uploads bench/run-standard.sh         # issue #19: the fan-out quiet, then with uploads and downloads
#
# Environment: BENCH_SET=standard|quick|pipeline|delivery|fanout|persistence|hot|smoke|hostile|cluster|uploads (pipeline: the message
# pipeline's targets, three rounds each; delivery: issue #15's, with the lean client; hostile: issue #14's memory attacks, WildFly at -Xmx512m with the server's
# default limits; cluster: issue #16's fan-out on one WildFly node on PostgreSQL and on two in cluster mode with a
# Redis, rounds alternating, WildFly only; uploads: issue #19's fan-out quiet and then beside uploaders and downloaders,
# WildFly only; the rest: parts, for checks), BENCH_PORT_OFFSET (default 0: HTTP on 8080+offset),
# BENCH_BUILD_DIR (root build directory, default target-bench), BENCH_SERVER_HEAP (default 1g),
# BENCH_POSTGRES=1 adds the persistence run on PostgreSQL (WildFly only), BENCH_SKIP_BUILD=1 reuses parley.war
# and the generator where they exist, BENCH_SERVER_CPUS and BENCH_CLIENT_CPUS (taskset -c lists, default empty: not
# pinned) pin the server JVMs and the generator to CPUs of their own. Exits 1 if any run failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
SET=${BENCH_SET:-standard}
OFFSET=${BENCH_PORT_OFFSET:-0}
BUILD=${BENCH_BUILD_DIR:-target-bench}
HEAP=${BENCH_SERVER_HEAP:-$([[ $SET == hostile ]] && echo 512m || echo 1g)}
PORT=$((8080 + OFFSET))
WORK=$ROOT/bench/target/run
OUT=${BENCH_OUT:-$ROOT/bench/target/results}
M2=${MAVEN_REPO:-$HOME/.m2/repository}
WILDFLY_VERSION=39.0.1.Final
LIBERTY_VERSION=26.0.0.3
PAYARA_VERSION=6.2025.10
H2_VERSION=2.3.232
# the redis-server binary the cluster set runs comes out of this jar, the one the root build's tests use
EMBEDDED_REDIS_VERSION=$(sed -n 's|.*<embedded-redis.version>\(.*\)</embedded-redis.version>.*|\1|p' "$ROOT/pom.xml")
# the cluster set: the second cluster node's port offset (HTTP on 8080 + it) and the fan-out's rounds per
# configuration
NODE2_OFFSET=${BENCH_NODE2_PORT_OFFSET:-$((OFFSET + 50))}
# the cluster set's one node (not in cluster mode), up beside the cluster: HTTP on 8080 + this offset
ONE_NODE_OFFSET=${BENCH_ONE_NODE_PORT_OFFSET:-$((OFFSET + 25))}
CLUSTER_ROUNDS=${BENCH_CLUSTER_ROUNDS:-3}
# (and BENCH_CLUSTER_DURATION, the measured seconds, default 30; BENCH_CLUSTER_CLIENT, default lean;
# BENCH_PG_PORT and BENCH_REDIS_PORT, default 0: free ports)
JAR=$ROOT/bench/generator/target/parley-bench.jar
# CPU pinning (taskset -c lists, e.g. BENCH_SERVER_CPUS=0 BENCH_CLIENT_CPUS=1): every server JVM the script starts runs
# on SERVER_CPUS, every generator run (its healthy clients and, in the hostile set, its attackers) on CLIENT_CPUS, so
# that the load the generator makes is not taken from the server's cores; empty: the scheduler's choice
SERVER_CPUS=${BENCH_SERVER_CPUS:-}
CLIENT_CPUS=${BENCH_CLIENT_CPUS:-}
SERVER_PIN=()
CLIENT_PIN=()
[[ -n $SERVER_CPUS ]] && SERVER_PIN=(taskset -c "$SERVER_CPUS")
[[ -n $CLIENT_CPUS ]] && CLIENT_PIN=(taskset -c "$CLIENT_CPUS")
# the settings every server gets: the per-address and total connection limits and the handshake rate must not
# refuse the generator's clients, which all come from 127.0.0.1 (see bench/README.md)
SETTINGS=${BENCH_SETTINGS:--Dparley.connections.max=40000 -Dparley.connections.per-address=40000 -Dparley.handshakes.per-address-per-second=100000 -Dparley.handshakes.per-address-burst=100000 -Dparley.rate.say-per-address-per-second=100000 -Dparley.rate.say-per-address-burst=100000 -Dparley.rate.commands-per-address-per-second=100000 -Dparley.rate.commands-per-address-burst=100000 -Dparley.rooms.created-per-address-per-hour=100000 -Dparley.rooms.created-per-user-per-hour=100000 -Dparley.handshakes.strike-cooldown-s=0 -Dparley.joins.chars-per-address-per-second=2000000000 -Dparley.joins.chars-per-address-burst=2000000000 -Dparley.history.chars-per-address-per-second=2000000000 -Dparley.history.chars-per-address-burst=2000000000}
# the hostile run measures the server's own defenses: every limit stays at its default (its healthy clients spread
# over four addresses to stay inside them, see bench/README.md)
[[ $SET == hostile ]] && SETTINGS=${BENCH_SETTINGS:-}
# the length of each of the hostile run's two phases, in seconds
HOSTILE_SECONDS=${BENCH_HOSTILE_SECONDS:-60}
# the JVM options of every generator run, BENCH_GENERATOR_OPTS (the hostile set adds source addresses to its warm-up)
GENERATOR_OPTS=${BENCH_GENERATOR_OPTS:-}
# hot room A's 20 posters post 50 a second each, over the default posting limit (10/s, burst 20): its server is
# started again with these on top of SETTINGS, so every other run keeps the defaults
HOT_ROOM_A_SETTINGS="-Dparley.rate.say-per-second=100 -Dparley.rate.say-burst=200"
SERVERS=("$@")
if [[ ${#SERVERS[@]} -eq 0 ]]; then
    SERVERS=(wildfly liberty payara)
    [[ $SET == hostile || $SET == cluster || $SET == uploads ]] && SERVERS=(wildfly)
fi
ulimit -n "$(ulimit -Hn)" || true

log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }

# the generator's JVM: BENCH_JAVA, else `java`; binding clients to source addresses (the hostile set) needs a JDK 19
# or newer, which is then looked for under /usr/lib/jvm when `java` is older
generator_java() {
    if [[ -n ${BENCH_JAVA:-} ]]; then
        echo "$BENCH_JAVA"
        return
    fi
    local candidate version
    for candidate in java /usr/lib/jvm/*/bin/java; do
        version=$("$candidate" -XshowSettings:properties -version 2>&1 | awk '$1 == "java.specification.version" { print $3 }')
        if [[ $SET != hostile || ${version:-0} -ge 19 ]]; then
            echo "$candidate"
            return
        fi
    done
    log "the hostile set needs a JDK 19 or newer for the generator: set BENCH_JAVA"
    return 1
}

build() {
    if [[ ${BENCH_SKIP_BUILD:-0} != 1 || ! -f $ROOT/$BUILD/parley.war ]]; then
        log "building parley.war in $BUILD"
        mvn -B -q -Dbuild.dir="$BUILD" -DskipTests package
    fi
    if [[ ${BENCH_SKIP_BUILD:-0} != 1 || ! -f $JAR || ! -f $ROOT/bench/raw/target/raw.war ]]; then
        log "building the generator and raw.war"
        mvn -B -q -f bench/pom.xml package
    fi
}

artifact() { # group artifact version type
    local file="$M2/${1//.//}/$2/$3/$2-$3.$4"
    if [[ ! -f $file ]]; then
        mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get -Dartifact="$1:$2:$3:$4" >&2
    fi
    echo "$file"
}

wait_http() { # url seconds
    local deadline=$((SECONDS + $2))
    until curl -fsS -o /dev/null "$1" 2>/dev/null; do
        if ((SECONDS > deadline)); then
            log "no answer from $1 after $2 s"
            return 1
        fi
        sleep 1
    done
}

SERVER_PID=
SERVER_LABEL=
FAILURES=0

# the unpacked WildFly: the root build's, else the distribution unpacked under the run's directory
wildfly_home() {
    local home=$ROOT/$BUILD/wildfly-$WILDFLY_VERSION
    [[ -d $home ]] || { mkdir -p "$WORK/servers"; home=$WORK/servers/wildfly-$WILDFLY_VERSION;
        [[ -d $home ]] || unzip -q "$(artifact org.wildfly wildfly-dist $WILDFLY_VERSION zip)" -d "$WORK/servers"; }
    echo "$home"
}

start_wildfly() { # [home] [extra JVM options] [node: its directory and log name, default wildfly] [port offset]
    local home=${1:-$(wildfly_home)} node=${3:-wildfly} offset=${4:-$OFFSET} extra=${2:-}
    local base=$WORK/${3:-wildfly} port=$((8080 + ${4:-$OFFSET}))
    rm -rf "$base" && cp -r "$home/standalone" "$base"
    cp "$ROOT/$BUILD/parley.war" "$ROOT/bench/raw/target/raw.war" "$base/deployments/"
    JAVA_OPTS="-Xms$HEAP -Xmx$HEAP -Djava.net.preferIPv4Stack=true $SETTINGS $extra" \
        ${SERVER_PIN[@]+"${SERVER_PIN[@]}"} "$home/bin/standalone.sh" -Djboss.server.base.dir="$base" -Djboss.socket.binding.port-offset="$offset" \
        > "$WORK/$node.log" 2>&1 &
    LAUNCHERS+=("$!")
    wait_http "http://localhost:$port/api/health" 400 && wait_http "http://localhost:$port/raw/" 120 || return 1
    SERVER_PID=$(ss -ltnpH "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
    SERVER_LABEL="WildFly $WILDFLY_VERSION"
}

start_liberty() {
    local home=$WORK/servers/wlp usr=$WORK/liberty-usr
    if [[ ! -d $home ]]; then
        mkdir -p "$WORK/servers"
        unzip -q "$(artifact io.openliberty openliberty-runtime $LIBERTY_VERSION zip)" -d "$WORK/servers"
    fi
    local server=$usr/servers/bench
    rm -rf "$usr" && mkdir -p "$server/apps" "$server/lib"
    cp "$ROOT"/server-config/liberty/* "$server/"
    sed -i 's|</server>|    <webApplication id="raw" name="raw" location="raw.war" contextRoot="/raw"/>\n</server>|' \
        "$server/server.xml"
    cp "$ROOT/$BUILD/parley.war" "$ROOT/bench/raw/target/raw.war" "$server/apps/"
    cp "$(artifact com.h2database h2 $H2_VERSION jar)" "$server/lib/"
    printf 'parley.http.host=127.0.0.1\nparley.http.port=%s\nparley.https.port=%s\n' "$PORT" $((8443 + OFFSET)) \
        > "$server/bootstrap.properties"
    grep -v '^-Xm[sx]' "$ROOT/server-config/liberty/jvm.options" > "$server/jvm.options"
    printf -- '-Xms%s\n-Xmx%s\n' "$HEAP" "$HEAP" >> "$server/jvm.options"
    for setting in $SETTINGS; do echo "$setting" >> "$server/jvm.options"; done
    WLP_USER_DIR=$usr ${SERVER_PIN[@]+"${SERVER_PIN[@]}"} "$home/bin/server" run bench > "$WORK/liberty.log" 2>&1 &
    wait_http "http://localhost:$PORT/api/health" 400 && wait_http "http://localhost:$PORT/raw/" 120 || return 1
    SERVER_PID=$(ss -ltnpH "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
    SERVER_LABEL="Open Liberty $LIBERTY_VERSION"
}

start_payara() {
    local jar root=$WORK/payara
    jar=$(artifact fish.payara.extras payara-micro $PAYARA_VERSION jar)
    rm -rf "$root" && mkdir -p "$root"
    cp "$ROOT/$BUILD/parley.war" "$root/ROOT.war"
    ${SERVER_PIN[@]+"${SERVER_PIN[@]}"} java -Xms"$HEAP" -Xmx"$HEAP" $SETTINGS -jar "$jar" --nocluster --rootdir "$root/instance" --port "$PORT" \
        --sslport $((8181 + OFFSET)) --deploy "$root/ROOT.war" --deploy "$ROOT/bench/raw/target/raw.war" \
        > "$WORK/payara.log" 2>&1 &
    wait_http "http://localhost:$PORT/api/health" 400 && wait_http "http://localhost:$PORT/raw/" 120 || return 1
    SERVER_PID=$(ss -ltnpH "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
    SERVER_LABEL="Payara Micro $PAYARA_VERSION"
}

stop_pid() { # pid: asks it to end, waits at most 60 s, then kills it
    if [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; then
        kill "$1"
        for _ in $(seq 60); do kill -0 "$1" 2>/dev/null || break; sleep 1; done
        kill -9 "$1" 2>/dev/null || true
    fi
}

stop_server() {
    # a server that did not answer in time may still have started: the process on our port is ours
    [[ -n $SERVER_PID ]] || SERVER_PID=$(ss -ltnpH "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
    stop_pid "$SERVER_PID"
    SERVER_PID=
}

# everything this script may have started, servers first (on a failure too: the EXIT trap)
# the standalone.sh of every WildFly started: a node still booting when the script ends has no PID noted yet, but
# its JVM is the launcher's child
LAUNCHERS=()
cleanup() {
    stop_server
    stop_node2
    local launcher jvm
    for launcher in "${LAUNCHERS[@]}"; do
        for jvm in $(ps -o pid= --ppid "$launcher" 2>/dev/null); do stop_pid "$jvm"; done
    done
    stop_redis
    stop_postgres
}
trap cleanup EXIT

# waits (at most 3 min) until the server has let go of the last run: no chat connection left and nothing stored
# for 2 s; an overloaded run leaves a backlog of posts that would otherwise land in the next run
settle() {
    local deadline=$((SECONDS + 180)) last=-1 now port
    while ((SECONDS < deadline)); do
        now=
        for port in ${SETTLE_PORTS:-$PORT}; do # every node of a cluster
            now+=$(curl -fsS -m 30 "http://localhost:$port/api/metrics" 2>/dev/null \
                | awk '$1 == "parley_connections" { c = $2 } $1 == "parley_messages_stored_total" { s = $2 } END { print c "/" s }')" "
        done
        if [[ $now =~ ^(0/[^ ]*\ )+$ && $now == "$last" ]]; then
            return
        fi
        last=$now
        sleep 2
    done
    log "the server did not settle in 180 s (connections/stored: $last)"
}

bench() { # server scenario target out-name [options...]
    local server=$1 scenario=$2 target=$3 name=$4
    shift 4
    settle
    # URLS: a cluster's nodes (the generator spreads the members over them), SERVER_PIDS their processes
    local url=${URLS:-ws://localhost:$PORT/chat} pids=${SERVER_PIDS:-$SERVER_PID}
    [[ $target == raw ]] && url="ws://localhost:$PORT/raw/broadcast" pids=$SERVER_PID
    log "$server $name $target (load $(cut -d' ' -f1-3 /proc/loadavg))"
    local status=0
    local out=$OUT/$server/$name-$target.json summary=$OUT/summary.txt
    if [[ ${WARMING:-0} == 1 ]]; then
        out=$WORK/$name-$target.json summary=/dev/null
    fi
    : "${JAVA:=$(generator_java)}"
    ${CLIENT_PIN[@]+"${CLIENT_PIN[@]}"} "$JAVA" -Xms512m -Xmx3g $GENERATOR_OPTS -jar "$JAR" "$scenario" --target "$target" --url "$url" --server-pid "$pids" \
        --server-label "$SERVER_LABEL" --out "$out" ${SIDE_PIDS:+--side-pids "$SIDE_PIDS"} "$@" \
        2> >(sed "s/^/    /" >&2) | tee -a "$summary" || status=$?
    if [[ ${WARMING:-0} == 1 ]]; then
        return
    fi
    if ((status != 0)); then
        log "$server $name $target FAILED (exit $status)"
        FAILURES=$((FAILURES + 1))
    fi
}

# one room, 100 of its 110 members post 300 posts/s in all (3/s each, inside the default limits); /api/health is
# sampled every 100 ms meanwhile
hot_room_b() { # server duration [name suffix]
    bench "$1" fanout parley "hot-room-b${3:-}" --rooms 1 --members 110 --posters 100 --rate 300 --warmup 5 --duration "$2" \
        --health-probe-ms 100
}

standard_set() { # server
    local s=$1
    case $SET in
    smoke)
        bench "$s" fanout parley fanout --rooms 2 --members 20 --rate 20 --warmup 2 --duration 5 --drain 10 \
            --require-exact
        ;;
    persistence)
        for t in parley raw; do bench "$s" fanout $t persistence --rooms 200 --members 5 --rate 2000 --warmup 5 --duration 20; done
        bench "$s" fanout parley persistence-500 --rooms 200 --members 5 --rate 500 --warmup 5 --duration 20
        ;;
    hot)
        hot_room_b "$s" 20
        ;;
    hostile)
        # issue #14: a healthy room (40 members, 4 posters, 20 posts/s) quiet, then under the memory attacks
        bench "$s" hostile parley hostile --members 40 --posters 4 --rate 20 --warmup 10 --quiet "$HOSTILE_SECONDS" \
            --hostile "$HOSTILE_SECONDS" --server-log "$WORK/$s.log"
        ;;
    pipeline)
        # the message pipeline's targets (issue #13), each three times so the note can give medians; the raw
        # endpoint and one fan-out beside them say how loaded the machine was
        for t in parley raw; do bench "$s" fanout $t fanout --rooms 1 --members 1000 --rate 20 --warmup 5 --duration 20; done
        bench "$s" fanout raw persistence --rooms 200 --members 5 --rate 2000 --warmup 5 --duration 20
        for round in 1 2 3; do
            bench "$s" fanout parley "persistence-r$round" --rooms 200 --members 5 --rate 2000 --warmup 5 --duration 20
            bench "$s" fanout parley "persistence-5000-r$round" --rooms 200 --members 5 --rate 5000 --warmup 5 --duration 20
            hot_room_b "$s" 20 "-r$round"
        done
        ;;
    delivery)
        # issue #15's targets, with the lean client: the fan-out at 1,000 members (three rounds, v1 frames), the
        # saturated fan-out with v1 and with batched frames, capacity with batched frames, idle heap, handshakes
        for round in 1 2 3; do
            for t in parley raw; do
                bench "$s" fanout $t "fanout-r$round" --client lean --rooms 1 --members 1000 --rate 20 --warmup 5 \
                    --duration 20
            done
        done
        for batch in false true; do
            bench "$s" fanout parley "saturated-batch-$batch" --client lean --batch $batch --rooms 1 --members 2000 \
                --rate 50 --warmup 5 --duration 20
        done
        bench "$s" fanout raw saturated --client lean --rooms 1 --members 2000 --rate 50 --warmup 5 --duration 20
        bench "$s" capacity parley capacity-batch --client lean --batch true --step 1000 --max 15000 --samples 100
        for t in parley raw; do bench "$s" idle $t idle --client lean --connections 5000 --rooms 100 --quiet 5; done
        for t in parley raw; do bench "$s" handshake $t handshake --duration 10; done
        ;;
    fanout)
        for t in parley raw; do bench "$s" fanout $t fanout --rooms 1 --members 1000 --rate 20 --warmup 5 --duration 20; done
        for t in parley raw; do bench "$s" fanout $t persistence --rooms 200 --members 5 --rate 2000 --warmup 5 --duration 15; done
        ;;
    quick)
        for t in parley raw; do bench "$s" fanout $t fanout --rooms 1 --members 1000 --rate 20 --warmup 3 --duration 10; done
        for t in parley raw; do bench "$s" fanout $t persistence --rooms 200 --members 5 --rate 2000 --warmup 3 --duration 10; done
        hot_room_b "$s" 10
        for t in parley raw; do bench "$s" capacity $t capacity --step 2000 --max 10000 --samples 50; done
        for t in parley raw; do bench "$s" idle $t idle --connections 5000 --rooms 100 --quiet 5; done
        for t in parley raw; do bench "$s" handshake $t handshake --duration 5; done
        ;;
    *)
        for t in parley raw; do bench "$s" fanout $t fanout --rooms 1 --members 1000 --rate 20 --warmup 5 --duration 30; done
        for t in parley raw; do bench "$s" fanout $t persistence --rooms 200 --members 5 --rate 2000 --warmup 5 --duration 20; done
        bench "$s" fanout parley persistence-500 --rooms 200 --members 5 --rate 500 --warmup 5 --duration 20
        hot_room_b "$s" 20
        for t in parley raw; do bench "$s" capacity $t capacity --step 1000 --max 19000 --samples 100; done
        for t in parley raw; do bench "$s" idle $t idle --connections 10000 --rooms 100 --quiet 10; done
        for t in parley raw; do bench "$s" handshake $t handshake --duration 10; done
        ;;
    esac
}

# A freshly started server spends its first minute compiling (C1/C2 took more CPU than Parley in a cold run), so
# the first scenario measured the JIT, not the server. Every server first runs both endpoints' hot paths unmeasured.
warm_up() { # server [targets]
    local s=$1 t
    [[ $SET == smoke ]] && return
    log "$s warming up"
    if [[ $SET == hostile ]]; then
        # the server's default limits: 25 connections from each of 20 addresses, none of them the run's own
        GENERATOR_OPTS="$GENERATOR_OPTS -Dbench.source-addresses=127.0.0.100-127.0.0.119" WARMING=1 bench "$s" fanout parley warm-up \
            --rooms 100 --members 5 --rate 500 --warmup 5 --duration 20 --drain 10
        return
    fi
    for t in ${2:-parley raw}; do
        WARMING=1 bench "$s" fanout $t warm-up --rooms 100 --members 5 --rate 500 --warmup 5 --duration 20 --drain 10
    done
}

# hot room A: one room, 20 of its 30 members post 1,000 posts/s in all, on a server of its own started with
# HOT_ROOM_A_SETTINGS (the posting limit is read at startup); standard, quick and hot sets only
hot_room_a_set() { # server
    local s=$1 duration
    case $SET in
    standard | hot | pipeline) duration=20 ;;
    quick) duration=10 ;;
    *) return ;;
    esac
    local rounds=1
    [[ $SET == pipeline ]] && rounds=3
    log "starting $s again for hot room A: $HOT_ROOM_A_SETTINGS"
    if SETTINGS="$SETTINGS $HOT_ROOM_A_SETTINGS" "start_$s"; then
        warm_up "$s" parley
        for ((round = 1; round <= rounds; round++)); do
            bench "$s" fanout parley "hot-room-a$( ((rounds > 1)) && echo "-r$round")" --rooms 1 --members 30 \
                --posters 20 --rate 1000 --warmup 5 --duration "$duration"
        done
    else
        log "$s did not start for hot room A; see $WORK/$s.log"
        FAILURES=$((FAILURES + 1))
    fi
    stop_server
}

# PostgreSQL 14 (fsync on) from the generator jar, on BENCH_PG_PORT (default: a free port): sets PG_URL, PG_USER,
# PG_PASSWORD and PG_SERVER_PID (the postmaster; its backends are its children); it stops when its input closes
PG_URL=
PG_SERVER_PID=
# the cluster set's: the nodes' URLs and processes, the ports settle() watches, the processes reported apart
URLS= SERVER_PIDS= SETTLE_PORTS= SIDE_PIDS=
start_postgres() { # [more databases, comma-separated]
    local pg_dir=$WORK/postgres ready databases=${1:-}
    coproc PG { exec java -jar "$JAR" postgres --dir "$pg_dir" --port "${BENCH_PG_PORT:-0}" --databases "$databases"; }
    read -r ready PG_URL PG_USER PG_PASSWORD <&"${PG[0]}" || true
    if [[ $ready != READY ]]; then
        log "PostgreSQL did not start; see $pg_dir/postgres.log"
        PG_URL=
        return 1
    fi
    PG_SERVER_PID=$(head -1 "$pg_dir/data/postmaster.pid" 2>/dev/null || true)
    log "PostgreSQL at $PG_URL (pid $PG_SERVER_PID)"
}

stop_postgres() {
    [[ -n ${PG_PID:-} ]] || return 0
    eval "exec ${PG[1]}>&-" 2>/dev/null || true
    wait "$PG_PID" 2>/dev/null || true
    PG_PID= PG_URL= PG_SERVER_PID=
}

# a copy of WildFly configured for PostgreSQL by the shipped server-config/wildfly/postgresql.cli, as an operator
# would; prints its directory
wildfly_postgresql_home() {
    local home=$WORK/servers/wildfly-postgresql
    mkdir -p "$WORK/servers"
    rm -rf "$home" && cp -r "$ROOT/$BUILD/wildfly-$WILDFLY_VERSION" "$home"
    JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")} "$home/bin/jboss-cli.sh" \
        --file="$ROOT/server-config/wildfly/postgresql.cli" \
        -Dpostgresql.jar="$(artifact org.postgresql postgresql 42.7.8 jar)" > "$WORK/jboss-cli.log" 2>&1
    echo "$home"
}

# the persistence run on PostgreSQL 14 (fsync on) from the generator jar, WildFly configured by the shipped
# server-config/wildfly/postgresql.cli on a copy of the server, as an operator would
postgres_set() {
    local home
    if ! start_postgres; then
        FAILURES=$((FAILURES + 1))
        return
    fi
    home=$(wildfly_postgresql_home)
    if start_wildfly "$home" "-Dparley.db.url=$PG_URL -Dparley.db.user=$PG_USER -Dparley.db.password=$PG_PASSWORD"; then
        SERVER_LABEL="$SERVER_LABEL + PostgreSQL 14"
        warm_up wildfly
        if [[ $SET == pipeline ]]; then
            for round in 1 2 3; do
                bench wildfly fanout parley "persistence-postgres-r$round" --rooms 200 --members 5 --rate 2000 \
                    --warmup 5 --duration 20
            done
        else
            bench wildfly fanout parley persistence-postgres --rooms 200 --members 5 --rate 2000 --warmup 5 \
                --duration "$([[ $SET == quick ]] && echo 10 || echo 20)"
            bench wildfly fanout parley persistence-postgres-500 --rooms 200 --members 5 --rate 500 --warmup 5 \
                --duration "$([[ $SET == quick ]] && echo 10 || echo 20)"
        fi
    else
        log "WildFly on PostgreSQL did not start; see $WORK/wildfly.log"
        FAILURES=$((FAILURES + 1))
    fi
    stop_server
    stop_postgres
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# a redis-server 6.2 taken out of the embedded-redis jar (never one installed on the machine), on BENCH_REDIS_PORT
# (default: a free port), bound to 127.0.0.1, keeping nothing on disk: sets REDIS_PORT and REDIS_PID
REDIS_PID=
start_redis() {
    local binary jar bin
    case $(uname -m) in
    x86_64) binary=redis-server-6.2.6-v5-linux-amd64 ;;
    aarch64) binary=redis-server-6.2.7-linux-arm64 ;;
    *) log "no redis-server in embedded-redis for $(uname -m)"; return 1 ;;
    esac
    jar=$(artifact com.github.codemonstur embedded-redis "$EMBEDDED_REDIS_VERSION" jar)
    bin=$WORK/servers/$binary
    if [[ ! -x $bin ]]; then
        mkdir -p "$WORK/servers"
        unzip -p "$jar" "$binary" > "$bin.part" && chmod +x "$bin.part" && mv "$bin.part" "$bin"
    fi
    REDIS_PORT=${BENCH_REDIS_PORT:-$(free_port)}
    (cd "$WORK" && exec "$bin" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no) \
        > "$WORK/redis.log" 2>&1 &
    REDIS_PID=$!
    local deadline=$((SECONDS + 20))
    until grep -q 'Ready to accept connections' "$WORK/redis.log" 2>/dev/null; do
        if ((SECONDS > deadline)) || ! kill -0 "$REDIS_PID" 2>/dev/null; then
            log "Redis did not start; see $WORK/redis.log"
            return 1
        fi
        sleep 0.2
    done
    log "Redis at 127.0.0.1:$REDIS_PORT (pid $REDIS_PID)"
}

stop_redis() {
    stop_pid "$REDIS_PID"
    REDIS_PID=
}

NODE2_PID=
ONE_NODE_PID=
stop_node2() {
    stop_pid "$NODE2_PID"
    NODE2_PID=
    stop_pid "$ONE_NODE_PID"
    ONE_NODE_PID=
}

wait_cluster_up() { # port: until the node's /api/health says the cluster bus is up (at most 60 s)
    local deadline=$((SECONDS + 60))
    until curl -fsS -m 10 "http://localhost:$1/api/health" 2>/dev/null | grep -q '"cluster":"up"'; do
        if ((SECONDS > deadline)); then
            log "the node on port $1 does not say cluster up: $(curl -sS -m 10 "http://localhost:$1/api/health" 2>&1)"
            return 1
        fi
        sleep 1
    done
}

# issue #16's benchmark: the fan-out (1 room x 1,000 members, 20 posts/s) on one WildFly node on PostgreSQL (not in
# cluster mode), and on two WildFly nodes in cluster mode on the same PostgreSQL and a Redis, the members spread over
# both (member i on node i % 2). All three nodes are up together, so that the rounds can alternate (one node, two
# nodes, one node, ...) and both configurations see the shared machine in the same minutes; the one node has a
# database of its own on the same PostgreSQL (the cluster's nodes read every room of theirs each second). Both
# configurations are warmed up the same way (parley only: the raw endpoint is not measured here). CPU: the servers'
# processes (both nodes summed) and, apart, PostgreSQL's and Redis's.
cluster_set() {
    local home round port1=$((8080 + ONE_NODE_OFFSET)) port2=$((8080 + NODE2_OFFSET))
    local duration=${BENCH_CLUSTER_DURATION:-30} node1_pid=
    # the lean client: on 2 cores beside two server JVMs, the JDK client's CPU per frame would be taken from them
    # (and each run first measures the servers' CPU with no load for 10 s: what a node costs before any delivery)
    local fanout=(--client "${BENCH_CLUSTER_CLIENT:-lean}" --rooms 1 --members 1000 --rate 20 --warmup 5
        --duration "$duration" --idle-cpu-seconds 10)
    if ! start_postgres parley_one; then
        FAILURES=$((FAILURES + 1))
        return
    fi
    home=$(wildfly_postgresql_home)
    local db="-Dparley.db.user=$PG_USER -Dparley.db.password=$PG_PASSWORD"
    log "cluster set: one WildFly node, not in cluster mode, on port $port1 (database parley_one)"
    if ! start_wildfly "$home" "$db -Dparley.db.url=${PG_URL%/parley}/parley_one -Djboss.node.name=parley-one" \
        wildfly-one "$ONE_NODE_OFFSET"; then
        ONE_NODE_PID=$(ss -ltnpH "sport = :$port1" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
        log "the one node did not start; see $WORK/wildfly-one.log"
        FAILURES=$((FAILURES + 1))
        return
    fi
    ONE_NODE_PID=$SERVER_PID
    SERVER_PID=
    log "cluster set: two WildFly nodes in cluster mode on ports $PORT and $port2 (database parley), with Redis"
    if ! start_redis; then
        FAILURES=$((FAILURES + 1))
        return
    fi
    db="$db -Dparley.db.url=$PG_URL -Dparley.cluster.redis-url=redis://127.0.0.1:$REDIS_PORT"
    # one node first, then the other (deploy.md: the first node alone on a new database)
    if start_wildfly "$home" "$db -Djboss.node.name=parley-1" wildfly "$OFFSET"; then
        node1_pid=$SERVER_PID
        if start_wildfly "$home" "$db -Djboss.node.name=parley-2" wildfly-2 "$NODE2_OFFSET"; then
            NODE2_PID=$SERVER_PID
        else
            NODE2_PID=$(ss -ltnpH "sport = :$port2" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
        fi
        SERVER_PID=$node1_pid
    fi
    if [[ -z $node1_pid || -z $NODE2_PID ]] || ! wait_cluster_up "$PORT" || ! wait_cluster_up "$port2"; then
        log "the two cluster nodes did not come up; see $WORK/wildfly.log and $WORK/wildfly-2.log"
        FAILURES=$((FAILURES + 1))
        return
    fi
    # every run waits until all three nodes are quiet
    SETTLE_PORTS="$port1 $PORT $port2"
    one_node() {
        URLS="ws://localhost:$port1/chat" SERVER_PIDS=$ONE_NODE_PID SIDE_PIDS="postgres=$PG_SERVER_PID" \
            SERVER_LABEL="WildFly $WILDFLY_VERSION + PostgreSQL 14" "$@"
    }
    two_nodes() {
        URLS="ws://localhost:$PORT/chat,ws://localhost:$port2/chat" SERVER_PIDS="$node1_pid,$NODE2_PID" \
            SIDE_PIDS="postgres=$PG_SERVER_PID,redis=$REDIS_PID" \
            SERVER_LABEL="2 × WildFly $WILDFLY_VERSION (cluster) + PostgreSQL 14 + Redis 6.2" "$@"
    }
    one_node warm_up wildfly parley
    two_nodes warm_up wildfly parley
    for ((round = 1; round <= CLUSTER_ROUNDS; round++)); do
        one_node bench wildfly fanout parley "cluster-1-node-r$round" "${fanout[@]}"
        two_nodes bench wildfly fanout parley "cluster-2-nodes-r$round" "${fanout[@]}"
    done
    SETTLE_PORTS=
    stop_server
    stop_node2
    stop_redis
    stop_postgres
}

# issue #19's benchmark: the fan-out (1 room x 1,000 members, 20 posts/s, lean client) through a quiet phase, then the
# same with BENCH_UPLOADERS (4) logged-in users uploading BENCH_FILE_BYTES (3 MiB) of random bytes each and posting
# it, and BENCH_DOWNLOADERS (4) threads fetching the posted files, BENCH_UPLOADS_SECONDS (60) each phase, in
# BENCH_UPLOADS_ROUNDS (1) runs. The uploaders are application users made with WildFly's add-user.sh -a, as an
# operator would (and as the tests do); their per-user upload rate and quota are raised so that the run measures the
# server, not a user's limits; parley.files.uploads-at-once stays at its default (4), parley.files.max-bytes too.
UPLOAD_PASSWORD=bench-Up-1
uploads_set() {
    local home uploaders=${BENCH_UPLOADERS:-4} i round
    home=$(wildfly_home)
    local seconds=${BENCH_UPLOADS_SECONDS:-60}
    for ((i = 0; i < uploaders; i++)); do
        grep -q "^benchup$i=" "$home/standalone/configuration/application-users.properties" 2>/dev/null ||
            JBOSS_HOME=$home "$home/bin/add-user.sh" -a -u "benchup$i" -p "$UPLOAD_PASSWORD" -s > "$WORK/add-user.log" 2>&1 ||
            { log "add-user.sh failed; see $WORK/add-user.log"; FAILURES=$((FAILURES + 1)); return; }
    done
    if ! SETTINGS="$SETTINGS -Dparley.files.uploads-per-user-per-hour=1000000 -Dparley.files.quota-bytes-per-user=1000000000000" \
        start_wildfly "$home"; then
        log "wildfly did not start; see $WORK/wildfly.log"
        FAILURES=$((FAILURES + 1))
        return
    fi
    warm_up wildfly parley
    for ((round = 1; round <= ${BENCH_UPLOADS_ROUNDS:-1}; round++)); do
        bench wildfly uploads parley "uploads-r$round" --client lean --rooms 1 --members 1000 --rate 20 --warmup 10 \
            --quiet "$seconds" --loaded "$seconds" --uploaders "$uploaders" --downloaders "${BENCH_DOWNLOADERS:-4}" \
            --file-bytes "${BENCH_FILE_BYTES:-3145728}" --user-prefix benchup --password "$UPLOAD_PASSWORD"
    done
    stop_server
}

main() {
    # a signal ends the script through its EXIT trap, which stops what it started
    trap 'exit 130' INT TERM
    JAVA=$(generator_java)
    build
    mkdir -p "$OUT" "$WORK"
    START=$SECONDS
    { echo "# $(date -u +%FT%TZ) set=$SET servers=${SERVERS[*]} cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)" \
        "server-cpus=${SERVER_CPUS:-any} client-cpus=${CLIENT_CPUS:-any}"; } >> "$OUT/summary.txt"
    for server in "${SERVERS[@]}"; do
        if [[ $SET == uploads ]]; then
            if [[ $server == wildfly ]]; then
                uploads_set
            else
                log "the uploads set runs on WildFly only: $server skipped"
            fi
            continue
        fi
        if [[ $SET == cluster ]]; then
            if [[ $server == wildfly ]]; then
                cluster_set
            else
                log "the cluster set runs on WildFly only: $server skipped"
            fi
            continue
        fi
        log "starting $server"
        if ! "start_$server"; then
            log "$server did not start; see $WORK/$server.log"
            stop_server
            continue
        fi
        warm_up "$server"
        standard_set "$server"
        stop_server
        hot_room_a_set "$server"
        if [[ $server == wildfly && ${BENCH_POSTGRES:-0} == 1 ]]; then
            postgres_set
        fi
    done
    python3 "$ROOT/bench/table.py" "$OUT" > "$OUT/RESULTS.md"
    log "done in $((SECONDS - START)) s, $FAILURES failed: $OUT/RESULTS.md"
    cat "$OUT/RESULTS.md"
    exit $((FAILURES > 0))
}

# sourced (". bench/run-standard.sh" to start a server by hand with start_wildfly and friends): functions only
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    main
fi
