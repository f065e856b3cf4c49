"""A kernel whose Swift toolchain is missing starts, and says what is missing and how to fix it."""

from __future__ import annotations

from kernel_helpers import execute, kernel_with_env, reply_for


def test_a_missing_toolchain_is_named_at_start_and_in_every_reply(kernelspec_dir):
    with kernel_with_env(REALNVP_SWIFT_TOOLCHAIN="/no/such/toolchain/usr") as kc:
        info = reply_for(kc.get_shell_msg, kc.kernel_info())["content"]
        assert "/no/such/toolchain/usr" in info["banner"], info["banner"]
        for code in ["1 + 1", 'print("again")']:
            content = execute(kc, code)[0]["content"]
            assert content["status"] == "error"
            assert content["ename"] == "ToolchainMissing", content
            assert "swift-frontend" in content["evalue"], content["evalue"]
            assert "REALNVP_SWIFT_TOOLCHAIN" in content["evalue"] and "PATH" in content["evalue"]
