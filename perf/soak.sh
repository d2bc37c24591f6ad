#!/usr/bin/env bash
# Soak test: runs `turnkit serve` (the jar) for SOAK_MINUTES under mixed load, samples what it holds every
# SOAK_SAMPLE_SECONDS into a CSV, and fails when any of it grows without bound or a relay port or socket
# leaks. perf/README.md explains the load, the samples and the verdict.
#
#   perf/soak.sh                       # one hour
#   SOAK_MINUTES=10 perf/soak.sh       # ten minutes (the slow test profile runs this)
#
# Exit status: 0 the verdict is PASS, 1 FAIL (the reasons are printed), 2 it could not run.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SOAK_MINUTES=${SOAK_MINUTES:-60}
SOAK_SAMPLE_SECONDS=${SOAK_SAMPLE_SECONDS:-60}
# Growth allowed from the first third of the run to the last, in percent, before a rising trend is a leak.
SOAK_GROWTH_PERCENT=${SOAK_GROWTH_PERCENT:-25}
SOAK_DIR=${SOAK_DIR:-$(mktemp -d /tmp/turnkit-soak.XXXXXX)}
TURNKIT_JAR=${TURNKIT_JAR:-$ROOT/cli/target/turnkit.jar}
BENCH_JAR=${BENCH_JAR:-$ROOT/perf/target/turnkit-bench.jar}
JAVA=${JAVA:-java}
# Allocations that are not deleted expire this long after their last Refresh (RFC 8656 §7.2: the server may
# cap the lifetime); short, so that the run's expiries happen and the drain at the end is quick.
LIFETIME_SECONDS=60
USER_NAME=soak
PASSWORD=soak-password

mkdir -p "$SOAK_DIR"
CSV=$SOAK_DIR/soak.csv
LOG=$SOAK_DIR/server.log
PIDS=()

die() {
    echo "soak: $*" >&2
    exit 2
}

# Every process this script started, load loops first, then the server.
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap cleanup EXIT

[[ $SOAK_MINUTES =~ ^[1-9][0-9]*$ ]] || die "SOAK_MINUTES must be a whole number of minutes, got '$SOAK_MINUTES'"
[[ $SOAK_SAMPLE_SECONDS =~ ^[1-9][0-9]*$ ]] || die "SOAK_SAMPLE_SECONDS must be a whole number, got '$SOAK_SAMPLE_SECONDS'"
[[ -f $TURNKIT_JAR ]] || die "no turnkit jar at $TURNKIT_JAR (mvn -B -pl cli -am package -DskipTests)"
if [[ -n ${BENCH_CLASSPATH:-} ]]; then
    BENCH=("$JAVA" -cp "$BENCH_CLASSPATH" io.turnkit.perf.Bench)
else
    [[ -f $BENCH_JAR ]] || die "no load generator at $BENCH_JAR (mvn -B -pl perf -am package -DskipTests)"
    BENCH=("$JAVA" -jar "$BENCH_JAR")
fi
for program in turnutils_uclient turnutils_peer jcmd curl python3; do
    command -v "$program" >/dev/null || die "$program is needed (coturn-utils, a JDK, curl, python3)"
done

# A free port on 127.0.0.1 for TCP and UDP alike, and a free run of relay ports, as the kernel sees them now.
free_port() {
    python3 - "$@" <<'EOF'
import random, socket, sys
span = int(sys.argv[1]) if len(sys.argv) > 1 else 1

def free(port):
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True

# Below Linux's ephemeral range (32768 up), where the kernel picks the ports of outgoing connections.
for _ in range(200):
    base = random.randrange(20000, 32000 - span)
    if all(free(port) for port in range(base, base + span)):
        print(base)
        break
else:
    sys.exit("no free ports")
EOF
}

PORT=$(free_port)
METRICS_PORT=$(free_port)
RELAY_MIN=$(free_port 1000)
RELAY_MAX=$((RELAY_MIN + 999))
PEER_PORT=$(free_port 2)
METRICS=http://127.0.0.1:$METRICS_PORT/metrics

"$JAVA" -jar "$TURNKIT_JAR" serve --listening-ip 127.0.0.1 --listening-port "$PORT" --no-tls \
    --relay-ip 127.0.0.1 --min-port "$RELAY_MIN" --max-port "$RELAY_MAX" --allow-loopback-peers \
    --realm soak.turnkit --user "$USER_NAME:$PASSWORD" --userdb "$SOAK_DIR/userdb" \
    --max-allocate-lifetime "$LIFETIME_SECONDS" \
    --prometheus --prometheus-address 127.0.0.1 --prometheus-port "$METRICS_PORT" >"$LOG" 2>&1 &
