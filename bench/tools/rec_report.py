#!/usr/bin/env python3
"""Rows and report of the recording benchmark (rec-bench.sh).

usage: rec_report.py recordings DATA_DIR CHECK_CALLS OUT.json   callrec's recordings: manifests, overflow, ffprobe
       rec_report.py pcaps REC_DIR OUT.json                   the peer's pcaps: count, packets per file
       rec_report.py row DIR key=value...                     one JSON line of a run (stdout)
       rec_report.py report RESULTS.jsonl                      markdown: table, ratios, PASS/FAIL
A row is collect.py's relay row plus disk writes, recordings and the video sender's counts.
"""
import glob
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from collect import load_json, meta, relay  # noqa: E402
from pcapio import udp_packets  # noqa: E402
from report import fmt  # noqa: E402

TARGET_CPU_VS_PEER = 1.0      # callrec relaying + recording <= 1.0 x rtpengine relaying + writing pcap
TARGET_REC_OVERHEAD = 0.30    # recording adds <= 30 % CPU over callrec relay-only
TARGET_MIB_PER_AV_REC = 2.0   # RSS delta per active A+V recording
FILES = ('requester.mkv', 'peer.mkv', 'combined.mkv')


def ffprobe(path):
    """(streams 'codec,codec', duration s, decode errors) or None when ffprobe cannot read it."""
    p = subprocess.run(['ffprobe', '-v', 'error', '-show_entries', 'stream=codec_name:format=duration',
                        '-of', 'json', path], capture_output=True, text=True, timeout=30)
    if p.returncode != 0:
        return None
    j = json.loads(p.stdout)
    # -enc_time_base -1: the null output keeps the file's ms time base; otherwise ffmpeg re-times video to the
    # frame rate it guessed and may report two frames on one of its ticks (its own output, not the file)
    dec = subprocess.run(['ffmpeg', '-v', 'error', '-i', path, '-map', '0', '-enc_time_base', '-1', '-f', 'null', '-'],
                         capture_output=True,
                         text=True, timeout=60)
    return {'streams': ','.join(s['codec_name'] for s in j.get('streams', [])),
            'duration_s': round(float(j.get('format', {}).get('duration', 0)), 2),
            'decode_error_lines': len(dec.stderr.splitlines()) if dec.returncode == 0 else -1}


def recordings(data, check, out):
    manifests = sorted(glob.glob(os.path.join(data, '**', 'manifest.json'), recursive=True))
    overflow, states, checked = 0, {}, []
    for mpath in manifests:
        m = load_json(mpath) or {}
        overflow += int(m.get('overflowPackets', 0) or 0)
        st = str(m.get('state', m.get('status', '?')))
        states[st] = states.get(st, 0) + 1
    for mpath in manifests[:check]:
        d = os.path.dirname(mpath)
        checked.append({'dir': os.path.basename(d), **{f: (ffprobe(os.path.join(d, f))
                                                           if os.path.exists(os.path.join(d, f)) else 'missing')
                                                        for f in FILES}})
    playable = sum(1 for c in checked for f in FILES
                   if isinstance(c[f], dict) and c[f]['decode_error_lines'] == 0 and c[f]['duration_s'] > 20)
    size = sum(os.path.getsize(f) for f in glob.glob(os.path.join(data, '**', '*'), recursive=True)
               if os.path.isfile(f))
    json.dump({'manifests': len(manifests), 'overflow_packets': overflow, 'states': states,
               'files_checked': len(checked) * len(FILES), 'files_playable': playable, 'checked': checked,
               'data_mb': round(size / 1e6, 1)}, open(out, 'w'), indent=1)


def pcaps(rec_dir, out):
    files = sorted(glob.glob(os.path.join(rec_dir, '**', '*.pcap'), recursive=True))
    counts = []
    for f in files:
        try:
            counts.append(sum(1 for _ in udp_packets(f)))
        except (ValueError, OSError):
            counts.append(-1)
    json.dump({'pcaps': len(files), 'nonempty': sum(1 for c in counts if c > 0), 'min_packets': min(counts) if counts else None,
               'max_packets': max(counts) if counts else None,
               'data_mb': round(sum(os.path.getsize(f) for f in files) / 1e6, 1)}, open(out, 'w'), indent=1)


