#!/usr/bin/env python3
"""Answers every SIP request that reaches a UDP port with 200 OK (no body), ACKs excepted.
usage: sip_answer.py PORT COUNT_FILE

rec-bench.sh points the Contact of its recorded warm-up calls here: callrec sends those calls' INFOs
and, once each recording is stored, its link MESSAGE to that target. SIPp answers neither a MESSAGE
outside a call nor a request for a call it has forgotten, and callrec would retransmit them into the
measured window; answered here, every delivery ends before the window starts. COUNT_FILE gets the
number of requests answered, by method, after each one."""
import json, socket, sys


def answer(request: bytes) -> bytes | None:
    head = request.split(b'\r\n\r\n', 1)[0].decode('utf-8', 'replace').split('\r\n')
    if not head or head[0].startswith('SIP/2.0') or head[0].startswith('ACK '):
        return None
    keep = []
    for line in head[1:]:
        name = line.split(':', 1)[0].strip().lower()
        if name in ('via', 'v', 'from', 'f', 'call-id', 'i', 'cseq'):
            keep.append(line)
        elif name in ('to', 't'):
            keep.append(line if ';tag=' in line else line + ';tag=bench-answer')
    return ('SIP/2.0 200 OK\r\n' + '\r\n'.join(keep) + '\r\nContent-Length: 0\r\n\r\n').encode('utf-8')


def main() -> None:
    port, count_file = int(sys.argv[1]), sys.argv[2]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(('127.0.0.1', port))
    counts: dict[str, int] = {}
    while True:
        data, peer = sock.recvfrom(65535)
        reply = answer(data)
        if reply is None:
            continue
        sock.sendto(reply, peer)
        method = data.split(b' ', 1)[0].decode('ascii', 'replace')
        counts[method] = counts.get(method, 0) + 1
        with open(count_file, 'w') as f:
            json.dump(counts, f)


if __name__ == '__main__':
    main()
