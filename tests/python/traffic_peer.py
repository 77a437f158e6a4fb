"""A peer that sends numbered messages at a fixed rate and accounts for what it hears back.

Driven by a .NET failure-scenario test (tests/Hydra.Tests/Cluster/Failures). It connects to a
router as --id (main and heartbeat ports, heartbeating every second), and:
  - until "start", probes --target every 100 ms and answers probes with probe_ack; emits
    {"event": "ready"} at the first heartbeat_reply and {"event": "reachable"} at the first
    probe_ack from the target (so the test knows the path works both ways before counting);
  - after "start", sends method "seq" to the target at --rate per second, numbered from 1:
    payload {"n": N}, id "<id>:N";
  - records every "seq" it receives (per sender: distinct numbers, duplicates, out of order)
    and every "error" that names one of its numbers (reply_to "<id>:N"), by payload.code.

Commands on stdin, one per line: start (once), stop (stop sending, keep receiving; emits "stopped"),
status (emits counts), report (emits the summary and exits). EOF on stdin also reports.
Times are Unix milliseconds, comparable with the test's clock.
"""
import argparse
import json
import os
import re
import sys
import time

import zmq

from hydra_wire import emit

ROUTER = "HydraRouter"
MARK_EVERY_S = 0.05  # how finely send and arrival times are sampled
MAX_BURST = 200  # sends per loop turn when behind, so receiving is never starved


def now_ms():
    return int(time.time() * 1000)


def ranges(numbers):
    """Sorted distinct numbers as [[first, last], ...]: 40,000 numbers in a few bytes when contiguous."""
    out = []
    for n in numbers:
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return out


class Heard:
    """The numbered messages heard from one sender."""

    def __init__(self):
        self.seen = bytearray(1024)  # seen[n] == 1 once number n arrived
        self.count = 0
        self.distinct = 0
        self.dups = []
        self.out_of_order = []
        self.highest = 0
        self.marks = []  # [time, highest number so far], every MARK_EVERY_S
        self.next_mark = 0.0
        self.first_ms = None
        self.last_ms = None

    def add(self, n, t, wall_ms):
        self.count += 1
        if n >= len(self.seen):
            self.seen.extend(bytearray(max(n + 1 - len(self.seen), len(self.seen))))
        if self.seen[n]:
            self.dups.append(n)
        else:
            self.seen[n] = 1
            self.distinct += 1
        if n < self.highest:
            self.out_of_order.append(n)
        else:
            self.highest = n
        if t >= self.next_mark:
            self.marks.append([wall_ms, self.highest])
            self.next_mark = t + MARK_EVERY_S
        if self.first_ms is None:
            self.first_ms = wall_ms
        self.last_ms = wall_ms

    def summary(self):
        self.marks.append([self.last_ms, self.highest])  # the last arrival is always a mark
        return {"count": self.count, "distinct": self.distinct,
                "numbers": ranges(n for n in range(len(self.seen)) if self.seen[n]),
                "dups": len(self.dups), "dup_examples": self.dups[:10],
                "out_of_order": len(self.out_of_order), "out_of_order_examples": self.out_of_order[:10],
                "marks": self.marks, "first_ms": self.first_ms, "last_ms": self.last_ms}