def row(d, m):
    r = relay(d, m)
    r['kind'] = 'rec'
    io = load_json(os.path.join(d, 'io.json')) or {}
    if io.get('window_s'):
        r['disk_write_mb_s'] = round(io['write_bytes'] / io['window_s'] / 1e6, 3)
        r['wchar_mb_s'] = round(io['wchar'] / io['window_s'] / 1e6, 3)
    r['recordings'] = load_json(os.path.join(d, 'recordings.json'))
    r['peer_pcaps'] = load_json(os.path.join(d, 'pcaps.json'))
    r['video_sender'] = load_json(os.path.join(d, 'video_sender.json'))
    legs = r.get('legs') or {}
    if 'video' in legs:   # uas.out counts the first stream only: collect.py's callee loss is audio-only
        r.pop('loss_to_callee_pct', None)
        r.pop('callee_lost_pkts', None)
    rec = r['recordings'] or {}
    # the recorder also logs what it could not queue; a recording that never finished has no manifest to say so
    log = os.path.join(d, 'callrec.log')
    text = open(log, errors='replace').read() if os.path.exists(log) else ''
    r['overflow_logged'] = sum(int(x) for x in re.findall(r'(\d+) packets could not be queued', text))
    r['out_of_memory'] = text.count('OutOfMemoryError')
    r['dropped_pkts'] = ((r.get('relay_lost_pkts') or 0) + max(rec.get('overflow_packets') or 0, r['overflow_logged']))
    if os.path.exists(os.path.join(d, 'live_heap.txt')):
        r['live_heap'] = open(os.path.join(d, 'live_heap.txt'), errors='replace').read()[:4000]
    return r


def label(r):
    s = 'callrec' if r['system'] == 'callrec' else 'rtpengine + kamailio'
    s += ', recording' if r['mode'] == 'rec' else ', relay only'
    if r['system'] != 'callrec' and r['mode'] == 'rec':
        s = 'rtpengine (pcap) + kamailio'
    if not (r.get('uas_alive', 1) and r.get('sut_alive', 1)):
        s += ' ⚠ INVALID: a process died'
    if r.get('out_of_memory'):
        s += ' ⚠ OutOfMemoryError'
    return s


def recs(r):
    if r['system'] == 'callrec' and r['mode'] == 'rec':
        x = r.get('recordings') or {}
        return f"{x.get('manifests', 0)} ({x.get('files_playable', 0)}/{x.get('files_checked', 0)} checked play)"
    if r['system'] != 'callrec' and r['mode'] == 'rec':
        x = r.get('peer_pcaps') or {}
        return f"{x.get('pcaps', 0)} pcap (min {x.get('min_packets')} pkts)"
    return '–'


