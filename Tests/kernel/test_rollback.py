"""A failed cell rolls back to the state before it, through jupyter_client.

Traps, exit(), fatalError, fatal signals and a kill after the interrupt grace period end the
process running the cell; the snapshot taken before the cell carries on, so every earlier global
is still there and the failed cell's own effects are gone.
"""

from __future__ import annotations

import time

from kernel_helpers import execute, iopub_until_idle, reply_for, result_text, send_interrupt, stdout_text


def value_of(kc, expression: str) -> str | None:
    reply, messages = execute(kc, expression)
    assert reply["content"]["status"] == "ok", reply["content"]
    return result_text(messages)


def failing(kc, code: str) -> dict:
    """Runs a cell that must fail with a rollback; returns the reply content."""
    reply, messages = execute(kc, code)
    content = reply["content"]
    assert content["status"] == "error", content
    errors = [m["content"] for m in messages if m["msg_type"] == "error"]
    assert len(errors) == 1, errors
    assert "rolled back" in content["evalue"], content
    assert any("rolled back" in line for line in content["traceback"]), content["traceback"]
    return content


def test_a_trap_rolls_back_the_cell_and_keeps_earlier_globals(fresh_kernel):
    _, kc = fresh_kernel
    assert execute(kc, "var counter = 1\nlet names = [\"a\", \"b\"]")[0]["content"]["status"] == "ok"
    content = failing(kc, "counter = 99\nlet index = names.count + 3\nprint(names[index])")
    assert "Index out of range" in content["evalue"], content
    # The assignment before the trap belongs to the failed cell: it is undone.
    assert value_of(kc, "counter") == "1"
    assert value_of(kc, "names.joined()") == "ab"


def test_exit_fatal_error_unwrap_and_signals_roll_back(fresh_kernel):
    _, kc = fresh_kernel
    execute(kc, "var kept = 7")
    assert "exit(3)" in failing(kc, "kept = 0\nexit(3)")["evalue"]
    assert "custom stop" in failing(kc, 'fatalError("custom stop")')["evalue"]
    assert "nil" in failing(kc, 'let n: Int? = Int("x")\nprint(n!)')["evalue"].lower()
    assert "SIGSEGV" in failing(kc, "raise(SIGSEGV)")["evalue"]
    assert value_of(kc, "kept") == "7"


def test_state_survives_three_failures_in_a_row(fresh_kernel):
    _, kc = fresh_kernel
    execute(kc, "var total = 40\nfunc bump() { total += 1 }")
    execute(kc, "bump(); bump()")
    failing(kc, "bump()\nlet xs: [Int] = []\nprint(xs[0])")
    failing(kc, "bump()\nexit(1)")
    failing(kc, 'bump()\nfatalError("third")')
    assert value_of(kc, "total") == "42"
    # The restored executor keeps working: new definitions persist across later cells.
    assert execute(kc, "let later = total * 2")[0]["content"]["status"] == "ok"
    assert value_of(kc, "later + 1") == "85"


def test_interrupt_kills_a_loop_that_never_polls_and_rolls_back(fresh_kernel):
    _, kc = fresh_kernel
    execute(kc, "var kept = 5")
    msg_id = kc.execute('kept = 6\nprint("looping")\nwhile true {}')
    time.sleep(3.0)
    send_interrupt(kc)
    started = time.monotonic()
    reply = reply_for(kc.get_shell_msg, msg_id)
    iopub_until_idle(kc, msg_id)
    content = reply["content"]
    assert content["status"] == "error" and content["ename"] == "Interrupted", content
    assert "rolled back" in content["evalue"], content
    assert time.monotonic() - started < 15
    assert value_of(kc, "kept") == "5"


def test_interrupt_cancels_a_compile(fresh_kernel):
    _, kc = fresh_kernel
    execute(kc, "let kept = 3")
    # Thousands of functions take the compiler many seconds.
    code = "\n".join(f"func f{i}(_ x: Int) -> Int {{ x &* {i} &+ {i % 7} }}" for i in range(6000))
    msg_id = kc.execute(code)
    time.sleep(1.5)
    send_interrupt(kc)
    reply = reply_for(kc.get_shell_msg, msg_id)
    iopub_until_idle(kc, msg_id)
    content = reply["content"]
    # The reply says the compile was cancelled (a finished compile would have run the cell).
    assert content["status"] == "error" and content["ename"] == "Interrupted", content
    assert "compile was cancelled" in content["evalue"], content
    assert value_of(kc, "kept") == "3"


TRAINING_CELL = """
let started = Date()
let run = try train(flow, on: moons, options: TrainingOptions(epochs: 3, batchSize: 100), journal: nil)
let seconds = Date().timeIntervalSince(started)
var seen = Set<UInt>()
let seenLock = NSLock()
ComputeThreads.concurrentPerform(iterations: 8) { _ in
  usleep(50_000)
  seenLock.lock(); seen.insert(UInt(bitPattern: Int(bitPattern: pthread_self()))); seenLock.unlock()
}
print("threads", seen.count, "seconds", seconds, "steps", run.stepLosses.count)
"""


def training_seconds(kc) -> tuple[float, int]:
    reply, messages = execute(kc, TRAINING_CELL)
    assert reply["content"]["status"] == "ok", reply["content"]
    words = stdout_text(messages).split()
    return float(words[words.index("seconds") + 1]), int(words[words.index("threads") + 1])


def test_a_training_cell_after_a_rollback_runs_at_full_speed(fresh_kernel):
    _, kc = fresh_kernel
    setup, _ = execute(
        kc,
        "let moons = Datasets.moons(count: 4000, noise: 0.05, seed: 0)\n"
        "let flow = RealNVP2D(couplings: 6, hidden: 128)\n"
        "ComputeThreads.count",
    )
    assert setup["content"]["status"] == "ok", setup["content"]
    before, threads_before = training_seconds(kc)
    failing(kc, "let empty: [Float] = []\nprint(empty[1])")
    after, threads_after = training_seconds(kc)
    # The tensor core's pool comes back in the restored process: work runs on several threads.
    assert threads_before >= 2 and threads_after >= 2, (threads_before, threads_after)
    assert after < before * 1.5 + 0.5, f"training took {before:.2f} s before and {after:.2f} s after"


def executor_processes(kernel_pid: int) -> list[tuple[int, int]]:
    """(pid, parent pid) of the realnvp-executor processes below the kernel."""
    from pathlib import Path

    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"realnvp-executor" in command and fields[0] != "Z":
            found.append((int(entry.name), int(fields[1])))
    below = {kernel_pid}
    while True:  # executors of other kernels on the machine are not below this one
        more = {pid for pid, parent in found if parent in below} - below
        if not more:
            break
        below |= more
    return [(pid, parent) for pid, parent in found if pid in below]


def test_an_executor_killed_between_cells_comes_back_with_its_state(fresh_kernel):
    import os
    import signal

    km, kc = fresh_kernel
    execute(kc, "var kept = 5\nkept += 1")
    time.sleep(1.0)  # the idle executor takes its snapshot
    kernel_pid = km.provisioner.process.pid
    processes = executor_processes(kernel_pid)
    live = [pid for pid, parent in processes if parent == kernel_pid]
    assert len(live) == 1 and len(processes) == 2, processes
    os.kill(live[0], signal.SIGKILL)
    reply, messages = execute(kc, "kept")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert result_text(messages) == "6"
    notices = "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")
    assert "died after the last cell" in notices, notices