SERVER=$!
PIDS+=("$SERVER")

# Up to two minutes for a JVM on a busy machine.
for _ in $(seq 240); do
    grep -q "turnkit serving" "$LOG" && break
    kill -0 "$SERVER" 2>/dev/null || die "the server stopped at start: $(tail -5 "$LOG")"
    sleep 0.5
done
grep -q "turnkit serving" "$LOG" || die "the server did not start within two minutes: $(tail -5 "$LOG")"

turnutils_peer -L 127.0.0.1 -p "$PEER_PORT" >/dev/null 2>&1 &
PIDS+=("$!")

# One metric's value summed over its label sets, from a scrape.
metric() {
    curl -sf --max-time 10 "$METRICS" | awk -v name="$1" '$1 == name || index($1, name "{") == 1 { sum += $NF } END { printf "%d\n", sum }'
}

# One CSV row: what the server holds now. The live heap, so garbage not yet collected is no leak: the class
# histogram collects in full and then counts what is left, in one safepoint. (Heap "used" read after a separate
# GC.run also counts whatever the load allocated between the two commands: tens of MB at this load, a noise
# larger than the leaks it is there to find.)
sample() {
    local phase=$1 rss threads fds heap ports allocations
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER/status")
    threads=$(awk '/^Threads:/ { print $2 }' "/proc/$SERVER/status")
    fds=$(find "/proc/$SERVER/fd" -mindepth 1 -maxdepth 1 | wc -l)
    heap=$(jcmd "$SERVER" GC.class_histogram | awk '$1 == "Total" { printf "%d\n", $3 / 1024 }')
    ports=$(metric turnkit_relay_ports_used)
    allocations=$(metric turnkit_allocations_active)
    echo "$(date -u +%FT%TZ),$phase,$(( $(date +%s) - START )),$rss,$heap,$fds,$threads,$ports,$allocations" >>"$CSV"
}

START=$(date +%s)
echo "time,phase,elapsed_s,rss_kb,heap_live_kb,open_fds,threads,relay_ports_used,allocations_active" >"$CSV"
sample baseline

END=$((START + SOAK_MINUTES * 60))
# Each load runs in a loop of short rounds until the end of the load phase; a TERM ends the round under way.
until_end() {
    local child=
    trap '[[ -n $child ]] && kill "$child" 2>/dev/null; exit 0' TERM
    while (( $(date +%s) < END )); do
        "$@" >>"$SOAK_DIR/load.log" 2>&1 &
        child=$!
        wait "$child" || true
    done
}
# Relaying over UDP at a modest fixed rate, through channels in even minutes and Send/Data indications in odd
# ones; each round opens its allocations and deletes them at its end: churn at the scale of a round.
relay_round() {
    local send=()
    if (( $(date +%s) / 60 % 2 )); then send=(--send); fi
    "${BENCH[@]}" load --server "127.0.0.1:$PORT" -u "$USER_NAME" -p "$PASSWORD" --allocations 20 --rate 2000 \
        --duration 60 --warmup 1 "${send[@]}"
}
until_end relay_round &
PIDS+=("$!")
# Allocation churn: Allocate, Refresh 0, on a new socket each time.
until_end "${BENCH[@]}" churn --server "127.0.0.1:$PORT" -u "$USER_NAME" -p "$PASSWORD" --clients 1 --duration 60 --warmup 1 &
PIDS+=("$!")
# Relaying over TCP, with refreshes; uclient leaves one allocation to expire each run.
until_end turnutils_uclient -L 127.0.0.2 -t -n 200 -m 2 -e 127.0.0.1 -r "$PEER_PORT" -p "$PORT" -u "$USER_NAME" -w "$PASSWORD" 127.0.0.1 &
PIDS+=("$!")
# Wrong passwords: challenges, refusals and the rate limit; uclient retries forever, so each try is cut short.
until_end timeout 5 turnutils_uclient -L 127.0.0.3 -n 10 -e 127.0.0.1 -r "$PEER_PORT" -p "$PORT" -u "$USER_NAME" -w wrong 127.0.0.1 &
PIDS+=("$!")
# Malformed datagrams: random bytes, a truncated STUN header, ChannelData for no allocation.
malformed() {
    head -c $((RANDOM % 600 + 1)) /dev/urandom >/dev/udp/127.0.0.1/"$PORT"
    printf '\x00\x01\x00\x08\x21\x12\xa4\x42' >/dev/udp/127.0.0.1/"$PORT"
    printf '\x40\x00\x00\x04data' >/dev/udp/127.0.0.1/"$PORT"
    sleep 0.05
}
until_end malformed &
PIDS+=("$!")

