// MARK: - Modules

/// A layer, a network or a whole model: anything that owns parameters, buffers and child
/// modules as stored properties.
///
/// Nothing is listed by hand. The parameters, the buffers and their checkpoint names come
/// from walking the stored properties: a `Parameter`, a `Buffer` or a `Module` held directly,
/// in an optional, in an array or in a dictionary with string keys is found, and named after
/// the path to it, as PyTorch's `state_dict` names it ("net.block0.conv1.weight"). A parameter
/// added to a layer is therefore trained and checkpointed without any other edit.
///
/// ```swift
/// final class Scale: Module {
///   let logScale = Parameter(.zeros([1, 4, 1, 1]))     // "logScale"
///   @Key("in") var inputConv = Conv2d(...)             // "in.weight", "in.bias"
///   @Key("block#") var blocks: [ResidualBlock] = ...    // "block0...", "block1..."
/// }
/// ```
///
/// A property's name is its key unless `@Key` gives another one. Array elements are named
/// `key.0`, `key.1`, ..., or, when the key holds `#`, with the index in its place. An empty key
/// puts the child's own names at this module's level. A tensor or module reached twice (weights
/// shared between layers) counts once, under the first path that reaches it.
open class Module {
  /// A module with no state of its own.
  public init() {}

  /// This module's own parameters, buffers and child modules with their keys, superclass
  /// properties first, then in declaration order. Found by reflection; a container that names
  /// its children in another way (a sequence of flows) overrides it.
  open var items: [ModuleItem] { Self.reflectedItems(of: self) }

  /// Every parameter under this module with its dotted name, in walk order.
  public var namedParameters: [(name: String, parameter: Parameter)] {
    namedTensors.compactMap { entry in entry.parameter.map { (entry.name, $0) } }
  }

  /// Every buffer under this module with its dotted name, in walk order.
  public var namedBuffers: [(name: String, buffer: Buffer)] {
    namedTensors.compactMap { entry in entry.buffer.map { (entry.name, $0) } }
  }

  /// Every trainable parameter under this module, in walk order.
  public var parameters: [Parameter] { namedParameters.map(\.parameter) }

  /// Every buffer under this module, in walk order.
  public var buffers: [Buffer] { namedBuffers.map(\.buffer) }

  /// This module and every module under it, each once, outermost first.
  public var modules: [Module] {
    var found: [Module] = []
    walk { _, _, _ in
    } module: {
      found.append($0)
    }
    return found
  }

  /// Every module of type `T` under this module (this one included), outermost first.
  public func modules<T>(ofType type: T.Type) -> [T] {
    modules.compactMap { $0 as? T }
  }

  /// Every parameter and buffer with its name and the type of the module that holds it.
  public var namedTensors: [NamedTensor] {
    var found: [NamedTensor] = []
    walk { name, item, owner in
      switch item {
      case .parameter(_, let parameter):
        found.append(NamedTensor(name: name, parameter: parameter, buffer: nil, owner: owner))
      case .buffer(_, let buffer):
        found.append(NamedTensor(name: name, parameter: nil, buffer: buffer, owner: owner))
      case .module: break
      }
    } module: { _ in
    }
    return found
  }

  /// Names shared by two different tensors (say, two children with an empty key that both hold
  /// a "weight"): a sentence per clash naming both holders; empty when every name is unique.
  public var nameClashes: [String] {
    var seen: [String: NamedTensor] = [:]
    var clashes: [String] = []
    for entry in namedTensors {
      if let first = seen[entry.name] {
        clashes.append(
          "\"\(entry.name)\" names both a \(first.kind) of \(first.owner) and a \(entry.kind) of \(entry.owner)"
        )
      } else {
        seen[entry.name] = entry
      }
    }
    return clashes
  }

  // MARK: - The walk

  /// Visits this module, then each item depth first; `tensor` gets each parameter and buffer
  /// with its dotted name and its holder's type name.
  private func walk(
    prefix: String = "", seen: inout Set<ObjectIdentifier>,
    tensor: (String, ModuleItem, String) -> Void, module: (Module) -> Void
  ) {
    module(self)
    let ownerName = String(describing: Swift.type(of: self))
    for item in items {
      let name = item.key.isEmpty ? prefix : prefix.isEmpty ? item.key : "\(prefix).\(item.key)"
      guard seen.insert(item.identity).inserted else { continue }
      switch item {
      case .parameter, .buffer: tensor(name, item, ownerName)
      case .module(_, let child): child.walk(prefix: name, seen: &seen, tensor: tensor, module: module)
      }
    }
  }

  private func walk(tensor: (String, ModuleItem, String) -> Void, module: (Module) -> Void) {
    var seen: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
    walk(seen: &seen, tensor: tensor, module: module)
  }

