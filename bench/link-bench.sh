#!/bin/bash
# End of call -> link ready, and download throughput through the link, for one audio + video recording
# on local storage and on S3 (S3Proxy on loopback). See bench/README.md ("Link benchmark").
#
#   bash bench/link-bench.sh                        # a 10-minute call per storage (file, s3): ~25 min
#   DURATION_S=60 bash bench/link-bench.sh          # the short check: ~5 min
#   STORAGES=file bash bench/link-bench.sh          # local storage only
#
# The call: SIPp runs docs/sipp/uac_consent.xml (PCMA by rtp_stream, H.264 from a pcap) through callrec to
# docs/sipp/uas_consent_grant.xml, which echoes both (-rtp_echo) and grants consent; the recording (mode both:
# requester.mkv, peer.mkv, combined.mkv) starts right after the call is set up, runs DURATION_S seconds and
# is stopped by the requester's stop INFO; the link arrives as a MESSAGE in the dialog. A capture of the
# requester's SIP and callrec's log give the times (tools/link_times.py); then every file is downloaded
# whole and by Range through the link (tools/link_download.py). Results: $OUT (default
# /tmp/callrec-linkbench): one directory per run, results.jsonl, report.md.
# Never fails on a missed target; exits non-zero only when it cannot run.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
export OUT=${OUT:-/tmp/callrec-linkbench}
DURATION_S=${DURATION_S:-600}
STORAGES=${STORAGES-file s3}
RANGES=${RANGES:-200}                 # Range requests per file
RANGE_BYTES=${RANGE_BYTES:-1048576}
WARMUP_S=${WARMUP_S:-5}               # one short recording first (0: none), so that finishing, storing,
                                      # delivering a link and downloading is not the JVM's first time through that code
VIDEO_SIZE=${VIDEO_SIZE:-640x360} VIDEO_FPS=${VIDEO_FPS:-15} VIDEO_KBPS=${VIDEO_KBPS:-400} VIDEO_GOP=${VIDEO_GOP:-30}
KEEP_FILES=${KEEP_FILES:-0}           # 1: keep the recordings, the downloads and the S3 store
S3PROXY_JAR=${S3PROXY_JAR:-$HOME/.m2/repository/org/gaul/s3proxy/2.6.0/s3proxy-2.6.0-jar-with-dependencies.jar}
S3PROXY_OPTS=${S3PROXY_OPTS:--Xmx512m}
BUCKET=linkbench S3_ID=linkbench S3_SECRET=linkbench-secret
# Above the ephemeral range (32768-60999) and clear of relay-bench.sh's and rec-bench.sh's ports; checked free.
CR_SIP=${CR_SIP:-61060} CR_HTTP=${CR_HTTP:-61088} CR_RTP=${CR_RTP:-63000-63999}
UAS_PORT=${UAS_PORT:-61080} UAS_MP=${UAS_MP:-61100} UAC_PORT=${UAC_PORT:-61090} UAC_MP=${UAC_MP:-61200}
S3_PORT=${S3_PORT:-61300}
SYSTEMS="callrec" SETUP_SYSTEMS="" SETUP_RATES="" WARMUP_CALLS=0 TRACE_UAS=0
BENCH_LIB=1
# shellcheck source=relay-bench.sh
. "$HERE/relay-bench.sh"
need ffmpeg ffmpeg; need ffprobe ffmpeg
[ -f "$S3PROXY_JAR" ] || [[ " $STORAGES " != *" s3 "* ]] || {
  echo "no $S3PROXY_JAR: mvn -o -q dependency:get -Dartifact=org.gaul:s3proxy:2.6.0:jar:jar-with-dependencies, or set S3PROXY_JAR"; exit 1; }
RESULTS=$OUT/results.jsonl
SIPP_DOCS=$ROOT/docs/sipp

start_s3proxy() {  # start_s3proxy DIR -> S3_PID; an empty store with the bucket (a directory to its filesystem provider)
  local s3=$1/s3 i
  check_free s3proxy "tcp:$S3_PORT" || return 1
  mkdir -p "$s3/blobs/$BUCKET"
  printf '%s\n' "s3proxy.endpoint=http://127.0.0.1:$S3_PORT" "s3proxy.authorization=aws-v2-or-v4" \
    "s3proxy.identity=$S3_ID" "s3proxy.credential=$S3_SECRET" "jclouds.provider=filesystem-nio2" \
    "jclouds.identity=$S3_ID" "jclouds.credential=$S3_SECRET" "jclouds.filesystem.basedir=$s3/blobs" > "$s3/s3proxy.properties"
  # shellcheck disable=SC2086
  java $S3PROXY_OPTS -jar "$S3PROXY_JAR" --properties "$s3/s3proxy.properties" > "$s3/s3proxy.log" 2>&1 &
  S3_PID=$!; track $S3_PID
  for ((i = 0; i < 600; i++)); do
    tcp_busy "$S3_PORT" && return 0
    kill -0 $S3_PID 2>/dev/null || { echo "S3Proxy exited:"; tail -5 "$s3/s3proxy.log"; return 1; }
    sleep 0.1
  done
  echo "S3Proxy not listening after 60 s"; return 1
}

