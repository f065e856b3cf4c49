// MARK: - A rendered value

/// A value rendered for a notebook: MIME type to payload, plus per-type metadata.
///
/// `text/plain` is always present. Binary payloads (image/png) are base64 strings, as the
/// Jupyter protocol carries them; JSON payloads (`application/json`, Vega-Lite, ...) are
/// `JSONValue`s in `json`. The executor sends it to the kernel as it is (`ExecutorEvent`);
/// the kernel publishes `jupyterData` and `jupyterMetadata`.
public struct MimeBundle: Equatable, Sendable, Codable {
  /// MIME type to payload, e.g. `["text/plain": "...", "image/png": "<base64>"]`.
  public var data: [String: String]
  /// MIME type to metadata, e.g. `["image/png": ["width": 280, "height": 280]]`.
  public var metadata: [String: [String: Int]]
  /// MIME type to JSON payload, e.g. `["application/json": ["a": 1]]`; sent as JSON, not text.
  public var json: [String: JSONValue] = [:]
  /// Metadata of any JSON shape, e.g. `["text/html": ["isolated": true]]`; merged over `metadata`.
  public var jsonMetadata: [String: JSONValue] = [:]

  /// Creates a bundle; `data` should hold a `text/plain` entry.
  public init(data: [String: String], metadata: [String: [String: Int]] = [:]) {
    self.data = data
    self.metadata = metadata
  }

  /// Creates a bundle with string and JSON payloads and metadata of any JSON shape.
  public init(
    data: [String: String], json: [String: JSONValue], metadata: [String: JSONValue] = [:]
  ) {
    self.data = data
    self.metadata = [:]
    self.json = json
    self.jsonMetadata = metadata
  }

  /// A bundle holding only plain text.
  public init(plainText: String) {
    self.init(data: ["text/plain": plainText])
  }
}

// MARK: - The Jupyter form

extension MimeBundle {
  /// Every payload as Jupyter's `data` carries it: text as strings, JSON payloads as JSON (a
  /// JSON payload wins over text of the same MIME type).
  public var jupyterData: [String: JSONValue] {
    data.mapValues(JSONValue.string).merging(json) { _, json in json }
  }

  /// The metadata as Jupyter's `metadata` carries it: a JSON object in `jsonMetadata` merged
  /// member by member over the integer metadata of the same key; any other JSON value
  /// replaces it.
  public var jupyterMetadata: [String: JSONValue] {
    var result = metadata.mapValues { JSONValue.object($0.mapValues(JSONValue.int)) }
    for (key, value) in jsonMetadata {
      if case .object(let members) = value, case .object(let integers)? = result[key] {
        result[key] = .object(integers.merging(members) { _, member in member })
      } else {
        result[key] = value
      }
    }
    return result
  }
}
