import ExecutorWire
import NotebookDisplay
import XCTest

@testable import Widgets

/// Widgets as the ipywidgets 8 frontend sees them: what opens their comms, how state syncs both
/// ways (`update`, `echo_update`), where callbacks show output, and what bad updates get.
final class WidgetTests: XCTestCase {
  var frontend: FrontendRecorder!

  override func setUp() { frontend = FrontendRecorder() }
  override func tearDown() { frontend.stop() }

  func testDisplayingASliderOpensItsLayoutAndStyleFirstThenItsModel() throws {
    let slider = FloatSlider("temperature", 0.1...1.2, value: 0.7, step: 0.05)
    let bundle = slider.mimeBundle()
    let opens = frontend.comms.compactMap { message -> (String, String, CommPayload)? in
      if case .open(let id, let target, let payload) = message { return (id, target, payload) }
      return nil
    }
    XCTAssertEqual(
      opens.map(\.0), [slider.layout.modelID, try XCTUnwrap(slider.style).modelID, slider.modelID])
    XCTAssertEqual(Set(opens.map(\.1)), ["jupyter.widget"])
    XCTAssertEqual(opens.map { $0.2.metadata["version"] }, Array(repeating: "2.1.0", count: 3))
    let state = try XCTUnwrap(opens.last?.2.data["state"])
    XCTAssertEqual(state["_model_name"], "FloatSliderModel")
    XCTAssertEqual(state["_model_module"], "@jupyter-widgets/controls")
    XCTAssertEqual(state["_model_module_version"], "2.0.0")
    XCTAssertEqual(state["_view_name"], "FloatSliderView")
    XCTAssertEqual(state["value"], 0.7)
    XCTAssertEqual(state["min"], 0.1)
    XCTAssertEqual(state["description"], "temperature")
    XCTAssertEqual(state["layout"], .string("IPY_MODEL_\(slider.layout.modelID)"))
    XCTAssertEqual(
      bundle.json["application/vnd.jupyter.widget-view+json"],
      ["version_major": 2, "version_minor": 0, "model_id": .string(slider.modelID)])
    _ = slider.mimeBundle()
    XCTAssertEqual(opens.count, frontend.comms.count, "a second display opens nothing")
  }

  func testAFrontendUpdateIsEchoedAndRunsOnChange() {
    let slider = IntSlider("epoch", 0...10, value: 2)
    _ = slider.mimeBundle()
    var seen: [Int] = []
    slider.onChange { seen.append($0) }
    frontend.reset()
    XCTAssertTrue(frontendUpdates(slider, ["value": 7]))
    XCTAssertEqual(slider.value, 7)
    XCTAssertEqual(seen, [7])
    XCTAssertEqual(
      frontend.messages(on: slider.modelID),
      [["method": "echo_update", "state": ["value": 7], "buffer_paths": []]])
  }

  func testASwiftChangeIsSentAsAnUpdateAndClampedToTheRange() {
    let slider = FloatSlider("t", 0...1, value: 0.5)
    _ = slider.mimeBundle()
    frontend.reset()
    slider.value = 3
    XCTAssertEqual(slider.value, 1)
    XCTAssertEqual(
      frontend.messages(on: slider.modelID),
      [["method": "update", "state": ["value": 1.0], "buffer_paths": []]])
  }

  func testAMalformedUpdateIsReportedInTheOutputAndTheValueKept() throws {
    let slider = FloatSlider("t", 0...1, value: 0.5)
    let output = Output()
    _ = slider.mimeBundle()
    _ = output.mimeBundle()
    var runs = 0
    slider.onChange(in: output) { _ in runs += 1 }
    DisplayChannel.parentMessageID = "frontend-message"
    defer { DisplayChannel.parentMessageID = "" }
    frontend.reset()
    XCTAssertTrue(frontendUpdates(slider, ["value": "abc"]))
    XCTAssertEqual(slider.value, 0.5)
    XCTAssertEqual(runs, 0)
    XCTAssertEqual(frontend.errors, [], "the error goes into the output, not under the message")
    XCTAssertEqual(
      frontend.messages(on: slider.modelID),
      [["method": "update", "state": ["value": 0.5], "buffer_paths": []]],
      "the frontend is told the value kept")
    let shown = output.outputs.map { "\($0["ename"]?.stringValue ?? ""): \($0["evalue"]?.stringValue ?? "")" }
    XCTAssertEqual(shown, ["WidgetStateError: value must be a number, got \"abc\""])
    XCTAssertEqual(
      frontend.messages(on: output.modelID).compactMap { $0["state"]?["outputs"] }, [.array(output.outputs)],
      "the output's new outputs are sent once")
  }

  func testUpdatesWithoutStateOrWithAnUnknownMethodAreReportedNotFatal() {
    let box = Checkbox("on")
    _ = box.mimeBundle()
    frontend.reset()
    XCTAssertTrue(frontendSends(["method": "update", "state": 3], to: box))
    XCTAssertTrue(frontendSends(["method": "dance"], to: box))
    XCTAssertTrue(frontendSends(["state": ["value": true]], to: box))
    XCTAssertEqual(frontend.errors.count, 3)
    XCTAssertTrue(frontend.errors[0].contains("an update needs a 'state' object"), frontend.errors[0])
    XCTAssertFalse(box.value)
  }

