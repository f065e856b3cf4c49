import Foundation

// MARK: - From and to Foundation objects

/// A value that `JSONValue(jsonObject:)` cannot turn into JSON.
public struct NotJSONError: Error, Equatable, CustomStringConvertible {
  /// The Swift type of the value that is not JSON.
  public var typeName: String

  /// What was found and what was expected.
  public var description: String {
    "a value of type \(typeName) is not JSON: expected String, a number, Bool, NSNull, "
      + "or arrays and [String: ...] dictionaries of those"
  }
}

extension JSONValue {
  /// Converts a Foundation-style JSON object (`[String: Any]`, `[Any]`, strings, numbers,
  /// Booleans, `NSNull`), such as `JSONSerialization` returns.
  public init(jsonObject value: Any) throws(NotJSONError) {
    switch value {
    case let json as JSONValue: self = json
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
      var converted: [JSONValue] = []
      for element in elements { converted.append(try JSONValue(jsonObject: element)) }
      self = .array(converted)
    case let members as [String: Any]:
      var converted: [String: JSONValue] = [:]
      for (key, member) in members { converted[key] = try JSONValue(jsonObject: member) }
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
