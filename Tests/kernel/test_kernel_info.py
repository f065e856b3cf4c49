"""kernel_info reports the Swift version of the toolchain that compiles cells and the library's docs."""

from __future__ import annotations

import os
import shutil
import subprocess

from kernel_helpers import reply_for


def toolchain_version() -> str:
    """The version number `swift-frontend --version` prints, from the toolchain on PATH."""
    usr = os.environ.get("REALNVP_SWIFT_TOOLCHAIN")
    frontend = os.path.join(usr, "bin", "swift-frontend") if usr else shutil.which("swift-frontend")
    assert frontend, "no swift-frontend on PATH"
    out = subprocess.run([frontend, "--version"], capture_output=True, text=True, check=True).stdout
    return out.split("Swift version ", 1)[1].split()[0]


def test_language_version_is_the_toolchains(kernel):
    _, kc = kernel
    reply = reply_for(kc.get_shell_msg, kc.kernel_info())
    assert reply["content"]["language_info"]["version"] == toolchain_version()


def test_help_links_point_at_the_library_documentation(kernel):
    _, kc = kernel
    links = reply_for(kc.get_shell_msg, kc.kernel_info())["content"]["help_links"]
    readme = [link["url"] for link in links if "README" in link["text"]]
    assert readme and readme[0].startswith("file://") and readme[0].endswith("/README.md")
    assert os.path.isfile(readme[0][len("file://") :])