def report(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    runs = [r for r in rows if r.get('kind') == 'rec']
    out = ['| N | media | system | calls ok / failed | relayed pkt/s | CPU % (user / kernel) | CPU µs/pkt | '
           'peak RSS MB | disk MB/s (write_bytes / wchar) | recordings | overflow | lost in relay | '
           'load 1-min before → after | other load % |',
           '|' + '---|' * 14]
    for r in runs:
        cpu = f"{fmt(r.get('relay_cpu_pct'))} ({fmt(r.get('relay_cpu_user_pct'))} / {fmt(r.get('relay_cpu_sys_pct'))})"
        if r.get('kamailio_cpu_pct') is not None:
            cpu += f" + kamailio {fmt(r['kamailio_cpu_pct'])}"
        rec = r.get('recordings') or {}
        out.append(f"| {r['N']} | {r['media']} | {label(r)} | {r.get('calls_ok')} / {r.get('calls_failed')} | "
                   f"{fmt(r.get('relayed_pps'), 0)} | {cpu} | {fmt(r.get('cpu_us_per_pkt'), 2)} | "
                   f"{fmt(r.get('relay_rss_peak_mb'))} | {fmt(r.get('disk_write_mb_s'), 3)} / "
                   f"{fmt(r.get('wchar_mb_s'), 3)} | {recs(r)} | "
                   f"{max(rec.get('overflow_packets') or 0, r.get('overflow_logged') or 0) if r['system'] == 'callrec' and r['mode'] == 'rec' else '–'} | "
                   f"{fmt(r.get('relay_lost_pkts'))} | {r.get('load_before')} → {r.get('load_after')} | "
                   f"{fmt(r.get('other_busy_pct'))} |")
    by = {(r['N'], r['media'], r['system'], r['mode']): r for r in runs}
    out += ['', '| target | where | measured | verdict |', '|---|---|---|---|']

    def verdict(ok):
        return 'PASS' if ok else 'FAIL'

    for (n, media, sysname, mode), r in sorted(by.items()):
        if sysname != 'callrec' or mode != 'rec':
            continue
        peer = by.get((n, media, 'peer', 'rec'))
        if peer and r.get('relay_cpu_pct') and peer.get('relay_cpu_pct'):
            ratio = r['relay_cpu_pct'] / peer['relay_cpu_pct']
            out.append(f"| CPU ≤ {TARGET_CPU_VS_PEER}× rtpengine writing pcap | N={n} {media} | "
                       f"{r['relay_cpu_pct']} % vs {peer['relay_cpu_pct']} % = **{ratio:.2f}×** "
                       f"(µs/pkt {fmt(r.get('cpu_us_per_pkt'), 2)} vs {fmt(peer.get('cpu_us_per_pkt'), 2)}; "
                       f"with kamailio {r['relay_cpu_pct'] / (peer['relay_cpu_pct'] + (peer.get('kamailio_cpu_pct') or 0)):.2f}×) | "
                       f"{verdict(ratio <= TARGET_CPU_VS_PEER)} |")
        base = by.get((n, media, 'callrec', 'norec'))
        if base and r.get('relay_cpu_pct') and base.get('relay_cpu_pct'):
            over = r['relay_cpu_pct'] / base['relay_cpu_pct'] - 1
            out.append(f"| recording adds ≤ {TARGET_REC_OVERHEAD:.0%} CPU | N={n} {media} | "
                       f"{base['relay_cpu_pct']} % → {r['relay_cpu_pct']} % = **{over:+.0%}** | "
                       f"{verdict(over <= TARGET_REC_OVERHEAD)} |")
            if media == 'av':
                per = (r['relay_rss_peak_mb'] - base['relay_rss_peak_mb']) / n
                out.append(f"| ≤ {TARGET_MIB_PER_AV_REC:g} MiB per A+V recording | N={n} {media} | "
                           f"({r['relay_rss_peak_mb']} − {base['relay_rss_peak_mb']} MB) / {n} = "
                           f"**{per:.2f} MiB** | {verdict(per <= TARGET_MIB_PER_AV_REC)} |")
        rec = r.get('recordings') or {}
        missing = n - rec.get('manifests', 0)
        ok = r.get('dropped_pkts') == 0 and missing == 0 and r.get('calls_ok') == n
        out.append(f"| 0 dropped packets | N={n} {media} | overflow {rec.get('overflow_packets')} in manifests, "
                   f"{r.get('overflow_logged')} logged + lost in relay {r.get('relay_lost_pkts')} = "
                   f"**{r.get('dropped_pkts')}**; calls ok {r.get('calls_ok')}/{n}; recordings missing {missing}; "
                   f"playable {rec.get('files_playable')}/{rec.get('files_checked')} | {verdict(ok)} |")
    return '\n'.join(out)


if __name__ == '__main__':
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'recordings':
        recordings(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == 'pcaps':
        pcaps(sys.argv[2], sys.argv[3])
    elif cmd == 'row':
        print(json.dumps(row(sys.argv[2], meta(sys.argv[3:]))))
    elif cmd == 'report':
        print(report(sys.argv[2]))
    else:
        sys.exit(__doc__)
