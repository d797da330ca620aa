#!/usr/bin/env python3
"""H.264 video for the A+V calls of rec-bench.sh: one process sends every call's stream.

  video_sender.py make OUT.pcap SECONDS
      encodes testsrc 320x240 15 fps with ffmpeg (libx264 baseline, a keyframe every second, SPS/PPS
      in-band before each keyframe, slices <= 1200 bytes) straight to RTP on loopback, receives it
      and writes it as a classic pcap (raw IPv4); the packet times are the RTP timestamps, so the
      encoder's speed does not matter. Done once per bench output directory.
  video_sender.py send PCAP CALLS_FILE PORT_BASE STATS.json
      tails CALLS_FILE, where the SIPp caller appends "call_number relay_port" after each 200, and
      from then on sends that call's copy of the stream from 127.0.0.1:(PORT_BASE + call_number - 1)
      to the relay port, paced by the capture's times. Stops on SIGTERM/SIGINT and writes per-call
      packet counts to STATS.json.

Why one process for all calls: SIPp replays one pcap per call (field notes), and a sender per call
(ffmpeg or python) would cost the 2-core machine more than the relay under test. Each call gets its
own SSRC (the relay and recorder see N distinct streams, as in real calls); the packets are built
once per call, so sending allocates nothing but the kernel's buffers.
"""
import heapq
import json
import os
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from av_media import ffmpeg_rtp, write_video_pcap  # noqa: E402
from pcapio import udp_packets  # noqa: E402


def make(out, seconds):
    packets = ffmpeg_rtp(['-f', 'lavfi', '-i', f'testsrc=size=320x240:rate=15:duration={seconds}',
                          '-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-g', '15', '-bf', '0',
                          '-b:v', '300k', '-maxrate', '300k', '-bufsize', '300k', '-x264-params', 'slice-max-size=1200',
                          '-bsf:v', 'dump_extra=freq=keyframe', '-payload_type', '96', '-ssrc', '1'])
    write_video_pcap(out, packets, ethernet=False)
    print(json.dumps({'packets': len(packets), 'bytes': sum(map(len, packets)), 'seconds': seconds}))


class Call:
    __slots__ = ('number', 'sock', 'dest', 'packets', 'start', 'index', 'sent')

    def __init__(self, number, sock, dest, packets, start):
        self.number, self.sock, self.dest, self.packets, self.start = number, sock, dest, packets, start
        self.index = 0
        self.sent = 0


def send(pcap, calls_file, port_base, stats_path):
    template = [(t_ns / 1e9, p) for t_ns, _s, _d, p in udp_packets(pcap)]
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    calls, heap, offset, pending = {}, [], 0, b''
    errors = 0
    while not stop:
        now = time.monotonic()
        try:
            with open(calls_file, 'rb') as f:
                f.seek(offset)
                chunk = f.read()
            offset += len(chunk)
            pending += chunk
        except FileNotFoundError:
            pass
        while b'\n' in pending:
            line, pending = pending.split(b'\n', 1)
            fields = line.split()
            if len(fields) < 2 or int(fields[0]) in calls:
                continue
            number, port = int(fields[0]), int(fields[1])
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(('127.0.0.1', port_base + number - 1))
            ssrc = struct.pack('>I', 0x10000000 + number)
            packets = [(t, p[:8] + ssrc + p[12:]) for t, p in template]
            c = Call(number, s, ('127.0.0.1', port), packets, now)
            calls[number] = c
            heapq.heappush(heap, (now, number))
        # send everything due, then sleep until the next packet or the next look at the calls file
        while heap and heap[0][0] <= now:
            _, number = heapq.heappop(heap)
            c = calls[number]
            t, p = c.packets[c.index]
            try:
                c.sock.sendto(p, c.dest)
                c.sent += 1
            except OSError:
                errors += 1
            c.index += 1
            if c.index < len(c.packets):
                heapq.heappush(heap, (c.start + c.packets[c.index][0], number))
            else:
                c.sock.close()
        nxt = heap[0][0] if heap else now + 0.05
        time.sleep(max(0.0, min(nxt - time.monotonic(), 0.05)))
    json.dump({'calls': len(calls), 'packets_per_call': len(template), 'sent': sum(c.sent for c in calls.values()),
               'send_errors': errors, 'incomplete_calls': sum(1 for c in calls.values() if c.index < len(c.packets))},
              open(stats_path, 'w'))


if __name__ == '__main__':
    if len(sys.argv) >= 4 and sys.argv[1] == 'make':
        make(sys.argv[2], float(sys.argv[3]))
    elif len(sys.argv) == 6 and sys.argv[1] == 'send':
        send(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        sys.exit(__doc__)
