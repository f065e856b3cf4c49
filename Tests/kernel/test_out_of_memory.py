"""A cell that allocates more than the executor may have fails as out of memory and rolls back.

REALNVP_EXECUTOR_MEMORY limits the executor's address space (RLIMIT_AS), as a machine with that
much memory would; the executor starts with about 0.3 GiB of it in use.
"""

from __future__ import annotations

from kernel_helpers import execute, kernel_with_env, result_text

LIMIT = "1G"


def out_of_memory(kc, code: str) -> dict:
    """Runs a cell that must run out of memory and roll back; returns the reply content."""
    reply, messages = execute(kc, code)
    content = reply["content"]
    assert content["status"] == "error", content
    assert content["ename"] == "MemoryError", content
    assert "ran out of memory" in content["evalue"], content
    assert "1.0 GiB of address space" in content["evalue"], content
    assert content["evalue"].endswith("the cell was rolled back"), content
    assert any("REALNVP_EXECUTOR_MEMORY" in line for line in content["traceback"]), content["traceback"]
    assert [m["content"]["ename"] for m in messages if m["msg_type"] == "error"] == ["MemoryError"]
    return content


def value_of(kc, expression: str) -> str | None:
    reply, messages = execute(kc, expression)
    assert reply["content"]["status"] == "ok", reply["content"]
    return result_text(messages)


def test_a_cell_past_the_limit_runs_out_of_memory_and_keeps_earlier_state(kernelspec_dir):
    with kernel_with_env(REALNVP_EXECUTOR_MEMORY=LIMIT) as kc:
        defined = execute(kc, "var kept = [1, 2, 3]\nlet small = Tensor.zeros([256, 1024])")
        assert defined[0]["content"]["status"] == "ok"
        # One allocation of 16 GiB, far past the limit.
        content = out_of_memory(kc, "kept.append(4)\nlet huge = Tensor.zeros([1 << 16, 1 << 16])\nprint(huge.shape)")
        assert "allocating 16.0 GiB failed" in content["evalue"], content
        assert value_of(kc, "kept.count") == "3"
        # Many allocations of 64 MiB that each fit, until the next one does not.
        out_of_memory(
            kc,
            "kept.append(5)\nvar chunks: [[UInt8]] = []\n"
            "while true { chunks.append([UInt8](repeating: 1, count: 64 << 20)) }",
        )
        # Foundation's Data traps without a message when its allocation fails.
        out_of_memory(kc, "kept.append(6)\nlet bytes = Data(count: 5 << 30)\nprint(bytes.count)")
        assert value_of(kc, "kept") == "[1, 2, 3]"
        assert value_of(kc, "small.shape") == "[256, 1024]"
        # What fits under the limit still runs, and defines what later cells see.
        assert value_of(kc, "let fits = Tensor.zeros([1024, 64 * 1024])\nfits.shape") == "[1024, 65536]"
        assert value_of(kc, "fits.shape[1] + kept.count") == "65539"


def test_a_limit_that_is_not_a_size_is_named_in_every_reply(kernelspec_dir):
    with kernel_with_env(REALNVP_EXECUTOR_MEMORY="lots") as kc:
        reply, _ = execute(kc, "1 + 1")
        content = reply["content"]
        assert content["status"] == "error" and content["ename"] == "ExecutorUnavailable", content
        assert "REALNVP_EXECUTOR_MEMORY=lots is not a size" in content["evalue"], content
