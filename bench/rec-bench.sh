#!/bin/bash
# Recording benchmark: the same N concurrent calls through callrec relay-only and callrec recording
# (playable per-party Matroska files), and through the reference peer recording (rtpengine writing
# pcap, Kamailio's record-call=yes), in one invocation. See bench/README.md ("Recording benchmark").
#
#   bash bench/rec-bench.sh                          # audio N=200 and 500, audio + H.264 video N=100 (~12 min)
#   AUDIO_NS=100 AV_NS=20 bash bench/rec-bench.sh    # a short run
#
# It reuses relay-bench.sh's functions (process tracking, port checks, starting the systems, warm-up,
# sampling) and runs on other ports than relay-bench.sh's defaults, so both can run at once.
# Results: $OUT (default /tmp/callrec-recbench): one directory per run, results.jsonl, report.md.
# Never fails on a missed target; exits non-zero only when it cannot run.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
export OUT=${OUT:-/tmp/callrec-recbench}
AUDIO_NS=${AUDIO_NS-200 500}
AV_NS=${AV_NS-100}
AUDIO_SYSTEMS=${AUDIO_SYSTEMS-callrec:norec callrec:rec peer:rec}
AV_SYSTEMS=${AV_SYSTEMS-callrec:norec callrec:rec}
WARMUP_REC_S=${WARMUP_REC_S:-20}     # seconds of media per recorded warm-up call (callrec recording runs; <= 30)
CHECK_CALLS=${CHECK_CALLS:-3}        # recorded calls whose three files are checked with ffprobe/ffmpeg
# The steady window: from 12 s to 27 s after the caller starts (calls up from 2 s to 29 s). Until 2026-11-26 it was
# relay-bench's 4-20 s, which took in callrec's JIT settling on the run's load (bench/README.md, "Window").
REC_WARM_S=${REC_WARM_S:-12} REC_WINDOW_S=${REC_WINDOW_S:-15}
# relay-bench.sh's ports + 1000, relay and caller ranges moved clear of relay-bench.sh's capture filters
CR_SIP=${CR_SIP:-16060} CR_HTTP=${CR_HTTP:-19088} CR_RTP=${CR_RTP:-56000-58999}
KAM_PORT=${KAM_PORT:-16070} NG_PORT=${NG_PORT:-13223} CLI_PORT=${CLI_PORT:-13224} RTPE_RTP=${RTPE_RTP:-60000-62999}
UAS_PORT=${UAS_PORT:-16080} UAS_MP=${UAS_MP:-18000} UAC_PORT=${UAC_PORT:-16090} UAC_MP=${UAC_MP:-52000}
MSG_PORT=${MSG_PORT:-16091}  # tools/sip_answer.py: answers the recorded warm-up calls' INFOs and link MESSAGEs
VID_MP=${VID_MP:-55000}              # video_sender.py: call k sends from VID_MP + k - 1
SYSTEMS="callrec peer" SETUP_SYSTEMS="" SETUP_RATES=""
BENCH_LIB=1
# shellcheck source=relay-bench.sh
. "$HERE/relay-bench.sh"
need ffprobe ffmpeg
RESULTS=$OUT/results.jsonl