  func testTheFrontendMayNotChangeTheModelNames() {
    let label = Label("hello")
    _ = label.mimeBundle()
    frontendUpdates(label, ["_model_name": "Evil", "value": "bye"])
    XCTAssertEqual(label.snapshotState()["_model_name"], "LabelModel")
    XCTAssertEqual(label.value, "bye")
  }

  func testADropdownTakesAnIndexInRangeAndRejectsOthers() {
    let dropdown = Dropdown("digit", options: ["three", "seven"])
    _ = dropdown.mimeBundle()
    var chosen: [String] = []
    dropdown.onChange { chosen.append($0) }
    frontendUpdates(dropdown, ["index": 1])
    frontendUpdates(dropdown, ["index": 5])
    XCTAssertEqual(dropdown.value, "seven")
    XCTAssertEqual(chosen, ["seven"])
    XCTAssertEqual(frontend.errors, ["WidgetStateError: index must be an integer in 0..<2, got 5"])
  }

  func testAButtonClickRunsItsHandlerInItsOutput() {
    let button = Button("sample")
    let output = Output()
    _ = button.mimeBundle()
    var clicks = 0
    button.onClick(in: output) {
      clicks += 1
      display("clicked")
    }
    frontend.reset()
    frontendSends(["method": "custom", "content": ["event": "click"]], to: button)
    XCTAssertEqual(clicks, 1)
    XCTAssertEqual(output.outputs.map { $0["data"]?["text/plain"] }, ["clicked"])
    XCTAssertFalse(frontend.events.contains(.display(MimeBundle(plainText: "clicked"), id: nil)))
  }

  func testInteractRerunsItsBodyWithTheNewValuesReplacingTheOutput() throws {
    var runs: [String] = []
    let interaction = interactive(0.0...1.0, ["a", "b"]) { temperature, letter in
      runs.append("\(temperature) \(letter)")
      if letter == "b" { throw WidgetStateError(widget: "test", problem: "no b") }
    }
    XCTAssertEqual(runs, ["0.5 a"])
    _ = interaction.mimeBundle()
    let controls = interaction.children.dropLast()
    let slider = try XCTUnwrap(controls.first as? FloatSlider)
    let dropdown = try XCTUnwrap(controls.last as? Dropdown<String>)
    frontend.reset()
    frontendUpdates(slider, ["value": 0.25])
    XCTAssertEqual(runs, ["0.5 a", "0.25 a"])
    let output = try XCTUnwrap(interaction.children.last as? Output)
    output.append("kept until the next run")
    frontendUpdates(dropdown, ["index": 1])
    XCTAssertEqual(
      output.outputs.map { $0["evalue"]?.stringValue }, ["test: no b"],
      "each run replaces what the last showed")
  }

  func testABoxOpensItsChildrenAndNamesThem() throws {
    let a = Label("a")
    let b = Checkbox("b")
    let box = HBox([a, b])
    _ = box.mimeBundle()
    XCTAssertTrue(a.isOpen && b.isOpen && box.isOpen)
    XCTAssertEqual(
      box.snapshotState()["children"], [.string("IPY_MODEL_\(a.modelID)"), .string("IPY_MODEL_\(b.modelID)")])
  }

  func testTheControlCommAnswersRequestStatesWithEveryOpenWidget() throws {
    WidgetComms.registerTargets()
    let slider = IntSlider("n", 0...3)
    _ = slider.mimeBundle()
    frontend.reset()
    XCTAssertTrue(
      Comms.receive(
        .open(
          commID: "control", targetName: "jupyter.widget.control", CommPayload(metadata: ["version": "1.0.0"])
        )))
    XCTAssertTrue(Comms.receive(.message(commID: "control", CommPayload(data: ["method": "request_states"]))))
    let answer = try XCTUnwrap(frontend.messages(on: "control").last)
    XCTAssertEqual(answer["method"], "update_states")
    XCTAssertEqual(answer["buffer_paths"], [], "a list of paths, as ipywidgets sends it")
    XCTAssertEqual(answer["states"]?[slider.modelID]?["model_name"], "IntSliderModel")
    XCTAssertEqual(answer["states"]?[slider.modelID]?["state"]?["value"], 0)
    XCTAssertTrue(Comms.receive(.close(commID: "control", CommPayload())))
  }

  func testMessagesForUnknownCommsAndOpensToUnknownTargetsAreRefused() {
    XCTAssertFalse(Comms.receive(.message(commID: "nobody", CommPayload())))
    XCTAssertFalse(Comms.receive(.open(commID: "x1", targetName: "no.such.target", CommPayload())))
    XCTAssertEqual(frontend.comms, [.close(commID: "x1", CommPayload())])
  }

  func testAClosedWidgetIgnoresFurtherMessages() {
    let slider = IntSlider("n", 0...3)
    _ = slider.mimeBundle()
    slider.close()
    XCTAssertFalse(slider.isOpen)
    XCTAssertFalse(frontendUpdates(slider, ["value": 2]))
    XCTAssertEqual(slider.value, 0)
  }
}
