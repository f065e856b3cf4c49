import Foundation
import Synchronization

// MARK: - Trace

/// Where a tracked tensor was made: a node on the tape with the given serial number.
struct Trace {
  let serial: UInt64
  let node: Int
}

/// A backward rule: given d loss / d output and which inputs want a gradient, returns one
/// gradient per input (nil where none is wanted), each with that input's shape.
typealias BackwardRule = (_ gradient: Tensor, _ wants: [Bool]) -> [Tensor?]

// MARK: - Tape

/// The record of one `valueAndGradient` call: every op that saw a tracked input, in order.
final class Tape {
  /// One recorded op (or a leaf, which has no inputs and no rule).
  struct Node {
    let shape: [Int]
    let inputs: [Int?]
    let backward: BackwardRule?
  }

  private static let serials = Atomic<UInt64>(0)

  let serial = Tape.serials.add(1, ordering: .relaxed).newValue
  private(set) var nodes: [Node] = []

  /// The tape of the running `valueAndGradient` on this thread, unless recording is paused.
  static var active: Tape? {
    let context = ThreadContext.current
    return context.pauseDepth == 0 ? context.tape : nil
  }

  /// Returns `tensor` marked as a leaf (an input we want the gradient of).
  func leaf(_ tensor: Tensor) -> Tensor {
    nodes.append(Node(shape: tensor.shape, inputs: [], backward: nil))
    return Tensor(
      shape: tensor.shape, storage: tensor.raw,
      trace: Trace(serial: serial, node: nodes.count - 1))
  }

  /// The node index of `tensor` on this tape, or nil when it is a constant here.
  func index(of tensor: Tensor) -> Int? {
    guard let trace = tensor.trace, trace.serial == serial else { return nil }
    return trace.node
  }

  func append(_ node: Node) -> Int {
    nodes.append(node)
    return nodes.count - 1
  }

  /// Walks the tape backwards from `output` and returns d output / d leaf for each leaf.
  ///
  /// `onFinal`, when given, sees each leaf's gradient (by its position in `leaves`) as soon as
  /// the walk has passed every op that uses that leaf, while the rest of the walk is still to
  /// come; leaves that nothing uses come last, with zero gradients. The order is the same for
  /// every run of the same computation.
  func gradients(
    of output: Tensor, leaves: [Tensor], onFinal: ((_ position: Int, _ gradient: Tensor) -> Void)? = nil
  ) -> [Tensor] {
    let finalAfter = onFinal.map { _ in leavesFinalAfterEachNode(leaves) } ?? [:]
    var grads = [Tensor?](repeating: nil, count: nodes.count)
    var finished = [Tensor?](repeating: nil, count: leaves.count)
    if let start = index(of: output) { grads[start] = Tensor.ones(output.shape) }
    for i in stride(from: nodes.count - 1, through: 0, by: -1) {
      if let backward = nodes[i].backward, let grad = grads[i] {
        grads[i] = nil  // frees memory as we go
        let inputs = nodes[i].inputs
        let inputGrads = backward(grad, inputs.map { $0 != nil })
        for (input, inputGrad) in zip(inputs, inputGrads) {
          guard let input, let inputGrad else { continue }
          precondition(
            inputGrad.shape == nodes[input].shape,
            "Backward rule returned a gradient of shape \(inputGrad.shape) for an input of shape "
              + "\(nodes[input].shape)")
          if var sum = grads[input] {
            grads[input] = nil  // so that the sum's buffer can be uniquely held below
            sum.accumulate(inputGrad)
            grads[input] = sum
          } else {
            grads[input] = inputGrad
          }
        }
      }
      for position in finalAfter[i] ?? [] {
        let final = accumulated(for: leaves[position], in: grads)
        finished[position] = final
        onFinal?(position, final)
      }
    }
    return leaves.indices.map { position in
      if let final = finished[position] { return final }
      let final = accumulated(for: leaves[position], in: grads)
      onFinal?(position, final)
      return final
    }
  }

  /// The gradient accumulated for `leaf`, or zeros when nothing reached it.
  private func accumulated(for leaf: Tensor, in grads: [Tensor?]) -> Tensor {
    index(of: leaf).flatMap { grads[$0] } ?? Tensor.zeros(leaf.shape)
  }