run_rec() {  # run_rec N MEDIA(audio|av) SYSTEM(callrec|peer) MODE(rec|norec)
  local n=$1 media=$2 sys=$3 mode=$4 d label scen hdr relay_range target=()
  label=$n-$media-$sys-$mode; d=$OUT/rec/$label; rm -rf "$d"; mkdir -p "$d"
  local load0; load0=$(loadavg)
  log "run $label (load $load0)"
  uac_media_free "$n" || return 1
  check_free uac "udp:$UAC_PORT" || return 1
  # the callee answers the recording notice callrec sends it by MESSAGE, as a phone does (uas_pcma_msg.xml)
  scen=$SCEN/uac_rec_long.xml; UAS_SCEN=$SCEN/uas_pcma_msg.xml
  # LOAD=stream (relay-bench.sh): the audio runs' callers send through rtp_stream; the A+V runs keep the pcap
  [ "$LOAD" = stream ] && [ "$media" = audio ] && { scen=$SCEN/uac_rec_stream.xml; ln -sf "$STREAM_WAV" "$d/pcma.wav"; }
  [ "$media" = av ] && { scen=$SCEN/uac_rec_av.xml; UAS_SCEN=$SCEN/uas_av.xml; }
  hdr="X-Bench: norec"; [ "$sys" = callrec ] && [ "$mode" = rec ] && hdr="Callrec-Request: both"
  # the callee answers callrec's INFOs/MESSAGEs if any reach it; the same for every system
  UAS_ARGS=-aa
  if [ "$sys" = callrec ]; then
    # the default trusted peers include loopback; every call is recorded (the default cap is 200 at once)
    CALLREC_ARGS="--consent one-party --max-recordings 1000"
    start_callrec "$d" "$JVM_OPTS" || return 1
    relay_range=$CR_RTP; target=(127.0.0.1:$UAS_PORT -rsa 127.0.0.1:$CR_SIP)
    groups=(callrec=$SUT_PID); counter=--counter=callrec:http://127.0.0.1:$CR_HTTP/health; threads=--threads=callrec
  else
    RTPE_ARGS=""; KAM_ARGS=""
    if [ "$mode" = rec ]; then
      mkdir -p "$d/rec"
      # as the reference peer's run.sh records: raw pcap per call, record-call=yes from Kamailio
      RTPE_ARGS="--recording-method=pcap --recording-dir=$d/rec --recording-format=raw"; KAM_ARGS="-A WITH_REC"
    fi
    start_peer "$d" || return 1
    relay_range=$RTPE_RTP; target=(127.0.0.1:$KAM_PORT)
    groups=(rtpengine=$SUT_PID kamailio=$KAMPIDS); counter=--counter=rtpengine:127.0.0.1:$CLI_PORT; threads=--threads=rtpengine
  fi
  start_uas "$d" -rtp_echo || return 1
  WARMUP_MEDIA_SCEN=uac_warm_media.xml; WARMUP_MEDIA_ARGS=""
  local answer_pid="" warm_vs=""
  if [ "$sys" = callrec ] && [ "$mode" = rec ]; then
    # callrec records its media warm-up calls when it will record: its recorder is compiled before the window
    # too (the peer records every call, warm-up included, anyway). Their INFOs and link MESSAGEs go to
    # tools/sip_answer.py (the calls' Contact), which answers them, so no delivery is left for the window.
    check_free answer "udp:$MSG_PORT" || return 1
    python3 "$HERE/tools/sip_answer.py" "$MSG_PORT" "$d/warmup_answered.json" 2> "$d/sip_answer.err" &
    answer_pid=$!; track $answer_pid
    WARMUP_MEDIA_SCEN=uac_warm_rec.xml
    WARMUP_MEDIA_ARGS="-aa -key msg_port $MSG_PORT -key pcap_audio $AUDIO_PCAP -d $((WARMUP_REC_S * 1000))"
    if [ "$media" = av ]; then
      # the video path too: the warm-up calls get their H.264 stream from a sender of their own, stopped after
      : > "$d/warmup_video_calls.txt"
      python3 "$TOOLS/video_sender.py" send "$VIDEO_PCAP" "$d/warmup_video_calls.txt" "$VID_MP" \
        "$d/warmup_video_sender.json" 2> "$d/warmup_video_sender.err" &
      warm_vs=$!; track $warm_vs
      WARMUP_MEDIA_SCEN=uac_warm_rec_av.xml; WARMUP_MEDIA_ARGS="$WARMUP_MEDIA_ARGS -key video_calls $d/warmup_video_calls.txt"
    fi
  fi
  warmup "$d" "${target[@]}"
  [ -n "$warm_vs" ] && stop $warm_vs 3
  if [ -n "$answer_pid" ]; then
    # the warm-up's recordings are finished, stored and their links delivered before the run starts, then set
    # aside: not part of it
    local wi h
    for ((wi = 0; wi < 600; wi++)); do
      # by the parsed fields: /health's key order is not fixed (a grep for '"max":N,"active":0' waited out the
      # whole minute in most runs)
      curl -sf "http://127.0.0.1:$CR_HTTP/health" 2>/dev/null | python3 -c 'import json, sys
h = json.load(sys.stdin); s = h["storage"]
sys.exit(0 if h["limits"]["recordings"]["active"] == 0 and s["pendingUploads"] == 0 and s["pendingLinks"] == 0 else 1)' \
        && break
      sleep 0.1
    done
    kill "$answer_pid" 2>/dev/null; wait "$answer_pid" 2>/dev/null; untrack "$answer_pid"
    log "  warm-up recordings: $(find "$d/data" -name manifest.json 2>/dev/null | wc -l) stored, links delivered after $((wi / 10)) s (answered: $(cat "$d/warmup_answered.json" 2>/dev/null)); set aside"
    mkdir -p "$d/warmup/recordings"
    find "$d/data" -name manifest.json -printf '%h\n' 2>/dev/null | while read -r r; do mv "$r" "$d/warmup/recordings/"; done
  fi
  # the warm-up's short calls leave empty pcaps (the peer records every call): not part of the run
  [ "$sys" = peer ] && [ "$mode" = rec ] && rm -f "$d"/rec/pcaps/*.pcap
  local rl rh uac_hi=$((UAC_MP + 4 * n - 1)) cap_pid
  rl=$(range_lo "$relay_range"); rh=$(range_hi "$relay_range")
  start_tcpdump "$d/capture.err" -s 54 -B 65536 -w "$d/capture.pcap" \
    "udp and portrange $rl-$rh and (portrange $UAC_MP-$uac_hi or portrange $VID_MP-$((VID_MP + n - 1)) or port $UAS_MP or port $((UAS_MP + 2)))" || return 1
  cap_pid=$TD_PID; groups+=(tcpdump=$cap_pid)
  local vkeys=() vs_pid=""
  if [ "$media" = av ]; then
    : > "$d/video_calls.txt"
    python3 "$TOOLS/video_sender.py" send "$VIDEO_PCAP" "$d/video_calls.txt" "$VID_MP" "$d/video_sender.json" \
      2> "$d/video_sender.err" &
    vs_pid=$!; track $vs_pid; groups+=(video_sender=$vs_pid)
    vkeys=(-key video_calls "$d/video_calls.txt")
  fi
  local rate=$(( (n + RAMP_S - 1) / RAMP_S )) uac_rc t0 t1
  t0=$(date +%s.%N)
  (cd "$d" && exec sipp "${target[@]}" -sf "$scen" -aa -key rec_header "$hdr" -key pcap_audio "$AUDIO_PCAP" "${vkeys[@]}" -i 127.0.0.1 \
    -p "$UAC_PORT" -mi 127.0.0.1 -mp "$UAC_MP" -m "$n" -l "$n" -r "$rate" -timeout $UAC_TIMEOUT -nostdin \
    -trace_err -trace_stat -fd 2 -stf uac_stat.csv > uac.out 2>&1) &
  local uac=$!; track $uac
  watchdog $uac $((UAC_TIMEOUT + 5))
  groups+=(sipp_uac=$uac sipp_uas=$UAS_PID)
  python3 "$TOOLS/sample.py" "$d/sample_full.json" $FULL_S "${groups[@]}" 2> "$d/sample_full.err" &
  local full=$!; track $full
  sleep $REC_WARM_S
  # disk writes of the system under test over the same window as the CPU (/proc/PID/io)
  local io0 io1 tw0 tw1
  io0=$(awk '/^(write_bytes|wchar):/ { printf "%s ", $2 }' /proc/$SUT_PID/io); tw0=$(date +%s.%N)
  python3 "$TOOLS/sample.py" "$d/sample.json" $REC_WINDOW_S "${groups[@]}" "$counter" "$threads" 2> "$d/sample.err"
  io1=$(awk '/^(write_bytes|wchar):/ { printf "%s ", $2 }' /proc/$SUT_PID/io); tw1=$(date +%s.%N)
  python3 -c 'import json, sys; a, b = sys.argv[1].split(), sys.argv[2].split()
print(json.dumps({"wchar": int(b[0]) - int(a[0]), "write_bytes": int(b[1]) - int(a[1]), "window_s": float(sys.argv[4]) - float(sys.argv[3])}))' \
    "$io0" "$io1" "$tw0" "$tw1" > "$d/io.json"
  if [ "$LIVE_HEAP" = 1 ] && [ "$sys" = callrec ]; then
    # after the window: the live set (a class histogram forces a full collection, so not during the window)
    { timeout 20 jcmd $SUT_PID GC.class_histogram | head -25; timeout 10 jcmd $SUT_PID GC.heap_info; } > "$d/live_heap.txt" 2>&1
  fi
  wait $uac; uac_rc=$?; untrack $uac
  t1=$(date +%s.%N)
  local uas_alive=1 sut_alive=1
  kill -0 $UAS_PID 2>/dev/null || { uas_alive=0; log "WARNING: the SIPp UAS died during the run"; }
  kill -0 $SUT_PID 2>/dev/null || { sut_alive=0; log "WARNING: $sys died during the run"; }
  wait $full; untrack $full
  [ -n "$vs_pid" ] && stop $vs_pid 3
  sleep 2
  stop_tcpdump "$cap_pid"
  udp_drops "$UAS_MP" > "$d/uas_socket_drops.txt"
  stop $UAS_PID 3
  if [ "$sys" = callrec ]; then
    if [ "$mode" = rec ]; then
      # recordings are finished after the BYE (files closed, manifest written, moved to the spool and on to
      # storage): wait until every call has its manifest, at most 60 s
      local i have=0
      for ((i = 0; i < 600; i++)); do
        have=$(find "$d/data" -name manifest.json 2>/dev/null | wc -l)
        [ "$have" -ge "$n" ] && break; sleep 0.1
      done
      sleep 1
      log "  $have manifests after $((i / 10)) s; checking $CHECK_CALLS recordings with ffprobe"
    fi
    curl -s -m 10 "http://127.0.0.1:$CR_HTTP/health" > "$d/health_end.json"   # bounded: a server out of memory may not answer
    stop $SUT_PID 15
    [ "$mode" = rec ] && python3 "$TOOLS/rec_report.py" recordings "$d/data" "$CHECK_CALLS" "$d/recordings.json"
  else
    rtpe_totals > "$d/rtpengine_totals_end.txt" 2>&1
    stop $KAM_PID 5; stop $SUT_PID 5
    [ "$mode" = rec ] && python3 "$TOOLS/rec_report.py" pcaps "$d/rec" "$d/pcaps.json"
  fi
  python3 "$TOOLS/rec_legs.py" "$d/capture.pcap" "$UAC_MP" "$n" "$VID_MP" "$relay_range" "$UAS_MP" > "$d/legs.json"
  [ "$KEEP_PCAPS" = 1 ] || rm -rf "$d/capture.pcap" "$d/rec/pcaps"
  [ "$KEEP_FILES" = 1 ] || rm -rf "$d/data"
  local errs=0
  [ "$sys" = callrec ] && errs=$(grep -cE ' (ERROR|WARN) ' "$d/callrec.log")
  [ "$sys" = peer ] && errs=$(grep -cE 'ERR|CRIT|WARNING' "$d/rtpengine.log")
  python3 "$TOOLS/rec_report.py" row "$d" N="$n" media="$media" system="$sys" mode="$mode" variant="$mode" load="$LOAD" \
    uac_rc="$uac_rc" run_s="$(python3 -c "print(round($t1-$t0,1))")" load_before="$load0" \
    load_after="$(loadavg)" log_warn_err="$errs" uas_alive=$uas_alive sut_alive=$sut_alive >> "$RESULTS"
  python3 - "$(tail -1 "$RESULTS")" <<'PY' >&2
import json, sys
r = json.loads(sys.argv[1]); x = r.get('recordings') or {}
print(f"  calls {r.get('calls_ok')}/{r.get('calls_failed')} cpu {r.get('relay_cpu_pct')} % rss {r.get('relay_rss_peak_mb')} MB "
      f"disk {r.get('disk_write_mb_s')} MB/s lost-in-relay {r.get('relay_lost_pkts')} manifests {x.get('manifests')} "
      f"overflow {x.get('overflow_packets')} playable {x.get('files_playable')}/{x.get('files_checked')} other {r.get('other_busy_pct')}")
PY
}

KEEP_FILES=${KEEP_FILES:-0}
LIVE_HEAP=${LIVE_HEAP:-0}   # 1: jcmd class histogram and heap info of callrec after the window (full GC)
mkdir -p "$OUT/bin"
VIDEO_PCAP=$OUT/bin/h264_320x240_15fps.pcap
AUDIO_PCAP=$OUT/bin/g711a_28s.pcap
python3 "$TOOLS/long_pcap.py" /usr/share/sip-tester/g711a.pcap "$AUDIO_PCAP" 4 7.06 || { echo "could not make $AUDIO_PCAP"; exit 1; }
make_stream_tone || exit 1
if [ -n "$AV_NS" ] && [ ! -s "$VIDEO_PCAP" ]; then
  python3 "$TOOLS/video_sender.py" make "$VIDEO_PCAP" 28 > "$OUT/bin/video_pcap.json" || { echo "could not make $VIDEO_PCAP"; exit 1; }
fi
: > "$RESULTS"
echo "{\"kind\": \"machine\", \"load_start\": \"$(loadavg)\", \"commit\": \"$(git -C "$HERE" rev-parse --short HEAD)\", \"started\": \"$(date -u +%FT%TZ)\"}" >> "$RESULTS"
log "recording bench: $(nproc) cores, load $(loadavg); results in $OUT"
for n in $AUDIO_NS; do
  for s in $AUDIO_SYSTEMS; do run_rec "$n" audio "${s%:*}" "${s#*:}" || log "run N=$n audio $s could not run"; cleanup; done
done
for n in $AV_NS; do
  for s in $AV_SYSTEMS; do run_rec "$n" av "${s%:*}" "${s#*:}" || log "run N=$n av $s could not run"; cleanup; done
done
echo "{\"kind\": \"end\", \"load_end\": \"$(loadavg)\", \"ended\": \"$(date -u +%FT%TZ)\"}" >> "$RESULTS"
python3 "$TOOLS/rec_report.py" report "$RESULTS" > "$OUT/report.md"
cat "$OUT/report.md"
exit 0
