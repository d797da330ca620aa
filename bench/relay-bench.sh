#!/bin/bash
# Relay benchmark: callrec vs the reference peer (Kamailio + rtpengine, userspace) on the same SIPp
# load, in the same invocation, on this machine. See bench/README.md.
#
#   bash bench/relay-bench.sh                    # NS="100 200 500", latency at 200, setup rates, report
#   NS="100" SETUP_RATES="100" bash bench/relay-bench.sh   # a short smoke run
#
# Topologies (loopback only):
#   callrec: sipp UAC :UAC_PORT -> callrec :CR_SIP (RTP CR_RTP)          -> sipp UAS :UAS_PORT (-rtp_echo)
#   peer:    sipp UAC :UAC_PORT -> kamailio :KAM_PORT -> rtpengine (RTPE_RTP) -> sipp UAS :UAS_PORT (-rtp_echo)
# Each long call plays g711a.pcap (PCMA, 30 ms) four times (~28 s); the UAS echoes it, so the relay
# forwards both directions. Results: $OUT (default /tmp/callrec-bench): one directory per run,
# results.jsonl (one line per run) and report.md (the tables, ratios and PASS/FAIL per target).
# The script never fails on a missed target; it exits non-zero only when it could not run.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
TOOLS=$HERE/tools
SCEN=$HERE/scen

OUT=${OUT:-${TMPDIR:-/tmp}/callrec-bench}
NS=${NS-100 200 500}
SYSTEMS=${SYSTEMS-callrec peer}
# JVM flags of the "tuned" callrec runs (why: bench/README.md); PLAIN_NS also run with plain `java -jar`.
JVM_OPTS=${JVM_OPTS:--Xms64m -Xmx512m -XX:AutoBoxCacheMax=65536}
PLAIN_NS=${PLAIN_NS-200}
JAR=${JAR:-$ROOT/sip-app/target/callrec.jar}
LAT_N=${LAT_N:-200}          # N at which the added latency is captured (both systems)
LAT_S=${LAT_S:-5}            # latency capture length, s
LAT_MAX=${LAT_MAX:-400000}   # and at most this many packets
LOSS_CAPTURE=${LOSS_CAPTURE:-1}  # 1: count caller-side packets with tcpdump over the whole run (loss %)
SETUP_RATES=${SETUP_RATES-100 200 300 500}
SETUP_S=${SETUP_S:-10}
SETUP_SYSTEMS=${SETUP_SYSTEMS-callrec peer}
KEEP_PCAPS=${KEEP_PCAPS:-0}
WARMUP_CALLS=${WARMUP_CALLS:-300}  # short calls through each freshly started system before measuring
WARMUP_RATE=${WARMUP_RATE:-100}
WARMUP_MEDIA_CALLS=${WARMUP_MEDIA_CALLS:-100}  # then calls with 7 s of media each, so the relay path is compiled too
WARMUP_SETTLE_S=${WARMUP_SETTLE_S:-35}  # then this long idle before the measured calls (why: warmup())
# The callers' media: pcap = SIPp replays g711a.pcap (30 ms) through raw sockets, as the peer's own kit does; stream =
# SIPp's rtp_stream sends A-law (20 ms) from its ordinary media socket. With pcap every UDP packet on the machine is
# also offered to each call's raw socket and each packet sent back to a caller draws an ICMP port unreachable, both in
# the relay's send: the load generator's kernel work billed to the relay, the same µs for both systems (bench/README.md).
LOAD=${LOAD:-pcap}
case $LOAD in
  pcap) LONG_SCEN=uac_pcap_long.xml ;;
  stream) LONG_SCEN=uac_stream_long.xml; WARMUP_MEDIA_SCEN=${WARMUP_MEDIA_SCEN:-uac_warm_stream.xml} ;;
  *) echo "LOAD must be pcap or stream"; exit 2 ;;
esac
PROFILE_S=${PROFILE_S:-0}         # > 0: perf-sample the relay this long after the CPU window (needs perf, root)
TRACE_UAS=${TRACE_UAS:-1}         # strace the setup-rate callee for signals (diagnoses a callee that dies)

# Ports: away from the defaults (5060/5070/5080/5090, 2223, 20000-39999) that other developers' servers
# and the peer's own run.sh use on this machine; all checked free before each start.
CR_SIP=${CR_SIP:-15060}; CR_HTTP=${CR_HTTP:-18088}; CR_RTP=${CR_RTP:-40000-44999}
KAM_PORT=${KAM_PORT:-15070}; NG_PORT=${NG_PORT:-12223}; CLI_PORT=${CLI_PORT:-12224}; RTPE_RTP=${RTPE_RTP:-45000-49999}
UAS_PORT=${UAS_PORT:-15080}; UAS_MP=${UAS_MP:-17000}
UAC_PORT=${UAC_PORT:-15090}; UAC_MP=${UAC_MP:-50000}   # SIPp: call k uses UAC_MP + 4(k-1) mod 10000

