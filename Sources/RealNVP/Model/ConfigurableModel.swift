import Foundation

/// A model that records a configuration in the run journal and is built again from it, as
/// the built-in architectures are: by `realnvp train --resume`, `Journal.replay` and
/// checkpoint checks.
///
/// ```swift
/// final class MyFlow: FlowModel, ConfigurableModel {
///   struct Configuration: Codable { var couplings: Int; var seed: UInt64 }
///   let configuration: Configuration
///   init(configuration: Configuration) { ... super.init(flow: ..., base: ..., sampleShape: [2]) }
///   override var modelDescription: ModelDescription { Self.describe(configuration) }
/// }
/// MyFlow.register()
/// ```
///
/// A field named `seed` is what `realnvp train --seed` sets.
public protocol ConfigurableModel: DensityModel {
  /// Everything needed to build the same model again.
  associatedtype Configuration: Codable
  /// This model's configuration.
  var configuration: Configuration { get }
  /// Builds the model `configuration` describes.
  init(configuration: Configuration) throws
}

extension ConfigurableModel {
  /// The name the journal records: the type's name.
  public static var modelName: String { String(describing: Self.self) }

  /// The description of a model of this type with `configuration`.
  public static func describe(_ configuration: Configuration) -> ModelDescription {
    do {
      return .custom(try CustomModelDescription(name: modelName, configuration: configuration))
    } catch {
      preconditionFailure("\(modelName)'s configuration does not encode as a JSON object: \(error)")
    }
  }

  /// The type's name with the configuration's fields.
  public var modelDescription: ModelDescription { Self.describe(configuration) }

  /// Lets `ModelDescription.makeModel()` build models of this type from their records.
  public static func register() {
    ModelRegistry.register(name: modelName) { description in
      try Self(configuration: description.configuration(as: Configuration.self))
    }
  }
}

/// The model types that recorded descriptions can be built from.
enum ModelRegistry {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var builders: [String: (CustomModelDescription) throws -> DensityModel] =
    [:]

  static func register(name: String, _ build: @escaping (CustomModelDescription) throws -> DensityModel) {
    lock.withLock { builders[name] = build }
  }

  static func build(_ description: CustomModelDescription) throws -> DensityModel {
    guard let build = lock.withLock({ builders[description.name] }) else {
      throw ModelDescriptionError.notRegistered(
        name: description.name, known: lock.withLock { builders.keys.sorted() })
    }
    return try build(description)
  }
}

/// A model other than the built-in architectures, as the journal records it.
public struct CustomModelDescription: Equatable, Codable, Sendable {
  /// The model type's name.
  public var name: String
  /// Its settings as name/value pairs; for a `ConfigurableModel`, each top-level field of its
  /// configuration as JSON text.
  public var settings: [String: String]

  /// A description from plain settings.
  public init(name: String, settings: [String: String]) {
    self.name = name
    self.settings = settings
  }

  /// A description whose settings are `configuration`'s top-level fields, each as JSON text
  /// (3, "logit", [1,28,28]), so that tables show them and `configuration(as:)` reads them back.
  public init<Configuration: Encodable>(name: String, configuration: Configuration) throws {
    let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(configuration))
    guard let fields = object as? [String: Any] else {
      throw ModelDescriptionError.badConfiguration(
        name: name, reason: "a configuration must encode as a JSON object, got \(type(of: object))")
    }
    var settings: [String: String] = [:]
    for (key, value) in fields {
      let text = try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])
      settings[key] = String(decoding: text, as: UTF8.self)
    }
    self.init(name: name, settings: settings)
  }

  /// The configuration these settings were made from.
  public func configuration<Configuration: Decodable>(as type: Configuration.Type) throws -> Configuration {
    var fields: [String: Any] = [:]
    for (key, text) in settings {
      do {
        fields[key] = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
      } catch {
        throw ModelDescriptionError.badConfiguration(
          name: name, reason: "setting \(key) is not JSON: \(text)")
      }
    }
    do {
      return try JSONDecoder().decode(type, from: JSONSerialization.data(withJSONObject: fields))
    } catch {
      throw ModelDescriptionError.badConfiguration(name: name, reason: "\(error)")
    }
  }
}

/// Raised when a recorded model cannot be built again.
public enum ModelDescriptionError: Error, CustomStringConvertible {
  /// No type of that name was registered.
  case notRegistered(name: String, known: [String])
  /// The recorded settings are not a configuration of that type.
  case badConfiguration(name: String, reason: String)

  /// A sentence naming the model and what was expected.
  public var description: String {
    switch self {
    case .notRegistered(let name, let known):
      return "No model type \"\(name)\" is registered to build a recorded model from "
        + "(known: \(known.isEmpty ? "none" : known.joined(separator: ", "))); build the model yourself, or "
        + "call \(name).register() first"
    case .badConfiguration(let name, let reason):
      return "The recorded settings of a \(name) are not its configuration: \(reason)"
    }
  }
}
