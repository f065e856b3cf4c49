#!/usr/bin/env python3
"""Fuzz the running kernel through its real sockets.

Seeded mutation of valid messages of every type, signed and unsigned: truncated, dropped and
repeated frames, wrong delimiters, forged signatures (wrong case, one digit off, cut, empty),
replays, invalid UTF-8 and JSON, every content field given every wrong type, huge and negative
numbers, unknown message types on every channel; and raw TCP bytes at the ZMTP level (garbage,
frame lengths of 2^63 and "negative", truncated frames). Some messages are signed correctly with
the session key (a peer that knows the key, sending nonsense), so the handlers see bad content.

Checks: the kernel and its heartbeat stay up and answer a client between batches; no execute
request runs unless its signature is the HMAC of its frames under the key and it was not sent
before (every execute carries a marker; iopub's execute_input is compared against what was
sent); memory stays flat (RSS of the kernel and its executors after warm-up and at the end).

    scripts/fuzz-kernel-sockets.py --messages 100000      # the campaign
    scripts/fuzz-kernel-sockets.py --messages 2000 --seed 3  # the slice the tests run

Needs jupyter_client and the kernelspec on JUPYTER_PATH (scripts/test.sh sets both up).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import random
import socket
import struct
import sys
import tempfile
import time
from pathlib import Path

import zmq
from jupyter_client.manager import KernelManager

DELIMITER = b"<IDS|MSG>"
SEEDS = [
    ("kernel_info_request", {}),
    ("execute_request", {"code": "", "silent": False, "store_history": True, "user_expressions": {},
                         "allow_stdin": False, "stop_on_error": False}),
    ("is_complete_request", {"code": "for i in 0..<3 {"}),
    ("complete_request", {"code": "prin", "cursor_pos": 4}),
    ("inspect_request", {"code": "print", "cursor_pos": 2, "detail_level": 0}),
    ("history_request", {"hist_access_type": "tail", "n": 5, "output": True, "raw": True}),
    ("history_request", {"hist_access_type": "range", "session": 0, "start": 1, "stop": 3, "raw": True}),
    ("history_request", {"hist_access_type": "search", "pattern": "pr*", "unique": True, "n": 2}),
    ("comm_info_request", {}),
    ("comm_open", {"comm_id": "c", "target_name": "t", "data": {}}),
    ("comm_msg", {"comm_id": "c", "data": {}}),
    ("interrupt_request", {}),
    ("input_reply", {"value": "x"}),
    ("not_a_type", {"x": 1}),
]
FIELDS = ["code", "silent", "store_history", "user_expressions", "allow_stdin", "stop_on_error", "cursor_pos",
          "detail_level", "hist_access_type", "output", "raw", "session", "start", "stop", "n", "pattern",
          "unique", "restart", "comm_id", "target_name", "data", "value"]
ODD = [-1, 0, 2**63 - 1, -2**63, 2**64, -2**70, 1e308, -1e308, 1.5, -0.0, 5e-324, "", "x" * 5000, "\u0000\uffff",
       [], {}, None, True, False, [1, "a", None], {"a": {"b": [1]}}, "tail", "range", "search", "[a-", "*"]
TEXT_DAMAGE = [b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b'"\\ud800"', b"1e999", b"[" * 600, b"{", b"}", b"\x00", b""]


class Sent:
    """What was sent: msg_id -> whether that message was authentic (signed right, not a replay)."""

    def __init__(self, key: bytes):
        self.key = key
        self.authentic: dict[str, bool] = {}
        self.signatures: set[bytes] = set()

    def record(self, frames: list[bytes]) -> None:
        """Classifies frames as jupyter_client's Session would, independently of the kernel."""
        if DELIMITER not in frames:
            return
        at = frames.index(DELIMITER)
        parts = frames[at + 2:at + 6]
        if len(parts) < 4:
            return
        try:
            header = json.loads(parts[0])
            msg_id = header.get("msg_id") if isinstance(header, dict) else None
        except ValueError:
            return
        if not isinstance(msg_id, str):
            return
        good = hmac.new(self.key, b"".join(parts), hashlib.sha256).hexdigest().encode()
        authentic = frames[at + 1] == good and good not in self.signatures
        if frames[at + 1] == good:
            self.signatures.add(good)
        # A msg_id sent several times counts as authentic only if one of its sendings was.
        self.authentic[msg_id] = self.authentic.get(msg_id, False) or authentic