RAMP_S=2        # all N calls start within RAMP_S seconds (as the peer's run.sh)
WARM_S=4        # the steady window starts this long after the UAC starts
WINDOW_S=16     # steady window (CPU, packets); ends before the latency capture so tcpdump does not load it
FULL_S=33       # whole-run sampling (ramp + steady + BYE burst): peak RSS
UAC_TIMEOUT=55  # hard bound of one long-call run (sipp -timeout), well inside ~60 s

PASSES=${PASSES:-1}  # repeat everything; summary.md gives the median (min-max) over the passes
mkdir -p "$OUT"
rm -f "$OUT"/results.pass*.jsonl "$OUT"/report.pass*.md
RESULTS=$OUT/results.jsonl

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  sleep 0.5
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  PIDS=()
}
# The ports the bench binds by number (the callers' media, and rec-bench's video sender) are kept out of the kernel's
# ephemeral allocation while it runs: once, a socket opened without a port by a process of the run took one of them
# between the free-port check and SIPp's bind, and that run made 0 calls (2026-11-26). System-wide, so restored on exit;
# skipped (with a note) where the bench may not write it.
RESERVED_PORTS_FILE=/proc/sys/net/ipv4/ip_local_reserved_ports
RESERVED_PORTS_BEFORE=""
reserve_ports() {  # reserve_ports LO-HI...
  local add
  add=$(IFS=,; echo "$*")
  if [ -w "$RESERVED_PORTS_FILE" ]; then
    RESERVED_PORTS_BEFORE=$(cat "$RESERVED_PORTS_FILE")
    echo "${RESERVED_PORTS_BEFORE:+$RESERVED_PORTS_BEFORE,}$add" > "$RESERVED_PORTS_FILE" \
      || { echo "note: could not reserve $add from ephemeral ports"; RESERVED_PORTS_BEFORE=""; return 0; }
    RESERVED_PORTS_SET=1
  else
    echo "note: $RESERVED_PORTS_FILE is not writable: ports $add may be taken by ephemeral sockets meanwhile"
  fi
}
restore_ports() {
  [ "${RESERVED_PORTS_SET:-0}" = 1 ] && echo "$RESERVED_PORTS_BEFORE" > "$RESERVED_PORTS_FILE"
  RESERVED_PORTS_SET=0
}
trap 'cleanup; restore_ports' EXIT
trap 'echo "interrupted"; exit 130' INT TERM
track() { PIDS+=("$1"); }
untrack() { local p keep=(); for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; PIDS=("${keep[@]}"); }
stop() {  # stop PID [grace seconds]: TERM, wait, KILL
  local pid=$1 grace=${2:-5} i
  kill "$pid" 2>/dev/null
  for ((i = 0; i < grace * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  untrack "$pid"
}
watchdog() {  # watchdog PID SECONDS: a hard bound on a run, whatever sipp's own -timeout does
  ( sleep "$2" & s=$!; trap 'kill $s 2>/dev/null; exit 0' TERM; wait $s && kill "$1" 2>/dev/null ) &
  track $!
}
log() { echo "[$(date +%T)] $*" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

need() { command -v "$1" >/dev/null || { echo "missing $1: run 'bash bench/install-peer.sh' (or apt-get install $2)"; exit 1; }; }
need sipp sip-tester; need tcpdump tcpdump; [ "$LOAD" = stream ] && need ffmpeg ffmpeg; need python3 python3; need ss iproute2; need curl curl
[ "$PROFILE_S" != 0 ] && need perf linux-perf
reserve_ports "$UAC_MP-$((UAC_MP + 9999))" ${VID_MP:+"$VID_MP-$((VID_MP + 999))"}
if [[ " $SYSTEMS $SETUP_SYSTEMS " == *" peer "* ]]; then need kamailio kamailio; need rtpengine rtpengine-daemon; fi
if [[ " $SYSTEMS $SETUP_SYSTEMS " == *" callrec "* ]]; then
  need java openjdk-17-jre-headless
  [ -f "$JAR" ] || { echo "no $JAR: build it first (mvn -q -o -DskipTests install)"; exit 1; }
fi

# --- port checks --------------------------------------------------------------------------------
udp_busy() { ss -uanH "sport = :$1" | grep -q .; }
tcp_busy() { ss -ltnH "sport = :$1" | grep -q .; }
range_lo() { echo "${1%-*}"; }
range_hi() { echo "${1#*-}"; }
sockets_in_range() { ss -uanH "( sport >= :$1 and sport <= :$2 )" | wc -l; }
check_free() {  # check_free LABEL udp:PORT tcp:PORT range:LOW-HIGH ...
  local label=$1 spec; shift
  for spec in "$@"; do
    case $spec in
      udp:*) udp_busy "${spec#udp:}" && { echo "$label: UDP port ${spec#udp:} is busy, abort"; ss -uanpH "sport = :${spec#udp:}"; return 1; } ;;
      tcp:*) tcp_busy "${spec#tcp:}" && { echo "$label: TCP port ${spec#tcp:} is busy, abort"; ss -ltnpH "sport = :${spec#tcp:}"; return 1; } ;;
      range:*) local r=${spec#range:} n
        n=$(sockets_in_range "$(range_lo "$r")" "$(range_hi "$r")")
        [ "$n" -gt 0 ] && log "$label: $n UDP socket(s) of other processes in $r (the relay skips busy ports)" ;;
    esac
  done
  return 0
}
uac_media_free() {  # the caller's media ports of N calls must not be bound by anyone else
  local n=$1 hi=$((UAC_MP + 4 * ($1 - 1) + 3))
  [ "$hi" -gt $((UAC_MP + 9999)) ] && hi=$((UAC_MP + 9999))
  local c; c=$(sockets_in_range "$UAC_MP" "$hi")
  [ "$c" -eq 0 ] || { echo "UAC media ports $UAC_MP-$hi: $c socket(s) bound by other processes, abort"; ss -uanpH "( sport >= :$UAC_MP and sport <= :$hi )" | head; return 1; }
}

udp_drops() {  # udp_drops PORT: the kernel's drop counter of the IPv4 UDP socket(s) bound to PORT
  awk -v p="$(printf '%04X' "$1")" 'NR > 1 { split($2, a, ":"); if (a[2] == p) d += $NF } END { print d + 0 }' /proc/net/udp
}

# --- systems under test ---------------------------------------------------------------------------
SRV_DIR=$OUT/bin
start_callrec() {  # start_callrec DIR "JVM OPTS" -> sets SUT_PID
  local d=$1 opts=$2
  check_free callrec "udp:$CR_SIP" "tcp:$CR_SIP" "tcp:$CR_HTTP" "range:$CR_RTP" || return 1
  # A copy of the jar under a neutral name: other developers on this box stop their servers by name
  # (pkill -f callrec.jar); that must not kill the server under test. It is the same jar, run the same way.
  mkdir -p "$SRV_DIR"; cp "$JAR" "$SRV_DIR/srv.jar"
  # The whole load comes from one address, as from a PBX trunk: callrec's per-source rate limits (50 INVITEs/s)
  # are off, as an operator sets them for a trusted trunk; the peer's Kamailio has no such limit either.
  # shellcheck disable=SC2086
  (cd "$d" && exec java $opts -jar ../../bin/srv.jar --sip-host 127.0.0.1 --sip-port "$CR_SIP" \
      --rtp-ports "$CR_RTP" --http-port "$CR_HTTP" --storage "${CR_STORAGE:-file:data}" \
      --rate-limit-invite 0 --rate-limit-register 0 --rate-limit-options 0 ${CALLREC_ARGS:-} > callrec.log 2>&1) &
  SUT_PID=$!; track $SUT_PID
  local i
  for ((i = 0; i < 300; i++)); do
    curl -sf "http://127.0.0.1:$CR_HTTP/health" 2>/dev/null | grep -q '"status":"up"' && return 0
    kill -0 $SUT_PID 2>/dev/null || { echo "callrec exited at start:"; tail -5 "$d/callrec.log"; return 1; }
    sleep 0.1
  done
  echo "callrec not up after 30 s"; return 1
}
start_peer() {  # start_peer DIR -> sets SUT_PID (rtpengine), KAM_PID, KAMPIDS
  local d=$1
  check_free peer "udp:$KAM_PORT" "udp:$NG_PORT" "tcp:$CLI_PORT" "range:$RTPE_RTP" || return 1
  mkdir -p "$d/kam"
  sed -e "s/@KAM_PORT@/$KAM_PORT/g" -e "s/@NG_PORT@/$NG_PORT/g" -e "s/@UAS_PORT@/$UAS_PORT/g" \
    "$HERE/peer/kamailio.cfg.in" > "$d/kamailio.cfg"
  # the same flags as the peer's run.sh (norec), plus the CLI port for its packet counters
  rtpengine --config-file=none --table=-1 --interface=127.0.0.1 --listen-ng=127.0.0.1:$NG_PORT \
    --listen-cli=127.0.0.1:$CLI_PORT --port-min="$(range_lo "$RTPE_RTP")" --port-max="$(range_hi "$RTPE_RTP")" \
    --foreground --log-stderr -L 4 --num-threads=2 --delete-delay=0 ${RTPE_ARGS:-} > "$d/rtpengine.log" 2>&1 &
  SUT_PID=$!; track $SUT_PID
  sleep 1   # rtpengine must answer kamailio's startup ping
  kamailio -f "$d/kamailio.cfg" ${KAM_ARGS:-} -DD -E -Y "$d/kam" -m 256 -M 16 > "$d/kamailio.log" 2>&1 &
  KAM_PID=$!; track $KAM_PID
  sleep 2
  kill -0 $SUT_PID 2>/dev/null || { echo "rtpengine exited:"; tail -5 "$d/rtpengine.log"; return 1; }
  kill -0 $KAM_PID 2>/dev/null || { echo "kamailio exited:"; tail -5 "$d/kamailio.log"; return 1; }
  KAMPIDS=$(echo $KAM_PID $(ps --ppid $KAM_PID -o pid=) | tr ' ' ',' | sed 's/,,*/,/g;s/,$//')
}
rtpe_totals() { python3 - "$CLI_PORT" <<'PY'
import socket, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=2); s.sendall(b'list totals\n'); d = b''
while True:
    b = s.recv(65536)
    if not b: break
    d += b
sys.stdout.write(d.decode(errors='replace'))
PY
}
start_uas() {  # start_uas DIR [-rtp_echo] -> UAS_PID (the sipp process)
  local d=$1 echo=${2:-} i
  check_free uas "udp:$UAS_PORT" "udp:$UAS_MP" "udp:$((UAS_MP + 2))" || return 1
  # -rtp_buffsize: the callee echoes every call's media through one socket; with the default buffer that socket
  # overflowed at N = 500 (0.04-2.8 % of the packets lost at the callee, for either system): the load generator's
  # loss, not the relay's. 4 MiB is the machine's net.core.rmem_max.
  local cmd=(sipp -sf "${UAS_SCEN:-$SCEN/uas_pcma.xml}" -i 127.0.0.1 -p "$UAS_PORT" -mi 127.0.0.1 -mp "$UAS_MP" $echo
             -rtp_buffsize "${UAS_RTP_BUFFSIZE:-4194304}" ${UAS_ARGS:-} -nostdin -trace_err)
  if [ "$TRACE_UAS" = 1 ] && [ -z "$echo" ] && command -v strace >/dev/null; then
    # Who signals the callee if it dies during a run: strace with a seccomp filter stops it only on
    # exit_group and on signals. Only for the setup-rate callee: with -rtp_echo, SIPp's echo threads
    # under ptrace were seen to outlive a stopped SIPp.
    (cd "$d" && exec strace --seccomp-bpf -f -qq -e trace=exit_group -e signal=all -o uas.strace "${cmd[@]}" > uas.out 2>&1) &
    local tracer=$!; track $tracer
    UAS_PID=
    # strace forks a short-lived probe child (seccomp check) before the real one: wait for the one that is sipp
    for ((i = 0; i < 100; i++)); do
      UAS_PID=$(ps --ppid $tracer -o pid=,comm= | awk '$2 == "sipp" { print $1; exit }')
      [ -n "$UAS_PID" ] && break; sleep 0.02
    done
    [ -n "$UAS_PID" ] || { echo "callee did not start"; return 1; }
  else
    (cd "$d" && exec "${cmd[@]}" > uas.out 2>&1) &
    UAS_PID=$!
  fi
  track $UAS_PID
  sleep 1
}
uas_death() {  # uas_death DIR: one line on how the callee ended, from its strace
  [ -f "$1/uas.strace" ] || { echo "no trace"; return; }
  grep -E 'SIG[A-Z]+ \{|exited|killed' "$1/uas.strace" | tail -3 | tr '\n' ' '
  echo "(this script is pid $$)"
}
start_tcpdump() {  # start_tcpdump ERRFILE tcpdump-args... -> TD_PID, waits until it listens
  local err=$1 i; shift
  tcpdump -i lo -n "$@" 2> "$err" &
  TD_PID=$!; track $TD_PID
  for ((i = 0; i < 50; i++)); do grep -q 'listening on' "$err" && return 0; sleep 0.1; done
  echo "tcpdump did not start: $(cat "$err")"; return 1
}
stop_tcpdump() { kill -INT "$1" 2>/dev/null; local i; for ((i = 0; i < 50; i++)); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done; stop "$1" 1; }

