"""The original hydra_router's wire format, as its HydraMsg writes and reads it.

Shared by the interop scripts. Keys are written in the original's order with Python's
default json separators; decoding reads only the five known keys, as the original does.
"""
import json

PROTOCOL_VERSION = 1


def encode(sender, target, method, payload=None, **extra):
    msg = {"sender": sender, "target": target, "method": method,
           "payload": payload if payload is not None else {},
           "protocol_version": PROTOCOL_VERSION}
    msg.update(extra)  # id / reply_to: ours, ignored by the original
    return json.dumps(msg).encode("utf-8")


def decode(frame):
    data = json.loads(frame.decode("utf-8"))
    if data.get("protocol_version", data.get("version")) != PROTOCOL_VERSION:
        raise ValueError("unsupported protocol version")
    payload = data.get("payload") or {}
    if not isinstance(payload, dict):
        raise ValueError("payload is not an object")
    return {"sender": data["sender"], "target": data["target"], "method": data["method"],
            "payload": payload, "id": data.get("id"), "reply_to": data.get("reply_to")}


def emit(**event):
    """One JSON line on stdout: how the scripts talk to the .NET test that runs them."""
    print(json.dumps(event), flush=True)
