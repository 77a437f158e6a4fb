"""A peer written the way the Python original's peers answer: pyzmq, two DEALER sockets (messages
and heartbeats), and replies that carry no reply_to. It answers "add" with "add_reply"."""
import json
import sys

import zmq

router, port, heartbeat_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
identity = b"Calculator"
context = zmq.Context()
main, heartbeat = context.socket(zmq.DEALER), context.socket(zmq.DEALER)
for sock, p in ((main, port), (heartbeat, heartbeat_port)):
    sock.setsockopt(zmq.IDENTITY, identity)
    sock.connect(f"tcp://{router}:{p}")


def message(target, method, payload):
    return json.dumps({"sender": "Calculator", "target": target, "method": method,
                       "payload": payload, "protocol_version": 1}).encode()


main.send(message("HydraRouter", "ping", {}))  # the router knows us once it has answered
main.recv()
print("calculator ready", flush=True)
while True:
    request = json.loads(main.recv())
    if request["method"] == "add":
        total = request["payload"]["a"] + request["payload"]["b"]
        main.send(message(request["sender"], "add_reply", {"sum": total}))
