import Foundation

// MARK: - JSON payloads

/// A JSON value for a notebook output: a payload such as `application/json` or
/// `application/vnd.vegalite.v5+json`, or output metadata such as `["isolated": true]`.
/// Written as a literal: `["mark": "bar", "data": ["values": [["a": 1], ["a": 2]]]]`.
public enum DisplayJSON: Equatable, Sendable {
  /// `null`.
  case null
  /// `true` or `false`.
  case bool(Bool)
  /// A whole number.
  case int(Int)
  /// Any other number.
  case double(Double)
  /// A string.
  case string(String)
  /// An array.
  case array([DisplayJSON])
  /// An object.
  case object([String: DisplayJSON])
}

extension DisplayJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral,
  ExpressibleByNilLiteral
{
  /// A JSON string.
  public init(stringLiteral value: String) { self = .string(value) }
  /// A JSON whole number.
  public init(integerLiteral value: Int) { self = .int(value) }
  /// A JSON Boolean.
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  /// A JSON number.
  public init(floatLiteral value: Double) { self = .double(value) }
  /// A JSON array.
  public init(arrayLiteral elements: DisplayJSON...) { self = .array(elements) }
  /// A JSON object; a repeated key keeps the last value.
  public init(dictionaryLiteral elements: (String, DisplayJSON)...) {
    self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
  }
  /// JSON `null`.
  public init(nilLiteral: ()) { self = .null }
}

// MARK: - From and to Foundation objects

/// A value that `DisplayJSON(jsonObject:)` cannot turn into JSON.
public struct NotJSONError: Error, Equatable, CustomStringConvertible {
  /// The Swift type of the value that is not JSON.
  public var typeName: String

  /// What was found and what was expected.
  public var description: String {
    "a value of type \(typeName) is not JSON: expected String, a number, Bool, NSNull, "
      + "or arrays and [String: ...] dictionaries of those"
  }
}

extension DisplayJSON {
  /// Converts a Foundation-style JSON object (`[String: Any]`, `[Any]`, strings, numbers,
  /// Booleans, `NSNull`), such as `JSONSerialization` returns.
  public init(jsonObject value: Any) throws(NotJSONError) {
    switch value {
    case let json as DisplayJSON: self = json
    case is NSNull: self = .null
    case let number as NSNumber:
      // JSONSerialization's numbers: "c" is a Boolean, "f"/"d" a fraction, else whole.
      switch String(cString: number.objCType) {
      case "c": self = .bool(number.boolValue)
      case "f", "d": self = .double(number.doubleValue)
      default: self = .int(number.intValue)
      }
    case let flag as Bool: self = .bool(flag)
    case let number as Int: self = .int(number)
    case let number as Double: self = .double(number)
    case let number as Float: self = .double(Double(number))
    case let text as String: self = .string(text)
    case let elements as [Any]:
      var converted: [DisplayJSON] = []
      for element in elements { converted.append(try DisplayJSON(jsonObject: element)) }
      self = .array(converted)
    case let members as [String: Any]:
      var converted: [String: DisplayJSON] = [:]
      for (key, member) in members { converted[key] = try DisplayJSON(jsonObject: member) }
      self = .object(converted)
    default:
      throw NotJSONError(typeName: String(describing: type(of: value)))
    }
  }

  /// The value as Foundation objects, as `JSONSerialization` writes them.
  public var jsonObject: Any {
    switch self {
    case .null: return NSNull()
    case .bool(let flag): return flag
    case .int(let number): return number
    case .double(let number): return number.isFinite ? number : NSNull()
    case .string(let text): return text
    case .array(let elements): return elements.map(\.jsonObject)
    case .object(let members): return members.mapValues(\.jsonObject)
    }
  }

  /// Indented JSON text with sorted keys, for the `text/plain` form of a JSON output.
  public var prettyText: String {
    let object = jsonObject
    guard
      let data = try? JSONSerialization.data(
        withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed])
    else { return String(describing: object) }
    return String(decoding: data, as: UTF8.self)
  }
}
