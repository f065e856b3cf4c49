#!/usr/bin/env python3
"""Widgets in a real frontend: JupyterLab with jupyterlab_widgets, in headless Chromium.

Starts JupyterLab on a private port with the kernel's spec installed into a temporary prefix,
opens a notebook whose cell shows a temperature slider over samples of the shipped MNIST model
(`interact`), runs the cell, then moves the slider with the keyboard (focus the handle, press
the right arrow) and checks from the page that the slider's readout changed and that the image
grid under it was redrawn: a new picture, and still exactly one. Saves a screenshot.

Usage: .venv/bin/python scripts/widgets-browser.py [--screenshot PATH] [--chromium PATH]
Needs jupyterlab, jupyterlab_widgets and playwright in the virtual environment, Chromium at
/usr/bin/chromium (or --chromium), and a built realnvp-kernel (.build/release, else .build/debug).
Exits 1 with a message when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KERNEL_NAME = "swift-realnvp"
TIMEOUT_MS = 180_000  # the kernel's first cell compiles and loads the library

CELL = """\
let sampler = try MultiScaleRealNVP.pretrained(.mnist)
let slider = FloatSlider("temperature", 0.1...1.2, value: 0.7, step: 0.1)
slider.style?.descriptionWidth = "initial"
interact(slider) { temperature in
  var rng = RandomGenerator(seed: 5)
  display(ImageGrid(sampler.sample(count: 16, temperature: Float(temperature), using: &rng), columns: 8, scale: 2))
}"""


class CheckFailed(Exception):
    """A check on the page failed; the message says what was expected and what came."""


def fail(message: str) -> None:
    print(f"widgets-browser: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def kernel_binary() -> Path:
    for build in ("release", "debug"):
        candidate = ROOT / ".build" / build / "realnvp-kernel"
        if candidate.is_file():
            return candidate
    fail("realnvp-kernel is not built (looked in .build/release and .build/debug)")
    raise AssertionError


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_notebook(folder: Path) -> Path:
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": KERNEL_NAME, "display_name": "Swift (Real NVP)", "language": "swift"}},
        "cells": [{"cell_type": "code", "id": "slider", "metadata": {}, "execution_count": None,
                   "outputs": [], "source": CELL}],
    }
    path = folder / "widgets.ipynb"
    path.write_text(json.dumps(notebook))
    return path


def quiet_settings(folder: Path) -> Path:
    """JupyterLab user settings that keep news and update toasts out of the screenshot."""
    settings = folder / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    return folder / "settings"


def start_lab(folder: Path, port: int, token: str) -> subprocess.Popen:
    prefix = folder / "prefix"
    subprocess.run([str(kernel_binary()), "install", "--prefix", str(prefix)], check=True,
                   stdout=subprocess.DEVNULL)
    env = {
        **os.environ,
        "JUPYTER_PATH": os.pathsep.join([str(prefix / "share" / "jupyter"), os.environ.get("JUPYTER_PATH", "")]),
        "JUPYTERLAB_SETTINGS_DIR": str(quiet_settings(folder)),
        "JUPYTERLAB_WORKSPACES_DIR": str(folder / "workspaces"),
        "REALNVP_MODELS": str(ROOT / "models"),
    }
    log = open(folder / "lab.log", "w")
    lab = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}", "--ServerApp.open_browser=False", "--allow-root"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if lab.poll() is not None:
            fail(f"JupyterLab exited ({lab.returncode}); see {folder / 'lab.log'}:\n{(folder / 'lab.log').read_text()}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
            return lab
        except OSError:
            time.sleep(0.5)
    fail("JupyterLab did not answer within 60 s")
    raise AssertionError


def drive(url: str, chromium: str, screenshot: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1100, "height": 700})
        page.set_default_timeout(TIMEOUT_MS)
        try:
            check(page, url, screenshot)
        except Exception:
            failed = screenshot.with_suffix(".failed.png")
            page.screenshot(path=str(failed))
            print(f"widgets-browser: the page at the failure: {failed}", file=sys.stderr)
            raise
        finally:
            browser.close()


def check(page, url: str, screenshot: Path) -> None:
    """Runs the cell, moves the slider and checks the redraw; fails with a message."""
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-Cell .cm-content")
    # The kernel is ready once the status bar says it is idle.
    page.wait_for_function(
        "() => /\\| Idle/.test(document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar')?.innerText || '')")
    page.click(".jp-Notebook .jp-Cell .cm-content")
    page.keyboard.press("Shift+Enter")
    page.wait_for_selector(".jp-Notebook .jp-Cell .jp-InputPrompt:text-matches('\\[(\\*|1)\\]')")

    handle = page.wait_for_selector(".widget-slider .noUi-handle")
    images = ".jp-Notebook .widget-output img"
    page.wait_for_selector(images)
    readout = page.inner_text(".widget-readout")
    before = page.get_attribute(images, "src")
    if readout.strip() != "0.70":
        raise CheckFailed(f"the slider's readout is {readout!r} before it moved; expected '0.70'")

    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "before => { const imgs = document.querySelectorAll('.jp-Notebook .widget-output img');"
        " return imgs.length === 1 && imgs[0].getAttribute('src') !== before; }", arg=before)
    after_readout = page.inner_text(".widget-readout").strip()
    if after_readout != "0.80":
        raise CheckFailed(f"after one step right the readout is {after_readout!r}; expected '0.80'")
    if page.locator(images).count() != 1:
        raise CheckFailed(f"{page.locator(images).count()} image grids under the slider; expected the redrawn one only")
    errors = ".jp-Notebook .jp-OutputArea-output[data-mime-type*='stderr'], .jp-Notebook [data-mime-type*='error']"
    if page.locator(errors).count():
        raise CheckFailed("the cell or the callback wrote an error: " + page.inner_text(".jp-Notebook .jp-OutputArea"))
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.locator(".jp-NotebookPanel").screenshot(path=str(screenshot))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--screenshot", type=Path, default=ROOT / ".build" / "widgets-browser.png")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="realnvp-widgets-") as temporary:
        folder = Path(temporary)
        write_notebook(folder)
        port, token = free_port(), secrets.token_hex(16)
        lab = start_lab(folder, port, token)
        try:
            drive(f"http://127.0.0.1:{port}/lab/tree/widgets.ipynb?token={token}", args.chromium, args.screenshot)
        except Exception as error:  # a timeout names the selector that never appeared
            print((folder / "lab.log").read_text()[-4000:], file=sys.stderr)
            fail(f"{type(error).__name__}: {error}")
        finally:
            lab.terminate()
            try:
                lab.wait(timeout=20)
            except subprocess.TimeoutExpired:
                lab.kill()
    print(f"widgets-browser: the slider moved and the image grid was redrawn; screenshot: {args.screenshot}")


if __name__ == "__main__":
    main()
