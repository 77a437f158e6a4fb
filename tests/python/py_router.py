"""A router with the Python original's behaviour (docs/protocol.md, "The original router"), for interop tests.

ROUTER sockets on a main and a heartbeat port; heartbeat -> heartbeat_reply; ping to
HydraRouter -> pong; anything else is forwarded by target after the original's decode and
re-encode (which keeps only the five known keys). Ports of 0 pick free ones; the first
stdout line is {"event": "ready", "port": P, "heartbeat_port": H}. Stops when stdin closes.
"""
import argparse
import sys
import threading

import zmq

from hydra_wire import decode, emit, encode

ROUTER = "HydraRouter"


def bind(sock, address, port):
    if port == 0:
        return sock.bind_to_random_port(f"tcp://{address}")
    sock.bind(f"tcp://{address}:{port}")
    return port


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--heartbeat-port", type=int, default=0)
    args = parser.parse_args()

    ctx = zmq.Context()
    main_sock = ctx.socket(zmq.ROUTER)
    hb_sock = ctx.socket(zmq.ROUTER)
    try:
        port = bind(main_sock, args.address, args.port)
        hb_port = bind(hb_sock, args.address, args.heartbeat_port)
    except zmq.ZMQError as e:
        print(f"ERROR: {e}", flush=True)
        sys.exit(1)
    emit(event="ready", port=port, heartbeat_port=hb_port)

    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()

    poller = zmq.Poller()
    poller.register(main_sock, zmq.POLLIN)
    poller.register(hb_sock, zmq.POLLIN)
    while not stop.is_set():
        for sock, _ in poller.poll(100):
            frames = sock.recv_multipart()
            identity, frame = frames[0], frames[-1]
            msg = decode(frame)
            if sock is hb_sock:
                if msg["target"] == ROUTER and msg["method"] == "heartbeat":
                    hb_sock.send_multipart([identity, encode(ROUTER, msg["sender"], "heartbeat_reply")])
            elif msg["target"] == ROUTER:
                if msg["method"] == "ping":
                    main_sock.send_multipart([identity, encode(ROUTER, msg["sender"], "pong")])
            elif msg["target"]:
                # The original re-serialises what it decoded: id/reply_to do not survive.
                forwarded = encode(msg["sender"], msg["target"], msg["method"], msg["payload"])
                main_sock.send_multipart([msg["target"].encode("utf-8"), forwarded])
    main_sock.close(0)
    hb_sock.close(0)
    ctx.term()


if __name__ == "__main__":
    main()
