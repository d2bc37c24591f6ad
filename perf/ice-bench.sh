#!/usr/bin/env bash
# Runs the ICE agent at scale (io.turnkit.perf.ice.IceScale) and writes the figures to perf/RESULTS-ice.md:
# turnkit's agent through the NAT simulator (sim) and through the one-port mux on loopback sockets (mux), and
# ice4j's agent under the mux's load (ice4j), each run in a JVM of its own. Builds the jar when it is missing.
# Settings (environment): ICE_RUNS ("sim 1000,sim 10000,mux 1000,mux 10000,ice4j 100,ice4j 1000"),
# OUT (perf/RESULTS-ice.md), ICE_JAVA_OPTS (none: the JVM's defaults).
set -euo pipefail

cd "$(dirname "$0")/.."
. perf/machine.sh

ICE_RUNS=${ICE_RUNS:-sim 1000,sim 10000,mux 1000,mux 10000,ice4j 100,ice4j 1000}
OUT=${OUT:-perf/RESULTS-ice.md}
ICE_JAVA_OPTS=${ICE_JAVA_OPTS:-}
BUILT_BENCH_JAR=perf/target/turnkit-bench.jar

log() { echo "[ice-bench $(date -u +%H:%M:%S)] $*" >&2; }

if [[ ! -f $BUILT_BENCH_JAR ]]; then
    log "building the jar"
    mvn -B -q -DskipTests package
fi
REVISION=$(measured_revision "$OUT")
STARTED=$(date +%s)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# field NAME FILE: one figure of a run's output (IceScale.Result.format), "–" when the run did not print it.
field() {
    local value
    case $1 in
        connected) value=$(sed -n 's/^ice [a-z0-9]*: \([0-9]* of [0-9]*\) pairs connected in \(.*\) of real time$/\1 in \2/p' "$2") ;;
        latency) value=$(sed -n 's/^  time to selected pair: p50 \(.*\) ms, p99 \(.*\) ms, max .*$/\1 \/ \2 ms/p' "$2") ;;
        heap) value=$(sed -n 's/^  heap per session (\(.*\)), idle, after GC: \(.*\) bytes$/\2 B (\1)/p' "$2") ;;
        threads) value=$(sed -n 's/^  threads in the JVM: //p' "$2") ;;
        cpu) value=$(sed -n 's/^  CPU while connecting: //p' "$2") ;;
    esac
    echo "${value:-–}"
}

i=0
IFS=, read -ra RUNS <<<"$ICE_RUNS"
for run in "${RUNS[@]}"; do
    log "ice $run"
    # shellcheck disable=SC2086 # the options and the run's two words are split on purpose
    if ! java $ICE_JAVA_OPTS -jar "$BUILT_BENCH_JAR" ice $run >"$WORK/$i.out" 2>"$WORK/$i.err"; then
        log "ice $run failed: $(tail -1 "$WORK/$i.err")"
    fi
    i=$((i + 1))
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
ELAPSED=$(( $(date +%s) - STARTED ))

{
    echo "# The ICE agent at scale"
    echo
    echo "Written by \`perf/ice-bench.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC') (it took $((ELAPSED / 60)) min $((ELAPSED % 60)) s),"
    echo "from the jar of revision \`${REVISION%-dirty}\`$([[ $REVISION != *-dirty ]] || echo ' with uncommitted changes')."
    echo "Do not edit by hand: run the script again. perf/README.md says what each mode does and measures."
    echo
    echo "Machine: $(machine_description)$([[ -z $ICE_JAVA_OPTS ]] || echo ", JVM options \`$ICE_JAVA_OPTS\`")."
    echo "Load average $LOAD_BEFORE before the runs and $LOAD_AFTER after them. Each run is"
    echo "\`java -jar perf/target/turnkit-bench.jar ice MODE PAIRS\` in a JVM of its own, after its own warm-up run."
    echo
    echo "| run | connected | time to selected pair p50 / p99 | heap per session (idle, after GC) | threads in the JVM | CPU while connecting |"
    echo "|---|---|---|---|---|---|"
    i=0
    for run in "${RUNS[@]}"; do
        f=$WORK/$i.out
        echo "| \`ice $run\` | $(field connected "$f") | $(field latency "$f") | $(field heap "$f") | $(field threads "$f") | $(field cpu "$f") |"
        i=$((i + 1))
    done
    echo
    echo "Time to the selected pair is simulated time for \`sim\` and real time otherwise."
} >"$OUT"
log "wrote $OUT in $((ELAPSED / 60)) min $((ELAPSED % 60)) s"