class Mutator:
    def __init__(self, rng: random.Random, key: bytes, session: str, execute_share: float):
        self.rng, self.key, self.session, self.execute_share = rng, key, session, execute_share
        self.history: list[list[bytes]] = []

    def sign(self, parts: list[bytes]) -> bytes:
        return hmac.new(self.key, b"".join(parts), hashlib.sha256).hexdigest().encode()

    def message(self, index: int) -> tuple[str, list[bytes]]:
        """A channel and the frames of message `index`."""
        rng = self.rng
        if self.history and rng.random() < 0.03:  # a replay of something sent before
            frames = list(rng.choice(self.history))
            if rng.random() < 0.5:  # the same MAC spelt in upper case
                frames[1] = frames[1].upper()
            return rng.choice(["shell", "control"]), frames
        msg_type, content = rng.choice(SEEDS)
        content = json.loads(json.dumps(content))
        if msg_type == "execute_request":
            content["code"] = f'print("FUZZ-{index}")'
        header = {"msg_id": f"fuzz-{index}", "msg_type": msg_type, "session": self.session, "username": "fuzz",
                  "date": "2026-01-01T00:00:00.000000Z", "version": "5.3"}
        for _ in range(rng.randint(0, 3)):
            target = content if rng.random() < 0.7 else header
            key = rng.choice(list(target) + FIELDS + ["msg_type", "msg_id"])
            target[key] = rng.choice(ODD + [t for t, _ in SEEDS])
        if header.get("msg_type") == "shutdown_request":
            header["msg_type"] = "kernel_info_request"  # a signed shutdown would end the campaign
        parts = [json.dumps(header).encode(), b"{}", b"{}", json.dumps(content).encode()]
        channel = "stdin" if msg_type == "input_reply" else "control" if msg_type == "interrupt_request" else "shell"
        if rng.random() < 0.1:
            channel = rng.choice(["shell", "control", "stdin"])
        # Few authentic executes: each compiles a cell.
        authentic = rng.random() < (self.execute_share if header.get("msg_type") == "execute_request" else 0.05)
        frames = [DELIMITER, self.sign(parts) if authentic else self.sign(parts), *parts]
        if not authentic:
            self.damage(frames)
        else:
            self.history.append(list(frames))
            self.history = self.history[-200:]
        return channel, frames

    def damage(self, frames: list[bytes]) -> None:
        """Breaks the signature, the framing or the bytes (the signature then no longer matches)."""
        rng = self.rng
        kind = rng.randrange(9)
        if kind == 0:
            frames[1] = frames[1].upper()
        elif kind == 1:
            at = rng.randrange(len(frames[1]))
            frames[1] = frames[1][:at] + (b"0" if frames[1][at:at + 1] != b"0" else b"1") + frames[1][at + 1:]
        elif kind == 2:
            frames[1] = rng.choice([b"", frames[1][:rng.randrange(64)], frames[1] + b"00", b"g" * 64])
        elif kind == 3:
            del frames[rng.randrange(len(frames))]
        elif kind == 4:
            frames[0] = rng.choice([b"<IDS|MSG", b"<ids|msg>", b"", b"<IDS|MSG> "])
        elif kind == 5:
            frames.insert(rng.randrange(len(frames) + 1), rng.choice([DELIMITER, b"", os.urandom(8)]))
        elif kind == 6:
            at = rng.randrange(2, len(frames))
            cut = rng.randrange(len(frames[at]) + 1)
            frames[at] = frames[at][:cut] + rng.choice(TEXT_DAMAGE) + frames[at][cut:]
        elif kind == 7:
            frames[:] = frames[:rng.randrange(len(frames))] or [b""]  # ZeroMQ sends at least one frame
        else:
            frames.extend(os.urandom(rng.randrange(64)) for _ in range(rng.randrange(1, 20)))


