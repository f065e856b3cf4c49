"""Comms and widgets through jupyter_client, the way a widget frontend talks to the kernel.

The test plays the frontend: it executes cells that show widgets, reads their comm_open and state
from IOPub, and sends comm_msg / comm_close / comm_open on the shell channel as JupyterLab's widget
manager does (ipywidgets 8 protocol: `update`, `echo_update`, `request_state`).
"""

from __future__ import annotations

from kernel_helpers import TIMEOUT, execute, iopub_until_idle, reply_for, result_text, send_interrupt, stdout_text


def send_comm(kc, msg_type: str, content: dict, metadata: dict | None = None) -> str:
    """Sends a comm message from the frontend; returns its msg_id."""
    msg = kc.session.msg(msg_type, content, metadata=metadata or {})
    kc.shell_channel.send(msg)
    return msg["header"]["msg_id"]


def comm(kc, msg_type: str, content: dict, metadata: dict | None = None) -> list[dict]:
    """Sends a comm message and returns the IOPub messages it caused, up to its idle status."""
    return iopub_until_idle(kc, send_comm(kc, msg_type, content, metadata))


def update(kc, comm_id: str, state: dict) -> list[dict]:
    """The frontend's `update` of a widget's state."""
    return comm(kc, "comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": state, "buffer_paths": []}})


def comm_info(kc, target: str | None = None) -> dict:
    content = {"target_name": target} if target else {}
    msg = kc.session.msg("comm_info_request", content)
    kc.shell_channel.send(msg)
    return reply_for(kc.get_shell_msg, msg["header"]["msg_id"])["content"]["comms"]


