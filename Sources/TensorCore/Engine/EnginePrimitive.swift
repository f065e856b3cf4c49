import CDNNL

/// One oneDNN primitive made for one shape, with reorders per argument between the tensor core's
/// layouts (plain NCHW activations and OIHW kernels; channel-blocked activations, see
/// `StorageFormat`) and the layout the primitive chose.
///
/// Made once per shape and reused; executing it from several threads at once is safe, because
/// each execution gets its own stream, scratchpad and reorder buffers.
final class EnginePrimitive {
  /// An argument of the primitive: which one, its two layouts, and the reorder between them.
  struct Argument {
    /// oneDNN's argument index (DNNL_ARG_SRC, ...).
    let id: Int32
    /// Whether the primitive writes it.
    let isOutput: Bool
    /// The tensor core's plain layout.
    var plain: dnnl_memory_desc_t
    /// The tensor core's channel-blocked layout, for activations with whole blocks of channels.
    var blocked: dnnl_memory_desc_t?
    /// The primitive's layout.
    var chosen: dnnl_memory_desc_t
    /// plain -> chosen for inputs, chosen -> plain for outputs; nil when the layouts are equal.
    let reorder: dnnl_primitive_t?
    /// The same between the channel-blocked layout and the chosen one; nil when they are equal
    /// or there is no blocked layout.
    let blockedReorder: dnnl_primitive_t?
    /// Whether the primitive reads or writes the channel-blocked layout itself.
    let choseBlocked: Bool
    /// Bytes of the chosen layout.
    let chosenBytes: Int
  }

  /// Which argument, how to query its chosen layout, and its plain dimensions.
  struct ArgumentSpec {
    let id: Int32
    let query: dnnl_query_t
    let index: Int32
    let dimensions: [Int]
    let isOutput: Bool

    /// Whether the argument is an image batch (source, destination or their gradients), which
    /// may come channel-blocked; kernels and biases are always plain.
    var isActivation: Bool {
      [dnnl_query_src_md, dnnl_query_dst_md, dnnl_query_diff_src_md, dnnl_query_diff_dst_md].contains(query)
    }

    /// An argument the primitive reads.
    static func input(_ id: Int32, _ query: dnnl_query_t, index: Int32 = 0, _ dimensions: [Int]) -> Self {
      Self(id: id, query: query, index: index, dimensions: dimensions, isOutput: false)
    }

    /// An argument the primitive writes.
    static func output(_ id: Int32, _ query: dnnl_query_t, index: Int32 = 0, _ dimensions: [Int]) -> Self {
      Self(id: id, query: query, index: index, dimensions: dimensions, isOutput: true)
    }
  }

  let primitive: dnnl_primitive_t
  let arguments: [Argument]
  private var scratchpad: dnnl_memory_desc_t
  private let scratchpadBytes: Int
  /// The implementation oneDNN picked, for example "jit:avx512_core".
  let implementation: String

