#!/usr/bin/env python3
"""Self-test of link-bench.sh's tools with known answers.

usage: python3 bench/tools/link_selftest.py     -> prints OK or raises AssertionError

link_times.py: a synthetic capture of the requester's SIP (a warm-up dialog to be ignored, the stop INFO
and the link MESSAGE each sent twice) and a server log with both recordings: the splits come out to the
millisecond. link_download.py: against a small Range-capable server on loopback, once honest (every check
passes) and once with one byte wrong in some Range answers (the tool counts them and exits 1).
av_media.py: 2 s of H.264 as an Ethernet pcap that pcapio reads, timed by the RTP timestamps.
"""
import hashlib
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from datetime import datetime, timezone

from pcapio import LINKTYPE_ETHERNET, udp_packets
from selftest import run, write_pcap

HERE = os.path.dirname(os.path.abspath(__file__))
UAC, CR = 61090, 61060
T0 = 1_795_000_000  # seconds since the epoch


def sip(first, call_id, cseq, body=''):
    return (f'{first}\r\nCall-ID: {call_id}\r\nCSeq: {cseq}\r\nContent-Length: {len(body)}\r\n\r\n{body}').encode()


def ns(s):
    return int(round((T0 + s) * 1e9))


def log_line(s, text):
    stamp = datetime.fromtimestamp(T0 + s, timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]
    return f'{stamp}Z INFO  {text}\n'


def times_case(tmp):
    cap, log = os.path.join(tmp, 'sip.pcap'), os.path.join(tmp, 'callrec.log')
    stop = sip('INFO sip:x SIP/2.0', '1-1@h', '3 INFO', '{"type":"stop"}')
    msg = sip('MESSAGE sip:sipp@127.0.0.1 SIP/2.0', '1-1@h', '1 MESSAGE', '{"type":"recording-ready"}')
    write_pcap(cap, [
        (ns(50.0), CR, UAC, sip('MESSAGE sip:sipp@127.0.0.1 SIP/2.0', '1-0@h', '1 MESSAGE')),  # warm-up
        (ns(100.0), UAC, CR, stop), (ns(100.5), UAC, CR, stop),
        (ns(100.002), CR, UAC, sip('SIP/2.0 200 OK', '1-1@h', '3 INFO')),
        (ns(100.004), CR, UAC, sip('INFO sip:sipp SIP/2.0', '1-1@h', '2 INFO', '{"state":"stopped"}')),
        (ns(101.25), CR, UAC, msg), (ns(101.75), CR, UAC, msg),
        (ns(101.2504), UAC, CR, sip('SIP/2.0 200 OK', '1-1@h', '1 MESSAGE')),
        (ns(101.251), UAC, CR, sip('BYE sip:x SIP/2.0', '1-1@h', '4 BYE'))])
    with open(log, 'w') as f:
        f.write(log_line(40.0, 'Recorder - recording r-warm started: mode both, requester a (Call-ID 1-0@h), peer b '
                               '(Call-ID x)'))
        f.write(log_line(45.0, 'Recorder - recording r-warm finished: 4 tracks, 0 overflow packets, in d'))
        f.write(log_line(40.0, 'Recorder - recording r-1 started: mode both, requester a (Call-ID 1-1@h), peer b '
                               '(Call-ID y)'))
        f.write(log_line(100.01, 'call - call=c a=1-1@h recording r-1 stopped'))
        f.write(log_line(100.3, 'Recorder - recording r-1 finished: 4 tracks, 7 overflow packets, in d'))
        f.write(log_line(101.2, 'Uploader - recording r-1 stored in file:/d: 3 files, 150.0 MB in 0.90 s (167 MB/s)'))
        f.write(log_line(101.252, 'delivery - recording r-1: link delivered to sip:sipp@h (200 in dialog)'))
    got = run('link_times.py', cap, UAC, log)
    want = {'recording_id': 'r-1', 'stop_s': 0.01, 'finish_s': 0.29, 'upload_s': 0.9, 'link_s': 0.05,
            'total_s': 1.25, 'state_stopped_after_s': 0.004, 'recorded_s': 60.0, 'message_sends': 2,
            'stored_mb': 150.0, 'upload_self_mb_s': 167, 'overflow_packets': 7, 'upload_mb_s': 166.7}
    assert {k: got.get(k) for k in want} == want, got


class Files(http.server.BaseHTTPRequestHandler):
    """/rec?q -> manifest; /rec/NAME?q -> the file, with one Range (bytes=a-b) answered 206."""
    protocol_version = 'HTTP/1.1'
    files = {}
    corrupt_ranges = False

    def do_GET(self):
        path = self.path.split('?')[0]
        if path == '/rec':
            body = json.dumps({'files': [{'name': n, 'bytes': len(b), 'sha256': hashlib.sha256(b).hexdigest()}
                                         for n, b in self.files.items()]}).encode()
            return self.answer(200, body, {})
        data = self.files[path.rsplit('/', 1)[1]]
        m = re.fullmatch(r'bytes=(\d+)-(\d+)', self.headers.get('Range', ''))
        if not m:
            return self.answer(200, data, {})
        a, b = int(m.group(1)), int(m.group(2))
        part = bytearray(data[a:b + 1])
        if self.corrupt_ranges and a % 2:
            part[0] ^= 1
        self.answer(206, bytes(part), {'Content-Range': f'bytes {a}-{b}/{len(data)}'})

    def answer(self, status, body, headers):
        self.send_response(status)
        for k, v in {'Content-Length': str(len(body)), **headers}.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def download_case(tmp):
    Files.files = {'a.mkv': os.urandom(300_000), 'b.mkv': os.urandom(50_000)}
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Files)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f'http://127.0.0.1:{server.server_address[1]}/rec?exp=1&sig=x'
    out = os.path.join(tmp, 'dl.json')
    try:
        for corrupt in (False, True):
            Files.corrupt_ranges = corrupt
            rc = subprocess.call([sys.executable, os.path.join(HERE, 'link_download.py'), url, out, '40', '65536'])
            res = json.load(open(out))
            assert [f['sha256_ok'] for f in res['files']] == [True, True], res
            assert [r['requests'] for r in res['ranges']] == [40, 40], res
            assert [r['range_bytes'] for r in res['ranges']] == [65536, 50_000], res
            bad = sum(r['bad'] for r in res['ranges'])
            assert (rc, bad > 0) == ((1, True) if corrupt else (0, False)), (rc, res)
    finally:
        server.shutdown()


def media_case(tmp):
    pcap = os.path.join(tmp, 'v.pcap')
    info = json.loads(subprocess.check_output([sys.executable, os.path.join(HERE, 'av_media.py'), 'h264', pcap, '2',
                                               '320x240', '15', '300', '15']))
    with open(pcap, 'rb') as f:
        assert int.from_bytes(f.read(24)[20:24], 'little') == LINKTYPE_ETHERNET
    pkts = list(udp_packets(pcap))
    assert len(pkts) == info['packets'] > 30 and info['keyframes'] == 2, info
    assert all(p[3][1] & 0x7f == 96 for p in pkts), 'payload type 96'
    last = (pkts[-1][0] - pkts[0][0]) / 1e9
    assert abs(last - 29 / 15) < 0.001, last  # 30 frames at 15 fps: the last frame's time is 29/15 s


def main():
    with tempfile.TemporaryDirectory() as tmp:
        times_case(tmp)
        download_case(tmp)
        media_case(tmp)
    print('OK')


if __name__ == '__main__':
    main()
