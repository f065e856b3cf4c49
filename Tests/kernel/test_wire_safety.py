"""Wire safety through jupyter_client and raw ZeroMQ: replays, oversized messages, the parent
header echoed as sent, and an executor that dies with its kernel."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import zmq

from kernel_helpers import endpoint, execute, iopub_until_idle, reply_for, result_text


def raw_shell(km) -> zmq.Socket:
    socket = zmq.Context.instance().socket(zmq.DEALER)
    socket.linger = 0
    socket.connect(endpoint(km, "shell_port"))
    return socket


def test_a_replayed_message_is_dropped(fresh_kernel):
    km, kc = fresh_kernel
    execute(kc, "var runs = 0")
    socket = raw_shell(km)
    request = kc.session.msg("execute_request", {"code": "runs += 1", "silent": False})
    frames = kc.session.serialize(request)
    socket.send_multipart(frames)
    assert socket.poll(30_000), "no reply to the first message"
    first = kc.session.deserialize(kc.session.feed_identities(socket.recv_multipart())[1])
    assert first["content"]["status"] == "ok", first["content"]
    socket.send_multipart(frames)  # the same signed frames again
    assert not socket.poll(3_000), "the replayed message was answered"
    reply, messages = execute(kc, "runs")
    assert result_text(messages) == "1"
    socket.close()


def test_an_oversized_message_is_refused_and_the_kernel_stays_up(fresh_kernel):
    km, kc = fresh_kernel
    socket = raw_shell(km)
    request = kc.session.msg("execute_request", {"code": "1", "silent": False})
    frames = kc.session.serialize(request)
    socket.send_multipart(frames + [b"x" * (80 << 20)])
    assert not socket.poll(2_000), "an oversized message was answered"
    reply, messages = execute(kc, "40 + 2")
    assert reply["content"]["status"] == "ok"
    assert result_text(messages) == "42"
    socket.close()


def test_the_parent_header_is_echoed_as_sent(fresh_kernel):
    _, kc = fresh_kernel
    request = kc.session.msg("kernel_info_request", {})
    request["header"]["x_client_field"] = {"nested": [1, 2]}
    kc.shell_channel.send(request)
    reply = reply_for(kc.get_shell_msg, request["header"]["msg_id"])
    sent = dict(request["header"])
    echoed = dict(reply["parent_header"])
    # jupyter_client turns the date string back into a datetime on both sides.
    assert echoed == sent, (echoed, sent)
    statuses = iopub_until_idle(kc, request["header"]["msg_id"])
    assert all(m["parent_header"].get("x_client_field") == {"nested": [1, 2]} for m in statuses)


def descendants(pid: int) -> set[int]:
    """Every process below pid, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_the_executor_dies_with_a_killed_kernel(fresh_kernel):
    km, kc = fresh_kernel
    kc.execute('print("spinning")\nwhile true {}')  # a snapshot waits next to the running cell
    time.sleep(3.0)
    kernel_pid = km.provisioner.process.pid
    executors = descendants(kernel_pid)
    assert len(executors) >= 2, f"expected the executor and its snapshot, found {executors}"
    os.kill(kernel_pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(p) for p in executors):
        time.sleep(0.1)
    assert not any(alive(p) for p in executors), [p for p in executors if alive(p)]