  /// For each node, the positions in `leaves` of the leaves whose last use (in the backward
  /// walk, the lowest-numbered op that takes them) is that node. A leaf that appears twice in
  /// `leaves` is listed once, at its first position; unused leaves are not listed.
  private func leavesFinalAfterEachNode(_ leaves: [Tensor]) -> [Int: [Int]] {
    var lastUse = [Int: Int]()  // leaf node -> lowest consumer node
    let leafNodes = Set(leaves.compactMap { index(of: $0) })
    for (node, entry) in nodes.enumerated() {
      for case let input? in entry.inputs where leafNodes.contains(input) && lastUse[input] == nil {
        lastUse[input] = node
      }
    }
    var result = [Int: [Int]]()
    var seen = Set<Int>()
    for (position, leaf) in leaves.enumerated() {
      guard let node = index(of: leaf), let consumer = lastUse[node], seen.insert(node).inserted else {
        continue
      }
      result[consumer, default: []].append(position)
    }
    return result
  }
}

// MARK: - Recording

// Every op records its backward rule where its forward pass is, in one file per op family:
//
//   Tensor+Arithmetic.swift  +, -, *, / (tensor and scalar operands), negation
//   Tensor+Math.swift        exp, log, log1p, sqrt, pow, abs, squared, clamped, tanh, sigmoid,
//                            relu, softplus, logSigmoid, where
//   Tensor+Reduction.swift   sum (mean and variance are built from it), sum across processes
//   Tensor+Shape.swift       reshaped, permuted, expanded, rows, concatenated, split
//   MatMul.swift             matmul
//   Conv2D.swift             conv2d (input, weight and bias in one rule)
//   InstanceNorm.swift       instance norm, with the optional fused ReLU (one rule; its
//                            channel-blocked kernels are in InstanceNorm+Blocked.swift)
//
// A new op is its forward pass plus one `record` call here below, and one finite-difference
// check in Tests/TensorCoreTests/GradientTests.swift.

extension Tensor {
  /// Records a one-input op: `gradient` maps d loss / d output to d loss / d input.
  static func record(_ output: Tensor, _ input: Tensor, gradient: @escaping (Tensor) -> Tensor) -> Tensor {
    record(output, [input]) { g, _ in [gradient(g)] }
  }

  /// Records an op of several inputs with one gradient closure per input, in order; a closure
  /// runs only when its input is tracked.
  static func record(_ output: Tensor, _ inputs: [Tensor], gradients: ((Tensor) -> Tensor)...) -> Tensor {
    precondition(
      inputs.count == gradients.count, "\(inputs.count) inputs but \(gradients.count) gradient rules")
    return record(output, inputs) { g, wants in zip(wants, gradients).map { $0 ? $1(g) : nil } }
  }

  /// Returns `output`, recorded on the active tape as computed from `inputs` by `backward`
  /// when at least one input is tracked; otherwise returns `output` untouched. For ops whose
  /// input gradients share work (convolution, instance norm); the helpers above cover the rest.
  static func record(
    _ output: Tensor, _ inputs: [Tensor], backward: @escaping BackwardRule
  ) -> Tensor {
    guard let tape = Tape.active else { return output }
    let indices = inputs.map { tape.index(of: $0) }
    guard indices.contains(where: { $0 != nil }) else { return output }
    let node = tape.append(Tape.Node(shape: output.shape, inputs: indices, backward: backward))
    return Tensor(
      shape: output.shape, storage: output.raw,
      trace: Trace(serial: tape.serial, node: node))
  }
}

// MARK: - Thread context

/// Per-thread state: the running tape, how deeply recording is paused, and the thread's limit on
/// `ComputeThreads.count`.
final class ThreadContext {
  var tape: Tape?
  var pauseDepth = 0
  /// Set by `ComputeThreads.withLimit`; nil: the process's count.
  var threadLimit: Int?

  private static let key: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key) { pointer in
      if let pointer { Unmanaged<ThreadContext>.fromOpaque(pointer).release() }
    }
    precondition(status == 0, "pthread_key_create failed with status \(status)")
    return key
  }()

  /// This thread's context if it has one yet (nil: it has never needed one).
  static var currentIfMade: ThreadContext? {
    pthread_getspecific(key).map { Unmanaged<ThreadContext>.fromOpaque($0).takeUnretainedValue() }
  }

  /// This thread's context, created on first use.
  static var current: ThreadContext {
    if let pointer = pthread_getspecific(key) {
      return Unmanaged<ThreadContext>.fromOpaque(pointer).takeUnretainedValue()
    }
    let context = ThreadContext()
    pthread_setspecific(key, Unmanaged.passRetained(context).toOpaque())
    return context
  }
}