STREAM_WAV=$OUT/pcma_stream.wav  # LOAD=stream: what rtp_stream sends, as pcma.wav in each caller's directory
make_stream_tone() {  # 7 s of a 440 Hz tone in A-law; rtp_stream loops it (relay-bench's and rec-bench's main)
  [ "$LOAD" = stream ] || return 0
  ffmpeg -v error -y -f lavfi -i "sine=frequency=440:duration=7" -ar 8000 -ac 1 -c:a pcm_alaw "$STREAM_WAV"
}

warmup_counter_read() {  # what sample.py's --counter reads (run_relay and rec-bench set $counter)
  case "${counter:-}" in
    --counter=callrec:*) curl -s "${counter#--counter=callrec:}" ;;
    --counter=rtpengine:*) rtpe_totals ;;
  esac
}

# --- warm-up: short calls through the system under test before anything is measured -----------------
warmup() {  # warmup DIR TARGET... : WARMUP_CALLS short calls at WARMUP_RATE/s; a fresh JVM compiles its
            # SIP path meanwhile (a production server is warm); done the same way for the peer
  local d=$1; shift
  [ "$WARMUP_CALLS" -gt 0 ] || return 0
  mkdir -p "$d/warmup"
  [ "$LOAD" = stream ] && ln -sf "$STREAM_WAV" "$d/warmup/pcma.wav"
  (cd "$d/warmup" && exec sipp "$@" -sf "$SCEN/uac_short.xml" -i 127.0.0.1 -p "$UAC_PORT" -mi 127.0.0.1 \
    -mp "$UAC_MP" -r "$WARMUP_RATE" -m "$WARMUP_CALLS" -l $((WARMUP_RATE * 5)) -timeout 30 -nostdin \
    -trace_err -trace_stat -fd 1 -stf uac_stat.csv > uac.out 2>&1) &
  local w=$!; track $w; watchdog $w 35
  wait $w; WARMUP_RC=$?; untrack $w
  if [ "$WARMUP_MEDIA_CALLS" -gt 0 ]; then
    # shellcheck disable=SC2086
    (cd "$d/warmup" && exec sipp "$@" -sf "$SCEN/${WARMUP_MEDIA_SCEN:-uac_warm_media.xml}" ${WARMUP_MEDIA_ARGS:-} \
      -i 127.0.0.1 -p "$UAC_PORT" -mi 127.0.0.1 -mp "$UAC_MP" -r 20 -m "$WARMUP_MEDIA_CALLS" -l "$WARMUP_MEDIA_CALLS" -timeout 40 -nostdin \
      -trace_err -trace_stat -fd 1 -stf uac_media_stat.csv > uac_media.out 2>&1) &
    w=$!; track $w; watchdog $w 45
    # Read the relay's packet counter once while the warm-up's media flows, as the window's sampler does: in callrec
    # the first such read with calls up ran code (JSON, a Formatter, method handles) that made the JIT drop the
    # compiled relay path in the measured window (PrintCompilation; docs/performance.md). Same for both systems.
    (sleep 4; warmup_counter_read) > "$d/warmup/counter_read.txt" 2>&1 &
    wait $w; WARMUP_MEDIA_RC=$?; untrack $w
    [ "$WARMUP_MEDIA_RC" = 0 ] || WARMUP_RC="${WARMUP_RC}+media:$WARMUP_MEDIA_RC"
  fi
  # The warm-up's ended calls keep SIP transactions for up to 32 s (RFC 3261 timers J and K); callrec's SIP timer
  # thread then polls ~400 calls' worth of them through the window (0.5 % of a core at any N), more than a steady
  # state at N = 100 holds. Both systems wait them out, so the window carries only the measured calls.
  sleep "$WARMUP_SETTLE_S"
}

