#!/usr/bin/env python3
"""Rows and report of link-bench.sh.

usage: link_report.py probe DIR OUT.json          ffprobe of the downloaded files in DIR (streams, duration, kbit/s)
       link_report.py row DIR key=value...        one JSON line of a run (stdout): times.json, download.json,
                                                  probe.json of the run directory, plus the key=value pairs
       link_report.py report RESULTS.jsonl        markdown: end of call -> link with its splits, PASS/FAIL,
                                                  and the download table
"""
import glob
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from collect import load_json, meta  # noqa: E402
from report import fmt  # noqa: E402

TARGET_LOCAL_S = 2.0   # end of call -> link ready on local storage (issue 4)


def probe(d, out):
    res = {}
    for path in sorted(glob.glob(os.path.join(d, '*.mkv'))):
        p = subprocess.run(['ffprobe', '-v', 'error', '-show_entries',
                            'stream=codec_type,codec_name,width,height,avg_frame_rate:format=duration,bit_rate',
                            '-of', 'json', path], capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            res[os.path.basename(path)] = {'error': p.stderr.strip()[:300]}
            continue
        j = json.loads(p.stdout)
        fm = j.get('format', {})
        res[os.path.basename(path)] = {
            'streams': [f"{s.get('codec_type')}:{s.get('codec_name')}"
                        + (f" {s['width']}x{s['height']} {s.get('avg_frame_rate')}" if s.get('width') else '')
                        for s in j.get('streams', [])],
            'duration_s': round(float(fm.get('duration', 0) or 0), 2),
            'kbit_s': round(int(fm.get('bit_rate', 0) or 0) / 1000, 1)}
    with open(out, 'w') as w:
        json.dump(res, w, indent=1)


def row(d, m):
    r = {'kind': 'link', **m}
    r['times'] = load_json(os.path.join(d, 'times.json')) or {}
    r['download'] = load_json(os.path.join(d, 'download.json')) or {}
    r['probe'] = load_json(os.path.join(d, 'probe.json')) or {}
    r['media'] = load_json(os.path.join(d, 'media.json')) or {}
    log = os.path.join(d, 'callrec.log')
    text = open(log, errors='replace').read() if os.path.exists(log) else ''
    r['log_warn_err'] = sum(1 for line in text.splitlines() if ' WARN ' in line or ' ERROR ' in line)
    return r


def verdict(r):
    t = r['times'].get('total_s')
    if r.get('storage') != 'file':
        return '(no target)'
    if t is None:
        return '**FAIL** (no link)'
    return f"**{'PASS' if t < TARGET_LOCAL_S else 'FAIL'}** (< {TARGET_LOCAL_S:g} s)"


def sizes(r):
    files = r['download'].get('files') or []
    if not files:
        return fmt(r['times'].get('stored_mb'))
    return ' + '.join(f"{f['bytes'] / 1e6:.1f}" for f in files) + f" = {sum(f['bytes'] for f in files) / 1e6:.1f}"


def report(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    runs = [r for r in rows if r.get('kind') == 'link']
    out = ['### End of call (stop INFO sent) → link MESSAGE at the requester',
           '',
           '| storage | call s | files MB (requester + peer + combined) | stop s | finish files s | upload s (MB/s) | '
           'link s | **total s** | MESSAGE → 200 s | target | load before → after |',
           '|' + '---|' * 11]
    for r in runs:
        t = r['times']
        up = f"{fmt(t.get('upload_s'), 3)} ({fmt(t.get('upload_mb_s'))}; log {fmt(t.get('upload_self_s'), 2)} s, " \
             f"{fmt(t.get('upload_self_mb_s'))} MB/s)"
        out.append(f"| {r.get('storage')} | {fmt(t.get('recorded_s'))} | {sizes(r)} | {fmt(t.get('stop_s'), 3)} | "
                   f"{fmt(t.get('finish_s'), 3)} | "
                   f"{up} | {fmt(t.get('link_s'), 3)} | **{fmt(t.get('total_s'), 3)}** | "
                   f"{fmt(t.get('message_to_200_s'), 3)} | {verdict(r)} | {r.get('load_before')} → "
                   f"{r.get('load_after')} |")
    out += ['',
            'stop = stop INFO on the wire → "recording … stopped" (log); finish = → "recording … finished" (files '
            'closed, manifest, in the spool); upload = → "stored in" (log; its own MB/s in brackets); link = → the '
            'MESSAGE on the wire; total = stop INFO → MESSAGE (both from the capture). Log times are to the ms.',
            '',
            '### Downloads through the link (one keep-alive connection)',
            '',
            '| storage | call s | file | MB | whole GET MB/s (first byte ms) | Range: requests × MiB | '
            'Range p50 / p99 / max ms | Range MB/s | checks |',
            '|' + '---|' * 9]
    for r in runs:
        dl = r['download']
        rng = {x['file']: x for x in dl.get('ranges') or []}
        for f in dl.get('files') or []:
            x = rng.get(f['file'], {})
            checks = 'sha256 ok' if f.get('sha256_ok') else f"**whole file wrong** ({f.get('status')}, {f.get('got')} B)"
            if x:
                checks += ', ranges ok' if not x.get('bad') else f", **{x['bad']} ranges wrong**"
            out.append(f"| {r.get('storage')} | {fmt(r['times'].get('recorded_s'))} | {f['file']} | "
                       f"{f['bytes'] / 1e6:.1f} | {fmt(f.get('mb_s'))} ({fmt(f.get('ttfb_ms'))}) | "
                       f"{x.get('requests', '–')} × {fmt(x.get('range_bytes', 0) / 1048576, 2) if x else '–'} | "
                       f"{fmt(x.get('p50_ms'))} / {fmt(x.get('p99_ms'))} / {fmt(x.get('max_ms'))} | "
                       f"{fmt(x.get('mb_s'))} | {checks} |")
    out += ['', '### The recordings (ffprobe of the downloaded files)', '']
    for r in runs:
        for name, p in (r.get('probe') or {}).items():
            desc = p.get('error') or f"{', '.join(p['streams'])}; {p['duration_s']} s, {p['kbit_s']} kbit/s"
            out.append(f"- {r.get('storage')}, {fmt(r['times'].get('recorded_s'))} s call: `{name}`: {desc}")
        media = r.get('media') or {}
        if media:
            out.append(f"- sent video: {media.get('size')} {media.get('fps')} fps, {media.get('kbit_s')} kbit/s of "
                       f"H.264 payload, {media.get('keyframes')} keyframes in {media.get('seconds')} s of pcap")
    print('\n'.join(out))


if __name__ == '__main__':
    if len(sys.argv) >= 4 and sys.argv[1] == 'probe':
        probe(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 3 and sys.argv[1] == 'row':
        print(json.dumps(row(sys.argv[2], meta(sys.argv[3:]))))
    elif len(sys.argv) >= 3 and sys.argv[1] == 'report':
        report(sys.argv[2])
    else:
        sys.exit(__doc__)
