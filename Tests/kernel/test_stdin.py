"""readLine() in a cell asks the frontend through input_request when the request allows it."""

from __future__ import annotations

from kernel_helpers import TIMEOUT, iopub_until_idle, reply_for


def streams(messages: list[dict], name: str) -> str:
    return "".join(
        m["content"]["text"] for m in messages if m["msg_type"] == "stream" and m["content"]["name"] == name
    )


def test_read_line_asks_the_frontend(kernel):
    _, kc = kernel
    code = 'print("name?", terminator: "")\nlet name = readLine()\nprint("hello,", name ?? "nil")'
    msg_id = kc.execute(code, allow_stdin=True)
    request = kc.get_stdin_msg(timeout=TIMEOUT)
    assert request["msg_type"] == "input_request"
    assert request["parent_header"]["msg_id"] == msg_id
    assert request["content"]["password"] is False
    kc.input("Ada")
    reply = reply_for(kc.get_shell_msg, msg_id)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "hello, Ada" in streams(iopub_until_idle(kc, msg_id), "stdout")


def test_read_line_without_stdin_returns_nil_and_says_why_once(kernel):
    _, kc = kernel
    code = 'let a = readLine()\nlet b = readLine()\nprint("got", a == nil, b == nil)'
    msg_id = kc.execute(code, allow_stdin=False)
    reply = reply_for(kc.get_shell_msg, msg_id)
    assert reply["content"]["status"] == "ok", reply["content"]
    messages = iopub_until_idle(kc, msg_id)
    assert "got true true" in streams(messages, "stdout")
    notice = streams(messages, "stderr")
    assert notice.count("allow_stdin") == 1, notice
