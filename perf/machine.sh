# Sourced by perf's scripts: what a results file says about the machine and the code it measured.

# machine_description: CPUs, memory, kernel and JVM, for the header of a results file.
machine_description() {
    echo "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')),"
    echo "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, Linux $(uname -r),"
    java -version 2>&1 | head -2 | tail -1
}

# measured_revision EXCLUDED: the commit measured, with -dirty when anything but EXCLUDED (the script's own
# output) differs from it.
measured_revision() {
    local revision
    revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    git update-index -q --refresh >/dev/null 2>&1 || true  # a stale stat in the index is not a change
    if [[ $revision != unknown ]] && ! git diff --quiet HEAD -- . ":(exclude)$1" 2>/dev/null; then
        revision+=-dirty
    fi
    echo "$revision"
}