storage_available() {  # waits up to 30 s for /health to say storage available
  local i
  for ((i = 0; i < 300; i++)); do
    curl -s -m 2 "http://127.0.0.1:$CR_HTTP/health" | grep -q '"available":true' && return 0; sleep 0.1
  done
  echo "storage not available after 30 s: $(curl -s -m 2 "http://127.0.0.1:$CR_HTTP/health")"; return 1
}

run_uac() {  # run_uac DIR PAUSE_S: one consent call recorded for PAUSE_S seconds; its exit code
  local d=$1 pause_s=$2 rc
  mkdir -p "$d"; ln -sf "$TONE" "$d/tone.alaw"   # rtp_stream's file name is fixed: tone.alaw where SIPp runs
  (cd "$d" && exec sipp 127.0.0.1:$UAS_PORT -rsa 127.0.0.1:$CR_SIP -sf "$SIPP_DOCS/uac_consent.xml" \
    -key record_mode both -key pcap_video "$VIDEO_PCAP" -d $((pause_s * 1000)) -i 127.0.0.1 -p "$UAC_PORT" \
    -mi 127.0.0.1 -mp "$UAC_MP" -m 1 -nostdin -trace_err -trace_logs -timeout $((pause_s + 120)) -timeout_error \
    > uac.out 2>&1) &
  local uac=$!; track $uac
  watchdog $uac $((pause_s + 150))
  wait $uac; rc=$?; untrack $uac
  return $rc
}

await_log() {  # await_log FILE REGEX SECONDS
  local i
  for ((i = 0; i < $3 * 10; i++)); do grep -qE "$2" "$1" && return 0; sleep 0.1; done
  return 1
}

run_link() {  # run_link STORAGE(file|s3)
  local storage=$1 d label load0 uac_rc warm_rc=none dl_rc=none s3_mb=0 n_links=1 i url=""
  label=$storage-${DURATION_S}s; d=$OUT/link/$label; rm -rf "$d"; mkdir -p "$d"
  load0=$(loadavg)
  log "run $label (load $load0)"
  check_free uac "udp:$UAC_PORT" "udp:$UAC_MP" "udp:$((UAC_MP + 1))" "udp:$((UAC_MP + 2))" "udp:$((UAC_MP + 3))" || return 1
  S3_PID=""
  if [ "$storage" = s3 ]; then
    start_s3proxy "$d" || return 1
    export AWS_ACCESS_KEY_ID=$S3_ID AWS_SECRET_ACCESS_KEY=$S3_SECRET
    CR_STORAGE="s3://$BUCKET?endpoint=http://127.0.0.1:$S3_PORT&region=us-east-1"
  else
    CR_STORAGE=file:data
  fi
  CALLREC_ARGS=""   # consent required (the default): the peer grants it by INFO
  start_callrec "$d" "$JVM_OPTS"; local started=$?
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY   # only callrec gets them
  [ $started = 0 ] && storage_available || return 1
  UAS_SCEN=$SIPP_DOCS/uas_consent_grant.xml UAS_ARGS=-trace_logs start_uas "$d" -rtp_echo || return 1
  if [ "$WARMUP_S" -gt 0 ]; then
    run_uac "$d/warmup" "$WARMUP_S"; warm_rc=$?
    await_log "$d/callrec.log" 'link delivered' 20 || log "  warm-up: no link delivered (uac rc $warm_rc)"
    # and its files downloaded once, whole and by a few ranges: the download path is compiled too
    url=$(grep -ho 'RECORDING_URL=http[^ ]*' "$d"/warmup/uac_consent_*_logs.log 2>/dev/null | tail -1 | cut -d= -f2-)
    [ -n "$url" ] && python3 "$TOOLS/link_download.py" "$url" "$d/warmup/download.json" 20 65536
  fi
  start_tcpdump "$d/sip.err" -s 0 -B 4096 --immediate-mode -U -w "$d/sip.pcap" "udp and port $UAC_PORT" || return 1
  local cap=$TD_PID
  log "  recording ${DURATION_S} s of audio + video"
  run_uac "$d" "$DURATION_S"; uac_rc=$?
  local sut_alive=1 uas_alive=1
  kill -0 $SUT_PID 2>/dev/null || { sut_alive=0; log "WARNING: callrec died during the run"; }
  kill -0 $UAS_PID 2>/dev/null || { uas_alive=0; log "WARNING: the SIPp UAS died during the run"; }
  # the requester answered the MESSAGE before its BYE; the server logs the delivery when that 200 arrives
  [ "$WARMUP_S" -gt 0 ] && n_links=2
  for ((i = 0; i < 100; i++)); do [ "$(grep -c 'link delivered' "$d/callrec.log")" -ge $n_links ] && break; sleep 0.1; done
  sleep 0.5
  stop_tcpdump "$cap"
  python3 "$TOOLS/link_times.py" "$d/sip.pcap" "$UAC_PORT" "$d/callrec.log" > "$d/times.json"
  url=$(grep -ho 'RECORDING_URL=http[^ ]*' "$d"/uac_consent_*_logs.log 2>/dev/null | tail -1 | cut -d= -f2-)
  if [ -n "$url" ]; then
    log "  downloading every file whole and by $RANGES ranges of $RANGE_BYTES bytes (load $(loadavg))"
    python3 "$TOOLS/link_download.py" "$url" "$d/download.json" "$RANGES" "$RANGE_BYTES" "$d/dl"; dl_rc=$?
    python3 "$TOOLS/link_report.py" probe "$d/dl" "$d/probe.json"
  else
    log "  no link in the requester's log (uac rc $uac_rc)"
  fi
  stop $UAS_PID 3
  curl -s -m 10 "http://127.0.0.1:$CR_HTTP/health" > "$d/health_end.json"
  stop $SUT_PID 15
  if [ -n "$S3_PID" ]; then
    s3_mb=$(du -sm "$d/s3/blobs" | cut -f1)
    stop $S3_PID 5
  fi
  cp "$VIDEO_PCAP.json" "$d/media.json"
  [ "$KEEP_FILES" = 1 ] || rm -rf "$d/dl" "$d/data" "$d/callrec-data" "$d/s3/blobs"
  python3 "$TOOLS/link_report.py" row "$d" storage="$storage" duration_s="$DURATION_S" uac_rc="$uac_rc" \
    warmup_rc="$warm_rc" download_rc="$dl_rc" load_before="$load0" load_after="$(loadavg)" \
    sut_alive=$sut_alive uas_alive=$uas_alive s3_store_mb="$s3_mb" >> "$RESULTS"
  python3 - "$(tail -1 "$RESULTS")" <<'PY' >&2
import json, sys
r = json.loads(sys.argv[1]); t = r['times']
print(f"  total {t.get('total_s')} s = stop {t.get('stop_s')} + finish {t.get('finish_s')} + upload {t.get('upload_s')} "
      f"({t.get('stored_mb')} MB, {t.get('upload_mb_s')} MB/s) + link {t.get('link_s')}; "
      f"downloads rc {r.get('download_rc')}; load {r.get('load_before')} -> {r.get('load_after')}")
PY
}