  /// The items reflection finds among `module`'s stored properties.
  public static func reflectedItems(of module: Module) -> [ModuleItem] {
    var mirrors: [Mirror] = []
    var mirror: Mirror? = Mirror(reflecting: module)
    while let current = mirror {
      mirrors.append(current)
      mirror = current.superclassMirror
    }
    var items: [ModuleItem] = []
    for mirror in mirrors.reversed() {
      for child in mirror.children {
        guard var key = child.label else { continue }
        var value = child.value
        if let keyed = value as? any KeyedProperty {
          key = keyed.key
          value = keyed.wrappedAny
        }
        collect(value, key: key, into: &items)
      }
    }
    return items
  }

  private static func collect(_ value: Any, key: String, into items: inout [ModuleItem]) {
    switch value {
    case let parameter as Parameter: items.append(.parameter(key, parameter))
    case let buffer as Buffer: items.append(.buffer(key, buffer))
    case let module as Module: items.append(.module(key, module))
    case let list as [Parameter]:
      for (i, p) in list.enumerated() { items.append(.parameter(element(key, i), p)) }
    case let list as [Buffer]: for (i, b) in list.enumerated() { items.append(.buffer(element(key, i), b)) }
    case let list as [Module]: for (i, m) in list.enumerated() { items.append(.module(element(key, i), m)) }
    case let table as [String: Module]:
      for name in table.keys.sorted() {
        items.append(.module(key.isEmpty ? name : "\(key).\(name)", table[name]!))
      }
    case let table as [String: Parameter]:
      for name in table.keys.sorted() {
        items.append(.parameter(key.isEmpty ? name : "\(key).\(name)", table[name]!))
      }
    default:
      let mirror = Mirror(reflecting: value)
      if mirror.displayStyle == .optional, let wrapped = mirror.children.first?.value {
        collect(wrapped, key: key, into: &items)
      }
    }
  }

  /// The key of element `index` of an array under `key`.
  private static func element(_ key: String, _ index: Int) -> String {
    if key.contains("#") {
      return key.split(separator: "#", omittingEmptySubsequences: false).joined(separator: "\(index)")
    }
    return key.isEmpty ? "\(index)" : "\(key).\(index)"
  }
}

/// One thing a module holds, with the key it is named by.
public enum ModuleItem {
  /// A trainable tensor.
  case parameter(String, Parameter)
  /// A saved, untrained tensor.
  case buffer(String, Buffer)
  /// A child module.
  case module(String, Module)

  /// The key: one path component, several joined by dots, or empty (the child's names go at
  /// the holder's level).
  public var key: String {
    switch self {
    case .parameter(let key, _), .buffer(let key, _), .module(let key, _): return key
    }
  }

  var identity: ObjectIdentifier {
    switch self {
    case .parameter(_, let p): return ObjectIdentifier(p)
    case .buffer(_, let b): return ObjectIdentifier(b)
    case .module(_, let m): return ObjectIdentifier(m)
    }
  }
}

/// A parameter or buffer under a module, with its dotted name and who holds it.
public struct NamedTensor {
  /// The dotted path, as checkpoints name it.
  public let name: String
  /// The tensor, when it is trained.
  public let parameter: Parameter?
  /// The tensor, when it is saved but not trained.
  public let buffer: Buffer?
  /// The type name of the module that holds it.
  public let owner: String

  /// The current value.
  public var value: Tensor {
    get { parameter?.value ?? buffer!.value }
    nonmutating set {
      if let parameter { parameter.value = newValue } else { buffer!.value = newValue }
    }
  }

  /// "parameter" or "buffer".
  public var kind: String { parameter != nil ? "parameter" : "buffer" }
}

// MARK: - Keys

/// Names a module's stored property differently from the property's own name (in checkpoints
/// and in `namedParameters`): `@Key("in") var inputConv: Conv2d`.
///
/// A property declared without a value is set in the initializer after `super.init()` (before
/// it, Swift does not let an initializer use the property): `super.init(); inputConv = ...`.
@propertyWrapper
public struct Key<Value> {
  private var value: Value?
  /// The key it is named by.
  public let key: String

  /// The property's value.
  public var wrappedValue: Value {
    get {
      guard let value else { preconditionFailure("The property keyed \"\(key)\" was read before it was set") }
      return value
    }
    set { value = newValue }
  }

  /// Names the property `key` and gives it its value.
  public init(wrappedValue: Value, _ key: String) {
    self.value = wrappedValue
    self.key = key
  }

  /// Names the property `key`; the initializer sets its value.
  public init(_ key: String) {
    self.value = nil
    self.key = key
  }
}

/// What the module walk reads from a `Key` wrapper without knowing its value type.
protocol KeyedProperty {
  var key: String { get }
  var wrappedAny: Any { get }
}

extension Key: KeyedProperty {
  var wrappedAny: Any { value as Any }
}
