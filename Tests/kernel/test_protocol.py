"""The kernel through real Jupyter clients: message order, signatures, malformed input, lifecycle.

These tests hold for any interpreter behind the kernel: cells only use `print("marker")`, whose
output contains the marker both with the temporary echo interpreter and with real Swift.
"""

from __future__ import annotations

import os
import signal
import time
import uuid

import pytest
import zmq
from jupyter_client.session import Session
from kernel_helpers import TIMEOUT, drain_iopub, endpoint, execute, iopub_until_idle, reply_for, start_kernel

DELIM = b"<IDS|MSG>"


@pytest.fixture
def raw_shell(kernel):
    """A DEALER socket on the kernel's shell port, for sending hand-made frames."""
    km, _ = kernel
    sock = zmq.Context.instance().socket(zmq.DEALER)
    sock.linger = 0
    sock.connect(endpoint(km, "shell_port"))
    time.sleep(0.2)  # let the connection settle before sending
    yield sock
    sock.close()


def execute_content(code: str) -> dict:
    return {
        "code": code,
        "silent": False,
        "store_history": True,
        "user_expressions": {},
        "allow_stdin": False,
        "stop_on_error": True,
    }


# MARK: - kernel_info and status


def test_kernel_info_reply_and_status(kernel):
    _, kc = kernel
    msg_id = kc.kernel_info()
    reply = reply_for(kc.get_shell_msg, msg_id)
    content = reply["content"]
    assert content["status"] == "ok"
    assert content["protocol_version"] == "5.3"
    assert reply["header"]["version"] == "5.3"
    info = content["language_info"]
    assert (info["name"], info["mimetype"], info["file_extension"]) == ("swift", "text/x-swift", ".swift")
    assert (info["pygments_lexer"], info["codemirror_mode"]) == ("swift", "swift")
    assert content["implementation"] and content["banner"] and isinstance(content["help_links"], list)
    states = [m["content"]["execution_state"] for m in iopub_until_idle(kc, msg_id)]
    assert states == ["busy", "idle"]


def test_execute_order_and_count(kernel):
    _, kc = kernel
    reply, messages = execute(kc, 'print("marker-1")')
    assert reply["content"]["status"] == "ok"
    types = [m["msg_type"] for m in messages]
    assert types[0] == "status" and messages[0]["content"]["execution_state"] == "busy"
    assert types[1] == "execute_input", types
    assert messages[1]["content"]["code"] == 'print("marker-1")'
    assert types[-1] == "status" and messages[-1]["content"]["execution_state"] == "idle"
    streams = [m["content"]["text"] for m in messages if m["msg_type"] == "stream"]
    assert any("marker-1" in text for text in streams), types
    count = reply["content"]["execution_count"]
    assert messages[1]["content"]["execution_count"] == count
    second, _ = execute(kc, 'print("marker-2")')
    assert second["content"]["execution_count"] == count + 1
    silent, silent_messages = execute(kc, 'print("marker-3")', silent=True)
    assert silent["content"]["execution_count"] == count + 1
    assert "execute_input" not in [m["msg_type"] for m in silent_messages]
    ids = [m["header"]["msg_id"] for m in messages]
    assert len(set(ids)) == len(ids)


# MARK: - signatures and malformed messages


def test_forged_signature_is_ignored(kernel, raw_shell):
    km, kc = kernel
    before, _ = execute(kc, 'print("before")')
    forged_ids = []
    forger = Session(key=b"not-the-real-key", signature_scheme="hmac-sha256")
    forged = forger.msg("execute_request", execute_content('print("forged")'))
    forged_ids.append(forged["header"]["msg_id"])
    raw_shell.send_multipart(forger.serialize(forged))
    unsigned = kc.session.msg("execute_request", execute_content('print("unsigned")'))
    frames = kc.session.serialize(unsigned)
    frames[1] = b""  # signature frame removed
    forged_ids.append(unsigned["header"]["msg_id"])
    raw_shell.send_multipart(frames)

    assert raw_shell.poll(1500) == 0, "the kernel replied to a message with a bad signature"
    leaked = [m for m in drain_iopub(kc, 0.5) if m["parent_header"].get("msg_id") in forged_ids]
    assert leaked == []
    after, _ = execute(kc, 'print("after")')
    assert after["content"]["execution_count"] == before["content"]["execution_count"] + 1
    assert km.is_alive()


