#!/usr/bin/env python3
"""Media for link-bench.sh's audio + video call, which SIPp plays itself (docs/sipp/uac_consent.xml).

  av_media.py alaw OUT SECONDS
      a 1 kHz sine as raw A-law samples at 8 kHz: what SIPp's rtp_stream plays as PCMA (20 ms packets).
  av_media.py h264 OUT.pcap SECONDS [SIZE FPS KBPS GOP]
      H.264 (libx264 baseline, testsrc2, default 640x360 15 fps 400 kbit/s, a keyframe every GOP frames (30)
      with SPS/PPS in band before it, slices <= 1200 bytes, payload type 96) as a classic pcap with Ethernet
      framing, which SIPp's play_pcap_video needs (it refuses raw IP captures). ffmpeg sends RTP to a
      loopback socket of ours as fast as it encodes; each packet's time in the pcap is its RTP timestamp,
      so SIPp replays it at the real frame rate and making 10 minutes takes about a minute, not ten.
      Prints JSON: packets, payload bytes, seconds, kbit/s, keyframes.

docs/sipp/README.md ("Media") makes the same kind of files in real time with tcpdump; this is the same
stream without the wait.
"""
import json
import socket
import struct
import subprocess
import sys

PT_H264 = 96
ETHERNET = 1  # LINKTYPE_ETHERNET, as tcpdump -i lo writes
RAW = 101     # LINKTYPE_RAW


def alaw(out, seconds):
    subprocess.run(['ffmpeg', '-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i',
                    f'sine=frequency=1000:sample_rate=8000:duration={seconds}', '-c:a', 'pcm_alaw', '-f', 'alaw', out],
                   check=True)


def ffmpeg_rtp(encoder_args):
    """Runs ffmpeg with encoder_args (input and codec options) sending RTP to a socket of ours, as fast as it
    encodes; returns the RTP packets (bytes) in the order sent."""
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    rx.bind(('127.0.0.1', 0))
    rx.settimeout(0.5)
    port = rx.getsockname()[1]
    ff = subprocess.Popen(['ffmpeg', '-v', 'error', '-nostdin'] + encoder_args
                          + ['-f', 'rtp', f'rtp://127.0.0.1:{port}?pkt_size=1300'], stdout=subprocess.DEVNULL)
    packets = []
    while True:
        try:
            packets.append(rx.recv(65536))
        except socket.timeout:
            if ff.poll() is not None:
                break
    if ff.returncode != 0 or not packets:
        sys.exit(f'ffmpeg failed (rc {ff.returncode}, {len(packets)} packets)')
    return packets


def write_video_pcap(out, packets, ethernet=True, port=30000):
    """Writes 90 kHz RTP packets as a classic pcap (Ethernet or raw IPv4 framing, 127.0.0.1:port to itself),
    each timed by its RTP timestamp from the first one."""
    ts0 = struct.unpack('>I', packets[0][4:8])[0]
    with open(out, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, ETHERNET if ethernet else RAW))
        for p in packets:
            t_us = ((struct.unpack('>I', p[4:8])[0] - ts0) & 0xffffffff) * 100 // 9  # 90 kHz -> µs
            udp = struct.pack('>HHHH', port, port, 8 + len(p), 0) + p
            ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                             socket.inet_aton('127.0.0.1'), socket.inet_aton('127.0.0.1'))
            frame = (b'\0' * 12 + b'\x08\x00' if ethernet else b'') + ip + udp
            f.write(struct.pack('<IIII', t_us // 1_000_000, t_us % 1_000_000, len(frame), len(frame)))
            f.write(frame)


def h264(out, seconds, size='640x360', fps=15, kbps=400, gop=30):
    packets = ffmpeg_rtp(['-f', 'lavfi', '-i', f'testsrc2=size={size}:rate={fps}:duration={seconds}',
                          '-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-g', str(gop),
                          '-bf', '0', '-b:v', f'{kbps}k', '-maxrate', f'{kbps}k', '-bufsize', f'{kbps}k',
                          '-x264-params', 'slice-max-size=1200', '-bsf:v', 'dump_extra=freq=keyframe',
                          '-payload_type', str(PT_H264), '-ssrc', '7'])
    write_video_pcap(out, packets)
    # SPS (alone or first in a STAP-A) opens each keyframe
    keyframes = sum(1 for p in packets if p[12] & 0x1f == 7 or (p[12] & 0x1f == 24 and len(p) > 15
                                                                 and p[15] & 0x1f == 7))
    payload = sum(len(p) - 12 for p in packets)
    print(json.dumps({'packets': len(packets), 'payload_bytes': payload, 'seconds': float(seconds), 'size': size,
                      'fps': int(fps), 'kbit_s': round(payload * 8 / 1000 / float(seconds), 1),
                      'keyframes': keyframes}))


if __name__ == '__main__':
    if len(sys.argv) >= 4 and sys.argv[1] == 'alaw':
        alaw(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 4 and sys.argv[1] == 'h264':
        h264(sys.argv[2], sys.argv[3], *sys.argv[4:8])
    else:
        sys.exit(__doc__)
