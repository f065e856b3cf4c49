// MARK: - From the executor to the kernel

/// What the executor tells the kernel: one JSON line each on `ExecutorDescriptor.messages`.
public enum ExecutorMessage: Equatable, Sendable, Codable {
  /// The executor (this process id) has started and waits for commands.
  case ready(pid: Int32)
  /// Output of the running cell, or of a thread an earlier cell started.
  case output(ExecutorEvent)
  /// The cell reads standard input; the kernel answers with an `InputReply`.
  case inputRequest(prompt: String, password: Bool)
  /// The cell has ended (after everything it printed), in the process that ran it.
  case cellEnded(CellEnding)
  /// The cell never started: an interrupt came while its snapshot was being taken.
  case cellSkipped
  /// The process that ran the cell or a comm's handler died; the snapshot from before it
  /// (process `pid`, whose comms are `openComms`) carries on as the executor.
  case restored(pid: Int32, openComms: [String])
  /// The cell runs without a snapshot; `reason` says why none could be taken.
  case noSnapshot(reason: String)
  /// The library of a `load` command is loaded.
  case loaded
  /// The library of a `load` command could not be loaded; `reason` is dlerror's message.
  case loadFailed(reason: String)
  /// The handler of comm delivery `token` starts: output until `commHandled` is its own.
  case commStarted(token: Int)
  /// The handler of comm delivery `token` has returned; `known` is false when no open comm
  /// (or, for an open, no target) took the message.
  case commHandled(token: Int, known: Bool)
}

/// Output of a running cell, reported live and in order.
public enum ExecutorEvent: Equatable, Sendable, Codable {
  /// Text the cell wrote to standard output.
  case stdout(String)
  /// Text the cell wrote to standard error.
  case stderr(String)
  /// A new rich output (Jupyter `display_data`), with an optional display id.
  case display(MimeBundle, id: String?)
  /// Replaces the output shown under a display id (Jupyter `update_display_data`).
  case updateDisplay(MimeBundle, id: String)
  /// Clears the cell's output; with `wait`, when the next output arrives.
  case clearOutput(wait: Bool)
  /// The value of the cell's final expression (Jupyter `execute_result`).
  case result(MimeBundle)
  /// A comm message to the frontend (Jupyter `comm_open`, `comm_msg`, `comm_close`).
  case comm(CommMessage)
  /// An error shown as an output (Jupyter `error`), such as one a widget's callback threw.
  case error(ename: String, evalue: String, traceback: [String])
}

/// How a cell's top-level code ended, when the process running it survived.
public enum CellEnding: Equatable, Sendable, Codable {
  /// It ran to its end.
  case returned
  /// It threw an error that nothing caught: the error's type and its description.
  case threw(type: String, message: String)
  /// It never ran: its library could not be loaded or has no entry point.
  case notLoaded(reason: String)
}

// MARK: - From the kernel to the executor

/// What the kernel asks of the executor: one JSON line each on `ExecutorDescriptor.commands`.
public enum ExecutorCommand: Equatable, Sendable, Codable {
  /// Loads the cell library at `library` and runs its top-level code, with a snapshot of the
  /// state from before it; answered with `cellEnded`, `cellSkipped` or `restored`. `parentID`
  /// is the msg_id of the execute request (outputs are its children).
  case run(library: String, parentID: String)
  /// Loads the library of installed packages at `library` for good; answered with `loaded` or
  /// `loadFailed`.
  case load(library: String)
  /// A comm message from the frontend; answered with `commStarted`, what its handler sends,
  /// then `commHandled`, or with `restored` if the handler killed the process. Between cells
  /// the handler runs with a snapshot of the state before it, like a cell; while a cell runs,
  /// next to it (the cell's snapshot covers both).
  case comm(CommDelivery)
  /// After `restored`: re-sends the state of every comm this process has (the frontend may
  /// have seen changes that were rolled back), then shows `failure` where the failed comm's
  /// handler shows its errors. Answered like a comm delivery with `token`.
  case recover(token: Int, parentID: String, failure: CommFailure?)
  /// Ends the executor.
  case exit
}

/// The kernel's answer to an `inputRequest`: one JSON line on `ExecutorDescriptor.inputReplies`.
public enum InputReply: Equatable, Sendable, Codable {
  /// The line the user typed, without its newline.
  case line(String)
  /// No more input: the frontend gave none, or the cell may not ask for it.
  case endOfInput
}

// MARK: - Descriptors

/// The descriptors on which the kernel starts the executor.
public enum ExecutorDescriptor {
  /// `ExecutorMessage`s from the executor.
  public static let messages: Int32 = 3
  /// `ExecutorCommand`s to the executor.
  public static let commands: Int32 = 4
  /// The stderr bytes the executor's crash handler rescues before the process dies.
  public static let crashReport: Int32 = 5
  /// `InputReply`s to the executor.
  public static let inputReplies: Int32 = 6
}

/// Command-line options of the executor, which the kernel gives when it starts one.
public enum ExecutorOption {
  /// Followed by a number of bytes: the executor limits its address space (`RLIMIT_AS`) to it
  /// before anything else, so that a cell allocating more fails as out of memory.
  public static let addressSpaceLimit = "--address-space-limit"
}

/// Lines the executor's crash handler adds to what it rescues from stderr.
public enum ExecutorCrashNote {
  /// The process died of a fatal signal while the thread's `errno` was ENOMEM: right after an
  /// allocation failed (Foundation's `Data` traps without a message when its `malloc` fails).
  public static let allocationFailed =
    "realnvp-executor: the cell stopped right after an allocation failed: Cannot allocate memory (ENOMEM)"
}