def test_malformed_messages_do_not_take_the_kernel_down(kernel, raw_shell):
    km, kc = kernel
    session = kc.session
    header = session.msg_header("execute_request")
    parts = [session.pack(header), b"{}", b"{}", b"{not json"]
    no_type = [session.pack({"msg_id": uuid.uuid4().hex}), b"{}", b"{}", b"{}"]
    for frames in [
        [b"garbage"],
        [DELIM],
        [DELIM, session.sign(parts[:3]), parts[0]],
        [DELIM, session.sign(parts)] + parts,
        [DELIM, session.sign(no_type)] + no_type,
        [b"", DELIM, b"nothex", b"\xff\xfe", b"", b"", b""],
    ]:
        raw_shell.send_multipart(frames)
    assert raw_shell.poll(1000) == 0
    assert km.is_alive()
    msg_id = kc.kernel_info()
    assert reply_for(kc.get_shell_msg, msg_id)["content"]["status"] == "ok"


# MARK: - heartbeat, interrupt, SIGINT


def test_heartbeat_echoes(kernel):
    km, _ = kernel
    sock = zmq.Context.instance().socket(zmq.REQ)
    sock.linger = 0
    sock.connect(endpoint(km, "hb_port"))
    try:
        for i in range(3):
            payload = f"ping-{i}-{uuid.uuid4()}".encode()
            sock.send(payload)
            assert sock.poll(3000), "no heartbeat echo within 3 s"
            assert sock.recv() == payload
    finally:
        sock.close()


def test_interrupt_request_gets_reply(kernel):
    km, kc = kernel
    msg = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(msg)
    reply = reply_for(kc.get_control_msg, msg["header"]["msg_id"])
    assert reply["msg_type"] == "interrupt_reply"
    assert reply["content"]["status"] == "ok"
    states = [m["content"]["execution_state"] for m in iopub_until_idle(kc, msg["header"]["msg_id"])]
    assert states == ["busy", "idle"]
    km.interrupt_kernel()  # interrupt_mode "message": jupyter_client sends interrupt_request itself
    assert km.is_alive()


def test_sigint_does_not_kill_the_kernel(kernel):
    km, kc = kernel
    os.kill(km.provisioner.process.pid, signal.SIGINT)
    time.sleep(0.5)
    assert km.is_alive()
    reply, _ = execute(kc, 'print("still here")')
    assert reply["content"]["status"] == "ok"


# MARK: - shutdown and restart


def test_shutdown_request_exits_cleanly(fresh_kernel):
    km, kc = fresh_kernel
    process = km.provisioner.process
    msg = kc.session.msg("shutdown_request", {"restart": False})
    kc.control_channel.send(msg)
    reply = reply_for(kc.get_control_msg, msg["header"]["msg_id"])
    assert reply["content"] == {"status": "ok", "restart": False}
    assert process.wait(timeout=10) == 0


def test_restart_starts_a_fresh_kernel(fresh_kernel):
    km, kc = fresh_kernel
    execute(kc, 'print("one")')
    second, _ = execute(kc, 'print("two")')
    assert second["content"]["execution_count"] >= 2
    old = km.provisioner.process
    km.restart_kernel(now=False)
    assert old.wait(timeout=10) == 0, "the kernel did not exit by itself on shutdown_request(restart=True)"
    kc.stop_channels()
    kc2 = km.client()
    kc2.start_channels()
    try:
        kc2.wait_for_ready(timeout=TIMEOUT)
        reply, _ = execute(kc2, 'print("again")')
        assert reply["content"]["execution_count"] == 1
    finally:
        kc2.stop_channels()


# MARK: - ipc transport


def test_ipc_transport(kernelspec_dir, tmp_path):
    km, kc = start_kernel(transport="ipc", ip=str(tmp_path / "kernel"))
    try:
        assert km.get_connection_info()["transport"] == "ipc"
        reply, messages = execute(kc, 'print("over ipc")')
        assert reply["content"]["status"] == "ok"
        assert any("over ipc" in m["content"].get("text", "") for m in messages)
        assert kc.hb_channel.is_beating()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
