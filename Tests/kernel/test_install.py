"""%install: Swift packages built with SwiftPM as a dynamic library, imported by later cells."""

from __future__ import annotations

import subprocess

import pytest

from kernel_helpers import execute, result_text, start_kernel, stdout_text, usage_error

NUMERICS = "%install '.package(url: \"https://github.com/apple/swift-numerics\", from: \"1.1.1\")' Numerics"
INSTALL_TIMEOUT = 900


def resolvable(url: str) -> bool:
    """Whether git on this machine reaches the package (a mirror or the network)."""
    probe = subprocess.run(["git", "ls-remote", "--tags", url], capture_output=True, timeout=60)
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(
    not resolvable("https://github.com/apple/swift-numerics"),
    reason="apple/swift-numerics cannot be resolved on this machine (no mirror, no network)",
)


def run(kc, code: str) -> tuple[dict, list[dict]]:
    """execute() with a deadline long enough for a first SwiftPM build."""
    import kernel_helpers

    saved, kernel_helpers.TIMEOUT = kernel_helpers.TIMEOUT, INSTALL_TIMEOUT
    try:
        return execute(kc, code)
    finally:
        kernel_helpers.TIMEOUT = saved


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("install-cache"))


def test_install_then_import_in_a_later_cell(kernelspec_dir, cache):
    km, kc = start_kernel()
    try:
        reply, messages = run(kc, f"%install-location {cache}\n{NUMERICS}")
        assert reply["content"]["status"] == "ok", reply["content"]
        text = stdout_text(messages)
        assert "Building" in text and "Installed Numerics" in text
        reply, messages = run(kc, "import Numerics\nlet z = Complex<Double>(3, 4)\nz.length")
        assert reply["content"]["status"] == "ok", reply["content"]
        assert result_text(messages) == "5.0"
        # A cell that traps rolls back to a state that still has the package loaded.
        reply, _ = run(kc, "let crash: [Int] = []\ncrash[1]")
        assert reply["content"]["status"] == "error"
        reply, messages = run(kc, "Double.exp(0) + z.real")
        assert reply["content"]["status"] == "ok", reply["content"]
        assert result_text(messages) == "4.0"
        # A second install in the same kernel says to restart.
        reply, _ = run(kc, f"%install-location {cache}\n{NUMERICS}")
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "InstallError"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_after_a_restart_the_install_comes_from_the_cache(kernelspec_dir, cache):
    km, kc = start_kernel()
    try:
        reply, messages = run(kc, f"%install-location {cache}\n{NUMERICS}")
        assert reply["content"]["status"] == "ok", reply["content"]
        reply, messages = run(kc, "import RealModule\nFloat.log(onePlus: 0)")
        assert reply["content"]["status"] == "ok", reply["content"]
        assert result_text(messages) == "0.0"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_a_package_that_does_not_resolve_names_it(kernel, cache):
    _, kc = kernel
    reply, _ = run(
        kc,
        f"%install-location {cache}\n"
        "%install '.package(url: \"https://github.com/nobody-here/no-such-package\", from: \"1.0.0\")' Nothing",
    )
    content = reply["content"]
    assert content["status"] == "error" and content["ename"] == "InstallError"
    assert "no-such-package" in content["evalue"]
    assert any("error" in line for line in content["traceback"][3:]), content["traceback"]
    reply, _ = execute(kc, "print(1)")
    assert reply["content"]["status"] == "ok"


def test_malformed_install_is_a_usage_error(kernel):
    _, kc = kernel
    assert "single quotes" in usage_error(kc, "%install .package(url: \"x\") Nothing")
