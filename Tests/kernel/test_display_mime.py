"""Display of any MIME type: JSON payloads as JSON, text payloads, JSON metadata, display(json:)."""

from __future__ import annotations

from kernel_helpers import execute


def displays(messages: list[dict]) -> list[dict]:
    return [m["content"] for m in messages if m["msg_type"] == "display_data"]


def the_display(kc, code: str) -> dict:
    """Runs `code`, which must succeed and show exactly one display_data; returns its content."""
    reply, messages = execute(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    [shown] = displays(messages)
    return shown


def test_display_json_literal_sends_a_json_object(kernel):
    _, kc = kernel
    shown = the_display(kc, 'display(json: ["loss": 1.5, "epochs": [1, 2, 3], "done": true, "note": nil])')
    assert shown["data"]["application/json"] == {"loss": 1.5, "epochs": [1, 2, 3], "done": True, "note": None}
    assert '"epochs"' in shown["data"]["text/plain"]


def test_display_json_array_literal(kernel):
    _, kc = kernel
    shown = the_display(kc, 'display(json: [1, "two", 3.5, ["nested": [false]]])')
    assert shown["data"]["application/json"] == [1, "two", 3.5, {"nested": [False]}]


def test_vega_lite_payload_under_its_own_mime_type(kernel):
    _, kc = kernel
    code = (
        "let values: [DisplayJSON] = (0..<3).map { [\"x\": .int($0), \"y\": .int($0 * $0)] }\n"
        'display(mime: "application/vnd.vegalite.v5+json", '
        'json: ["mark": "line", "data": ["values": .array(values)]])'
    )
    shown = the_display(kc, code)
    spec = shown["data"]["application/vnd.vegalite.v5+json"]
    assert spec["mark"] == "line"
    assert spec["data"]["values"] == [{"x": 0, "y": 0}, {"x": 1, "y": 1}, {"x": 2, "y": 4}]


def test_text_payload_with_json_metadata(kernel):
    _, kc = kernel
    shown = the_display(
        kc,
        'display(mime: "text/html", text: "<b>bold</b>", plain: "bold", '
        'metadata: ["text/html": ["isolated": true]])',
    )
    assert shown["data"] == {"text/html": "<b>bold</b>", "text/plain": "bold"}
    assert shown["metadata"] == {"text/html": {"isolated": True}}


def test_image_metadata_width_and_height(kernel):
    _, kc = kernel
    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    shown = the_display(
        kc,
        f'display(mime: "image/png", text: "{pixel}", plain: "a pixel", '
        'metadata: ["image/png": ["width": 64, "height": 32]])',
    )
    assert shown["data"]["image/png"] == pixel
    assert shown["metadata"] == {"image/png": {"width": 64, "height": 32}}


def test_a_mime_bundle_with_several_types(kernel):
    _, kc = kernel
    code = (
        'display(MimeBundle(data: ["text/plain": "table", "text/markdown": "| a |\\n|---|\\n| 1 |"], '
        'json: ["application/json": ["a": [1]]], metadata: ["application/json": ["expanded": true]]))'
    )
    shown = the_display(kc, code)
    assert shown["data"]["text/markdown"].startswith("| a |")
    assert shown["data"]["application/json"] == {"a": [1]}
    assert shown["metadata"] == {"application/json": {"expanded": True}}


def test_foundation_json_object_converts(kernel):
    _, kc = kernel
    code = (
        'let parsed = try JSONSerialization.jsonObject(with: Data(#"{"n": 2, "ok": true, "r": 0.5}"#.utf8))\n'
        "display(json: try DisplayJSON(jsonObject: parsed))"
    )
    shown = the_display(kc, code)
    assert shown["data"]["application/json"] == {"n": 2, "ok": True, "r": 0.5}