# --- one long-call run ------------------------------------------------------------------------------
run_relay() {  # run_relay N SYSTEM VARIANT
  local n=$1 sys=$2 variant=$3 label d opts="" relay_range target=()
  label=$n-$sys${variant:+-$variant}
  d=$OUT/relay/$label; rm -rf "$d"; mkdir -p "$d"
  log "relay run N=$n $sys $variant (load $(loadavg))"
  local load0; load0=$(loadavg)
  uac_media_free "$n" || return 1
  check_free uac "udp:$UAC_PORT" || return 1
  if [ "$sys" = callrec ]; then
    [ "$variant" = plain ] || opts=$JVM_OPTS
    start_callrec "$d" "$opts" || return 1
    relay_range=$CR_RTP; target=(127.0.0.1:$UAS_PORT -rsa 127.0.0.1:$CR_SIP)
    groups=(callrec=$SUT_PID); counter=--counter=callrec:http://127.0.0.1:$CR_HTTP/health; threads=--threads=callrec
  else
    start_peer "$d" || return 1
    relay_range=$RTPE_RTP; target=(127.0.0.1:$KAM_PORT)
    groups=(rtpengine=$SUT_PID kamailio=$KAMPIDS); counter=--counter=rtpengine:127.0.0.1:$CLI_PORT; threads=--threads=rtpengine
  fi
  start_uas "$d" -rtp_echo || return 1
  warmup "$d" "${target[@]}"
  local cap_pid="" rl rh
  rl=$(range_lo "$relay_range"); rh=$(range_hi "$relay_range")
  if [ "$LOSS_CAPTURE" = 1 ]; then
    # the four legs around the relay, headers only (tcpdump costs < 1 % of a core here); only packets
    # between the relay and our two SIPp instances: other processes use ports in these ranges too
    start_tcpdump "$d/capture.err" -s 54 -B 65536 -w "$d/capture.pcap" \
      "udp and portrange $rl-$rh and (portrange $UAC_MP-$((UAC_MP + 9999)) or port $UAS_MP)" || return 1
    cap_pid=$TD_PID; groups+=(tcpdump=$cap_pid)
  fi
  local sip_pid=""
  if [ "$n" = "$LAT_N" ] && [ "$variant" != plain ]; then
    # the signalling of the measured calls: their SDP says which two relay ports belong to one call
    start_tcpdump "$d/sip.err" -s 0 -B 16384 -c 200000 -w "$d/sip.pcap" "udp and (port $UAC_PORT or port $UAS_PORT)" \
      && sip_pid=$TD_PID
  fi
  local rate=$(( (n + RAMP_S - 1) / RAMP_S )) t0 t1 uac_rc
  [ "$LOAD" = stream ] && ln -sf "$STREAM_WAV" "$d/pcma.wav"
  t0=$(date +%s.%N)
  (cd "$d" && exec sipp "${target[@]}" -sf "$SCEN/$LONG_SCEN" -i 127.0.0.1 -p "$UAC_PORT" \
    -mi 127.0.0.1 -mp "$UAC_MP" -m "$n" -l "$n" -r "$rate" -timeout $UAC_TIMEOUT -nostdin -trace_err \
    -trace_stat -fd 2 -stf uac_stat.csv > uac.out 2>&1) &
  local uac=$!; track $uac
  watchdog $uac $((UAC_TIMEOUT + 5))
  groups+=(sipp_uac=$uac sipp_uas=$UAS_PID)
  python3 "$TOOLS/sample.py" "$d/sample_full.json" $FULL_S "${groups[@]}" 2> "$d/sample_full.err" &
  local full=$!; track $full
  sleep $WARM_S
  python3 "$TOOLS/sample.py" "$d/sample.json" $WINDOW_S "${groups[@]}" "$counter" "$threads" 2> "$d/sample.err"
  if [ "$PROFILE_S" != 0 ]; then
    # where the relay's CPU goes, sampled after the CPU window (sampling costs a little); delays the latency capture
    python3 "$TOOLS/kernel_shares.py" "$d/kernel_shares.json" "$PROFILE_S" "$SUT_PID" > "$d/kernel_shares.txt" 2>&1 \
      || log "WARNING: kernel_shares.py failed: $(tail -1 "$d/kernel_shares.txt")"
  fi
  if [ "$n" = "$LAT_N" ] && [ "$variant" != plain ]; then
    # all four legs, whole packets, bounded by time and count; after the CPU window
    # (only packets between the relay and our two SIPp instances: other processes use ports in these ranges too)
    start_tcpdump "$d/latency.err" -s 256 -B 65536 -c "$LAT_MAX" --time-stamp-precision=nano -w "$d/latency.pcap" \
      "udp and portrange $rl-$rh and (portrange $UAC_MP-$((UAC_MP + 9999)) or port $UAS_MP)" \
      && { sleep "$LAT_S"; stop_tcpdump $TD_PID; }
  fi
  [ -n "$sip_pid" ] && stop_tcpdump "$sip_pid"
  wait $uac; uac_rc=$?; untrack $uac
  t1=$(date +%s.%N)
  # a run is only valid if the callee and the system under test lived through it (other developers on
  # this machine stop processes by name now and then)
  local uas_alive=1 sut_alive=1
  kill -0 $UAS_PID 2>/dev/null || { uas_alive=0; log "WARNING: the SIPp UAS died during the run: $(uas_death "$d")"; }
  kill -0 $SUT_PID 2>/dev/null || { sut_alive=0; log "WARNING: $sys died during the run"; }
  wait $full; untrack $full
  sleep 2   # late echoes, BYE handling
  [ -n "$cap_pid" ] && stop_tcpdump "$cap_pid"
  # packets the kernel dropped because the callee's socket buffer was full (the load generator's loss)
  udp_drops "$UAS_MP" > "$d/uas_socket_drops.txt"
  stop $UAS_PID 3
  if [ "$sys" = callrec ]; then
    curl -s "http://127.0.0.1:$CR_HTTP/health" > "$d/health_end.json"
    command -v jstat >/dev/null && timeout 10 jstat -gcutil "$SUT_PID" > "$d/jstat.txt" 2>&1
    stop $SUT_PID 15
  else
    rtpe_totals > "$d/rtpengine_totals_end.txt" 2>&1
    stop $KAM_PID 5; stop $SUT_PID 5
  fi
  if [ -f "$d/capture.pcap" ]; then
    python3 "$TOOLS/leg_counts.py" "$d/capture.pcap" "$UAC_MP-$((UAC_MP + 9999))" "$relay_range" "$UAS_MP" > "$d/legs.json"
    [ "$KEEP_PCAPS" = 1 ] || rm -f "$d/capture.pcap"
  fi
  if [ -f "$d/latency.pcap" ]; then
    local pairs=()
    if [ -f "$d/sip.pcap" ]; then
      python3 "$TOOLS/sdp_pairs.py" "$d/sip.pcap" "$UAC_PORT" "$UAS_PORT" \
        $([ "$sys" = callrec ] && echo "$d/callrec.log") > "$d/pairs.json" && pairs=("$d/pairs.json")
    fi
    python3 "$TOOLS/relay_latency.py" "$d/latency.pcap" "$relay_range" "${pairs[@]}" > "$d/latency.json"
    [ "$KEEP_PCAPS" = 1 ] || rm -f "$d/latency.pcap" "$d/sip.pcap"
  fi
  local errs=0
  [ "$sys" = callrec ] && errs=$(grep -cE ' (ERROR|WARN) ' "$d/callrec.log")
  [ "$sys" = peer ] && errs=$(grep -cE 'ERR|CRIT|WARNING' "$d/rtpengine.log")
  python3 "$TOOLS/collect.py" relay "$d" N="$n" system="$sys" variant="${variant:-norec}" \
    jvm_opts="${opts:-none}" load="$LOAD" uac_rc="$uac_rc" run_s="$(python3 -c "print(round($t1-$t0,1))")" \
    load_before="$load0" load_after="$(loadavg)" log_warn_err="$errs" warmup_rc="${WARMUP_RC:-none}" \
    uas_alive=$uas_alive sut_alive=$sut_alive >> "$RESULTS"
  python3 "$TOOLS/report.py" --row "$(tail -1 "$RESULTS")" >&2
}

