"""A peer like the original HydraMQ (two DEALER sockets, one identity), driven by a .NET test.

Modes:
  ping      ping the router once; emits {"event": "reply", "frame": <the frame as text>, ...} or {"event": "timeout"}
  send      send --method/--payload to --target, then emit the reply (or timeout)
  raw       send --raw bytes (hex) as the single frame; emit the reply
  serve     answer "ping" with "pong" and echo any other method back as "<method>_reply"
            with the same payload; emit {"event": "ready"} once heartbeats are answered
            and {"event": "served", ...} per message; stops when stdin closes.
            --original: answer as the original's peers do, without "reply_to" (its HydraMsg
            writes only the five keys). --hold: keep the answers until a line on stdin says
            "release" (sent in the order the requests came) or "release-reversed"; emits
            {"event": "released", "count": N} once they are sent
"""
import argparse
import json
import queue
import sys
import threading
import time

import zmq

from hydra_wire import decode, emit, encode

ROUTER = "HydraRouter"


class Peer:
    def __init__(self, args):
        self.identity = args.id
        self.ctx = zmq.Context()
        self.main = self.ctx.socket(zmq.DEALER)
        self.hb = self.ctx.socket(zmq.DEALER)
        for sock, port in ((self.main, args.port), (self.hb, args.heartbeat_port)):
            sock.setsockopt(zmq.IDENTITY, self.identity.encode("utf-8"))
            sock.setsockopt(zmq.LINGER, 0)
            sock.connect(f"tcp://{args.router}:{port}")

    def heartbeat(self, timeout_ms):
        self.hb.send(encode(self.identity, ROUTER, "heartbeat"))
        if self.hb.poll(timeout_ms):
            return decode(self.hb.recv())
        return None

    def recv(self, timeout_ms):
        if self.main.poll(timeout_ms):
            frame = self.main.recv_multipart()[-1]
            self.last_frame = frame.decode("utf-8")  # as a person reading the wire would see it
            return decode(frame)
        return None

    def close(self):
        self.main.close(0)
        self.hb.close(0)
        self.ctx.term()


def report(peer, reply):
    emit(event="reply", frame=peer.last_frame, **reply) if reply else emit(event="timeout")


def serve(peer, args):
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        reply = peer.heartbeat(200)
        if reply and reply["method"] == "heartbeat_reply":
            break
    else:
        emit(event="no_heartbeat_reply")
        return
    emit(event="ready")
    stop = threading.Event()
    commands = queue.Queue()

    def read_commands():
        for line in sys.stdin:
            commands.put(line.strip())
        stop.set()

    threading.Thread(target=read_commands, daemon=True).start()
    held = []
    while not stop.is_set():
        while not commands.empty():
            command = commands.get()
            if command in ("release", "release-reversed"):
                answers = held if command == "release" else held[::-1]
                for answer in answers:
                    peer.main.send(answer)
                emit(event="released", count=len(answers))
                held = []
        msg = peer.recv(100)
        if msg is None:
            continue
        emit(event="served", **msg)
        method = "pong" if msg["method"] == "ping" else msg["method"] + "_reply"
        extra = {"reply_to": msg["id"]} if msg.get("id") and not args.original else {}
        answer = encode(peer.identity, msg["sender"], method, msg["payload"], **extra)
        if args.hold:
            held.append(answer)
        else:
            peer.main.send(answer)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["ping", "send", "raw", "serve"])
    parser.add_argument("--router", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--heartbeat-port", type=int, required=True)
    parser.add_argument("--id", default="PyPeer")
    parser.add_argument("--target", default=ROUTER)
    parser.add_argument("--method", default="ping")
    parser.add_argument("--payload", default="{}")
    parser.add_argument("--raw", default="")
    parser.add_argument("--pad", type=int, default=0, help="send: add this many bytes to the payload (payload.pad)")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--original", action="store_true", help="serve: answer without reply_to, as the original does")
    parser.add_argument("--hold", action="store_true", help="serve: hold answers until \"release\" on stdin")
    args = parser.parse_args()

    peer = Peer(args)
    timeout_ms = int(args.timeout * 1000)
    try:
        if args.mode == "ping":
            peer.main.send(encode(peer.identity, ROUTER, "ping", id="py-1"))
            report(peer, peer.recv(timeout_ms))
        elif args.mode == "send":
            payload = json.loads(args.payload)
            if args.pad:
                payload["pad"] = "x" * args.pad
            peer.main.send(encode(peer.identity, args.target, args.method, payload, id="py-2"))
            report(peer, peer.recv(timeout_ms))
        elif args.mode == "raw":
            peer.main.send(bytes.fromhex(args.raw))
            report(peer, peer.recv(timeout_ms))
        else:
            serve(peer, args)
    finally:
        peer.close()


if __name__ == "__main__":
    main()
