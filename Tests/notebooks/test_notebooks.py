"""Executes every notebook in notebooks/ in quick mode with the installed kernel.

A notebook passes when no cell raises, and its outputs hold at least one image
(image/png or image/svg+xml) and one table (text/html with a <table>). Notebooks with widgets
keep their state (nbclient's store_widget_state), both when executed here and as committed.
"""

import os
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.output_widget import OutputWidget

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
KERNEL_NAME = "swift-realnvp"
# Generous: quick mode trains small models on 2 cores; a stuck kernel still fails the run.
CELL_TIMEOUT_S = int(os.environ.get("REALNVP_CELL_TIMEOUT", "900"))
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# Models the widgets of each notebook use (01: dataset and checkpoint; 02: temperature and walk).
WIDGET_NOTEBOOKS = {"01-toy-2d.ipynb": {"IntSliderModel", "DropdownModel"},
                    "02-mnist.ipynb": {"FloatSliderModel", "DropdownModel"}}


def execute(path: pathlib.Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL_NAME,
        timeout=CELL_TIMEOUT_S,
        allow_errors=False,
        store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


def outputs(notebook: nbformat.NotebookNode):
    for cell in notebook.cells:
        if cell.cell_type == "code":
            yield from cell.get("outputs", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_shows_images_and_tables(path, monkeypatch):
    monkeypatch.setenv("REALNVP_QUICK", "1")
    # nbclient routes outputs into an Output widget whose msg_id names the running cell, and
    # sends the widget's new state on the shell socket while it waits there for the cell's
    # reply; pyzmq can then miss the reply until the cell timeout (nbclient issue 312). The
    # kernel's Output widgets keep their outputs themselves, so nbclient must never do that.
    sent_by_client = []
    monkeypatch.setattr(OutputWidget, "_publish_msg", lambda self, *args, **kwargs: sent_by_client.append(args))
    notebook = execute(path)
    assert not sent_by_client, f"{path.name}: nbclient sent Output widget state while cells ran"
    data = [o.get("data", {}) for o in outputs(notebook)]
    images = [d for d in data if "image/png" in d or "image/svg+xml" in d]
    tables = [d for d in data if "<table" in d.get("text/html", "")]
    assert images, f"{path.name}: no image/png or image/svg+xml output"
    assert tables, f"{path.name}: no HTML table output"
    if path.name in WIDGET_NOTEBOOKS:
        assert WIDGET_NOTEBOOKS[path.name] <= widget_models(notebook), f"{path.name}: widget state not stored"


def widget_models(notebook: nbformat.NotebookNode) -> set[str]:
    """The model names in a notebook's saved widget state."""
    states = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    return {model["model_name"] for model in states.values()}


@pytest.mark.parametrize("name", sorted(WIDGET_NOTEBOOKS))
def test_committed_notebooks_keep_their_widget_state(name):
    notebook = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    assert WIDGET_NOTEBOOKS[name] <= widget_models(notebook), f"{name}: executed without store_widget_state"
    views = [o for o in outputs(notebook) if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert views, f"{name}: no widget is shown"


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no numbered notebooks"
