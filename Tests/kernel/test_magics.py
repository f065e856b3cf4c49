"""%time, %%time, %timeit and %%timeit cells, and errors for commands the kernel does not know."""

from __future__ import annotations

import re

from kernel_helpers import execute, result_text, stdout_text, usage_error

TIME_LINES = re.compile(
    r"CPU times: user [\d.]+ (s|ms|µs|ns), sys [\d.]+ (s|ms|µs|ns), total [\d.]+ (s|ms|µs|ns)\n"
    r"Wall time: ([\d.]+) (s|ms|µs|ns)"
)
TIMEIT_LINE = re.compile(
    r"([\d.]+) (s|ms|µs|ns) ± [\d.]+ (s|ms|µs|ns) per loop \(mean ± std\. dev\. of (\d+) runs?, "
    r"([\d,]+) loops? each\)"
)
SCALE = {"s": 1.0, "ms": 1e-3, "µs": 1e-6, "ns": 1e-9}


def wall_seconds(text: str) -> float:
    match = TIME_LINES.search(text)
    assert match, f"no %time report in {text!r}"
    return float(match.group(4)) * SCALE[match.group(5)]


def test_time_one_statement_keeps_its_value_and_declarations(kernel):
    _, kc = kernel
    reply, messages = execute(kc, "%time let timedValue = (1...1000).reduce(0, +)\nprint(\"after\", timedValue)")
    assert reply["content"]["status"] == "ok", reply["content"]
    text = stdout_text(messages)
    assert "Compile time:" in text
    assert TIME_LINES.search(text), text
    # The timing is printed right after the statement, before the next line runs.
    assert text.index("Wall time") < text.index("after 500500")
    reply, messages = execute(kc, "timedValue")
    assert result_text(messages) == "500500"


def test_time_measures_the_statement(kernel):
    _, kc = kernel
    reply, messages = execute(kc, "%time usleep(300_000)")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert 0.29 <= wall_seconds(stdout_text(messages)) < 5


def test_time_of_the_last_expression_shows_its_result(kernel):
    _, kc = kernel
    reply, messages = execute(kc, "let base = 20\n%time base * 2 + 2")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert result_text(messages) == "42"
    assert TIME_LINES.search(stdout_text(messages))


def test_cell_time_covers_the_whole_cell(kernel):
    _, kc = kernel
    reply, messages = execute(kc, "%%time\nusleep(150_000)\nusleep(150_000)\nprint(\"done\")")
    assert reply["content"]["status"] == "ok", reply["content"]
    text = stdout_text(messages)
    assert "done" in text and text.index("done") < text.index("Wall time")
    assert 0.29 <= wall_seconds(text) < 5


def test_timeit_with_loops_and_runs(kernel):
    _, kc = kernel
    execute(kc, "var timeitCalls = 0")
    reply, messages = execute(kc, "%timeit -n 3 -r 2 timeitCalls += 1")
    assert reply["content"]["status"] == "ok", reply["content"]
    match = TIMEIT_LINE.search(stdout_text(messages))
    assert match, stdout_text(messages)
    assert match.group(4) == "2" and match.group(5) == "3"
    _, messages = execute(kc, "timeitCalls")
    assert result_text(messages) == "6"


def test_timeit_chooses_loops_and_reports_per_loop_time(kernel):
    _, kc = kernel
    reply, messages = execute(kc, "%timeit -r 3 usleep(20_000)")
    assert reply["content"]["status"] == "ok", reply["content"]
    match = TIMEIT_LINE.search(stdout_text(messages))
    assert match, stdout_text(messages)
    per_loop = float(match.group(1)) * SCALE[match.group(2)]
    assert 0.019 <= per_loop < 0.2
    assert int(match.group(5).replace(",", "")) >= 10  # 0.2 s at 20 ms a loop


def test_cell_timeit_runs_the_whole_cell(kernel):
    _, kc = kernel
    execute(kc, "var cellTimeitRuns = 0")
    reply, messages = execute(kc, "%%timeit -n 2 -r 2\nlet step = 1\ncellTimeitRuns += step")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert TIMEIT_LINE.search(stdout_text(messages)), stdout_text(messages)
    _, messages = execute(kc, "cellTimeitRuns")
    assert result_text(messages) == "4"


def test_compile_error_after_time_points_at_the_users_column(kernel):
    _, kc = kernel
    reply, _ = execute(kc, '%time let broken: Int = "text"')
    content = reply["content"]
    assert content["status"] == "error" and content["ename"] == "CompileError"
    assert any("<cell" in line and ":1:" in line for line in content["traceback"]), content["traceback"]


def test_unknown_command_is_a_usage_error(kernel):
    _, kc = kernel
    evalue = usage_error(kc, "%frobnicate now")
    assert "%frobnicate" in evalue and "%timeit" in evalue


def test_bad_timeit_option_is_a_usage_error(kernel):
    _, kc = kernel
    evalue = usage_error(kc, "%timeit -n many 1 + 1")
    assert "-n" in evalue and "many" in evalue


def test_cell_time_must_be_first(kernel):
    _, kc = kernel
    assert "first line" in usage_error(kc, "let early = 1\n%%time\nearly + 1")
    reply, _ = execute(kc, "print(1)")
    assert reply["content"]["status"] == "ok"
