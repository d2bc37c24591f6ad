#!/usr/bin/env bash
# Compares turnkit with coturn on this machine, both on loopback, under the same loads, one load at a time:
#   (a) coturn's own turnutils_uclient over UDP channels: server CPU per relayed message
#   (b) the load generator at saturation (channels): delivered packets/s, loss, round trips, CPU
#   (c) allocation churn: allocations/s
#   (d) a Binding flood: requests/s
#   (e) 10,000 idle allocations: the server's resident memory
#   (f) the load generator at fixed offered rates (RATES): round trip p50/p99/p99.9
#   (g) coturn's own flood (turnutils_uclient -Y packet) to turnutils_peer, one allocation: round trips/s
#   (h) Send/Data indications from many clients at audio (100-byte) and video (1,200-byte) payloads
#   (i) turnutils_uclient over TCP (ChannelData framed on the stream), at saturation and paced
#   (j) turnutils_uclient over TLS and over DTLS, paced and at saturation
# (a), (b) and (f)-(j) report loss as the client saw it and, apart from it, the datagrams the kernel dropped on
# the server's own UDP sockets (the drops column of /proc/net/udp{,6} for the server's sockets).
# Both servers run side by side (disjoint ports and relay ranges) through rounds of (a)-(d), each load against
# one server at a time; rounds alternate the order (A/B, B/A, ...), and the first is a warm-up, dropped: it
# also warms turnkit's JIT, as a server that has been up for a while is. (e) then runs on fresh servers, one
# at a time, in as many rounds. With JFR=1, a Java Flight Recording of turnkit under (b) gives its hottest methods.
# With PROFILE=1 and Linux perf installed (Debian's linux-perf), perf samples each server under (b), kernel
# included, to show where the CPU goes: sending, receiving, waiting for packets, user space.
# Writes perf/RESULTS.md. Installs Debian's coturn when it is missing; builds the jars when they are missing.
#
# (b) and (d) run once per generator thread count in GENERATOR_THREADS, and each server's figure is its best:
# a one-thread generator is the ceiling of a server faster than it, and a second thread takes CPU from a
# slower one, so neither count alone measures both servers at their most.
# Settings (environment): COMPARE_LOADS (a,b,c,d,e,f,g,h,i,j), COMPARE_ROUNDS or ROUNDS (4),
# COTURN_BIN (a directory with turnserver, turnutils_uclient, turnutils_peer; Debian's coturn on PATH by
# default), COTURN_FLAGS (extra turnserver flags), FLOOD_BIN (coturn tools with -Y for (g)), RATES,
# LOAD_PEERS,  DURATION (6 s per measurement), WARMUP (3 s), IDLE_ALLOCATIONS (10000),
# GENERATOR_THREADS ("1 2"), JFR (1), PROFILE (1), OUT (perf/RESULTS.md), TURNKIT_JAVA_OPTS (none: the JVM's
# defaults), KEEP_WORK (0: 1 keeps the logs).
set -euo pipefail

cd "$(dirname "$0")/.."
. perf/machine.sh

ROUNDS=${COMPARE_ROUNDS:-${ROUNDS:-4}}
COMPARE_LOADS=${COMPARE_LOADS:-a,b,c,d,e,f,g,h,i,j}
COTURN_BIN=${COTURN_BIN:-}
COTURN_FLAGS=${COTURN_FLAGS:-}
RATES=${RATES:-10000 50000 100000}
# (b)'s echo peers: 4 by default; with --multiplex-peer one per allocation, since that mode refuses a
# ChannelBind to a peer address another allocation on the same relay thread already uses.
MULTIPLEX=0
[[ " $COTURN_FLAGS " != *" --multiplex-peer "* ]] || MULTIPLEX=1
if [[ $MULTIPLEX -eq 1 ]]; then LOAD_PEERS=${LOAD_PEERS:-40}; else LOAD_PEERS=${LOAD_PEERS:-4}; fi
DURATION=${DURATION:-6}
WARMUP=${WARMUP:-3}
IDLE_ALLOCATIONS=${IDLE_ALLOCATIONS:-10000}
IDLE_HOLD=5
GENERATOR_THREADS=${GENERATOR_THREADS:-1 2}
JFR=${JFR:-1}
PROFILE=${PROFILE:-1}
OUT=${OUT:-perf/RESULTS.md}
TURNKIT_JAVA_OPTS=${TURNKIT_JAVA_OPTS:-}

# Disjoint relay ranges of 11,100 ports each, below Linux's ephemeral range (32768-60999), where the
# generator's own sockets are.
COTURN_PORT=3478
COTURN_MIN=21100
COTURN_MAX=32199
TURNKIT_PORT=3578
TURNKIT_MIN=10000
TURNKIT_MAX=21099
COTURN_TLS_PORT=5349
TURNKIT_TLS_PORT=5449
# (g)'s peer, turnutils_peer, on its own port (coturn's --multiplex-peer takes 3480-3483 by default).
FLOOD_PEER_PORT=3680
USER_NAME=bench
PASSWORD=bench
REALM=turnkit.bench
BUILT_BENCH_JAR=perf/target/turnkit-bench.jar
BUILT_TURNKIT_JAR=cli/target/turnkit.jar
UCLIENT_ARGS=(-y -c -m 40 -n 5000 -l 160 -z 0)
# Saturation: 16 probes in flight per allocation (640 in all) is where more no longer raises coturn's
# throughput on a 2-CPU machine (4 left both servers waiting on round trips, not CPU).
LOAD_ARGS=(load --allocations 40 --peers "$LOAD_PEERS" --size 160 --window 16)
# (f): 40 allocations, an echo peer each, probes sent at a fixed rate in all.
RATE_ARGS=(load --allocations 40 --peers 40 --size 160)
# (h): many clients, each with a permission to its own echo peer, 4 probes in flight each (media-like: a
# steady stream per client, not one client flooding).
SEND_ARGS=(load --send --allocations 200 --peers 200 --window 4)
# (i), (j): coturn's client, pairs of its own allocations (-y), over a stream or a secure transport, at
# saturation (40 clients × 2,000 messages of 160 bytes, none waited for) and paced: the load at which coturn
# loses messages over TLS (10 clients × 200 messages of 160 bytes, 5 ms apart).
SATURATING_UCLIENT_ARGS=(-y -c -m 40 -n 2000 -l 160 -z 0)
PACED_UCLIENT_ARGS=(-y -c -m 10 -n 200 -l 160 -z 5)
FLOOD_SECONDS=${FLOOD_SECONDS:-10}
CHURN_ARGS=(churn --clients 16)
BINDING_ARGS=(binding --clients 8 --window 16)
IDLE_ARGS=(idle --allocations "$IDLE_ALLOCATIONS" --concurrency 64)

WORK=$(mktemp -d /tmp/turnkit-compare.XXXXXX)
declare -A PID=()
STARTED=$(date +%s)
CLOCK_TICKS=$(getconf CLK_TCK)
ROUND=

log() {
    printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

die() {
    log "error: $*"
    exit 1
}

# stop_server NAME: SIGTERM, then SIGKILL after 10 s (noted in the results).
stop_server() {
    local pid=${PID[$1]:-} i
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 40); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "$1 did not exit within 10 s of SIGTERM (round $ROUND); it was killed." >>"$WORK/notes"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    PID[$1]=
}

