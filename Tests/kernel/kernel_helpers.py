"""Helpers for talking to a kernel through a jupyter_client BlockingKernelClient."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager

from jupyter_client.manager import KernelManager
from jupyter_kernel_test.msgspec_v5 import schema_fragments, validate_message

KERNEL_NAME = "swift-realnvp"
TIMEOUT = 30


def validate_comm(msg: dict) -> None:
    """Checks a comm message's content against the messaging spec (jupyter_kernel_test has no schema
    for comm_open, comm_msg and comm_close)."""
    content = msg["content"]
    assert isinstance(content.get("comm_id"), str), content
    assert isinstance(content.get("data"), dict), content
    if msg["msg_type"] == "comm_open":
        assert isinstance(content.get("target_name"), str), content


def validate(msg: dict, msg_id: str) -> None:
    """Validates a message against the spec: jupyter_kernel_test's schemas, comm messages by hand."""
    if msg["msg_type"] in schema_fragments:
        validate_message(msg, msg["msg_type"], msg_id)
    else:
        assert msg["msg_type"] in ("comm_open", "comm_msg", "comm_close"), msg["msg_type"]
        assert msg["parent_header"].get("msg_id") == msg_id, msg["parent_header"]
        validate_comm(msg)


def iopub_until_idle(kc, msg_id: str) -> list[dict]:
    """IOPub messages whose parent is msg_id, up to and including its idle status."""
    deadline = time.monotonic() + TIMEOUT
    messages = []
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        validate(msg, msg_id)
        messages.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return messages


def reply_for(get, msg_id: str) -> dict:
    """The reply to msg_id from a channel getter (kc.get_shell_msg, kc.get_control_msg)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        msg = get(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id:
            validate_message(msg, msg["msg_type"], msg_id)
            return msg


def execute(kc, code: str, **options) -> tuple[dict, list[dict]]:
    """Runs code; returns the execute_reply and the cell's IOPub messages."""
    msg_id = kc.execute(code, **options)
    reply = reply_for(kc.get_shell_msg, msg_id)
    return reply, iopub_until_idle(kc, msg_id)


def drain_iopub(kc, seconds: float) -> list[dict]:
    """Every IOPub message that arrives within `seconds`."""
    messages, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            messages.append(kc.get_iopub_msg(timeout=0.1))
        except Exception:  # queue.Empty
            pass
    return messages


def endpoint(km, port_name: str) -> str:
    info = km.get_connection_info()
    if info["transport"] == "ipc":
        return f"ipc://{info['ip']}-{info[port_name]}"
    return f"tcp://{info['ip']}:{info[port_name]}"


def start_kernel(**manager_options) -> tuple[KernelManager, object]:
    """Starts the kernel through jupyter_client and waits until it answers."""
    km = KernelManager(kernel_name=KERNEL_NAME, **manager_options)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc


@contextmanager
def kernel_with_env(**variables: str):
    """A kernel of its own, started with `variables` added to the environment; shut down after."""
    km = KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel(env={**os.environ, **variables})
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=TIMEOUT)
        yield kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def stdout_text(messages: list[dict]) -> str:
    """Everything a cell printed to stdout, in order."""
    return stream_text(messages, "stdout")


def stderr_text(messages: list[dict]) -> str:
    """Everything a cell printed to stderr, in order."""
    return stream_text(messages, "stderr")


def stream_text(messages: list[dict], name: str) -> str:
    return "".join(
        m["content"]["text"] for m in messages if m["msg_type"] == "stream" and m["content"]["name"] == name
    )


def usage_error(kc, code: str) -> str:
    """Runs `code`, which must be refused as a UsageError; returns the error's evalue."""
    reply, _ = execute(kc, code)
    content = reply["content"]
    assert content["status"] == "error" and content["ename"] == "UsageError", content
    return content["evalue"]


def send_interrupt(kc) -> str:
    """Sends interrupt_request on the control channel (the kernel's interrupt_mode is "message");
    returns its msg_id."""
    interrupt = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(interrupt)
    return interrupt["header"]["msg_id"]


def result_text(messages: list[dict]) -> str | None:
    """The text/plain of a cell's last execute_result, or None."""
    results = [m["content"] for m in messages if m["msg_type"] == "execute_result"]
    return results[-1]["data"]["text/plain"] if results else None
