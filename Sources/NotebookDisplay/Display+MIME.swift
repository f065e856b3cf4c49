import ExecutorWire

// MARK: - The MIME bundle and JSON types

/// A value rendered for a notebook: MIME type to payload, plus per-type metadata. The
/// executor sends it to the kernel as it is, so it is defined with the messages between them.
public typealias MimeBundle = ExecutorWire.MimeBundle

/// A JSON value for a notebook output: a payload such as `application/json` or
/// `application/vnd.vegalite.v5+json`, or output metadata such as `["isolated": true]`.
/// Written as a literal: `["mark": "bar", "data": ["values": [["a": 1], ["a": 2]]]]`.
public typealias DisplayJSON = JSONValue

/// A value that `DisplayJSON(jsonObject:)` cannot turn into JSON.
public typealias NotJSONError = ExecutorWire.NotJSONError

// MARK: - Showing any MIME type

extension MimeBundle: NotebookRenderable {
  /// A bundle shows itself as it is, so `display(bundle)` sends any MIME types.
  public func mimeBundle() -> MimeBundle { self }
}

/// Shows a JSON value as `application/json` (front ends show it as a tree), with its indented
/// text as `text/plain`: `display(json: ["loss": 1.5, "epochs": [1, 2, 3]])`.
public func display(json: DisplayJSON, metadata: [String: DisplayJSON] = [:], id: String? = nil) {
  display(mime: "application/json", json: json, metadata: metadata, id: id)
}

/// Shows a JSON payload under any MIME type, e.g. `application/vnd.vegalite.v5+json`; the
/// indented JSON is the `text/plain` form for front ends that cannot render the type.
public func display(
  mime: String, json: DisplayJSON, metadata: [String: DisplayJSON] = [:], id: String? = nil
) {
  let bundle = MimeBundle(data: ["text/plain": json.prettyText], json: [mime: json], metadata: metadata)
  DisplayChannel.show(.display(bundle, id: id))
}

/// Shows a text payload under any MIME type (`text/html`, `text/markdown`, `image/svg+xml`,
/// `text/latex`, base64 `image/png`, ...); `plain` is the `text/plain` form (the text itself
/// when nil). `metadata` is keyed by MIME type: `["image/png": ["width": 200]]`,
/// `["text/html": ["isolated": true]]`.
public func display(
  mime: String, text: String, plain: String? = nil, metadata: [String: DisplayJSON] = [:],
  id: String? = nil
) {
  var data = ["text/plain": plain ?? text]
  data[mime] = text
  DisplayChannel.show(.display(MimeBundle(data: data, json: [:], metadata: metadata), id: id))
}
