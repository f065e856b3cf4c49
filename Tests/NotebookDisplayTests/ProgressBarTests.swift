import Foundation
import XCTest

@testable import NotebookDisplay

final class ProgressBarTests: XCTestCase {
  /// A clock the test moves by hand.
  private final class FakeClock: @unchecked Sendable {
    var now = 100.0
  }

  func testNotebookModeSendsOneDisplayThenThrottledUpdatesWithTheSameID() {
    let clock = FakeClock()
    var bar: ProgressBar?
    let events = captureDisplayEvents {
      let progress = ProgressBar(total: 10, label: "train", mode: .notebook, minimumInterval: 0.25) {
        clock.now
      }
      bar = progress
      for step in 1...10 {
        clock.now += 0.1  // ten steps per second: every third step may be shown
        progress.update(step: step, values: [("loss", 10 - Double(step))])
      }
      progress.finish()
      progress.finish()
      progress.update(step: 11)
    }
    guard let bar else { return XCTFail("no bar") }
    // Shown at t = 0.1 (first), 0.4, 0.7, 1.0 (0.3 apart each), then the summary.
    XCTAssertEqual(events.count, 5)
    guard case .display(let first, let firstID)? = events.first else { return XCTFail("first is \(events)") }
    XCTAssertEqual(firstID, bar.displayID)
    XCTAssertTrue(first.data[MimeType.plainText]?.hasPrefix("train  1/10 [##") ?? false)
    var ids: [String] = []
    var texts: [String] = []
    for event in events.dropFirst() {
      guard case .update(let bundle, let id) = event else { return XCTFail("expected update, got \(event)") }
      ids.append(id)
      texts.append(bundle.data[MimeType.plainText] ?? "")
      XCTAssertTrue(bundle.data[MimeType.html]?.contains("realnvp-progress") ?? false)
    }
    XCTAssertEqual(ids, Array(repeating: bar.displayID, count: 4))
    XCTAssertTrue(texts[0].hasPrefix("train  4/10"), texts[0])
    XCTAssertTrue(texts[2].hasPrefix("train  10/10"), texts[2])
    XCTAssertEqual(texts[3], "train  10/10 done in 1.00 s (10.0 it/s)  loss 0")
  }

  func testStateReportsRateAndETA() {
    let clock = FakeClock()
    let bar = ProgressBar(total: 100, label: "fit", mode: .terminal, clock: { clock.now }, write: { _ in })
    clock.now += 5
    bar.update(step: 25, values: [("loss", 1.23456)])
    let state = bar.state
    XCTAssertEqual(state.rate ?? 0, 5, accuracy: 1e-12)
    XCTAssertEqual(state.eta ?? 0, 15, accuracy: 1e-12)
    XCTAssertEqual(
      state.text, "fit  25/100 [######..................]   25%  loss 1.235  5.0 it/s  ETA 15.0 s")
  }

  func testTerminalModeRewritesOneLineAndEndsWithNewline() {
    let clock = FakeClock()
    final class Sink: @unchecked Sendable { var text = "" }
    let sink = Sink()
    let bar = ProgressBar(total: 3, mode: .terminal, minimumInterval: 0, clock: { clock.now }) {
      sink.text += $0
    }
    let events = captureDisplayEvents {
      for step in 1...2 {
        clock.now += 2
        bar.update(step: step)
      }
      bar.finish(values: [("bits/dim", 1.5)])
    }
    XCTAssertTrue(events.isEmpty, "terminal mode sends no display events")
    let writes = sink.text.split(separator: "\r", omittingEmptySubsequences: true)
    XCTAssertEqual(writes.count, 3)
    XCTAssertTrue(writes[0].hasPrefix("1/3 [########"))
    XCTAssertEqual(
      String(writes[2]).trimmingCharacters(in: .whitespacesAndNewlines),
      "2/3 stopped after 4.00 s (2.00 s/it)  bits/dim 1.5")
    XCTAssertTrue(sink.text.hasSuffix("\n"))
    XCTAssertEqual(sink.text.filter { $0 == "\n" }.count, 1)
  }

  func testDefaultModeFollowsTheChannelFlag() {
    let saved = DisplayChannel.isNotebook
    defer { DisplayChannel.isNotebook = saved }
    DisplayChannel.isNotebook = true
    XCTAssertEqual(ProgressBar(total: 1).mode, .notebook)
    DisplayChannel.isNotebook = false
    XCTAssertEqual(ProgressBar(total: 1).mode, isatty(STDERR_FILENO) != 0 ? .terminal : .log)
  }

  func testLogModeWritesAPlainLineEveryFewSecondsAndTheSummary() {
    let clock = FakeClock()
    final class Sink: @unchecked Sendable { var text = "" }
    let sink = Sink()
    let bar = ProgressBar(total: 100, label: "train", mode: .log, logInterval: 10, clock: { clock.now }) {
      sink.text += $0
    }
    for step in 1...100 {
      clock.now += 1
      bar.update(step: step)
    }
    bar.finish()
    let lines = sink.text.split(separator: "\n")
    XCTAssertFalse(sink.text.contains("\r"), "no carriage returns in a log")
    XCTAssertEqual(lines.count, 11, "the first update, one every 10 s, and the summary: \(lines)")
    XCTAssertTrue(lines[1].hasPrefix("train  11/100"), String(lines[1]))
    XCTAssertTrue(lines[10].hasPrefix("train  100/100 done"), String(lines[10]))
  }
}