def zmtp_garbage(rng: random.Random, port: int) -> None:
    """Raw bytes to a ZeroMQ port: garbage, or a ZMTP 3.0 greeting and a frame of absurd length."""
    greeting = b"\xff" + b"\0" * 8 + b"\x7f" + b"\x03\x00" + b"NULL".ljust(20, b"\0") + b"\0" + b"\0" * 31
    ready = b"\x05READY\x0bSocket-Type" + struct.pack(">I", 6) + b"DEALER"
    command = b"\x04" + bytes([len(ready)]) + ready
    choice = rng.randrange(5)
    payload = {
        0: os.urandom(rng.randrange(1, 300)),
        1: greeting + command + b"\x03" + struct.pack(">Q", 2**63 - 1),  # a huge frame
        2: greeting + command + b"\x02" + b"\xff" * 8,  # a "negative" length
        3: greeting + command + b"\x01" + b"\x40" + b"short",  # a frame cut short, then closed
        4: greeting[:rng.randrange(len(greeting))],
    }[choice]
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as raw:
            raw.sendall(payload)
            time.sleep(0.01)
    except OSError:
        pass


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def family(pid: int) -> list[int]:
    """pid and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [pid], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--execute-share", type=float, default=0.002,
                        help="share of execute requests signed correctly (each compiles a cell)")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    log = Path(tempfile.mkstemp(prefix="realnvp-kernel-fuzz-", suffix=".log")[1])
    km = KernelManager(kernel_name="swift-realnvp")
    km.start_kernel(stderr=open(log, "w"))
    kc = km.client()
    kc.start_channels()
    failures: list[str] = []
    started = time.monotonic()
    try:
        kc.wait_for_ready(timeout=60)
        info = km.get_connection_info()
        key = info["key"] if isinstance(info["key"], bytes) else info["key"].encode()
        context = zmq.Context.instance()
        sockets = {}
        for channel in ("shell", "control", "stdin"):
            sockets[channel] = context.socket(zmq.DEALER)
            sockets[channel].linger = 0
            sockets[channel].connect(f"tcp://{info['ip']}:{info[channel + '_port']}")
        iopub = context.socket(zmq.SUB)
        iopub.setsockopt(zmq.RCVHWM, 0)
        iopub.setsockopt(zmq.SUBSCRIBE, b"")
        iopub.connect(f"tcp://{info['ip']}:{info['iopub_port']}")
        time.sleep(0.5)
        sent = Sent(key)
        mutator = Mutator(rng, key, "fuzz-session", options.execute_share)
        executed: list[str] = []

        def drain() -> None:
            for s in sockets.values():
                while s.poll(0):
                    s.recv_multipart()
            while iopub.poll(0):
                frames = iopub.recv_multipart()
                at = frames.index(DELIMITER)
                if json.loads(frames[at + 2]).get("msg_type") == "execute_input":
                    executed.append(json.loads(frames[at + 3]).get("msg_id", "?"))

        def check_alive(label: str) -> None:
            if not km.is_alive():
                failures.append(f"the kernel died ({label})")
                raise SystemExit
            msg_id = kc.kernel_info()
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                drain()
                try:
                    if kc.get_shell_msg(timeout=0.2)["parent_header"].get("msg_id") == msg_id:
                        return
                except Exception:  # queue.Empty
                    pass
            failures.append(f"no kernel_info_reply within 600 s ({label})")
            raise SystemExit

        warm_up = min(5000, options.messages // 3)
        before = after = {}
        samples: list[int] = []  # the kernel's RSS every 5,000 messages

        def memory() -> dict[str, int]:
            kernel = km.provisioner.process.pid
            return {"kernel": rss_kb(kernel), "executors": sum(rss_kb(p) for p in family(kernel)[1:])}

        def settled_memory() -> dict[str, int]:
            """The RSS once the kernel's has stopped moving (what it loads lazily, such as the
            completion index, loads on threads of its own), at most 60 s later."""
            last = memory()
            for _ in range(60):
                time.sleep(1)
                drain()
                now = memory()
                if abs(now["kernel"] - last["kernel"]) < 1024:
                    return now
                last = now
            return last

        # What a kernel loads on first use is loaded before memory is measured: the completion
        # index, the inspector, a cell's compiler.
        for request in (lambda: kc.complete("Tens", 4), lambda: kc.inspect("Tensor", 6),
                        lambda: kc.execute("let warm = 1")):
            msg_id = request()
            while kc.get_shell_msg(timeout=600)["parent_header"].get("msg_id") != msg_id:
                pass

        for index in range(options.messages):
            channel, frames = mutator.message(index)
            sent.record(frames)
            sockets[channel].send_multipart(frames)
            if index % 500 == 499:
                drain()
            if index % 2000 == 1999:
                zmtp_garbage(rng, info[rng.choice(["shell_port", "control_port", "stdin_port", "hb_port",
                                                   "iopub_port"])])
            if index % 20000 == 10000:  # one frame over the kernel's 64 MiB limit, on a socket of its own
                oversized = context.socket(zmq.DEALER)
                oversized.linger = 0
                oversized.connect(f"tcp://{info['ip']}:{info['shell_port']}")
                oversized.send_multipart([DELIMITER, b"0" * 64, b"{}", b"{}", b"{}", b"x" * (65 << 20)])
                time.sleep(0.5)
                oversized.close()
            if index + 1 == warm_up:
                check_alive(f"after {index + 1} messages")
                before = settled_memory()
            if index % 5000 == 4999:
                check_alive(f"after {index + 1} messages")
                samples.append(memory()["kernel"])
                print(f"  {index + 1} messages, {len(executed)} executed, kernel RSS {samples[-1]} kB, "
                      f"{time.monotonic() - started:.0f} s", flush=True)
        check_alive("at the end")
        time.sleep(2)
        drain()
        after = settled_memory()
        for _ in range(3):  # a fuzzed cell that failed with stop_on_error aborts what was queued
            reply = kc.execute_interactive("40 + 2", timeout=120, output_hook=lambda msg: None)["content"]
            if reply.get("ename") != "ExecutionAborted":
                break
        if reply["status"] != "ok":
            failures.append(f"a cell after the campaign failed: {reply}")
        executed_ids = [m for m in executed if m.startswith("fuzz-")]
        forged = sorted({m for m in executed_ids if not sent.authentic.get(m, False)})
        twice = sorted({m for m in executed_ids if executed_ids.count(m) > 1})
        if forged:
            failures.append(f"executed messages that were not authentic: {forged[:10]}")
        if twice:
            failures.append(f"executed a message more than once (a replay): {twice[:10]}")
        dropped = sum(1 for line in log.read_text(errors="replace").splitlines() if "dropped message" in line)
        authentic = sum(sent.authentic.values())
        if after["kernel"] > before["kernel"] * 1.25 + 10_000:
            failures.append(f"the kernel's memory grew from {before['kernel']} kB to {after['kernel']} kB")
        print(json.dumps({
            "seed": options.seed, "messages": options.messages, "seconds": round(time.monotonic() - started, 1),
            "authentic_messages": authentic, "executed_fuzz_cells": len(executed_ids),
            "dropped_by_the_kernel": dropped, f"rss_kb_after_{warm_up}_messages": before,
            "rss_kb_at_the_end": after, "kernel_rss_kb_every_5000_messages": samples, "kernel_alive": km.is_alive(), "failures": failures,
        }, indent=1))
    except SystemExit:
        print(json.dumps({"failures": failures}, indent=1))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        log.unlink(missing_ok=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
