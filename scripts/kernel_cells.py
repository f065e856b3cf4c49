"""Running one cell through jupyter_client, for the campaign scripts."""

from __future__ import annotations


def run_cell(kc, code: str, timeout: float) -> tuple[dict, str | None]:
    """The execute_reply's content and the execute_result's text/plain of a cell (None without one),
    once its idle status has come."""
    msg_id = kc.execute(code)
    result, idle = None, False
    while not idle:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "execute_result":
            result = msg["content"]["data"]["text/plain"]
        idle = msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"], result
