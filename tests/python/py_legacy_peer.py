"""A peer like the Python 0.14 development line of HydraMQ, driven by a .NET test.

That line had one DEALER socket: it sent ["", json] with "version" (not "protocol_version")
and an "id", heartbeated on that same socket, and read every reply as frames[1] — so a
one-frame reply made it crash with an IndexError. Here such a crash is reported as
{"event": "crashed", ...} instead of ending the script.

Modes:
  ping    heartbeat, then ping the router; emits {"event": "reply", ...} for each answer
  serve   heartbeat until answered (emits {"event": "ready"}), then answer "ping" with
          "pong"; emits {"event": "served", ...} per message; stops when stdin closes
"""
import argparse
import json
import sys
import threading
import uuid

import zmq

from hydra_wire import emit

ROUTER = "HydraRouter"


def frame(sender, target, method, payload=None):
    return json.dumps({"sender": sender, "target": target, "method": method,
                       "payload": payload or {}, "version": 1, "id": str(uuid.uuid4())}).encode("utf-8")


def receive(sock, timeout_ms):
    """One message as the 0.14 line read it: the JSON is frames[1]."""
    if not sock.poll(timeout_ms):
        return None
    frames = sock.recv_multipart()
    try:
        message = json.loads(frames[1].decode("utf-8"))
    except IndexError as e:
        emit(event="crashed", error=f"IndexError: {e}", frames=len(frames))
        return None
    return message, len(frames)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["ping", "serve"])
    parser.add_argument("--router", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--id", required=True)
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()

    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.IDENTITY, args.id.encode("utf-8"))
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(f"tcp://{args.router}:{args.port}")
    timeout_ms = int(args.timeout * 1000)

    sock.send_multipart([b"", frame(args.id, ROUTER, "heartbeat")])
    answered = receive(sock, timeout_ms)
    if answered is None:
        emit(event="timeout", waiting_for="heartbeat_reply")
        return
    message, frames = answered
    emit(event="reply", method=message["method"], sender=message["sender"], frames=frames)

    if args.mode == "ping":
        sock.send_multipart([b"", frame(args.id, ROUTER, "ping")])
        answered = receive(sock, timeout_ms)
        if answered is None:
            emit(event="timeout", waiting_for="pong")
        else:
            message, frames = answered
            emit(event="reply", method=message["method"], sender=message["sender"], frames=frames)
    else:
        emit(event="ready")
        stop = threading.Event()
        threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
        while not stop.is_set():
            answered = receive(sock, 200)
            if answered is None:
                continue
            message, frames = answered
            emit(event="served", method=message["method"], sender=message["sender"], frames=frames)
            if message["method"] == "ping":
                sock.send_multipart([b"", frame(args.id, message["sender"], "pong")])
    sock.close(0)
    ctx.term()


if __name__ == "__main__":
    main()