mkdir -p "$OUT/bin"
: > "$RESULTS"
MEDIA_S=$((DURATION_S + 60))   # longer than the call: media still flows while the recording is finished
TONE=$OUT/bin/tone_${MEDIA_S}s.alaw
VIDEO_PCAP=$OUT/bin/h264_${VIDEO_SIZE}_${VIDEO_FPS}fps_${VIDEO_KBPS}k_g${VIDEO_GOP}_${MEDIA_S}s.pcap
[ -s "$TONE" ] || python3 "$TOOLS/av_media.py" alaw "$TONE" "$MEDIA_S" || { echo "could not make $TONE"; exit 1; }
if [ ! -s "$VIDEO_PCAP" ] || [ ! -s "$VIDEO_PCAP.json" ]; then
  log "making $MEDIA_S s of H.264 ($VIDEO_SIZE, $VIDEO_FPS fps, $VIDEO_KBPS kbit/s)"
  python3 "$TOOLS/av_media.py" h264 "$VIDEO_PCAP" "$MEDIA_S" "$VIDEO_SIZE" "$VIDEO_FPS" "$VIDEO_KBPS" "$VIDEO_GOP" \
    > "$VIDEO_PCAP.json" || { echo "could not make $VIDEO_PCAP"; exit 1; }
fi
echo "{\"kind\": \"machine\", \"load_start\": \"$(loadavg)\", \"commit\": \"$(git -C "$HERE" rev-parse --short HEAD)\", \"started\": \"$(date -u +%FT%TZ)\"}" >> "$RESULTS"
log "link bench: $(nproc) cores, load $(loadavg), ${DURATION_S} s calls, storages: $STORAGES; results in $OUT"
for s in $STORAGES; do
  run_link "$s" || log "run $s could not run"
  cleanup
done
echo "{\"kind\": \"end\", \"load_end\": \"$(loadavg)\", \"ended\": \"$(date -u +%FT%TZ)\"}" >> "$RESULTS"
python3 "$TOOLS/link_report.py" report "$RESULTS" > "$OUT/report.md"
cat "$OUT/report.md"
exit 0
