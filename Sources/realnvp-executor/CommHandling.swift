import ExecutorWire
import Foundation
import NotebookDisplay

// MARK: - Comm messages from the frontend

/// Hands a comm message from the frontend to its comm (`Comms.receive`), framed by
/// `commStarted` and `commHandled` so that the kernel shows what the handler prints under the
/// frontend's message.
///
/// `withSnapshot` (between cells): the handler runs like a cell, with a snapshot of the state
/// before it; if it kills the process, the snapshot takes over and says `restored`. While a cell
/// runs, the cell's snapshot covers the handler too.
func handleComm(_ delivery: CommDelivery, withSnapshot: Bool) {
  let outer = DisplayChannel.parentMessageID
  DisplayChannel.parentMessageID = delivery.parentID
  defer { DisplayChannel.parentMessageID = outer }
  pump.drain { writer.writeUnlocked(.commStarted(token: delivery.token)) }
  func deliver() {
    let known = Comms.receive(delivery.message)
    pump.drain { writer.writeUnlocked(.commHandled(token: delivery.token, known: known)) }
  }
  guard withSnapshot else { return deliver() }
  switch takeSnapshot() {
  case .restored:
    resumeAfterRestore()
  case .kept(let snapshot):
    deliver()
    snapshot.discard()
  case .unavailable(let reason):
    writer.write(.noSnapshot(reason: reason))
    deliver()
  }
}

/// After a snapshot took over: every comm re-sends its state, then `failure` is shown where its
/// comm shows errors (see `Comms.recover`); framed like a comm delivery.
func recover(token: Int, parentID: String, failure: CommFailure?) {
  let outer = DisplayChannel.parentMessageID
  DisplayChannel.parentMessageID = parentID
  defer { DisplayChannel.parentMessageID = outer }
  pump.drain { writer.writeUnlocked(.commStarted(token: token)) }
  Comms.recover(failure: failure)
  pump.drain { writer.writeUnlocked(.commHandled(token: token, known: true)) }
}

/// Handles a command that arrives while a cell runs: comm deliveries run next to the cell.
func handleDuringCell(_ command: ExecutorCommand) {
  switch command {
  case .comm(let delivery): handleComm(delivery, withSnapshot: false)
  case .recover(let token, let parentID, let failure):
    recover(token: token, parentID: parentID, failure: failure)
  case .run, .load, .exit: preconditionFailure("only comm deliveries are handled while a cell runs")
  }
}
