"""Stream output is coalesced and capped per cell; a flood ends promptly and the kernel answers."""

from __future__ import annotations

import time

from kernel_helpers import execute


def stream_messages(messages: list[dict]) -> list[dict]:
    return [m["content"] for m in messages if m["msg_type"] == "stream"]


def test_printing_300000_lines_ends_promptly_and_is_truncated(kernel):
    _, kc = kernel
    started = time.monotonic()
    reply, messages = execute(kc, 'for i in 0..<300_000 { print("line", i) }')
    elapsed = time.monotonic() - started
    assert reply["content"]["status"] == "ok", reply["content"]
    assert messages[-1]["msg_type"] == "status" and messages[-1]["content"]["execution_state"] == "idle"
    streams = stream_messages(messages)
    text = "".join(s["text"] for s in streams)
    assert "output truncated" in text, text[-300:]
    assert "not shown" in text.splitlines()[-1], text[-300:]
    assert len(text) < 1_100_000
    assert len(streams) < 200, f"{len(streams)} stream messages: output is not coalesced"
    assert "line 0\n" in text
    assert elapsed < 120, f"the flood took {elapsed:.1f} s"  # a hang, not a speed
    after, later = execute(kc, "40 + 2")
    assert after["content"]["status"] == "ok"


def test_output_is_coalesced_but_still_live(kernel):
    _, kc = kernel
    reply, messages = execute(kc, "for i in 0..<200 { print(i); usleep(5_000) }")
    assert reply["content"]["status"] == "ok"
    streams = stream_messages(messages)
    text = "".join(s["text"] for s in streams)
    assert text == "".join(f"{i}\n" for i in range(200))
    assert 3 <= len(streams) <= 60, f"{len(streams)} stream messages for 200 lines over about 1 s"


def test_the_cap_starts_afresh_for_each_cell(kernel):
    _, kc = kernel
    execute(kc, 'for _ in 0..<200_000 { print("xxxxxxxxxx") }')
    reply, messages = execute(kc, 'print("small")')
    text = "".join(s["text"] for s in stream_messages(messages))
    assert text == "small\n", text
