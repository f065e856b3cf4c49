// Reverse-mode automatic differentiation: the entry points. The tape and the way ops record
// their backward rules are in Tape.swift.

/// Runs `f` with gradient recording on, returns f's value and d value / d parameter for each
/// parameter (same order). Outside this call nothing is recorded (that is the no-gradient default).
///
/// ```swift
/// let (loss, grads) = valueAndGradient(at: model.parameters) { model.loss(batch, training: true, using: &rng) }
/// optimizer.update(grads)
/// ```
/// A non-scalar value is treated as the sum of its elements. Parameters that `f` does not use
/// get zero gradients. Gradients of gradients are not supported.
///
/// `onGradient`, when given, sees each parameter's gradient (with its index in `parameters`) as
/// soon as the backward pass has finished with that parameter, before the pass ends; roughly
/// the reverse of the order the forward pass used them. Data-parallel training starts sending
/// gradients there while the rest of the backward pass runs. Every index comes exactly once,
/// in the same order on every call for the same computation.
public func valueAndGradient(
  at parameters: [Parameter], onGradient: ((_ index: Int, _ gradient: Tensor) -> Void)? = nil,
  _ f: () throws -> Tensor
) rethrows -> (value: Tensor, gradients: [Tensor]) {
  try withTape(onFinal: onGradient) { tape in
    var leaves: [ObjectIdentifier: Tensor] = [:]
    for parameter in parameters where leaves[ObjectIdentifier(parameter)] == nil {
      let leaf = tape.leaf(parameter.value)
      leaves[ObjectIdentifier(parameter)] = leaf
      parameter.value = leaf
    }
    defer { for parameter in parameters { parameter.value = parameter.value.detached() } }
    let value = try f()
    return (value, parameters.map { leaves[ObjectIdentifier($0)]! })
  }
}

/// Functional form for tests and pure functions: the value of `f` and its gradient with
/// respect to each input tensor.
public func valueAndGradient(
  at inputs: [Tensor], _ f: ([Tensor]) throws -> Tensor
) rethrows -> (value: Tensor, gradients: [Tensor]) {
  try withTape { tape in
    let leaves = inputs.map { tape.leaf($0) }
    return (try f(leaves), leaves)
  }
}

/// Runs `body` without recording any op, even inside `valueAndGradient` (for evaluation,
/// sampling and running statistics).
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
  let context = ThreadContext.current
  context.pauseDepth += 1
  defer { context.pauseDepth -= 1 }
  return try body()
}

/// Installs a fresh tape, runs `body` (which returns the value and the leaves), then runs the
/// backward pass with recording off and restores the previous state.
private func withTape(
  onFinal: ((Int, Tensor) -> Void)? = nil, _ body: (Tape) throws -> (Tensor, [Tensor])
) rethrows -> (value: Tensor, gradients: [Tensor]) {
  let context = ThreadContext.current
  let saved = (context.tape, context.pauseDepth)
  let tape = Tape()
  context.tape = tape
  context.pauseDepth = 0
  defer { (context.tape, context.pauseDepth) = saved }
  let (value, leaves) = try body(tape)
  context.pauseDepth = 1
  let gradients = tape.gradients(of: value, leaves: leaves, onFinal: onFinal)
  return (value.detached(), gradients)
}
