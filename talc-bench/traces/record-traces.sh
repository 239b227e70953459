#!/usr/bin/env bash
# Records the committed traces again: builds the LD_PRELOAD recorder, runs each program of MANIFEST.md under
# it, keeps the file of the process named there, compresses it with xz into
# talc-bench/src/main/resources/traces/<name>.mtrace.xz, and prints each trace's statistics (the MANIFEST's
# figures) with the benchmark jar's trace-stats command.
#
# Needs (Debian 12 packages): gcc, python3, perl, sqlite3, ripgrep, gawk, openjdk-17-jdk, libpng-dev,
# libpython3.11-stdlib, perl-modules-5.36, xz-utils, coreutils; and the built benchmark jar for the statistics
# (mvn -q -B -pl talc-bench -am package -DskipTests, with a JDK 22+; JAVA=/path/to/jdk25/bin/java if the
# default java is older).
# Usage: talc-bench/traces/record-traces.sh [name...]     (default: every trace)
# Multi-threaded programs (rg, java) interleave differently from run to run, and every program's trace depends
# on the exact package versions: a new recording is a new trace, not the same one again.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../src/main/resources/traces"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cc -O2 -shared -fPIC -o "$work/malloc_trace.so" "$here/recorder/malloc_trace.c" -ldl -lpthread
inputs="$here/inputs"

# record NAME PROCESS-NAME command...: runs the command with the recorder, keeps the trace of PROCESS-NAME.
record() {
    local name="$1" process="$2"
    shift 2
    rm -rf "$work/raw" && mkdir "$work/raw"
    (cd "$work" && env MALLOC_TRACE_DIR="$work/raw" MALLOC_TRACE_ONLY="$process" LD_PRELOAD="$work/malloc_trace.so" \
        "$@" > "$work/$name.stdout")
    local files=("$work"/raw/"$process".*.mtrace)
    if [ "${#files[@]}" -ne 1 ]; then
        echo "$name: expected one trace of process $process, found: ${files[*]}" >&2
        exit 1
    fi
    xz -9e -T1 -c "${files[0]}" > "$out/$name.mtrace.xz"
    echo "$name: $(wc -c < "${files[0]}") bytes raw, $(wc -c < "$out/$name.mtrace.xz") compressed"
}

selected=("$@")
want() { [ "${#selected[@]}" -eq 0 ] || [[ " ${selected[*]} " == *" $1 "* ]]; }

want python && PYTHONMALLOC=malloc PYTHONHASHSEED=0 record python python3 /usr/bin/python3 "$inputs/python_stdlib.py"
want perl && record perl perl /usr/bin/perl "$inputs/perl_text.pl"
want cc1 && record cc1 cc1 /usr/bin/gcc -O2 -c /usr/share/doc/libpng-dev/examples/pngtest.c -o "$work/pngtest.o"
want sqlite && record sqlite sqlite3 sh -c "/usr/bin/sqlite3 :memory: < '$inputs/sqlite_workload.sql'"
want rg && record rg rg /usr/bin/rg -j4 -c -i 'alloc|free' /usr/include /usr/lib/python3.11 /usr/share/perl/5.36.0
want jvm && record jvm java /usr/lib/jvm/java-17-openjdk-amd64/bin/java -Xmx64m "$inputs/JvmWorkload.java"
want gawk && record gawk gawk sh -c "seq 1 120000 | /usr/bin/gawk -f '$inputs/gawk_report.awk'"

jar="$here/../target/talc-bench.jar"
if [ -f "$jar" ]; then
    "${JAVA:-java}" -jar "$jar" trace-stats "$out"/*.mtrace.xz
else
    echo "(build the benchmark jar to print the statistics: $jar is missing)"
fi