# On a fixed schedule, however long a sample takes (jcmd is slow on a busy machine).
NEXT=$((START + SOAK_SAMPLE_SECONDS))
while (( NEXT <= END )); do
    NOW=$(date +%s)
    if (( NEXT > NOW )); then sleep $((NEXT - NOW)); fi
    kill -0 "$SERVER" 2>/dev/null || die "the server died under load: $(tail -20 "$LOG")"
    sample load
    NEXT=$((NEXT + SOAK_SAMPLE_SECONDS))
done

# The load stops; whatever was not deleted expires within a lifetime, and every relay port comes back.
for pid in "${PIDS[@]:2}"; do
    kill "$pid" 2>/dev/null || true
done
DRAIN_END=$(( $(date +%s) + LIFETIME_SECONDS + 90 ))
while (( $(date +%s) < DRAIN_END )) && (( $(metric turnkit_relay_ports_used) > 0 )); do
    sleep 2
done
sample drained

echo "malformed counted: $(metric turnkit_malformed_total); bad passwords: $(curl -sf "$METRICS" | awk '/^turnkit_auth_results_total\{result="bad_integrity"\}/ { print $NF }'); allocations: $(metric turnkit_allocations_started_total)"
python3 - "$CSV" "$SOAK_GROWTH_PERCENT" <<'EOF'
import csv, sys

rows = list(csv.DictReader(open(sys.argv[1])))
growth = float(sys.argv[2]) / 100
baseline = next(r for r in rows if r["phase"] == "baseline")
load = [r for r in rows if r["phase"] == "load"]
drained = rows[-1]
failures = []

def slope(points):
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((x - mx) ** 2 for x, _ in points)
    return 0 if var == 0 else sum((x - mx) * (y - my) for x, y in points) / var

# Bounded: the median of the last third of the load samples stays within GROWTH of the first third's, or
# the trend of the last two thirds is flat or falling: a level reached after warming up is not a leak, a line
# still climbing is. Medians, so one sample taken during a burst decides nothing. RSS gets twice the room: the
# JVM grows its heap towards its limit as it pleases (the live heap is the finer measure). Small absolute
# slack for counts that are small numbers (a thread or two, a few descriptors).
slack = {"rss_kb": 0, "heap_live_kb": 0, "open_fds": 16, "threads": 4}
room = {"rss_kb": 2 * growth, "heap_live_kb": growth, "open_fds": growth, "threads": growth}

def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2

if len(load) >= 3:
    third = len(load) // 3
    for column in slack:
        values = [float(r[column]) for r in load]
        first, last = median(values[:third]), median(values[-third:])
        trend = slope([(float(r["elapsed_s"]), float(r[column])) for r in load[third:]])
        if last > first * (1 + room[column]) + slack[column] and trend > 0:
            failures.append(f"{column} grows: median {first:.0f} in the first third, {last:.0f} in the last, "
                            f"still rising {trend * 60:.1f}/min")
else:
    failures.append(f"only {len(load)} samples under load: run longer or sample more often")

# No leak: relay ports back to 0 and descriptors back to the baseline once the allocations are gone.
if int(drained["relay_ports_used"]) != 0 or int(drained["allocations_active"]) != 0:
    failures.append(f"after the load, {drained['relay_ports_used']} relay ports and "
                    f"{drained['allocations_active']} allocations remain")
if int(drained["open_fds"]) > int(baseline["open_fds"]) + slack["open_fds"]:
    failures.append(f"after the load, {drained['open_fds']} descriptors open, {baseline['open_fds']} at the start")

print(f"samples: {len(rows)} ({len(load)} under load) in {sys.argv[1]}")
for column in ("rss_kb", "heap_live_kb", "open_fds", "threads", "relay_ports_used"):
    values = [int(r[column]) for r in load] or [0]
    print(f"  {column}: baseline {baseline[column]}, under load {min(values)}-{max(values)}, after {drained[column]}")
if failures:
    print("FAIL")
    for failure in failures:
        print("  " + failure)
    sys.exit(1)
print("PASS")
EOF
