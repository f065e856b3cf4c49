"""The jupyter_kernel_test conformance suite with Swift samples, every test method enabled.

Runs against the installed kernel with the real Swift interpreter; the display samples use
NotebookDisplay's own types (Image, HTML).
"""

from __future__ import annotations

import base64
import struct
import unittest
import zlib

import jupyter_kernel_test
import pytest

pytestmark = [pytest.mark.usefixtures("kernelspec_dir")]


def _tiny_png() -> str:
    """A 1x1 red PNG as base64, the way image/png travels in Jupyter messages."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    return base64.b64encode(png + chunk(b"IEND", b"")).decode()


_PNG = _tiny_png()


class SwiftKernelConformanceTests(jupyter_kernel_test.KernelTests):
    """jupyter_kernel_test.KernelTests configured for the swift-realnvp kernel."""

    kernel_name = "swift-realnvp"
    language_name = "swift"
    file_extension = ".swift"

    code_hello_world = 'print("hello, world")'
    code_stderr = 'import Foundation\nFileHandle.standardError.write(Data("to stderr\\n".utf8))'

    completion_samples = [
        {"text": "fileprivat", "matches": {"fileprivate"}},
        {"text": "associatedty", "matches": {"associatedtype"}},
        {"text": "Datasets."},
    ]
    complete_code_samples = ["let x = 1", 'print("hi")', "func f() -> Int { 1 }", "struct S {}\nlet s = S()"]
    incomplete_code_samples = [
        "func f() {",
        "let a = [1,",
        "if true {\n  print(1)",
        "struct S {\n  var x: Int",
    ]
    invalid_code_samples = ["}", "let x = )", "func f() { } }"]

    code_generate_error = 'let x: Int = "not a number"'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "[1, 2, 3].map { $0 * 2 }", "result": "[2, 4, 6]"},
    ]
    code_display_data = [
        {"code": f'display(Image(pngData: Data(base64Encoded: "{_PNG}")!))', "mime": "image/png"},
        {"code": 'display(HTML("<b>bold</b>"))', "mime": "text/html"},
    ]
    # Matches "6 * 7" only, so a unique search finds exactly one distinct cell.
    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "display"
    code_clear_output = "clearOutput()"
    code_page_something = "?Tensor"


if __name__ == "__main__":
    unittest.main()
