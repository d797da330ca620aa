#!/usr/bin/env bash
# What a relay thread spends per forwarded packet, by I/O method (JDK selector, io_uring through Netty, callrec's own
# relay), under one synthetic load on loopback: bench/io-probe/src/main/java/io/callrec/bench/IoProbe.java says how.
# Modes run alternately, ROUNDS times each, so that a machine that speeds up or slows down weighs on all of them;
# the medians are printed at the end. Not a test; needs io_uring (Linux 5.9+) for the uring modes.
#
#   bash bench/io-probe.sh                                   # ~13 min
#   MODES="nio uring" STREAMS="500" ROUNDS=6 bash bench/io-probe.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODES=${MODES:-nio nio-connected uring callrec}
STREAMS=${STREAMS:-200 500}
ROUNDS=${ROUNDS:-5}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-6}
OUT=${OUT:-/tmp/callrec-io-probe}
MVN_FLAGS=${MVN_FLAGS:--q}

mkdir -p "$OUT"
# rtp-recorder into the local repository (the probe depends on it), then the probe and its Netty jars.
(cd "$ROOT" && mvn $MVN_FLAGS -DskipTests -pl rtp-recorder -am install)
(cd "$ROOT/bench/io-probe" && mvn $MVN_FLAGS package dependency:copy-dependencies -DoutputDirectory=target/lib)
CP="$ROOT/bench/io-probe/target/io-probe-1.jar:$ROOT/bench/io-probe/target/lib/*"

results="$OUT/results.txt"
: > "$results"
for round in $(seq 1 "$ROUNDS"); do
  for mode in $MODES; do
    for k in $STREAMS; do
      line=$(timeout $((SECONDS_PER_RUN + 60)) java -cp "$CP" io.callrec.bench.IoProbe "$mode" "$k" "$SECONDS_PER_RUN" \
        2>"$OUT/$mode-$k-$round.err" | grep " k=" || true)
      echo "round $round: ${line:-$mode k=$k: failed, see $OUT/$mode-$k-$round.err}" | tee -a "$results"
    done
  done
done

python3 - "$results" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    m = re.search(r'round \d+: (\S+) k=(\d+): received (\d+) of (\d+).* ([\d.]+) us/pkt', line)
    if m and m[3] == m[4]:
        runs.setdefault((m[1], int(m[2])), []).append(float(m[5]))
print('\nmedian µs of relay-thread CPU per forwarded packet (min-max, runs with every packet delivered)')
for k in sorted({k for _, k in runs}):
    base = runs.get(('nio', k))
    for (mode, kk), v in sorted(runs.items(), key=lambda e: statistics.median(e[1])):
        if kk != k:
            continue
        rel = f', {statistics.median(v) / statistics.median(base) - 1:+.0%} vs nio' if base else ''
        print(f'  k={k:<5} {mode:<16} {statistics.median(v):6.2f} ({min(v):.2f}-{max(v):.2f}, {len(v)} runs){rel}')
PY
