#!/usr/bin/env bash
# Paired runs of the I/O probe: two relay builds (git revisions of rtp-recorder) or two probe modes, side by side in
# two JVMs at the same moment, round after round, so that the machine's drift (±15 % over minutes here) weighs on
# both alike. Prints each side's median and the median of the per-round ratio B/A. Method: bench/README.md.
#
#   bash bench/io-probe-pair.sh HEAD~1 HEAD                       # did the last commit change the relay's cost?
#   MODE_A=nio bash bench/io-probe-pair.sh HEAD HEAD              # callrec against the floor, paired
#   ROUNDS=8 K=300 SECONDS_PER_RUN=8 bash bench/io-probe-pair.sh A B
#   CMD_A="java ... -Dprobe.basePort=PORT ..." CMD_B="..." bash bench/io-probe-pair.sh   # any two probe commands
#     (PORT is replaced by each side's base port; K and the modes are then the commands' own)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CMD_A=${CMD_A:-}
CMD_B=${CMD_B:-}
if [[ -z "$CMD_A" || -z "$CMD_B" ]]; then
  REV_A=${1:?usage: io-probe-pair.sh REV_A REV_B, or CMD_A and CMD_B set}
  REV_B=${2:?usage: io-probe-pair.sh REV_A REV_B, or CMD_A and CMD_B set}
else
  REV_A="CMD_A" REV_B="CMD_B" MODE_A="as given" MODE_B="as given"
fi
MODE_A=${MODE_A:-callrec}
MODE_B=${MODE_B:-callrec}
ROUNDS=${ROUNDS:-8}
K=${K:-300}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
OUT=${OUT:-/tmp/callrec-io-probe-pair}
MVN_FLAGS=${MVN_FLAGS:--q}

mkdir -p "$OUT"
if [[ -z "$CMD_A" || -z "$CMD_B" ]]; then
  # The probe and its libraries (this also installs the working tree's rtp-recorder, which the probe compiles against).
  (cd "$ROOT" && mvn $MVN_FLAGS -DskipTests -pl rtp-recorder -am install)
  (cd "$ROOT/bench/io-probe" && mvn $MVN_FLAGS package dependency:copy-dependencies -DoutputDirectory=target/lib)
  LIB="$OUT/lib"
  rm -rf "$LIB" && mkdir -p "$LIB"
  find "$ROOT/bench/io-probe/target/lib" -name '*.jar' ! -name 'rtp-recorder-*' -exec cp {} "$LIB" \;
  PROBE="$ROOT/bench/io-probe/target/io-probe-1.jar"

  # Each revision's rtp-recorder jar, built in a worktree of its own.
  build() {
    local rev=$1 jar=$2 tree="$OUT/tree-$3"
    git -C "$ROOT" worktree remove --force "$tree" 2>/dev/null || rm -rf "$tree"
    git -C "$ROOT" worktree add --detach -q "$tree" "$rev"
    (cd "$tree" && mvn $MVN_FLAGS -DskipTests -pl rtp-recorder -am package)
    find "$tree/rtp-recorder/target" -maxdepth 1 -name 'rtp-recorder-*.jar' ! -name '*-tests.jar' -exec cp {} "$jar" \;
    git -C "$ROOT" worktree remove --force "$tree"
  }
  build "$REV_A" "$OUT/a.jar" a
  build "$REV_B" "$OUT/b.jar" b
  CMD_A="java -Dprobe.basePort=PORT -cp $PROBE:$OUT/a.jar:$LIB/* io.callrec.bench.IoProbe $MODE_A $K $SECONDS_PER_RUN"
  CMD_B="java -Dprobe.basePort=PORT -cp $PROBE:$OUT/b.jar:$LIB/* io.callrec.bench.IoProbe $MODE_B $K $SECONDS_PER_RUN"
fi

results="$OUT/results.txt"
: > "$results"
for round in $(seq 1 "$ROUNDS"); do
  # The two port ranges swap every round, so that neither side keeps the same ports.
  if (( round % 2 )); then port_a=12000 port_b=20000; else port_a=20000 port_b=12000; fi
  # Word splitting of the commands is wanted (no glob: set -f), the classpath's * is Java's own.
  set -f
  timeout 300 ${CMD_A//PORT/$port_a} > "$OUT/a-$round.txt" 2>&1 &
  timeout 300 ${CMD_B//PORT/$port_b} > "$OUT/b-$round.txt" 2>&1 &
  set +f
  wait
  echo "round $round: A $(grep ' k=' "$OUT/a-$round.txt" || echo failed) | B $(grep ' k=' "$OUT/b-$round.txt" || echo failed)" \
    | tee -a "$results"
done

python3 - "$results" "$REV_A ($MODE_A)" "$REV_B ($MODE_B)" <<'PY'
import re, statistics, sys
a, b = [], []
for line in open(sys.argv[1]):
    m = re.findall(r'received (\d+) of (\d+).*? ([\d.]+) us/pkt', line)
    if len(m) == 2 and all(r == s for r, s, _ in m):
        a.append(float(m[0][2])); b.append(float(m[1][2]))
if not a:
    sys.exit('no round delivered every packet on both sides')
ratio = [y / x - 1 for x, y in zip(a, b)]
print(f'\nµs of relay-thread CPU per forwarded packet, {len(a)} paired rounds')
print(f'  A {sys.argv[2]}: median {statistics.median(a):.2f} ({min(a):.2f}-{max(a):.2f})')
print(f'  B {sys.argv[3]}: median {statistics.median(b):.2f} ({min(b):.2f}-{max(b):.2f})')
print(f'  B against A, per round: median {statistics.median(ratio):+.1%} (min {min(ratio):+.1%}, max {max(ratio):+.1%}), '
      f'B lower in {sum(r < 0 for r in ratio)} of {len(ratio)}')
PY