def ok(kc, code: str) -> list[dict]:
    reply, messages = execute(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    return messages


def opened(messages: list[dict], model: str) -> str:
    """The comm id of the widget of `model` that these messages opened."""
    ids = [
        m["content"]["comm_id"]
        for m in messages
        if m["msg_type"] == "comm_open" and m["content"]["data"]["state"].get("_model_name") == model
    ]
    assert len(ids) == 1, [m["msg_type"] for m in messages]
    return ids[0]


def comm_msgs(messages: list[dict], comm_id: str) -> list[dict]:
    return [m["content"]["data"] for m in messages if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id]


def shown_outputs(messages: list[dict], output_id: str) -> list[dict]:
    """The last `outputs` an Output widget was given in these messages."""
    states = [d["state"]["outputs"] for d in comm_msgs(messages, output_id) if "outputs" in d.get("state", {})]
    assert states, f"no outputs sent for {output_id}"
    return states[-1]


def never_routes_by_msg_id(messages: list[dict], output_id: str) -> None:
    """The Output keeps its outputs itself: it never asks the frontend to route messages into it."""
    assert all(d["state"].get("msg_id", "") == "" for d in comm_msgs(messages, output_id) if "state" in d)


def test_a_displayed_widget_opens_its_comms_and_is_listed_until_closed(kernel):
    _, kc = kernel
    messages = ok(kc, 'let life = IntSlider("n", 0...10, value: 3)\nlife')
    opens = [m for m in messages if m["msg_type"] == "comm_open"]
    assert [m["content"]["target_name"] for m in opens] == ["jupyter.widget"] * 3
    assert all(m["metadata"]["version"] == "2.1.0" for m in opens)
    slider = opened(messages, "IntSliderModel")
    state = opens[-1]["content"]["data"]["state"]
    assert state["_model_module"] == "@jupyter-widgets/controls" and state["_model_module_version"] == "2.0.0"
    assert state["value"] == 3 and state["max"] == 10
    results = [m["content"]["data"] for m in messages if m["msg_type"] == "execute_result"]
    assert results[-1]["application/vnd.jupyter.widget-view+json"]["model_id"] == slider

    assert comm_info(kc)[slider] == {"target_name": "jupyter.widget"}
    assert slider in comm_info(kc, "jupyter.widget")
    assert comm_info(kc, "no.such.target") == {}

    closing = comm(kc, "comm_close", {"comm_id": slider, "data": {}})
    assert [m["msg_type"] for m in closing] == ["status", "status"]
    assert slider not in comm_info(kc)
    # A comm_msg for the closed comm is dropped: nothing but busy and idle.
    assert [m["msg_type"] for m in update(kc, slider, {"value": 5})] == ["status", "status"]
    assert result_text(ok(kc, "life.value")) == "3"


def test_an_open_to_an_unknown_target_is_answered_with_comm_close(kernel):
    _, kc = kernel
    messages = comm(kc, "comm_open", {"comm_id": "frontend-1", "target_name": "no.such.target", "data": {}})
    closes = [m["content"] for m in messages if m["msg_type"] == "comm_close"]
    assert [c["comm_id"] for c in closes] == ["frontend-1"]
    assert "frontend-1" not in comm_info(kc)


def test_state_syncs_both_ways_with_echo_update(kernel):
    _, kc = kernel
    slider = opened(ok(kc, 'let sync = FloatSlider("t", 0...1, value: 0.5)\nvar seen: [Double] = []\n'
                        "sync.onChange { seen.append($0) }\nsync"), "FloatSliderModel")
    messages = update(kc, slider, {"value": 0.25})
    assert comm_msgs(messages, slider) == [{"method": "echo_update", "state": {"value": 0.25}, "buffer_paths": []}]
    assert result_text(ok(kc, "seen")) == "[0.25]"
    changed = comm_msgs(ok(kc, "sync.value = 0.75"), slider)
    assert changed == [{"method": "update", "state": {"value": 0.75}, "buffer_paths": []}]
    answer = comm_msgs(comm(kc, "comm_msg", {"comm_id": slider, "data": {"method": "request_state"}}), slider)
    assert answer[-1]["state"]["value"] == 0.75 and answer[-1]["state"]["_model_name"] == "FloatSliderModel"


def test_a_callback_prints_into_its_output(kernel):
    _, kc = kernel
    messages = ok(
        kc,
        'let knob = IntSlider("k", 0...9)\nlet shown = Output()\n'
        'knob.onChange(in: shown) { print("value \\($0)") }\nVBox([knob, shown])',
    )
    knob, shown = opened(messages, "IntSliderModel"), opened(messages, "OutputModel")
    msg_id = send_comm(kc, "comm_msg", {"comm_id": knob, "data": {"method": "update", "state": {"value": 4}}})
    messages = iopub_until_idle(kc, msg_id)
    assert stdout_text(messages) == "", "printed text goes into the widget, not under the message"
    assert shown_outputs(messages, shown) == [{"output_type": "stream", "name": "stdout", "text": "value 4\n"}]
    again = update(kc, knob, {"value": 5})
    # Each run replaces what the last one showed.
    assert shown_outputs(again, shown) == [{"output_type": "stream", "name": "stdout", "text": "value 5\n"}]
    never_routes_by_msg_id(messages + again, shown)


def test_a_trapping_callback_rolls_back_and_reports_in_its_output(kernel):
    _, kc = kernel
    messages = ok(
        kc,
        'let risky = IntSlider("i", 0...5)\nlet report = Output()\nvar calls = 0\n'
        "risky.onChange(in: report) { i in\n  calls += 1\n  let few = [1, 2]\n  print(few[i])\n}\n"
        "VBox([risky, report])",
    )
    risky, report = opened(messages, "IntSliderModel"), opened(messages, "OutputModel")
    ok_messages = update(kc, risky, {"value": 1})
    assert shown_outputs(ok_messages, report) == [{"output_type": "stream", "name": "stdout", "text": "2\n"}]
    msg_id = send_comm(kc, "comm_msg", {"comm_id": risky, "data": {"method": "update", "state": {"value": 4}}})
    messages = iopub_until_idle(kc, msg_id)
    errors = [o for o in shown_outputs(messages, report) if o["output_type"] == "error"]
    assert len(errors) == 1 and "Index out of range" in errors[0]["evalue"], errors
    assert "rolled back" in errors[0]["evalue"]
    # The error replaces what the last run showed, as a run's output would.
    assert len(shown_outputs(messages, report)) == 1
    # The restored executor tells the frontend the slider's value from before the callback.
    assert {"value": 1} in [{k: v for k, v in d["state"].items() if k == "value"} for d in comm_msgs(messages, risky)]
    never_routes_by_msg_id(messages, report)
    assert result_text(ok(kc, "calls")) == "1"
    assert result_text(ok(kc, "risky.value")) == "1"
    assert risky in comm_info(kc)


def test_a_malformed_update_is_reported_and_the_executor_lives(kernel):
    _, kc = kernel
    messages = ok(kc, 'let strict = FloatSlider("s", 0...1, value: 0.5)\nlet notes = Output()\n'
                      "strict.onChange(in: notes) { _ in }\nVBox([strict, notes])")
    strict, notes = opened(messages, "FloatSliderModel"), opened(messages, "OutputModel")
    messages = update(kc, strict, {"value": "abc"})
    errors = [o for o in shown_outputs(messages, notes) if o["output_type"] == "error"]
    assert [e["ename"] for e in errors] == ["WidgetStateError"]
    assert "value must be a number" in errors[0]["evalue"]
    assert comm_msgs(messages, strict)[-1]["state"] == {"value": 0.5}
    no_state = comm(kc, "comm_msg", {"comm_id": strict, "data": {"method": "update"}})
    assert [o["ename"] for o in shown_outputs(no_state, notes) if o["output_type"] == "error"] == ["WidgetStateError"]
    assert result_text(ok(kc, "strict.value")) == "0.5"


def test_a_running_cell_sees_its_widget_change(kernel):
    _, kc = kernel
    messages = ok(kc, 'let live = IntSlider("l", 0...9)\nlive')
    live = opened(messages, "IntSliderModel")
    cell = kc.execute('while live.value != 6 { usleep(5_000) }\nprint("saw", live.value)')
    messages = update(kc, live, {"value": 6})
    assert comm_msgs(messages, live)[0]["method"] == "echo_update"
    assert reply_for(kc.get_shell_msg, cell)["content"]["status"] == "ok"
    assert stdout_text(iopub_until_idle(kc, cell)) == "saw 6\n"


def test_interact_reruns_its_body_replacing_the_output(kernel):
    _, kc = kernel
    messages = ok(kc, 'interact(0...4, ["x", "y"]) { n, s in print(String(repeating: s, count: n)) }')
    slider = opened(messages, "IntSliderModel")
    output = opened(messages, "OutputModel")
    assert shown_outputs(messages, output) == [{"output_type": "stream", "name": "stdout", "text": "xx\n"}]
    rerun = update(kc, slider, {"value": 3})
    assert shown_outputs(rerun, output) == [{"output_type": "stream", "name": "stdout", "text": "xxx\n"}]
    assert stdout_text(messages + rerun) == "" and not [m for m in rerun if m["msg_type"] == "clear_output"]
    shows = ok(kc, 'interact(1...2) { n in display(mime: "text/html", text: "<b>\\(n)</b>") }')
    shown = shown_outputs(shows, opened(shows, "OutputModel"))
    assert [o["data"]["text/html"] for o in shown] == ["<b>1</b>"] and shown[0]["output_type"] == "display_data"
    never_routes_by_msg_id(messages + rerun + shows, output)


def test_the_control_comm_answers_request_states(kernel):
    _, kc = kernel
    slider = opened(ok(kc, 'let known = IntSlider("k", 0...9, value: 4)\nknown'), "IntSliderModel")
    comm(kc, "comm_open", {"comm_id": "control-1", "target_name": "jupyter.widget.control", "data": {}},
         metadata={"version": "1.0.0"})
    assert comm_info(kc, "jupyter.widget.control") == {"control-1": {"target_name": "jupyter.widget.control"}}
    answer = comm_msgs(comm(kc, "comm_msg", {"comm_id": "control-1", "data": {"method": "request_states"}}), "control-1")
    assert answer[-1]["method"] == "update_states" and answer[-1]["buffer_paths"] == []
    state = answer[-1]["states"][slider]
    assert state["model_name"] == "IntSliderModel" and state["state"]["value"] == 4
    closing = comm(kc, "comm_open", {"comm_id": "control-2", "target_name": "jupyter.widget.control", "data": {}},
                   metadata={"version": "9.0.0"})
    assert [m["content"]["comm_id"] for m in closing if m["msg_type"] == "comm_close"] == ["control-2"]
    assert [m["content"]["ename"] for m in closing if m["msg_type"] == "error"] == ["WidgetStateError"]


def test_an_interrupt_stops_a_callback_that_never_returns(fresh_kernel):
    _, kc = fresh_kernel
    messages = ok(
        kc,
        'let spin = IntSlider("s", 0...5)\nlet spun = Output()\nvar spins = 0\n'
        "spin.onChange(in: spun) { _ in\n  spins += 1\n  display(\"spinning\")\n  while true {}\n}\nVBox([spin, spun])",
    )
    spin, spun = opened(messages, "IntSliderModel"), opened(messages, "OutputModel")
    msg_id = send_comm(kc, "comm_msg", {"comm_id": spin, "data": {"method": "update", "state": {"value": 2}}})
    # The callback runs once its Output shows what it displayed before spinning.
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "comm_msg":
            if msg["content"]["comm_id"] == spun and msg["content"]["data"]["state"].get("outputs"):
                break
    send_interrupt(kc)
    messages = iopub_until_idle(kc, msg_id)
    errors = [o for o in shown_outputs(messages, spun) if o["output_type"] == "error"]
    assert [e["ename"] for e in errors] == ["Interrupted"], errors
    assert "the callback was rolled back" in errors[0]["evalue"]
    assert result_text(ok(kc, "spins")) == "0"
    assert result_text(ok(kc, "spin.value")) == "0"