class TrafficPeer:
    def __init__(self, args):
        self.args = args
        self.me = args.id
        self.prefix = args.id + ":"
        self.ctx = zmq.Context()
        self.main = self.socket(args.port)
        self.hb = self.socket(args.heartbeat_port)
        self.seq_template = ('{"sender": "%s", "target": "%s", "method": "seq", "payload": {"n": %%d}, '
                             '"protocol_version": 1, "id": "%s:%%d"}' % (self.me, args.target, self.me))
        self.sending = False
        self.sent = 0
        self.started_ms = self.stopped_ms = None
        self.start_t = 0.0
        self.send_marks = []  # [time, next number]: numbers from it on were sent after that time
        self.next_send_mark = 0.0
        self.max_backlog = 0  # most messages the schedule was ahead of the sending, at any turn
        self.send_blocked = 0  # turns the socket would not take a message (no router behind it)
        self.heard = {}
        self.errors = {}  # code -> [[time, number], ...]
        self.errored = set()
        self.error_repeats = 0
        self.unnamed_errors = []
        self.probe_errors = {}
        self.heartbeat_replies = 0
        self.other = 0
        self.ready = self.reachable = False
        self.probes = 0

    def socket(self, port):
        sock = self.ctx.socket(zmq.DEALER)
        sock.setsockopt(zmq.IDENTITY, self.me.encode("utf-8"))
        sock.setsockopt(zmq.LINGER, 0)
        sock.connect(f"tcp://{self.args.router}:{port}")
        return sock

    def frame(self, target, method, **extra):
        msg = {"sender": self.me, "target": target, "method": method, "payload": {}, "protocol_version": 1}
        msg.update(extra)
        return json.dumps(msg).encode("utf-8")

    def try_send(self, frame):
        try:
            self.main.send(frame, zmq.NOBLOCK)
            return True
        except zmq.Again:
            return False

    # --- sending -----------------------------------------------------------------------------

    def send_due(self, t):
        due = int((t - self.start_t) * self.args.rate) - self.sent
        self.max_backlog = max(self.max_backlog, due)
        if t >= self.next_send_mark:
            self.send_marks.append([now_ms(), self.sent + 1])
            self.next_send_mark = t + MARK_EVERY_S
        for _ in range(min(due, MAX_BURST)):
            n = self.sent + 1
            if not self.try_send((self.seq_template % (n, n)).encode("ascii")):
                self.send_blocked += 1
                return
            self.sent = n

    # --- receiving ---------------------------------------------------------------------------

    def receive_all(self):
        while True:
            try:
                frames = self.main.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            self.on_message(json.loads(frames[-1]), time.monotonic(), now_ms())

    def on_message(self, msg, t, wall_ms):
        method = msg.get("method")
        if method == "seq":
            sender = msg["sender"]
            heard = self.heard.get(sender)
            if heard is None:
                heard = self.heard[sender] = Heard()
            heard.add(msg["payload"]["n"], t, wall_ms)
        elif method == "error":
            self.on_error(msg, wall_ms)
        elif method == "probe":
            self.try_send(self.frame(msg["sender"], "probe_ack"))
        elif method == "probe_ack":
            if not self.reachable:
                self.reachable = True
                emit(event="reachable", target=msg["sender"])
        else:
            self.other += 1

    def on_error(self, msg, wall_ms):
        code = (msg.get("payload") or {}).get("code") or "?"
        reply_to = msg.get("reply_to") or ""
        if reply_to.startswith(self.prefix):
            n = int(reply_to[len(self.prefix):])
            if n in self.errored:
                self.error_repeats += 1
            self.errored.add(n)
            self.errors.setdefault(code, []).append([wall_ms, n])
        elif reply_to.startswith("probe:"):
            self.probe_errors[code] = self.probe_errors.get(code, 0) + 1
        else:
            self.unnamed_errors.append([wall_ms, code, reply_to])

    def receive_heartbeats(self):
        while True:
            try:
                self.hb.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            self.heartbeat_replies += 1
            if not self.ready:
                self.ready = True
                emit(event="ready")

    def heartbeat(self):
        try:
            self.hb.send(self.frame(ROUTER, "heartbeat"), zmq.NOBLOCK)
        except zmq.Again:
            pass

    # --- commands ----------------------------------------------------------------------------

    def command(self, line):
        if line == "start" and self.started_ms is None:
            self.sending = True
            self.start_t = time.monotonic()
            self.started_ms = now_ms()
            emit(event="started", at_ms=self.started_ms)
        elif line == "stop" and self.sending:
            self.sending = False
            self.stopped_ms = now_ms()
            self.send_marks.append([self.stopped_ms, self.sent + 1])
            emit(event="stopped", sent=self.sent, at_ms=self.stopped_ms)
        elif line == "status":
            emit(event="status", sent=self.sent, heard={s: h.distinct for s, h in self.heard.items()},
                 errored=len(self.errored), backlog=self.max_backlog)
        elif line == "report":
            return False
        return True

    def summary(self):
        return {"event": "summary", "id": self.me, "target": self.args.target, "rate": self.args.rate,
                "sent": self.sent, "started_ms": self.started_ms, "stopped_ms": self.stopped_ms,
                "send_marks": self.send_marks, "max_backlog": self.max_backlog, "send_blocked": self.send_blocked,
                "heard": {s: h.summary() for s, h in self.heard.items()},
                "errors": self.errors, "error_repeats": self.error_repeats, "unnamed_errors": self.unnamed_errors,
                "probe_errors": self.probe_errors, "heartbeat_replies": self.heartbeat_replies, "other": self.other}

    def run(self):
        poller = zmq.Poller()
        poller.register(self.main, zmq.POLLIN)
        poller.register(self.hb, zmq.POLLIN)
        stdin = sys.stdin.fileno()
        poller.register(stdin, zmq.POLLIN)
        pending = b""
        next_heartbeat = next_probe = time.monotonic()
        give_up = time.monotonic() + self.args.max_seconds
        while time.monotonic() < give_up:
            t = time.monotonic()
            if t >= next_heartbeat:
                self.heartbeat()
                next_heartbeat = t + 1.0
            if not self.sending and self.started_ms is None and t >= next_probe:
                self.probes += 1
                self.try_send(self.frame(self.args.target, "probe", id=f"probe:{self.probes}"))
                next_probe = t + 0.1
            if self.sending:
                self.send_due(t)
                wait_ms = 1  # the next message is due within a millisecond at 2,000/s; polling finer costs CPU
            else:
                wait_ms = 50
            for sock, _ in poller.poll(wait_ms):
                if sock is self.main:
                    self.receive_all()
                elif sock is self.hb:
                    self.receive_heartbeats()
                else:
                    chunk = os.read(stdin, 4096)
                    if not chunk:
                        return
                    pending += chunk
                    while b"\n" in pending:
                        line, pending = pending.split(b"\n", 1)
                        if not self.command(line.decode().strip()):
                            return

    def close(self):
        self.main.close(0)
        self.hb.close(0)
        self.ctx.term()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--router", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--heartbeat-port", type=int, required=True)
    parser.add_argument("--id", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--rate", type=float, required=True, help="numbered messages per second")
    parser.add_argument("--max-seconds", type=float, default=300, help="never outlive a test that forgot it")
    args = parser.parse_args()
    for name in (args.id, args.target):
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            parser.error(f"'{name}': identities here are letters, digits, '-' and '_' (they go into JSON unescaped)")
    peer = TrafficPeer(args)
    try:
        peer.run()
        print(json.dumps(peer.summary()), flush=True)
    finally:
        peer.close()


if __name__ == "__main__":
    main()