# --- call setup rate --------------------------------------------------------------------------------
run_setup() {  # run_setup SYSTEM: every rate in SETUP_RATES against one instance
  local sys=$1 d r
  d=$OUT/setup/$sys; rm -rf "$d"; mkdir -p "$d"
  log "setup-rate runs through $sys (load $(loadavg))"
  check_free uac "udp:$UAC_PORT" || return 1
  if [ "$sys" = callrec ]; then
    start_callrec "$d" "$JVM_OPTS" || return 1
    target=(127.0.0.1:$UAS_PORT -rsa 127.0.0.1:$CR_SIP); groups=(callrec=$SUT_PID); threads=--threads=callrec
  else
    start_peer "$d" || return 1
    target=(127.0.0.1:$KAM_PORT); groups=(rtpengine=$SUT_PID kamailio=$KAMPIDS); threads=--threads=rtpengine
  fi
  start_uas "$d" || return 1
  warmup "$d" "${target[@]}"
  stop $UAS_PID 3
  for r in $SETUP_RATES; do
    local rd=$d/$r; mkdir -p "$rd"
    start_uas "$rd" || return 1   # a fresh callee per step: one step's trouble does not carry over
    local load0; load0=$(loadavg)
    # the caller's SIP only (INVITE -> 200 timing, microsecond timestamps), bounded in count
    start_tcpdump "$rd/sip.err" -s 0 -B 16384 -c 200000 -w "$rd/sip.pcap" "udp and port $UAC_PORT" || return 1
    local sip_cap=$TD_PID
    (cd "$rd" && exec sipp "${target[@]}" -sf "$SCEN/uac_short.xml" -i 127.0.0.1 \
      -p "$UAC_PORT" -mi 127.0.0.1 -mp "$UAC_MP" -r "$r" -m $((r * SETUP_S)) -l $((r * 5)) \
      -timeout $((SETUP_S + 25)) -nostdin -trace_err -trace_stat -fd 1 -stf uac_stat.csv \
      > uac.out 2>&1) &
    local uac=$!; track $uac
    watchdog $uac $((SETUP_S + 30))
    python3 "$TOOLS/sample.py" "$rd/sample.json" "$SETUP_S" "${groups[@]}" sipp_uac=$uac sipp_uas=$UAS_PID "$threads" 2> "$rd/sample.err"
    wait $uac; local rc=$?; untrack $uac
    local alive=1
    { kill -0 $UAS_PID && kill -0 $SUT_PID; } 2>/dev/null || { alive=0; log "WARNING: the UAS or $sys died during the run; UAS: $(uas_death "$rd")"; }
    stop_tcpdump "$sip_cap"
    python3 "$TOOLS/sip_setup_times.py" "$rd/sip.pcap" "$UAC_PORT" > "$rd/setup_times.json"
    [ "$KEEP_PCAPS" = 1 ] || rm -f "$rd/sip.pcap"
    stop $UAS_PID 3   # its final statistics screen is printed on exit
    python3 "$TOOLS/collect.py" setup "$rd" system="$sys" rate="$r" uac_rc="$rc" duration_s="$SETUP_S" \
      load_before="$load0" load_after="$(loadavg)" uas_and_sut_alive=$alive >> "$RESULTS"
    python3 "$TOOLS/report.py" --row "$(tail -1 "$RESULTS")" >&2
    sleep 2
  done
  if [ "$sys" = callrec ]; then
    curl -s "http://127.0.0.1:$CR_HTTP/health" > "$d/health_end.json"; stop $SUT_PID 15
  else
    stop $KAM_PID 5; stop $SUT_PID 5
  fi
}

