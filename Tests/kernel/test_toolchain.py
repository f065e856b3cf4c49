"""A kernel whose Swift toolchain is missing starts, and says what is missing and how to fix it."""

from __future__ import annotations

import os

from jupyter_client.manager import KernelManager

from kernel_helpers import KERNEL_NAME, TIMEOUT, execute, reply_for


def test_a_missing_toolchain_is_named_at_start_and_in_every_reply(kernelspec_dir):
    km = KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel(env={**os.environ, "REALNVP_SWIFT_TOOLCHAIN": "/no/such/toolchain/usr"})
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=TIMEOUT)
        info = reply_for(kc.get_shell_msg, kc.kernel_info())["content"]
        assert "/no/such/toolchain/usr" in info["banner"], info["banner"]
        for code in ["1 + 1", 'print("again")']:
            content = execute(kc, code)[0]["content"]
            assert content["status"] == "error"
            assert content["ename"] == "ToolchainMissing", content
            assert "swift-frontend" in content["evalue"], content["evalue"]
            assert "REALNVP_SWIFT_TOOLCHAIN" in content["evalue"] and "PATH" in content["evalue"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
