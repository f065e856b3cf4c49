import ExecutorWire
import Foundation
import NotebookDisplay
import XCTest

@testable import Widgets

final class OutputCaptureTests: XCTestCase {
  private var frontend: FrontendRecorder!

  override func setUp() {
    frontend = FrontendRecorder()
  }

  override func tearDown() {
    frontend.stop()
  }

  private func texts(_ output: Output) -> [String] {
    output.outputs.map { $0["text"]?.stringValue ?? $0["data"]?["text/plain"]?.stringValue ?? "?" }
  }

  func testPrintsAndDisplaysAreKeptInOrderInTheWidget() {
    let output = Output()
    _ = output.mimeBundle()
    frontend.reset()
    output.capture {
      print("one")
      print("two")
      display("shown")
      print("three")
    }
    XCTAssertEqual(texts(output), ["one\ntwo\n", "shown", "three\n"])
    XCTAssertEqual(
      output.outputs.map { $0["output_type"]?.stringValue }, ["stream", "display_data", "stream"])
    XCTAssertTrue(
      frontend.events.allSatisfy { if case .comm = $0 { true } else { false } }, "nothing else goes out")
    XCTAssertEqual(
      frontend.messages(on: output.modelID).last?["state"], ["outputs": .array(output.outputs)],
      "the frontend gets the outputs")
  }

  func testClearWaitsForTheNextOutputAndAPlainClearEmpties() {
    let output = Output()
    output.append("old")
    output.capture(clear: true) {}
    XCTAssertEqual(texts(output), ["old"], "nothing new came, so the old output stays")
    output.capture(clear: true) { display("new") }
    XCTAssertEqual(texts(output), ["new"])
    output.clear()
    XCTAssertEqual(output.outputs, [])
  }

  func testAnUpdateReplacesADisplayShownHereAndPassesOnOtherwise() {
    let output = Output()
    output.capture {
      display("step 1", id: "progress")
      updateDisplay("step 2", id: "progress")
      updateDisplay("elsewhere", id: "cell-display")
    }
    XCTAssertEqual(texts(output), ["step 2"])
    XCTAssertTrue(frontend.events.contains(.update(MimeBundle(plainText: "elsewhere"), id: "cell-display")))
  }

  func testAThrownErrorIsShownInTheWidget() {
    let output = Output()
    output.capture { throw WidgetStateError(widget: "test", problem: "broken") }
    XCTAssertEqual(output.outputs.first?["output_type"], "error")
    XCTAssertEqual(output.outputs.first?["evalue"], "test: broken")
    XCTAssertEqual(frontend.errors, [])
  }

  func testAnotherThreadsDisplaysAreNotCaptured() {
    let output = Output()
    output.capture {
      let other = Thread { display("from another thread") }
      let done = DispatchSemaphore(value: 0)
      let waiter = Thread {
        while !other.isFinished { usleep(1000) }
        done.signal()
      }
      other.start()
      waiter.start()
      done.wait()
    }
    XCTAssertEqual(output.outputs, [])
    XCTAssertTrue(frontend.events.contains(.display(MimeBundle(plainText: "from another thread"), id: nil)))
  }

  func testPrintingStopsGoingToTheWidgetAfterTheCapture() throws {
    let output = Output()
    output.capture { print("inside") }
    let pipe = Pipe()
    let saved = dup(STDOUT_FILENO)
    dup2(pipe.fileHandleForWriting.fileDescriptor, STDOUT_FILENO)
    print("outside")
    fflush(stdout)
    dup2(saved, STDOUT_FILENO)
    close(saved)
    try pipe.fileHandleForWriting.close()
    XCTAssertEqual(
      String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), "outside\n")
    XCTAssertEqual(texts(output), ["inside\n"])
  }

  func testLongPrintedTextIsCutToItsEnd() {
    let text = String(repeating: "x", count: CapturedOutputs.streamLimit + 10)
    let kept = CapturedOutputs.limited(text)
    XCTAssertTrue(kept.hasPrefix("[10 earlier bytes of output not kept]\n"), String(kept.prefix(60)))
    XCTAssertEqual(kept.utf8.count - kept.prefix { $0 != "\n" }.utf8.count - 1, CapturedOutputs.streamLimit)
  }
}