cleanup() {
    [[ -z ${FLOOD_PEER_PID:-} ]] || kill "$FLOOD_PEER_PID" 2>/dev/null || true
    stop_server coturn
    stop_server turnkit
    if [[ ${KEEP_WORK:-0} -eq 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --------------------------------------------------------------------------------------------- setup

# selected LETTER: whether COMPARE_LOADS asks for that load.
selected() {
    [[ ,$COMPARE_LOADS, == *,$1,* ]]
}

# coturn_tool NAME: the path of one of coturn's programs, from COTURN_BIN or PATH.
coturn_tool() {
    echo "${COTURN_BIN:+$COTURN_BIN/}$1"
}

for load in ${COMPARE_LOADS//,/ }; do
    [[ $load == [a-j] ]] || die "COMPARE_LOADS names loads a to j, not '$load'"
done
if [[ -n $COTURN_BIN ]]; then
    for tool in turnserver turnutils_uclient turnutils_peer; do
        [[ -x $COTURN_BIN/$tool ]] || die "COTURN_BIN=$COTURN_BIN has no $tool"
    done
elif ! command -v turnserver >/dev/null || ! command -v turnutils_uclient >/dev/null; then
    log "installing coturn"
    SUDO=
    [[ $(id -u) -eq 0 ]] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq coturn >/dev/null
fi
if [[ ! -f $BUILT_BENCH_JAR || ! -f $BUILT_TURNKIT_JAR ]]; then
    log "building the jars"
    mvn -B -q -DskipTests package
fi
# (g) needs a turnutils_uclient with the load-generator mode (-Y, coturn 4.17 and later): COTURN_BIN's when
# it has one, else FLOOD_BIN's (the coturn 4.17.1 that ../shared/anchors/build-coturn.sh builds, by default).
# has_option PROGRAM OPTION: whether PROGRAM's usage (-h) lists OPTION (a word of its own).
has_option() {
    [[ $("$1" -h 2>&1 || true) =~ [[:space:]]$2[[:space:]] ]]
}

if has_option "$(coturn_tool turnutils_uclient)" -Y; then
    FLOOD_BIN=${FLOOD_BIN:-$(dirname "$(command -v "$(coturn_tool turnutils_uclient)")")}
else
    FLOOD_BIN=${FLOOD_BIN:-/opt/coturn-4.17.1/bin}
fi
LEFT_OUT=
if selected g && ! has_option "$FLOOD_BIN/turnutils_uclient" -Y; then
    LEFT_OUT="(g) was left out: no turnutils_uclient with -Y in COTURN_BIN or FLOOD_BIN=$FLOOD_BIN (build coturn 4.17.1 with ../shared/anchors/build-coturn.sh)"
    log "warning: $LEFT_OUT"
    COMPARE_LOADS=$(tr , '\n' <<<"$COMPARE_LOADS" | grep -vx g | paste -sd,)
fi
COTURN_VERSION=$(if [[ -n $COTURN_BIN ]]; then "$COTURN_BIN/turnserver" --version 2>/dev/null | tail -1
    else dpkg-query -W -f='${Version}' coturn 2>/dev/null || turnserver --version 2>/dev/null | tail -1; fi)
# The targets depend on the coturn compared. Against Debian's 4.6 (what most deployments run) the first
# round's stand, and (h), (i) ≤ 0.7 ×. Against a newer coturn, (h) and (i) ≤ 1.0 ×; against its
# --multiplex-peer mode also (b) ≥ 1.3 ×; the first round's targets were set against 4.6 and are not
# targets there. (f), (g) and (j) are targets against every coturn.
FIRST_ROUND=0
[[ ! $COTURN_VERSION =~ (^|[^0-9.])4\.6\. ]] || FIRST_ROUND=1
if [[ $FIRST_ROUND -eq 1 ]]; then TARGET_STREAM=0.7 TARGET_B="ratio>=1.5"
elif [[ $MULTIPLEX -eq 1 ]]; then TARGET_STREAM=1.0 TARGET_B="ratio>=1.3"
else TARGET_STREAM=1.0 TARGET_B=""; fi
# first_round TARGET: TARGET against Debian's coturn 4.6, none against a newer one.
first_round() {
    [[ $FIRST_ROUND -eq 0 ]] || echo "$1"
}
# Run copies: a build during the run must not swap the classes under a running server.
BENCH_JAR=$WORK/turnkit-bench.jar
TURNKIT_JAR=$WORK/turnkit.jar
cp "$BUILT_BENCH_JAR" "$BENCH_JAR"
cp "$BUILT_TURNKIT_JAR" "$TURNKIT_JAR"
# The code measured: -dirty when anything but this script's own output differs from the commit.
REVISION=$(measured_revision "$OUT")

# 10,000 allocations: a relay socket each in the server (coturn also keeps one per client), and a client
# socket each in the generator.
ulimit -n "$(ulimit -Hn)"
if (( $(ulimit -n) < 2 * IDLE_ALLOCATIONS + 100 )); then
    log "warning: open files limited to $(ulimit -n); coturn may not hold $IDLE_ALLOCATIONS allocations"
fi
for port in $COTURN_PORT $TURNKIT_PORT $COTURN_TLS_PORT $TURNKIT_TLS_PORT $FLOOD_PEER_PORT; do
    if [[ -n $(ss -Hlun "sport = :$port") ]]; then
        die "UDP port $port is in use"
    fi
done

# (j) needs both servers' TLS and DTLS listeners, with the same self-signed certificate; without (j) neither
# server listens for them.
if selected j; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -keyout "$WORK/key.pem" \
        -out "$WORK/cert.pem" >/dev/null 2>&1 || die "openssl could not make a test certificate"
    # coturn 4.17 starts DTLS listeners only when asked (--dtls); 4.6.1 starts them unless told not to.
    COTURN_SECURE=(--tls-listening-port=$COTURN_TLS_PORT --cert="$WORK/cert.pem" --pkey="$WORK/key.pem")
    if has_option "$(coturn_tool turnserver)" --dtls; then COTURN_SECURE+=(--dtls); fi
    TURNKIT_SECURE=(--tls-listening-port=$TURNKIT_TLS_PORT --cert="$WORK/cert.pem" --pkey="$WORK/key.pem")
else
    COTURN_SECURE=(--no-tls --no-dtls)
    TURNKIT_SECURE=(--no-tls --no-dtls)
fi
# shellcheck disable=SC2206 # COTURN_FLAGS is a list of flags, split on spaces
COTURN_CMD=("$(coturn_tool turnserver)" -n --listening-ip=127.0.0.1 --listening-port=$COTURN_PORT --relay-ip=127.0.0.1
    --min-port=$COTURN_MIN --max-port=$COTURN_MAX --lt-cred-mech --user=$USER_NAME:$PASSWORD --realm=$REALM
    --allow-loopback-peers "${COTURN_SECURE[@]}" --no-cli --no-software-attribute --no-rfc5780
    --log-file=stdout --simple-log --userdb="$WORK/turndb" $COTURN_FLAGS)
TURNKIT_CMD=(java $TURNKIT_JAVA_OPTS -jar $TURNKIT_JAR serve --listening-ip=127.0.0.1 --listening-port=$TURNKIT_PORT
    --relay-ip=127.0.0.1 --min-port=$TURNKIT_MIN --max-port=$TURNKIT_MAX --lt-cred-mech
    --user=$USER_NAME:$PASSWORD --realm=$REALM --allow-loopback-peers "${TURNKIT_SECURE[@]}" --userdb="$WORK/userdb")

port_of() {
    if [[ $1 == coturn ]]; then echo $COTURN_PORT; else echo $TURNKIT_PORT; fi
}

tls_port_of() {
    if [[ $1 == coturn ]]; then echo $COTURN_TLS_PORT; else echo $TURNKIT_TLS_PORT; fi
}

# start_server NAME: starts coturn or turnkit and waits until it listens (and, for coturn with
# --multiplex-peer, until every relay thread has bound its shared socket: it answers 508 until then).
start_server() {
    local logged=0
    [[ ! -f $WORK/$1.log ]] || logged=$(wc -l <"$WORK/$1.log")
    if [[ $1 == coturn ]]; then
        "${COTURN_CMD[@]}" >>"$WORK/coturn.log" 2>&1 &
    else
        "${TURNKIT_CMD[@]}" >>"$WORK/turnkit.log" 2>&1 &
    fi
    PID[$1]=$!
    local port i
    port=$(port_of "$1")
    for i in $(seq 1 120); do
        kill -0 "${PID[$1]}" 2>/dev/null || die "$1 exited at start; see its log: $(tail -3 "$WORK/$1.log")"
        [[ -n $(ss -Hlun "sport = :$port") ]] && break
        sleep 0.25
    done
    [[ -n $(ss -Hlun "sport = :$port") ]] || die "$1 is not listening on UDP $port after 30 s"
    [[ $1 == coturn && $MULTIPLEX -eq 1 ]] || return 0
    local threads bound
    for i in $(seq 1 40); do
        threads=$(tail -n +$((logged + 1)) "$WORK/coturn.log" | grep -o 'multiplex-peer: [0-9]* thread' | cut -d' ' -f2 | tail -1)
        bound=$(tail -n +$((logged + 1)) "$WORK/coturn.log" | grep -c 'multiplex-peer: thread .*socket bound' || true)
        [[ -n $threads && $bound -ge $threads ]] && return 0
        sleep 0.25
    done
    echo "coturn had not bound its --multiplex-peer sockets 10 s after it listened (round $ROUND)." >>"$WORK/notes"
}

# utime + stime of a process, in clock ticks (proc(5): fields 14 and 15, counted after the ")" of comm).
cpu_ticks() {
    local stat
    stat=$(<"/proc/$1/stat")
    stat=${stat##*) }
    read -r -a fields <<<"$stat"
    echo $(( fields[11] + fields[12] ))
}

# wakeups PID [NAME]: the times the process's threads (those whose name starts with NAME, if given) went to
# sleep and were woken again (the voluntary context switches of proc(5), summed over its threads). At a paced
# load each wakeup of a server from idle costs it more CPU than the relaying it then does, so CPU per message
# there is mostly wakeups per message.
wakeups() {
    # A thread may end between the listing and the reading: cat then fails, which is no failure here.
    { cat /proc/"$1"/task/*/status 2>/dev/null || true; } |
        awk -v name="${2:-}" '$1 == "Name:" { mine = name == "" || index($2, name) == 1 }
            $1 == "voluntary_ctxt_switches:" && mine { n += $2 } END { print n + 0 }'
}

# relay_threads NAME: the name turnkit's relaying threads start with (its event loops), or nothing for coturn,
# all of whose threads relay. The JVM's own threads (compilers, GC, the perf-data sampler) wake too.
relay_threads() {
    [[ $1 != turnkit ]] || echo turnkit-loop
}

# jvm_ticks PID REGEX: the CPU (clock ticks) of the process's threads whose names match REGEX: HotSpot names its
# JIT compiler threads "C1 CompilerThre…" and "C2 CompilerThre…" (COMPILER_THREADS), G1's collector threads "GC
# Thread#N" and "G1 …" (COLLECTOR_THREADS); 0 for a process without them (coturn).
COMPILER_THREADS='^C[12] Compiler'
COLLECTOR_THREADS='^(GC Thread|G1 )'
jvm_ticks() {
    local task comm stat n=0
    for task in /proc/"$1"/task/*; do
        # A thread may end while it is read: then it is not counted.
        { read -r comm <"$task/comm"; } 2>/dev/null || continue
        [[ $comm =~ $2 ]] || continue
        { stat=$(<"$task/stat"); } 2>/dev/null || continue
        stat=${stat##*) }
        read -r -a fields <<<"$stat"
        n=$(( n + fields[11] + fields[12] ))
    done
    echo $n
}

# drops_table PID: "inode drops" for each of the process's UDP sockets: the drops column of /proc/net/udp and
# udp6 (datagrams the kernel dropped on a full receive buffer) for the socket inodes in /proc/PID/fd.
drops_table() {
    find "/proc/$1/fd" -lname 'socket:*' -printf '%l\n' 2>/dev/null | tr -dc '0-9\n' |
        awk 'NR == FNR { mine[$1] = 1; next } FNR > 1 && ($10 in mine) { print $10, $NF }' \
            - /proc/net/udp /proc/net/udp6
}

# measure_drops PID FILE COMMAND...: runs COMMAND while reading the process's drops table every 0.2 s into
# FILE (and once before it, into FILE.before); drops_since FILE then tells the drops. A client that exits
# closes its allocations, whose relay sockets take their counts with them, so the last reading before that
# is the one that counts (the generator reads its own window's drops itself).
measure_drops() {
    local pid=$1 file=$2 watcher rc=0
    shift 2
    drops_table "$pid" >"$file.before"
    while :; do drops_table "$pid"; sleep 0.2; done >"$file" &
    watcher=$!
    "$@" || rc=$?
    kill "$watcher" 2>/dev/null || true
    wait "$watcher" 2>/dev/null || true
    drops_table "$pid" >>"$file"
    return $rc
}

# drops_since FILE: the drops in measure_drops' readings: each socket's highest count less its count before
# (0 for a socket opened since).
drops_since() {
    awk 'NR == FNR { before[$1] = $2; next } { if ($2 > max[$1]) max[$1] = $2 }
        END { for (s in max) n += max[s] - before[s]; print n + 0 }' "$1.before" "$1"
}

# bench NAME LOAD ARGS...: the load generator against the running server; its figures go to NAME-LOAD.kv
# (the datagrams dropped on the server's sockets in its measurement window among them).
bench() {
    local name=$1 load=$2 kv="$WORK/r$ROUND-$1-$2.kv"
    shift 2
    local cmd=(java -jar $BENCH_JAR "$@" --server "127.0.0.1:$(port_of "$name")" -u $USER_NAME -p $PASSWORD
        --server-pid "${PID[$name]}" --report "$kv")
    [[ $ROUND != 1 || $name != coturn ]] || echo "${cmd[*]}" | sed "s/--server-pid [0-9]*/--server-pid PID/;
        s/127.0.0.1:$COTURN_PORT/127.0.0.1:PORT/; s#--report [^ ]*#--report FILE#" >>"$WORK/commands"
    if ! "${cmd[@]}" >>"$WORK/bench.log" 2>&1; then
        echo "error=$(tail -1 "$WORK/bench.log")" >"$kv"
    fi
}

# best_bench NAME LOAD ARGS...: bench once per count of GENERATOR_THREADS; the run that answered the most
# per second becomes NAME-LOAD.kv, with its thread count as generator_threads.
best_bench() {
    local name=$1 load=$2 best= best_rate=0 threads rate
    shift 2
    for threads in $GENERATOR_THREADS; do
        bench "$name" "$load-t$threads" "$@" --threads "$threads"
        rate=$(awk -F= '$1 == "answered_per_s" { print $2 }' "$WORK/r$ROUND-$name-$load-t$threads.kv")
        if [[ -n $rate ]] && awk -v r="$rate" -v b="$best_rate" 'BEGIN { exit !(r > b) }'; then
            best=$threads
            best_rate=$rate
        fi
    done
    # No run answered: the first one's error stands for the load.
    [[ -n $best ]] || best=${GENERATOR_THREADS%% *}
    { cat "$WORK/r$ROUND-$name-$load-t$best.kv"; echo "generator_threads=$best"; } >"$WORK/r$ROUND-$name-$load.kv"
}

# uclient NAME LOAD PORT ARGS...: coturn's client sends channel data between pairs of its own allocations
# (-y), over the transport ARGS choose; its figures go to NAME-LOAD.kv.
uclient() {
    local name=$1 load=$2 port=$3 before after drops rc=0
    local kv="$WORK/r$ROUND-$name-$load.kv" out="$WORK/uclient-$ROUND-$name-$load.log"
    shift 3
    local cmd=("$(coturn_tool turnutils_uclient)" "$@" -u $USER_NAME -w $PASSWORD -p "$port" 127.0.0.1)
    [[ $ROUND != 1 || $name != coturn ]] || echo "${cmd[*]}" | sed "s/-p $port/-p PORT/" >>"$WORK/commands"
    local woken_before woken_after jit_before jit_after gc_before gc_after relaying_before relaying_after
    before=$(cpu_ticks "${PID[$name]}")
    woken_before=$(wakeups "${PID[$name]}")
    relaying_before=$(wakeups "${PID[$name]}" "$(relay_threads "$name")")
    jit_before=$(jvm_ticks "${PID[$name]}" "$COMPILER_THREADS")
    gc_before=$(jvm_ticks "${PID[$name]}" "$COLLECTOR_THREADS")
    measure_drops "${PID[$name]}" "$out.drops" timeout 120 "${cmd[@]}" >"$out" 2>&1 || rc=$?
    after=$(cpu_ticks "${PID[$name]}")
    woken_after=$(wakeups "${PID[$name]}")
    relaying_after=$(wakeups "${PID[$name]}" "$(relay_threads "$name")")
    jit_after=$(jvm_ticks "${PID[$name]}" "$COMPILER_THREADS")
    gc_after=$(jvm_ticks "${PID[$name]}" "$COLLECTOR_THREADS")
    drops=$(drops_since "$out.drops")
    local received lost
    received=$(grep -o 'tot_recv_msgs=[0-9]*' "$out" | tail -1 | cut -d= -f2 || true)
    lost=$(grep -o 'Total lost packets [0-9]* ([0-9.]*%)' "$out" | tail -1 | sed 's/.*(\(.*\)%)/\1/' || true)
    if [[ $rc -ne 0 || -z $received || $received -eq 0 ]]; then
        echo "error=turnutils_uclient exit $rc: $(grep -m1 -i 'error' "$out" || tail -1 "$out")" >"$kv"
        return
    fi
    awk -v t=$((after - before)) -v hz="$CLOCK_TICKS" -v n="$received" -v lost="$lost" -v drops="$drops" \
        -v woken=$((woken_after - woken_before)) -v relaying=$((relaying_after - relaying_before)) \
        -v jit=$((jit_after - jit_before)) -v gc=$((gc_after - gc_before)) 'BEGIN {
        printf "messages=%d\nserver_cpu_s=%f\ncpu_us_per_msg=%f\nloss_percent=%s\nserver_socket_drops=%d\n",
            n, t / hz, t / hz * 1e6 / n, lost, drops
        printf "wakeups_per_msg=%f\nrelay_wakeups_per_msg=%f\ncpu_us_per_wakeup=%f\n",
            woken / n, relaying / n, (woken > 0 ? t / hz * 1e6 / woken : 0)
        printf "jit_cpu_percent=%f\ngc_cpu_percent=%f\ncpu_us_per_msg_outside_jvm=%f\n",
            (t > 0 ? 100 * jit / t : 0), (t > 0 ? 100 * gc / t : 0), (t - jit - gc) / hz * 1e6 / n }' >"$kv"
}

# flood NAME: coturn's load generator (-Y packet) floods one allocation's channel to turnutils_peer, which
# echoes, for FLOOD_SECONDS; the round trips/s are the mean of its reports, the CPU the server's.
# coturn in --multiplex-peer mode answers a flood's Allocate 508 once another load's allocation has held the
# relay thread's peer table, and a fresh server answers the first Allocate 508 in some starts: that coturn
# gets a fresh server for each flood, and up to 5 of them.
flood() {
    local attempt
    for attempt in 1 2 3 4 5; do
        if [[ $1 == coturn && $MULTIPLEX -eq 1 ]]; then
            stop_server coturn
            start_server coturn
        fi
        flood_once "$1"
        grep -q '^error=.*508' "$WORK/r$ROUND-$1-g.kv" && [[ $1 == coturn && $MULTIPLEX -eq 1 ]] || break
        echo "(g) round $ROUND: coturn answered the flood's Allocate 508 on a fresh server (try $attempt)" >>"$WORK/notes"
    done
}

flood_once() {
    local name=$1 kv="$WORK/r$ROUND-$1-g.kv" out="$WORK/flood-$ROUND-$1.log" before after drops last
    local cmd=("$FLOOD_BIN/turnutils_uclient" -Y packet -m 1 -l 120 -c -e 127.0.0.1 -r $FLOOD_PEER_PORT
        -u $USER_NAME -w $PASSWORD -p "$(port_of "$name")" 127.0.0.1)
    [[ $ROUND != 1 || $name != coturn ]] || echo "timeout $FLOOD_SECONDS ${cmd[*]}" |
        sed "s/-p $COTURN_PORT/-p PORT/" >>"$WORK/commands"
    before=$(cpu_ticks "${PID[$name]}")
    measure_drops "${PID[$name]}" "$out.drops" timeout -s INT "$FLOOD_SECONDS" "${cmd[@]}" >"$out" 2>&1 || true
    after=$(cpu_ticks "${PID[$name]}")
    drops=$(drops_since "$out.drops")
    # Its reports, a second apart once packets flow: "send_pps=..., recv_pps=..., total_sent=..., total_recv=...".
    # The first is dropped (allocation and start-up); the rate is the mean of the rest.
    local rates
    rates=$(grep -o 'recv_pps=[0-9.]*' "$out" | cut -d= -f2 | tail -n +2 || true)
    if [[ -z $rates ]]; then
        echo "error=turnutils_uclient -Y packet: $(grep -m1 -i 'error' "$out" || tail -1 "$out")" >"$kv"
        return
    fi
    last=$(grep -o 'total_recv=[0-9]*' "$out" | tail -1 | cut -d= -f2)
    awk -v t=$((after - before)) -v hz="$CLOCK_TICKS" -v n="$last" -v drops="$drops" '
        { sum += $1; count++ }
        END { printf "round_trips_per_s=%f\nserver_cpu_us_per_round_trip=%f\nserver_socket_drops=%d\n",
            sum / count, n ? t / hz * 1e6 / n : "NaN", drops }' <<<"$rates" >"$kv"
}

# ----------------------------------------------------------------------------------------------- rounds

# each_round STEP: STEP NAME for both servers in every round, the order alternating from round to round.
each_round() {
    for ROUND in $(seq 1 "$ROUNDS"); do
        local order=(coturn turnkit)
        (( ROUND % 2 )) || order=(turnkit coturn)
        for name in "${order[@]}"; do
            "$1" "$name"
        done
    done
}

# rate_threads RATE: generator threads for a fixed rate: one per 40,000 probes/s (what one event loop sends and
# receives here with room to spare), at most one per CPU.
rate_threads() {
    local threads=$(( ($1 + 39999) / 40000 ))
    (( threads <= $(nproc) )) || threads=$(nproc)
    echo "$threads"
}

# loads NAME: every selected load but (e) against one running server.
loads() {
    log "round $ROUND: $1: loads $(echo "${COMPARE_LOADS//e/}" | tr -s ,)"
    if selected a; then uclient "$1" a "$(port_of "$1")" "${UCLIENT_ARGS[@]}"; fi
    if selected b; then best_bench "$1" b "${LOAD_ARGS[@]}" --duration "$DURATION" --warmup "$WARMUP"; fi
    if selected c; then bench "$1" c "${CHURN_ARGS[@]}" --duration "$DURATION" --warmup "$WARMUP"; fi
    if selected d; then best_bench "$1" d "${BINDING_ARGS[@]}" --duration "$DURATION" --warmup "$WARMUP"; fi
    local rate size
    if selected f; then
        for rate in $RATES; do
            bench "$1" "f$rate" "${RATE_ARGS[@]}" --rate "$rate" --threads "$(rate_threads "$rate")" \
                --duration "$DURATION" --warmup "$WARMUP"
        done
    fi
    if selected g; then flood "$1"; fi
    if selected h; then
        for size in 100 1200; do
            best_bench "$1" "h$size" "${SEND_ARGS[@]}" --size $size --duration "$DURATION" --warmup "$WARMUP"
        done
    fi
    if selected i; then
        uclient "$1" i "$(port_of "$1")" -t "${SATURATING_UCLIENT_ARGS[@]}"
        uclient "$1" ipaced "$(port_of "$1")" -t "${PACED_UCLIENT_ARGS[@]}"
    fi
    # Saturation before the paced runs, as in (i): its 80,000 messages per round get the JIT through the TLS
    # and DTLS paths, whose compilation would otherwise be most of a paced run's 2,000 messages' CPU (a
    # server up for days has long compiled them; the paced rows say how much compiling is left).
    if selected j; then
        uclient "$1" jtlssat "$(tls_port_of "$1")" -t -S "${SATURATING_UCLIENT_ARGS[@]}"
        uclient "$1" jdtlssat "$(tls_port_of "$1")" -S "${SATURATING_UCLIENT_ARGS[@]}"
        uclient "$1" jtls "$(tls_port_of "$1")" -t -S "${PACED_UCLIENT_ARGS[@]}"
        uclient "$1" jdtls "$(tls_port_of "$1")" -S "${PACED_UCLIENT_ARGS[@]}"
    fi
}

idle_on_fresh_server() {
    log "round $ROUND: $1: (e) $IDLE_ALLOCATIONS idle allocations, on a fresh server"
    start_server "$1"
    bench "$1" e "${IDLE_ARGS[@]}" --duration $IDLE_HOLD
    stop_server "$1"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "work directory $WORK; $ROUNDS rounds (the first is a warm-up), $DURATION s per load after $WARMUP s"
FLOOD_PEER_PID=
if selected g; then
    "$FLOOD_BIN/turnutils_peer" -L 127.0.0.1 -p $FLOOD_PEER_PORT >"$WORK/peer.log" 2>&1 &
    FLOOD_PEER_PID=$!
fi
if [[ -n ${COMPARE_LOADS//[e,]/} ]]; then
    start_server coturn
    start_server turnkit
    each_round loads
    stop_server coturn
    stop_server turnkit
fi
[[ -z $FLOOD_PEER_PID ]] || kill "$FLOOD_PEER_PID" 2>/dev/null || true
if selected e; then each_round idle_on_fresh_server; fi

JFR_FILE="$WORK/turnkit-load.jfr"
if [[ $JFR -eq 1 ]] && selected b; then
    log "JFR: turnkit under (b), after a warm-up run of (b)"
    ROUND=jfr
    start_server turnkit
    bench turnkit b "${LOAD_ARGS[@]}" --duration "$DURATION" --warmup "$WARMUP"
    jcmd "${PID[turnkit]}" JFR.start name=load settings=profile >/dev/null
    bench turnkit b "${LOAD_ARGS[@]}" --duration "$DURATION" --warmup "$WARMUP"
    jcmd "${PID[turnkit]}" JFR.stop name=load filename="$JFR_FILE" >/dev/null
    stop_server turnkit
fi

# profile NAME: perf samples of the server (every thread, kernel stacks included) through the measured part
# of a run of (b), on a server that already ran the rounds.
profile() {
    local name=$1
    bench "$name" b "${LOAD_ARGS[@]}" --duration "$DURATION" --warmup "$WARMUP" &
    local load=$!
    sleep "$WARMUP"
    perf record -q -e cpu-clock -F 999 -g -p "${PID[$name]}" -o "$WORK/$name.perf" -- sleep "$DURATION" \
        >/dev/null 2>&1 || true
    wait "$load" || true
}

PERF_OK=0
if [[ $PROFILE -eq 1 ]] && selected b && command -v perf >/dev/null && perf record -q -e cpu-clock -o "$WORK/probe.perf" true \
        >/dev/null 2>&1; then
    PERF_OK=1
    log "perf: each server under (b), kernel included"
    ROUND=perf
    start_server coturn
    start_server turnkit
    for name in coturn turnkit; do
        bench "$name" b "${LOAD_ARGS[@]}" --duration "$DURATION" --warmup "$WARMUP"
        profile "$name"
    done
    stop_server coturn
    stop_server turnkit
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------- report

# median SERVER LOAD KEY: the median over the measured rounds (2..ROUNDS), empty when no round measured it.
median() {
    local r
    for r in $(seq 2 "$ROUNDS"); do
        cat "$WORK/r$r-$1-$2.kv" 2>/dev/null || true
    done | awk -F= -v key="$3" '$1 == key && $2 != "NaN" && $2 != "" { print $2 }' | sort -g | awk '
        { v[NR] = $1 } END { if (NR) printf "%.6f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# first_error SERVER LOAD: why a load failed in a measured round, if it did.
first_error() {
    local r
    for r in $(seq 2 "$ROUNDS"); do
        cat "$WORK/r$r-$1-$2.kv" 2>/dev/null || true
    done | grep '^error=' | head -1 | cut -d= -f2- || true
}

fmt() { # VALUE DECIMALS
    [[ -n $1 ]] && awk -v v="$1" -v d="$2" 'BEGIN { printf "%.*f", d, v }' || echo "failed"
}

# row LABEL LOAD KEY DECIMALS TARGET: a table row, turnkit's figure over coturn's, and whether the target is met;
# TARGET is "ratio>=X", "ratio<=X", "turnkit<=X", empty, or "-" for no ratio (losses and failures, often 0).
row() {
    local label=$1 load=$2 key=$3 decimals=$4 target=${5:-}
    local c t ratio= met=
    selected "${load:0:1}" || return 0
    c=$(median coturn "$load" "$key")
    t=$(median turnkit "$load" "$key")
    if [[ $target != - && -n $c && -n $t ]] && awk -v c="$c" 'BEGIN { exit !(c > 0) }'; then
        ratio=$(awk -v c="$c" -v t="$t" 'BEGIN { printf "%.2f", t / c }')
    fi
    case $target in
        ratio*)
            local op=${target:5:2} x=${target:7} sign=≤
            [[ $op == ">=" ]] && sign=≥
            if [[ -z $ratio ]]; then met="no (not measured)"
            elif awk -v r="$ratio" -v x="$x" -v op="$op" 'BEGIN { exit !(op == ">=" ? r >= x : r <= x) }'
            then met="yes"; else met="**no**"; fi
            target="turnkit $sign $x × coturn" ;;
        turnkit*)
            local x=${target:9}
            if [[ -z $t ]]; then met="no (not measured)"
            elif awk -v t="$t" -v x="$x" 'BEGIN { exit !(t <= x) }'; then met="yes"; else met="**no**"; fi
            target="turnkit ≤ $x" ;;
    esac
    echo "| $label | $(fmt "$c" "$decimals") | $(fmt "$t" "$decimals") | ${ratio:-–} | ${target#-} | $met |"
}

# generator_limits: each measured run of (f) whose generator offered less than 97 % of its rate: there the
# generator, not the server, was the limit, and its round trips include its own delays.
generator_limits() {
    local r name rate sent
    selected f || return 0
    for r in $(seq 2 "$ROUNDS"); do
        for name in coturn turnkit; do
            for rate in $RATES; do
                sent=$(value "$r" "$name" "f$rate" sent_per_s)
                [[ -n $sent ]] && awk -v s="$sent" -v r="$rate" 'BEGIN { exit !(s < 0.97 * r) }' || continue
                echo "- (f) round $r, $name: the generator offered $(fmt "$sent" 0) of $rate packets/s: the generator was" \
                    "the limit there, not the server (it had $(fmt "$(value "$r" "$name" "f$rate" generator_cpu_cores)" 2)" \
                    "cores; the machine's other programs took $(fmt "$(value "$r" "$name" "f$rate" others_cpu_cores)" 2))"
            done
        done
    done
}

errors() {
    local load name e
    for load in a b c d e $(for rate in $RATES; do echo "f$rate"; done) g h100 h1200 i ipaced jtls jdtls jtlssat jdtlssat; do
        selected "${load:0:1}" || continue
        for name in coturn turnkit; do
            e=$(first_error "$name" "$load")
            [[ -z $e ]] || echo "- ($load) $name failed: \`$e\`"
        done
    done
}

# value ROUND SERVER LOAD KEY: one figure of one round, empty when it was not measured.
value() {
    grep -h "^$4=" "$WORK/r$1-$2-$3.kv" 2>/dev/null | cut -d= -f2 | grep -v NaN || true
}

# The headline figure of each selected load, as (load key decimals), and the per-round table's header.
HEADLINES=()
HEADER="| round | server"
headline() { # LOAD KEY DECIMALS TITLE
    selected "${1:0:1}" || return 0
    HEADLINES+=("$1" "$2" "$3")
    HEADER+=" | $4"
}
headline a cpu_us_per_msg 2 "(a) CPU µs/message"
headline b answered_per_s 0 "(b) delivered packets/s"
headline b server_busiest_thread_cores 2 "(b) server's busiest thread, cores"
headline b others_cpu_cores 2 "(b) other programs' CPU, cores"
headline c allocations_per_s 0 "(c) allocations/s"
headline d answered_per_s 0 "(d) requests/s"
headline e rss_mib 1 "(e) RSS MiB"
for rate in $RATES; do headline "f$rate" rtt_p99_ms 3 "(f) $rate/s p99 ms"; done
headline g round_trips_per_s 0 "(g) round trips/s"
headline h100 server_cpu_us_per_op 2 "(h) 100 B CPU µs/packet"
headline h1200 server_cpu_us_per_op 2 "(h) 1200 B CPU µs/packet"
headline i cpu_us_per_msg 2 "(i) TCP CPU µs/message"
headline jtls cpu_us_per_msg 2 "(j) TLS CPU µs/message"
headline jdtls cpu_us_per_msg 2 "(j) DTLS CPU µs/message"

# per_round: both servers' headline figures in every round, and their ratio in that round.
per_round() {
    local r i c t cells
    for r in $(seq 1 "$ROUNDS"); do
        local label=$r
        [[ $r -ne 1 ]] || label="1 (warm-up, dropped)"
        for name in coturn turnkit ratio; do
            cells=
            for (( i = 0; i < ${#HEADLINES[@]}; i += 3 )); do
                c=$(value "$r" coturn "${HEADLINES[i]}" "${HEADLINES[i + 1]}")
                t=$(value "$r" turnkit "${HEADLINES[i]}" "${HEADLINES[i + 1]}")
                case $name in
                    coturn) cells+=" | $(fmt "$c" "${HEADLINES[i + 2]}")" ;;
                    turnkit) cells+=" | $(fmt "$t" "${HEADLINES[i + 2]}")" ;;
                    ratio) cells+=" | $([[ -n $c && -n $t ]] && awk -v c="$c" -v t="$t" \
                        'BEGIN { if (c > 0) printf "%.2f", t / c; else printf "–" }' || echo –)" ;;
                esac
            done
            echo "| $label | ${name/ratio/turnkit ÷ coturn}$cells |"
        done
    done
}

# hot_methods EVENT: the methods most often on top of the stack in JFR's samples of EVENT.
hot_methods() {
    jfr print --events "$1" --stack-depth 1 "$JFR_FILE" | awk '
        /stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, ""); count[$0]++; total++ }
        END { for (m in count) printf "%d\t%.1f\t%s\n", count[m], 100 * count[m] / total, m }' |
        sort -rn | head -"$2" | awk -F'\t' '{ printf "| %s %% | `%s` |\n", $2, $3 }'
}

# samples EVENT: how many events of that type the recording holds.
samples() {
    jfr summary "$JFR_FILE" | awk -v event="$1" '$1 == event { print $2 }'
}

# stacks NAME: the samples of NAME's perf recording, one paragraph each: the thread, then a frame per line.
stacks() {
    [[ -s $WORK/$1.stacks ]] || perf script -i "$WORK/$1.perf" -F comm,ip,sym >"$WORK/$1.stacks" 2>/dev/null
    cat "$WORK/$1.stacks"
}

# share NAME REGEX: the percentage of NAME's samples with a frame whose symbol matches REGEX (the whole name).
# Counting samples, not frames, a sample counts once however deep the match: no symbol list double-counts.
share() {
    stacks "$1" | awk -v want="^($2)$" 'BEGIN { RS = "" }
        { n++; for (i = 2; i <= NF; i++) if ($i ~ want) { m++; break } }
        END { printf "%.1f %%", n ? 100 * m / n : 0 }'
}

# profile_row LABEL REGEX: one row of the perf table.
profile_row() {
    echo "| $1 | $(share coturn "$2") | $(share turnkit "$2") |"
}

# kernel_share NAME: samples taken in the kernel (the innermost frame at a kernel address).
kernel_share() {
    stacks "$1" | awk 'BEGIN { RS = ""; FS = "\n" }
        { n++; split($2, frame, " "); if (frame[1] ~ /^ffffffff/) m++ }
        END { printf "%.1f %%", n ? 100 * m / n : 0 }'
}

# user_share NAME: the other samples: the server's own code, its libraries, and for turnkit the JVM.
user_share() {
    stacks "$1" | awk 'BEGIN { RS = ""; FS = "\n" }
        { n++; split($2, frame, " "); if (frame[1] !~ /^ffffffff/) m++ }
        END { printf "%.1f %%", n ? 100 * m / n : 0 }'
}

# compiler_share NAME: samples of the JVM's JIT compiler threads.
compiler_share() {
    stacks "$1" | awk 'BEGIN { RS = ""; FS = "\n" } { n++; if ($1 ~ /^ *C[12] CompilerThre/) m++ }
        END { printf "%.1f %%", n ? 100 * m / n : 0 }'
}

# as_run: a command line as RESULTS.md shows it, with the paths of the jars it was copied from.
as_run() {
    sed "s#$BENCH_JAR#$BUILT_BENCH_JAR#g; s#$TURNKIT_JAR#$BUILT_TURNKIT_JAR#g; s#$WORK#\$WORK#g"
}

# perf/soak.sh's hour is recorded in RESULTS.md by hand (an hour is not part of this run): its section is kept.
SOAK_SECTION=
if [[ -f $OUT ]]; then
    SOAK_SECTION=$(awk '/^## /{ keep = /^## Soak/ } keep' "$OUT")
fi
ELAPSED=$(( $(date +%s) - STARTED ))
{
    echo "# turnkit and coturn, side by side"
    echo
    echo "Written by \`perf/compare.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC') (it took $((ELAPSED / 60)) min $((ELAPSED % 60)) s),"
    echo "from the jars of revision \`${REVISION%-dirty}\`$([[ $REVISION != *-dirty ]] || echo ' with uncommitted changes')."
    echo "Do not edit by hand: run the script again (it keeps the section of \`perf/soak.sh\`'s hour, written by hand)."
    echo
    echo "Machine: $(machine_description), coturn $COTURN_VERSION ($(coturn_tool turnserver)$([[ -z $COTURN_FLAGS ]] || echo " with \`$COTURN_FLAGS\`")),"
    echo "loads $COMPARE_LOADS."
    [[ -z $LEFT_OUT ]] || echo "$LEFT_OUT."
    echo "Load average $LOAD_BEFORE before the run and $LOAD_AFTER after it: the machine is shared, and the"
    echo "server and the generator compete for the same $(nproc) CPUs, so compare the two servers within a run,"
    echo "not with other machines. Both servers stay up through the rounds of (a)-(d), each load running"
    echo "against one of them at a time; (e) uses a fresh server each round. $((ROUNDS - 1)) measured rounds after"
    echo "a warm-up round, in alternating order; each figure is their median (every round is in the second table)."
    echo
    echo "| load | coturn | turnkit | turnkit ÷ coturn | target | met |"
    echo "|---|---:|---:|---:|---|---|"
    row "(a) uclient over channels: server CPU per relayed message, µs" a cpu_us_per_msg 2 "$(first_round "ratio<=0.7")"
    row "(a) uclient: server CPU in the JIT compiler, %" a jit_cpu_percent 1 -
    row "(a) uclient: server CPU in the collector, %" a gc_cpu_percent 1 -
    row "(a) uclient: server CPU per relayed message outside the JIT compiler and the collector, µs" a cpu_us_per_msg_outside_jvm 2 -
    row "(a) uclient: messages lost, %" a loss_percent 3 -
    row "(a) uclient: datagrams dropped on the server's sockets" a server_socket_drops 0 -
    row "(b) saturation: delivered packets/s" b answered_per_s 0 "$TARGET_B"
    row "(b) saturation: loss the generator saw, %" b loss_percent 3 "turnkit<=0.1"
    row "(b) saturation: datagrams dropped on the server's sockets" b server_socket_drops 0 -
    row "(b) allocations the server refused (ChannelBind or Allocate failed)" b setup_failed 0 -
    row "(b) saturation: round trip p50, ms" b rtt_p50_ms 3
    row "(b) saturation: round trip p99, ms" b rtt_p99_ms 3
    row "(b) saturation: round trip p99.9, ms" b rtt_p999_ms 3
    row "(b) saturation: server CPU, cores busy" b server_cpu_cores 2
    row "(b) saturation: server CPU in the kernel, %" b server_cpu_system_percent 0
    row "(b) saturation: server CPU per delivered packet, µs" b server_cpu_us_per_op 2
    row "(b) saturation: server's busiest thread, cores busy" b server_busiest_thread_cores 2 -
    row "(b) saturation: load generator CPU, cores busy" b generator_cpu_cores 2
    row "(b) saturation: the machine's other programs' CPU, cores busy" b others_cpu_cores 2 -
    row "(b) saturation: load generator threads of the best run" b generator_threads 1 -
    row "(c) churn: allocations/s" c allocations_per_s 0 "$(first_round "ratio>=1")"
    row "(c) churn: failed cycles" c failed 0 -
    row "(c) churn: server CPU per allocation, µs" c server_cpu_us_per_op 1
    row "(d) Binding flood: requests/s" d answered_per_s 0 "$(first_round "ratio>=2")"
    row "(d) Binding flood: loss, %" d loss_percent 3 -
    row "(d) Binding flood: server CPU per request, µs" d server_cpu_us_per_op 2
    row "(d) Binding flood: server CPU, cores busy" d server_cpu_cores 2
    row "(d) Binding flood: load generator CPU, cores busy" d generator_cpu_cores 2
    row "(d) Binding flood: load generator threads of the best run" d generator_threads 1 -
    row "(e) $IDLE_ALLOCATIONS idle allocations: server RSS, MiB" e rss_mib 1 "turnkit<=256"
    row "(e) idle: allocations held" e allocations 0
    row "(e) idle: server RSS before allocating, MiB" e rss_before_mib 1
    row "(e) idle: RSS per allocation, KiB" e rss_per_allocation_kib 2
    for rate in $RATES; do
        row "(f) $rate packets/s offered: sent/s" "f$rate" sent_per_s 0 -
        row "(f) $rate/s: round trip p50, ms" "f$rate" rtt_p50_ms 3 "ratio<=1"
        row "(f) $rate/s: round trip p99, ms" "f$rate" rtt_p99_ms 3 "ratio<=1"
        row "(f) $rate/s: round trip p99.9, ms" "f$rate" rtt_p999_ms 3
        row "(f) $rate/s: loss the generator saw, %" "f$rate" loss_percent 3 -
        row "(f) $rate/s: datagrams dropped on the server's sockets" "f$rate" server_socket_drops 0 -
        row "(f) $rate/s: allocations the server refused" "f$rate" setup_failed 0 -
        row "(f) $rate/s: load generator CPU, cores busy" "f$rate" generator_cpu_cores 2
        row "(f) $rate/s: the machine's other programs' CPU, cores busy" "f$rate" others_cpu_cores 2 -
    done
    row "(g) coturn's flood, 1 allocation: round trips/s" g round_trips_per_s 0 "ratio>=1.2"
    row "(g) flood: server CPU per round trip, µs" g server_cpu_us_per_round_trip 2
    row "(g) flood: datagrams dropped on the server's sockets" g server_socket_drops 0 -
    for size in 100 1200; do
        row "(h) Send/Data indications, $size-byte payloads: server CPU per relayed packet, µs" "h$size" server_cpu_us_per_op 2 "ratio<=$TARGET_STREAM"
        row "(h) $size bytes: delivered packets/s" "h$size" answered_per_s 0
        row "(h) $size bytes: loss the generator saw, %" "h$size" loss_percent 3 -
        row "(h) $size bytes: datagrams dropped on the server's sockets" "h$size" server_socket_drops 0 -
        row "(h) $size bytes: allocations the server refused" "h$size" setup_failed 0 -
    done
    row "(i) uclient over TCP: server CPU per relayed message, µs" i cpu_us_per_msg 2 "ratio<=$TARGET_STREAM"
    row "(i) TCP: messages lost, %" i loss_percent 3 -
    row "(i) TCP: datagrams dropped on the server's sockets" i server_socket_drops 0 -
    row "(i) uclient over TCP, paced: server CPU per relayed message, µs" ipaced cpu_us_per_msg 2 -
    row "(i) TCP, paced: messages lost, %" ipaced loss_percent 3 -
    row "(i) TCP, paced: server wakeups per relayed message" ipaced wakeups_per_msg 2 -
    row "(i) TCP, paced: relaying threads' wakeups per relayed message" ipaced relay_wakeups_per_msg 2 -
    row "(i) TCP, paced: server CPU per wakeup, µs" ipaced cpu_us_per_wakeup 1 -
    row "(j) uclient over TLS, paced: server CPU per relayed message, µs" jtls cpu_us_per_msg 2 "ratio<=0.7"
    row "(j) TLS: messages lost, %" jtls loss_percent 3 "turnkit<=0"
    row "(j) TLS: datagrams dropped on the server's sockets" jtls server_socket_drops 0 -
    row "(j) TLS, paced: server wakeups per relayed message" jtls wakeups_per_msg 2 -
    row "(j) TLS, paced: relaying threads' wakeups per relayed message" jtls relay_wakeups_per_msg 2 -
    row "(j) TLS, paced: server CPU per wakeup, µs" jtls cpu_us_per_wakeup 1 -
    row "(j) TLS, paced: server CPU in the JIT compiler, %" jtls jit_cpu_percent 1 -
    row "(j) TLS, paced: server CPU in the collector, %" jtls gc_cpu_percent 1 -
    row "(j) TLS, paced: server CPU per relayed message outside the JIT compiler and the collector, µs" jtls cpu_us_per_msg_outside_jvm 2 -
    row "(j) uclient over DTLS, paced: server CPU per relayed message, µs" jdtls cpu_us_per_msg 2 "ratio<=0.7"
    row "(j) DTLS: messages lost, %" jdtls loss_percent 3 "turnkit<=0"
    row "(j) DTLS: datagrams dropped on the server's sockets" jdtls server_socket_drops 0 -
    row "(j) DTLS, paced: server wakeups per relayed message" jdtls wakeups_per_msg 2 -
    row "(j) DTLS, paced: relaying threads' wakeups per relayed message" jdtls relay_wakeups_per_msg 2 -
    row "(j) DTLS, paced: server CPU per wakeup, µs" jdtls cpu_us_per_wakeup 1 -
    row "(j) DTLS, paced: server CPU in the JIT compiler, %" jdtls jit_cpu_percent 1 -
    row "(j) DTLS, paced: server CPU in the collector, %" jdtls gc_cpu_percent 1 -
    row "(j) DTLS, paced: server CPU per relayed message outside the JIT compiler and the collector, µs" jdtls cpu_us_per_msg_outside_jvm 2 -
    row "(j) uclient over TLS at saturation: server CPU per relayed message, µs" jtlssat cpu_us_per_msg 2 -
    row "(j) TLS at saturation: messages lost, %" jtlssat loss_percent 3 -
    row "(j) uclient over DTLS at saturation: server CPU per relayed message, µs" jdtlssat cpu_us_per_msg 2 -
    row "(j) DTLS at saturation: messages lost, %" jdtlssat loss_percent 3 -
    row "(j) DTLS at saturation: datagrams dropped on the server's sockets" jdtlssat server_socket_drops 0 -
    echo
    echo "A round trip in (b) crosses the server twice (client → peer, peer → client): its CPU per delivered"
    echo "packet covers two relayed datagrams. In (a), a message also crosses twice (client → its relay → the"
    echo "other client's relay → that client). Lower is better for CPU, loss, round trips and RSS."
    echo "(b) and (d) ran with a load generator of each of $(echo $GENERATOR_THREADS | sed 's/ /, /g') event-loop threads in every round;"
    echo "each server's figures are those of the run that gave it the most per second: one thread is the"
    echo "ceiling of a server faster than it, and more threads take CPU from a slower server."
    ERRORS=$(errors; generator_limits)
    if [[ -n $ERRORS || -s $WORK/notes ]]; then
        echo
        echo "## What failed"
        echo
        [[ -z $ERRORS ]] || echo "$ERRORS"
        [[ ! -s $WORK/notes ]] || sed 's/^/- /' "$WORK/notes"
    fi
    echo
    echo "## Every round"
    echo
    echo "$HEADER |"
    echo "|---|---$(printf '|---:%.0s' $(seq 1 $(( ${#HEADLINES[@]} / 3 ))))|"
    per_round
    if [[ $PERF_OK -eq 1 && -s $WORK/coturn.perf && -s $WORK/turnkit.perf ]]; then
        echo
        echo "## Where each server's CPU goes under (b), kernel included"
        echo
        echo "Linux perf (\`perf record -e cpu-clock -g -p PID\`) through the measured part of one more run of (b) per server:"
        echo "the share of the server's samples in each part. A system call's share includes what the kernel does"
        echo "within it: sending on loopback includes delivering the datagram to the receiving socket and waking"
        echo "its reader; waiting includes sleeping and being woken (context switches)."
        echo
        echo "| part | coturn | turnkit |"
        echo "|---|---:|---:|"
        profile_row "sending: sendmmsg, sendmsg, sendto" "__sys_sendmmsg|__sys_sendmsg|___sys_sendmsg|__sys_sendto"
        profile_row "… of which loopback delivery to the receiver (net_rx_action)" net_rx_action
        profile_row "… of which UDP GSO segmentation" __udp_gso_segment
        profile_row "receiving: recvmmsg, recvmsg, recvfrom" \
            "__x64_sys_recvmmsg|do_recvmmsg|__sys_recvmsg|___sys_recvmsg|__sys_recvfrom"
        profile_row "waiting for packets: epoll_wait, epoll_pwait, epoll_pwait2" do_epoll_wait
        profile_row "switching threads (finish_task_switch), mostly while waiting" "finish_task_switch.*"
        echo "| in the kernel, all | $(kernel_share coturn) | $(kernel_share turnkit) |"
        echo "| user space (coturn's C; turnkit's Java, JVM and JNI) | $(user_share coturn) | $(user_share turnkit) |"
        echo "| … of which JIT compiler threads | – | $(compiler_share turnkit) |"
        echo
        echo "Both servers spend most of their CPU in the kernel's UDP path, which costs each datagram the same"
        echo "whichever server asks for it; what a server controls is how many system calls, wake-ups and sends"
        echo "of separate datagrams it needs per packet relayed."
    fi
    if [[ $JFR -eq 1 && -s $JFR_FILE ]]; then
        echo
        echo "## Where turnkit spends its time under (b)"
        echo
        echo "A JFR recording (\`jcmd PID JFR.start settings=profile\`) of a fresh turnkit through a second run of (b),"
        echo "the first one warming it up: the share of Java execution samples with the method on top of the"
        echo "stack. Time in the kernel (sendmmsg, recvmmsg, epoll_wait) is not sampled: this is the Java part of"
        echo "the server's CPU only; the kernel's share is in the table above. $(samples jdk.ExecutionSample) Java samples,"
        echo "$(samples jdk.NativeMethodSample) samples of threads in native code."
        echo
        echo "| samples | method |"
        echo "|---:|---|"
        hot_methods jdk.ExecutionSample 15
        echo
        echo "Threads in native code (JNI), sampled the same way: where the event loops wait and make system calls."
        echo
        echo "| samples | method |"
        echo "|---:|---|"
        hot_methods jdk.NativeMethodSample 6
    fi
    if [[ -n $SOAK_SECTION ]]; then
        echo
        echo "$SOAK_SECTION"
    fi
    echo
    echo "## Commands"
    echo
    echo "Servers:"
    echo
    echo '```sh'
    echo "ulimit -n $(ulimit -n)"
    echo "${COTURN_CMD[*]}" | as_run
    echo "${TURNKIT_CMD[*]}" | as_run
    echo '```'
    echo
    echo "Loads, the same against both (PORT is $COTURN_PORT for coturn, $TURNKIT_PORT for turnkit, and for (j) their TLS"
    echo "ports, $COTURN_TLS_PORT and $TURNKIT_TLS_PORT; PID the server's):"
    echo
    echo '```sh'
    as_run <"$WORK/commands"
    echo '```'
} >"$OUT"
log "wrote $OUT in $((ELAPSED / 60)) min $((ELAPSED % 60)) s"
