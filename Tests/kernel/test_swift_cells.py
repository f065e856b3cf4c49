"""Swift cells through jupyter_client: state, redefinition, errors, traps, interrupt.

Runs against the real Swift interpreter behind the kernel. Checks follow the behaviour a user expects, not one exact wording.
"""

from __future__ import annotations

import time

import pytest

from kernel_helpers import execute, iopub_until_idle, reply_for, result_text, send_interrupt, stdout_text



def outputs(messages: list[dict], msg_type: str) -> list[dict]:
    return [m["content"] for m in messages if m["msg_type"] == msg_type]


def test_state_persists_across_cells(kernel):
    _, kc = kernel
    assert execute(kc, "var total = 40")[0]["content"]["status"] == "ok"
    assert execute(kc, "total += 2")[0]["content"]["status"] == "ok"
    reply, messages = execute(kc, 'print("total is \\(total)")')
    assert reply["content"]["status"] == "ok"
    assert "total is 42" in stdout_text(messages)


def test_redefinition_wins(kernel):
    _, kc = kernel
    execute(kc, 'func greet() -> String { "first" }')
    execute(kc, 'func greet() -> String { "second" }\nlet shadow = 1')
    execute(kc, 'let shadow = "text"')
    reply, messages = execute(kc, "print(greet(), shadow)")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "second text" in stdout_text(messages)


def test_types_declared_in_one_cell_are_built_in_later_ones(kernel):
    _, kc = kernel
    cell = "struct Counter { var count = 1 }\nstruct Point { var x: Double; var y: Double = 0 }"
    assert execute(kc, cell)[0]["content"]["status"] == "ok"
    reply, messages = execute(kc, 'print(Counter().count, Point(x: 2).x)')
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "1 2.0" in stdout_text(messages)


def test_final_expression_is_the_result(kernel):
    _, kc = kernel
    reply, messages = execute(kc, "let a = 6\na * 7")
    assert reply["content"]["status"] == "ok"
    assert result_text(messages) == "42"


def test_compile_error_points_at_the_cells_line(kernel):
    _, kc = kernel
    reply, messages = execute(kc, 'let fine = 1\nlet broken: Int = "text"')
    content = reply["content"]
    assert content["status"] == "error"
    assert content["ename"] == "CompileError"
    errors = outputs(messages, "error")
    assert len(errors) == 1
    text = content["evalue"] + "\n".join(content["traceback"])
    assert "2:" in text, text  # line 2 of the cell, not of a generated file
    assert "cannot convert" in text or "Int" in text


def test_runtime_trap_reports_and_recovers(kernel):
    _, kc = kernel
    execute(kc, "let kept = 1")
    reply, messages = execute(kc, "let xs = [1, 2, 3]\nprint(xs[10])")
    assert reply["content"]["status"] == "error"
    text = reply["content"]["evalue"] + "\n".join(reply["content"]["traceback"])
    text += stdout_text(messages) + "".join(c["text"] for c in outputs(messages, "stream"))
    assert "Index out of range" in text, text
    assert "rolled back" in text, text
    after, after_messages = execute(kc, 'print("alive")')
    assert after["content"]["status"] == "ok"
    assert "alive" in stdout_text(after_messages)


def test_interrupt_stops_a_cooperative_loop(kernel):
    _, kc = kernel
    code = (
        "var steps = 0\n"
        "while !Interruption.isRequested { steps += 1 }\n"
        'print("stopped after", steps > 0)'
    )
    msg_id = kc.execute(code)
    time.sleep(2.0)
    assert reply_for(kc.get_control_msg, send_interrupt(kc))["content"]["status"] == "ok"
    reply = reply_for(kc.get_shell_msg, msg_id)
    iopub_until_idle(kc, msg_id)
    assert reply["content"]["status"] in ("ok", "error")
    after, _ = execute(kc, 'print("responsive")')
    assert after["content"]["status"] == "ok"


def test_interrupt_kills_a_stuck_cell(kernel):
    _, kc = kernel
    msg_id = kc.execute("while true {}")
    time.sleep(2.0)
    send_interrupt(kc)
    started = time.monotonic()
    reply = reply_for(kc.get_shell_msg, msg_id)
    assert reply["content"]["status"] == "error"
    assert time.monotonic() - started < 20
    back = execute(kc, 'print("back")')[0]["content"]
    assert back["status"] == "ok", back


def test_interrupt_stops_a_training_loop_and_keeps_the_model(kernel):
    """The library's train() checks the interrupt flag every step and returns what it has."""
    _, kc = kernel
    setup, _ = execute(
        kc,
        "let moons = Datasets.moons(count: 2000, noise: 0.05, seed: 0)\n"
        "let interrupted = RealNVP2D(couplings: 4, hidden: 32)",
    )
    assert setup["content"]["status"] == "ok"
    msg_id = kc.execute(
        "let run = try train(interrupted, on: moons, options: TrainingOptions(epochs: 100000, batchSize: 100),"
        " journal: nil)\n"
        'print("stopped:", run.stopReason, "after", run.stepLosses.count, "steps")'
    )
    time.sleep(6.0)
    send_interrupt(kc)
    reply = reply_for(kc.get_shell_msg, msg_id)
    messages = iopub_until_idle(kc, msg_id)
    # The loop returned cooperatively, so the cell finished its print; the reply still says
    # "interrupted" (as ipykernel's KeyboardInterrupt does) so that queued cells stop.
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "Interrupted", reply["content"]
    assert "state is kept" in reply["content"]["evalue"]
    assert "stopped: interrupted after" in stdout_text(messages)
    updates = outputs(messages, "update_display_data")
    assert updates, "a live progress bar updates its display while training runs"
    ids = {u["transient"]["display_id"] for u in updates}
    assert len(ids) == 1, f"one progress bar, got display ids {ids}"
    after, later = execute(kc, "interrupted.parameters.count")
    assert after["content"]["status"] == "ok"
    assert result_text(later) is not None


def test_thrown_error_reports_and_keeps_state(kernel):
    _, kc = kernel
    assert execute(kc, "let keptValue = 11")[0]["content"]["status"] == "ok"
    reply, messages = execute(kc, 'let missing = try Datasets.idx(directory: "/no/such/folder")')
    assert reply["content"]["status"] == "error"
    errors = outputs(messages, "error")
    assert errors and "/no/such/folder" in errors[0]["evalue"], errors
    again, later = execute(kc, "keptValue * 2")
    assert again["content"]["status"] == "ok"
    assert result_text(later) == "22"


def test_help_cell_pages_the_documentation(kernel):
    _, kc = kernel
    reply, _ = execute(kc, "?RealNVP2D")
    payload = reply["content"]["payload"]
    assert payload and payload[0]["source"] == "page"
    assert "2D" in payload[0]["data"]["text/plain"]
    missing, _ = execute(kc, "?NoSuchThing")
    assert missing["content"]["status"] == "error"


def test_user_expressions_are_evaluated_after_the_cell(kernel):
    _, kc = kernel
    reply, _ = execute(
        kc, "let side = 6", user_expressions={"area": "side * side", "broken": "side + missingName"}
    )
    results = reply["content"]["user_expressions"]
    assert results["area"]["status"] == "ok"
    assert results["area"]["data"]["text/plain"] == "36"
    assert results["broken"]["status"] == "error"
    assert results["broken"]["ename"] == "CompileError"