# rec-bench.sh sources this file for the functions above (BENCH_LIB=1) and runs its own main
[ "${BENCH_LIB:-0}" = 1 ] && return 0

# --- main ---------------------------------------------------------------------------------------------
make_stream_tone || exit 1
if command -v java >/dev/null; then java -version 2>&1 | head -1 > "$OUT/java-version.txt"; fi
for pass in $(seq 1 "$PASSES"); do
: > "$RESULTS"
python3 - "$JVM_OPTS" "$(loadavg)" "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')" "$pass" \
  "$(head -1 "$OUT/java-version.txt" 2>/dev/null)" >> "$RESULTS" <<'PY'
import json, os, platform, sys, time
model = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
mhz = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('cpu MHz')), '?')
mem = next((l.split()[1] for l in open('/proc/meminfo') if l.startswith('MemTotal')), '0')
print(json.dumps({'kind': 'machine', 'nproc': os.cpu_count(), 'cpu_model': model, 'cpu_mhz': mhz,
                  'mem_mb': int(mem) // 1024, 'kernel': platform.release(), 'jvm_opts': sys.argv[1],
                  'load_start': sys.argv[2], 'commit': sys.argv[3], 'pass': int(sys.argv[4]), 'java': sys.argv[5],
                  'started': time.strftime('%Y-%m-%dT%H:%M:%S')}))