  /// Creates the primitive from its operation descriptor (scratchpad owned by the caller), or
  /// returns nil when oneDNN has no implementation of it on this CPU.
  init?(
    operation: UnsafeRawPointer, hint: const_dnnl_primitive_desc_t?, arguments specs: [ArgumentSpec],
    what: String
  ) {
    DNNL.singleThreaded()
    var attributes: dnnl_primitive_attr_t?
    DNNL.check(dnnl_primitive_attr_create(&attributes), "creating attributes for \(what)")
    defer { dnnl_primitive_attr_destroy(attributes) }
    DNNL.check(
      dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user),
      "setting the scratchpad mode for \(what)")
    var descriptor: dnnl_primitive_desc_t?
    let found = dnnl_primitive_desc_create(&descriptor, operation, attributes, DNNL.engine, hint)
    guard found == dnnl_success else {
      precondition(found == dnnl_unimplemented, "oneDNN failed finding \(what): status \(found.rawValue)")
      return nil
    }
    defer { dnnl_primitive_desc_destroy(descriptor) }
    var made: dnnl_primitive_t?
    DNNL.check(dnnl_primitive_create(&made, descriptor), "creating \(what)")
    primitive = made!
    var info: UnsafePointer<CChar>?
    _ = dnnl_primitive_desc_query(descriptor, dnnl_query_impl_info_str, 0, &info)
    implementation = info.map { String(cString: $0) } ?? "unknown"
    scratchpad = dnnl_primitive_desc_query_md(descriptor, dnnl_query_scratchpad_md, 0)!.pointee
    scratchpadBytes = dnnl_memory_desc_get_size(&scratchpad)
    self.arguments = specs.map { spec in
      var plain = DNNL.memoryDescriptor(spec.dimensions, DNNL.plainLayout(rank: spec.dimensions.count))
      var chosen = dnnl_primitive_desc_query_md(descriptor, spec.query, spec.index)!.pointee
      var blocked =
        spec.isActivation && ChannelBlocks.fits(spec.dimensions)
        ? DNNL.memoryDescriptor(spec.dimensions, dnnl_aBcd16b) : nil
      var choseBlocked = false
      if var layout = blocked { choseBlocked = dnnl_memory_desc_equal(&layout, &chosen) != 0 }
      return Argument(
        id: spec.id, isOutput: spec.isOutput, plain: plain, blocked: blocked, chosen: chosen,
        reorder: EnginePrimitive.reorder(between: &plain, and: &chosen, isOutput: spec.isOutput, what),
        blockedReorder: blocked.flatMap { _ in
          EnginePrimitive.reorder(between: &blocked!, and: &chosen, isOutput: spec.isOutput, what)
        },
        choseBlocked: choseBlocked, chosenBytes: dnnl_memory_desc_get_size(&chosen))
    }
  }

  /// The reorder from `layout` to `chosen` (or back, for an output), or nil when they are equal.
  private static func reorder(
    between layout: inout dnnl_memory_desc_t, and chosen: inout dnnl_memory_desc_t, isOutput: Bool,
    _ what: String
  ) -> dnnl_primitive_t? {
    guard dnnl_memory_desc_equal(&layout, &chosen) == 0 else { return nil }
    var reorderDescriptor: dnnl_primitive_desc_t?
    let (from, to) = isOutput ? (chosen, layout) : (layout, chosen)
    withUnsafePointer(to: from) { from in
      withUnsafePointer(to: to) { to in
        DNNL.check(
          dnnl_reorder_primitive_desc_create(&reorderDescriptor, from, DNNL.engine, to, DNNL.engine, nil),
          "finding a reorder for \(what)")
      }
    }
    defer { dnnl_primitive_desc_destroy(reorderDescriptor) }
    var reorder: dnnl_primitive_t?
    DNNL.check(dnnl_primitive_create(&reorder, reorderDescriptor), "creating a reorder for \(what)")
    return reorder
  }

  deinit {
    dnnl_primitive_destroy(primitive)
    for argument in arguments {
      dnnl_primitive_destroy(argument.reorder)
      dnnl_primitive_destroy(argument.blockedReorder)
    }
  }

  /// Data handed to `execute` for one argument.
  enum Operand {
    /// In the tensor core's plain layout: reordered into the chosen layout (inputs) or back from it
    /// (outputs) around the primitive.
    case plain(UnsafeMutableRawPointer)
    /// In the channel-blocked layout (the argument must have one): reordered like a plain operand
    /// unless the primitive chose that layout.
    case blocked(UnsafeMutableRawPointer)
    /// Already in the chosen layout of that argument (see `reorderToChosen`).
    case chosen(UnsafeMutableRawPointer)
  }

  /// Runs the primitive, one operand per argument in the order given at creation.
  func execute(_ operands: [Operand]) {
    precondition(
      operands.count == arguments.count, "expected \(arguments.count) operands, got \(operands.count)")
    DNNL.singleThreaded()
    let sizes = zip(arguments, operands).map { argument, operand in
      EnginePrimitive.conversion(argument, operand) == nil ? 0 : argument.chosenBytes
    }
    ScratchPool.withBytes(sizes + [scratchpadBytes]) { buffers in
      DNNL.withStream { stream in
        var memories = MemoryWrappers()
        defer { memories.destroy() }
        var execution: [dnnl_exec_arg_t] = []
        var afterwards: [(dnnl_primitive_t, dnnl_memory_t?, dnnl_memory_t?)] = []
        for (index, (argument, operand)) in zip(arguments, operands).enumerated() {
          let pointer = operand.pointer
          guard let (reorder, layout) = EnginePrimitive.conversion(argument, operand) else {
            execution.append(
              dnnl_exec_arg_t(arg: argument.id, memory: memories.wrap(argument.chosen, pointer)))
            continue
          }
          let own = memories.wrap(layout, pointer)
          let chosen = memories.wrap(argument.chosen, buffers[index]!)
          execution.append(dnnl_exec_arg_t(arg: argument.id, memory: chosen))
          if argument.isOutput {
            afterwards.append((reorder, chosen, own))
          } else {
            run(reorder, from: own, to: chosen, on: stream)
          }
        }
        if scratchpadBytes > 0 {
          execution.append(
            dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: memories.wrap(scratchpad, buffers.last!!)))
        }
        DNNL.check(
          dnnl_primitive_execute(primitive, stream, Int32(execution.count), execution),
          "executing \(implementation)")
        for (reorder, from, to) in afterwards { run(reorder, from: from, to: to, on: stream) }
      }
    }
  }

  /// The reorder an operand needs around the primitive and the operand's own layout, or nil when
  /// the primitive takes it as it is.
  private static func conversion(_ argument: Argument, _ operand: Operand) -> (
    dnnl_primitive_t, dnnl_memory_desc_t
  )? {
    switch operand {
    case .chosen: return nil
    case .plain: return argument.reorder.map { ($0, argument.plain) }
    case .blocked:
      precondition(argument.blocked != nil, "a channel-blocked operand for an argument without that layout")
      return argument.blockedReorder.map { ($0, argument.blocked!) }
    }
  }

  /// The bytes of input argument `index` in the chosen layout when `operand` needs a reorder
  /// into it, else nil.
  func reorderedBytes(_ index: Int, for operand: Operand) -> Int? {
    EnginePrimitive.conversion(arguments[index], operand) == nil ? nil : arguments[index].chosenBytes
  }

  /// Whether argument `index` of this primitive and argument `otherIndex` of `other` have the same
  /// chosen layout, so that one reordered copy serves both.
  func sharesLayout(_ index: Int, with other: EnginePrimitive, _ otherIndex: Int) -> Bool {
    var (mine, theirs) = (arguments[index].chosen, other.arguments[otherIndex].chosen)
    return dnnl_memory_desc_equal(&mine, &theirs) != 0
  }

  /// Whether argument `index` is read or written in the channel-blocked layout as it is.
  func choseBlocked(_ index: Int) -> Bool { arguments[index].choseBlocked }

  /// Reorders an input operand for argument `index` into `destination`, in the chosen layout.
  func reorderToChosen(_ index: Int, from operand: Operand, into destination: UnsafeMutableRawPointer) {
    let argument = arguments[index]
    precondition(!argument.isOutput, "only an input argument is reordered ahead of execution")
    guard let (reorder, layout) = EnginePrimitive.conversion(argument, operand) else {
      destination.copyMemory(from: operand.pointer, byteCount: argument.chosenBytes)
      return
    }
    DNNL.singleThreaded()
    DNNL.withStream { stream in
      var memories = MemoryWrappers()
      defer { memories.destroy() }
      run(
        reorder, from: memories.wrap(layout, operand.pointer),
        to: memories.wrap(argument.chosen, destination),
        on: stream)
    }
  }

  private func run(
    _ reorder: dnnl_primitive_t, from: dnnl_memory_t?, to: dnnl_memory_t?, on stream: dnnl_stream_t
  ) {
    let pair = [
      dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: from), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: to),
    ]
    DNNL.check(dnnl_primitive_execute(reorder, stream, 2, pair), "reordering")
  }
}

extension EnginePrimitive.Operand {
  /// The operand's data.
  var pointer: UnsafeMutableRawPointer {
    switch self {
    case .plain(let pointer), .blocked(let pointer), .chosen(let pointer): pointer
    }
  }
}

/// oneDNN memory objects wrapping caller-owned data for one execution.
struct MemoryWrappers {
  private var made: [dnnl_memory_t?] = []

  /// Wraps `pointer` as memory of the given layout (the data is not copied).
  mutating func wrap(_ descriptor: dnnl_memory_desc_t, _ pointer: UnsafeMutableRawPointer) -> dnnl_memory_t? {
    var memory: dnnl_memory_t?
    withUnsafePointer(to: descriptor) {
      DNNL.check(dnnl_memory_create(&memory, $0, DNNL.engine, pointer), "wrapping memory")
    }
    made.append(memory)
    return memory
  }

  /// Destroys the wrappers (not the data).
  func destroy() { made.forEach { dnnl_memory_destroy($0) } }
}
