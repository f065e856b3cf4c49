"""Completion and inspection from the toolchain's sourcekit-lsp, and the fallback to the index."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from kernel_helpers import execute, kernel_with_env, reply_for

WARM_UP_SECONDS = 120


def has_sourcekit_lsp() -> bool:
    usr = os.environ.get("REALNVP_SWIFT_TOOLCHAIN")
    if usr:
        return os.access(os.path.join(usr, "bin", "sourcekit-lsp"), os.X_OK)
    frontend = shutil.which("swift-frontend")
    return bool(frontend) and os.access(os.path.join(os.path.dirname(frontend), "sourcekit-lsp"), os.X_OK)


needs_lsp = pytest.mark.skipif(not has_sourcekit_lsp(), reason="the toolchain has no sourcekit-lsp")


def complete(kc, code: str, cursor: int | None = None) -> dict:
    return reply_for(kc.get_shell_msg, kc.complete(code, len(code) if cursor is None else cursor))["content"]


def inspect(kc, code: str, cursor: int | None = None) -> dict:
    return reply_for(kc.get_shell_msg, kc.inspect(code, len(code) if cursor is None else cursor))["content"]


@pytest.fixture(scope="module")
def warm(kernel):
    """The shared kernel once sourcekit-lsp answers: a local's members come only from it."""
    _, kc = kernel
    probe = "let localProbe = [1, 2]\nlocalProbe.co"
    deadline = time.monotonic() + WARM_UP_SECONDS
    while time.monotonic() < deadline:
        if "count" in complete(kc, probe)["matches"]:
            return kc
        time.sleep(0.5)
    pytest.fail(f"sourcekit-lsp did not answer within {WARM_UP_SECONDS} s")


@needs_lsp
def test_members_of_any_expression(warm):
    content = complete(warm, "[3, 1, 2].sorted().map { $0 * 2 }.")
    assert content["status"] == "ok"
    assert {"count", "first", "reversed()"} <= set(content["matches"]), content["matches"][:20]


@needs_lsp
def test_locals_of_the_current_cell(warm):
    content = complete(warm, "func f() {\n  let innerCounter = 1\n  print(innerCou")
    assert "innerCounter" in content["matches"]


@needs_lsp
def test_foundation_and_standard_library(warm):
    assert any(m.startswith("trimmingCharacters") for m in complete(warm, '" a ".trimmingChar')["matches"])
    assert any(m.startswith("timeIntervalSince1970") for m in complete(warm, "Date().timeIntervalSince19")["matches"])


@needs_lsp
def test_preloaded_library_and_earlier_cells(warm):
    assert "shape" in complete(warm, "Tensor(zeros: [2, 3]).sha")["matches"]
    reply, _ = execute(warm, 'let earlierGreeting = "hello"')
    assert reply["content"]["status"] == "ok"
    assert any(m.startswith("uppercased") for m in complete(warm, "earlierGreeting.upperca")["matches"])


@needs_lsp
def test_cursor_positions_are_code_points(warm):
    code = 'let faces = "😀😀é"; faces.cou'
    content = complete(warm, code)
    assert "count" in content["matches"]
    assert content["cursor_end"] == len(code)  # Python counts code points, like the spec
    assert content["cursor_start"] == len(code) - len("cou")
    # A cursor in the middle of the code: the part after it is not replaced.
    middle = 'let mark = "ü"; mark.isE\nprint(mark)'
    cursor = middle.index("isE") + 3
    content = complete(warm, middle, cursor)
    assert "isEmpty" in content["matches"]
    assert (content["cursor_start"], content["cursor_end"]) == (cursor - 3, cursor)


@needs_lsp
def test_inspection_shows_signature_and_doc_comment(warm):
    content = inspect(warm, "let t = Tensor(zeros: [2])", len("let t = Tensor"))
    assert content["found"]
    assert "n-dimensional array" in content["data"]["text/plain"]
    code = "/// Adds one to its argument.\nfunc addOne(_ value: Int) -> Int { value + 1 }\naddOne("
    content = inspect(warm, code)
    assert content["found"]
    text = content["data"]["text/plain"]
    assert "addOne(_ value: Int) -> Int" in text


@needs_lsp
def test_matches_carry_kinds_and_signatures(warm):
    content = complete(warm, "let pool = [1, 2]\npool.appe")
    types = content["metadata"]["_jupyter_types_experimental"]
    assert len(types) == len(content["matches"])
    append = [t for t in types if t["text"].startswith("append")]
    assert append and all(t["type"] == "function" for t in append)
    assert any("Int" in t["signature"] for t in append), append
    plain = inspect(warm, "let t = Tensor(zeros: [2])", len("let t = Tensor"))["data"]["text/plain"]
    assert "struct Tensor" in plain and "```" not in plain


@needs_lsp
def test_every_new_local_completes_after_warm_up(warm):
    # Each request is a new document state; its latency is measured by scripts/kernel-latency.py.
    for i in range(5):
        code = f"let numbers{i} = [1, 2, 3]\nnumbers{i}.fi"
        assert "first" in complete(warm, code)["matches"]


def test_without_the_server_the_index_answers(kernelspec_dir):
    with kernel_with_env(REALNVP_SOURCEKIT_LSP="/nonexistent/sourcekit-lsp") as kc:
        content = complete(kc, "let model = RealNVP2D(couplings: 2, hidden: 8)\nTens")
        assert "Tensor" in content["matches"]
        content = inspect(kc, "Tensor")
        assert content["found"] and "n-dimensional" in content["data"]["text/plain"]
        reply, _ = execute(kc, "1 + 1")
        assert reply["content"]["status"] == "ok"