PY
log "pass $pass/$PASSES: $(nproc) cores, load $(loadavg); results in $OUT"

for n in $NS; do
  for sys in $SYSTEMS; do
    run_relay "$n" "$sys" "" || log "run N=$n $sys could not run"
    cleanup
  done
  if [[ " $SYSTEMS " == *" callrec "* ]] && [[ " $PLAIN_NS " == *" $n "* ]]; then
    run_relay "$n" callrec plain || log "run N=$n callrec plain could not run"
    cleanup
  fi
done
for sys in $SETUP_SYSTEMS; do
  [ -n "$SETUP_RATES" ] || break
  run_setup "$sys" || log "setup runs through $sys could not run"
  cleanup
done
echo "{\"kind\": \"end\", \"load_end\": \"$(loadavg)\", \"ended\": \"$(date +%Y-%m-%dT%H:%M:%S)\"}" >> "$RESULTS"
python3 "$TOOLS/report.py" "$RESULTS" > "$OUT/report.md"
cp "$RESULTS" "$OUT/results.pass$pass.jsonl"; cp "$OUT/report.md" "$OUT/report.pass$pass.md"
done
if [ "$PASSES" -gt 1 ]; then
  python3 "$TOOLS/summary.py" "$OUT"/results.pass*.jsonl > "$OUT/summary.md"
  cat "$OUT/summary.md"
else
  cat "$OUT/report.md"
fi
exit 0
