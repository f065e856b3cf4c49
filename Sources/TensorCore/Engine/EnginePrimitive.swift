import CDNNL

/// One oneDNN primitive made for one shape, with a reorder per argument between the tensor core's
/// plain layout (NCHW activations, OIHW kernels) and the blocked layout the primitive chose.
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
    /// The tensor core's layout.
    var plain: dnnl_memory_desc_t
    /// The primitive's layout.
    var chosen: dnnl_memory_desc_t
    /// plain -> chosen for inputs, chosen -> plain for outputs; nil when the layouts are equal.
    let reorder: dnnl_primitive_t?
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
      var reorder: dnnl_primitive_t?
      if dnnl_memory_desc_equal(&plain, &chosen) == 0 {
        var reorderDescriptor: dnnl_primitive_desc_t?
        let (from, to) = spec.isOutput ? (chosen, plain) : (plain, chosen)
        withUnsafePointer(to: from) { from in
          withUnsafePointer(to: to) { to in
            DNNL.check(
              dnnl_reorder_primitive_desc_create(&reorderDescriptor, from, DNNL.engine, to, DNNL.engine, nil),
              "finding a reorder for \(what)")
          }
        }
        DNNL.check(dnnl_primitive_create(&reorder, reorderDescriptor), "creating a reorder for \(what)")
        dnnl_primitive_desc_destroy(reorderDescriptor)
      }
      return Argument(
        id: spec.id, isOutput: spec.isOutput, plain: plain, chosen: chosen, reorder: reorder,
        chosenBytes: dnnl_memory_desc_get_size(&chosen))
    }
  }

  deinit {
    dnnl_primitive_destroy(primitive)
    for argument in arguments { dnnl_primitive_destroy(argument.reorder) }
  }

  /// Data handed to `execute` for one argument.
  enum Operand {
    /// In the tensor core's plain layout: reordered into the chosen layout (inputs) or back from it
    /// (outputs) around the primitive.
    case plain(UnsafeMutableRawPointer)
    /// Already in the chosen layout of that argument (see `reorderToChosen`).
    case chosen(UnsafeMutableRawPointer)
  }

  /// Runs the primitive, one operand per argument in the order given at creation.
  func execute(_ operands: [Operand]) {
    precondition(
      operands.count == arguments.count, "expected \(arguments.count) operands, got \(operands.count)")
    DNNL.singleThreaded()
    let sizes = zip(arguments, operands).map { argument, operand in
      if case .plain = operand, argument.reorder != nil { return argument.chosenBytes }
      return 0
    }
    ScratchPool.withBytes(sizes + [scratchpadBytes]) { buffers in
      DNNL.withStream { stream in
        var memories = MemoryWrappers()
        defer { memories.destroy() }
        var execution: [dnnl_exec_arg_t] = []
        var afterwards: [(dnnl_primitive_t, dnnl_memory_t?, dnnl_memory_t?)] = []
        for (index, (argument, operand)) in zip(arguments, operands).enumerated() {
          switch (operand, argument.reorder) {
          case (.chosen(let pointer), _):
            execution.append(
              dnnl_exec_arg_t(arg: argument.id, memory: memories.wrap(argument.chosen, pointer)))
          case (.plain(let pointer), nil):
            execution.append(
              dnnl_exec_arg_t(arg: argument.id, memory: memories.wrap(argument.plain, pointer)))
          case (.plain(let pointer), let reorder?):
            let plain = memories.wrap(argument.plain, pointer)
            let chosen = memories.wrap(argument.chosen, buffers[index]!)
            execution.append(dnnl_exec_arg_t(arg: argument.id, memory: chosen))
            if argument.isOutput {
              afterwards.append((reorder, chosen, plain))
            } else {
              run(reorder, from: plain, to: chosen, on: stream)
            }
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

  /// Whether input argument `index` needs a reorder, with the bytes of its chosen layout.
  func reorderedBytes(_ index: Int) -> Int? {
    arguments[index].reorder == nil ? nil : arguments[index].chosenBytes
  }

  /// Whether argument `index` of this primitive and argument `otherIndex` of `other` have the same
  /// chosen layout, so that one reordered copy serves both.
  func sharesLayout(_ index: Int, with other: EnginePrimitive, _ otherIndex: Int) -> Bool {
    var (mine, theirs) = (arguments[index].chosen, other.arguments[otherIndex].chosen)
    return dnnl_memory_desc_equal(&mine, &theirs) != 0
  }

  /// Reorders plain-layout input data for argument `index` into `destination`, in the chosen layout.
  func reorderToChosen(
    _ index: Int, from source: UnsafeMutableRawPointer, into destination: UnsafeMutableRawPointer
  ) {
    let argument = arguments[index]
    precondition(!argument.isOutput, "only an input argument is reordered ahead of execution")
    guard let reorder = argument.reorder else {
      destination.copyMemory(from: source, byteCount: argument.chosenBytes)
      return
    }
    DNNL.singleThreaded()
    DNNL.withStream { stream in
      var memories = MemoryWrappers()
      defer { memories.destroy() }
      run(
        reorder, from: memories.wrap(argument.plain, source), to: memories.wrap(argument.chosen, destination),
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
