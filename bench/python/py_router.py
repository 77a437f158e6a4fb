#!/usr/bin/env python3
"""A stand-in for the Python original's router, for side-by-side benchmarks.

It does per message what the original's HydraRouterTui does (bg_listen / handle_message /
bg_hb_listen / handle_hb): asyncio + zmq.asyncio ROUTER sockets, json.loads of every frame
into a HydraMsg, a client-table update, and json.dumps of the HydraMsg to forward it by
target, pong to pings, heartbeat_reply to heartbeats.

Left out, which flatters Python: the Textual UI and its one console line per message.

Usage: py_router.py MAIN_PORT HB_PORT   (0 = pick a free port)
Prints "READY <main> <hb>" once bound; exits when its standard input closes.
"""
import asyncio
import json
import sys
import time

import zmq
import zmq.asyncio

PROTOCOL_VERSION = 1
ROUTER = "HydraRouter"


class HydraMsg:
    """The original's message class: five keys, json in and out."""

    def __init__(self, sender, target, method, payload=None):
        self.sender = sender
        self.target = target
        self.method = method
        self.payload = payload if payload is not None else {}

    @classmethod
    def from_json(cls, json_data):
        data = json.loads(json_data.decode("utf-8"))
        if data.get("protocol_version", data.get("version")) != PROTOCOL_VERSION:
            raise ValueError("unsupported protocol version")
        return cls(data["sender"], data["target"], data["method"], data.get("payload") or {})

    def to_dict(self):
        return {
            "sender": self.sender,
            "target": self.target,
            "method": self.method,
            "payload": self.payload,
            "protocol_version": PROTOCOL_VERSION,
        }

    def to_json(self):
        return json.dumps(self.to_dict()).encode("utf-8")


class PyRouter:
    def __init__(self, main_port, hb_port):
        self.ctx = zmq.asyncio.Context()
        self.main = self._bind(main_port)
        self.hb = self._bind(hb_port)
        self.clients = {}

    def _bind(self, port):
        sock = self.ctx.socket(zmq.ROUTER)
        sock.setsockopt(zmq.LINGER, 0)
        if port == 0:
            sock.bind_to_random_port("tcp://127.0.0.1")
        else:
            sock.bind(f"tcp://127.0.0.1:{port}")
        return sock

    @staticmethod
    def port_of(sock):
        return int(sock.getsockopt(zmq.LAST_ENDPOINT).decode().rsplit(":", 1)[1])

    async def bg_listen(self):
        while True:
            frames = await self.main.recv_multipart()
            await self.handle_message(frames[0], HydraMsg.from_json(frames[-1]))

    async def handle_message(self, routing_id, msg):
        self.clients[routing_id.decode()] = time.time()
        if msg.target == ROUTER:
            if msg.method == "ping":
                pong = HydraMsg(ROUTER, msg.sender, "pong")
                await self.main.send_multipart([routing_id, pong.to_json()])
        elif msg.target:
            await self.main.send_multipart([msg.target.encode(), msg.to_json()])

    async def bg_hb_listen(self):
        while True:
            frames = await self.hb.recv_multipart()
            await self.handle_hb(frames[0], HydraMsg.from_json(frames[-1]))

    async def handle_hb(self, routing_id, msg):
        self.clients[routing_id.decode()] = time.time()
        if msg.target == ROUTER and msg.method == "heartbeat":
            reply = HydraMsg(ROUTER, msg.sender, "heartbeat_reply")
            await self.hb.send_multipart([routing_id, reply.to_json()])


async def until_stdin_closes():
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)


async def main():
    router = PyRouter(int(sys.argv[1]), int(sys.argv[2]))
    print(f"READY {router.port_of(router.main)} {router.port_of(router.hb)}", flush=True)
    tasks = [asyncio.ensure_future(router.bg_listen()), asyncio.ensure_future(router.bg_hb_listen())]
    await until_stdin_closes()
    for task in tasks:
        task.cancel()
    router.ctx.destroy(linger=0)


if __name__ == "__main__":
    asyncio.run(main())
