import TensorCore
import XCTest

/// Parameters, buffers and their names come from the module tree, never from a list.
final class ModuleTests: XCTestCase {
  private final class Leaf: Module {
    let weight = Parameter(.ones([2, 3]))
    let bias: Parameter? = Parameter(.zeros([2]))
    let missing: Parameter? = nil
    let statistics = Buffer(.zeros([2]))
    let notState = Tensor.ones([4])
  }

  private final class Tree: Module {
    @Key("in") var first = Leaf()
    @Key("block#") var blocks = [Leaf(), Leaf()]
    var numbered = [Leaf()]
    @Key("") var inline = Leaf2()
    var table: [String: Module] = ["b": Leaf(), "a": Leaf()]
  }

  private final class Leaf2: Module {
    let gain = Parameter(.ones([1]))
  }

  func testNamesFollowThePathsAndKeys() {
    let tree = Tree()
    XCTAssertEqual(
      tree.namedParameters.map(\.name),
      [
        "in.weight", "in.bias", "block0.weight", "block0.bias", "block1.weight", "block1.bias",
        "numbered.0.weight", "numbered.0.bias", "gain", "table.a.weight", "table.a.bias", "table.b.weight",
        "table.b.bias",
      ])
    XCTAssertEqual(tree.namedBuffers.map(\.name).first, "in.statistics")
    XCTAssertEqual(tree.buffers.count, 6)
    XCTAssertEqual(tree.modules(ofType: Leaf.self).count, 6)
    XCTAssertTrue(tree.nameClashes.isEmpty)
  }

  func testASharedParameterCountsOnceUnderItsFirstName() {
    final class Shared: Module {
      let a: Leaf2
      let b: Leaf2
      init(_ leaf: Leaf2) { (a, b) = (leaf, leaf) }
    }
    let leaf = Leaf2()
    XCTAssertEqual(Shared(leaf).namedParameters.map(\.name), ["a.gain"])
  }

  func testTwoTensorsWithOneNameAreReportedWithTheirHolders() {
    final class Clash: Module {
      @Key("") var left = Leaf2()
      @Key("") var right = Leaf2()
    }
    let clashes = Clash().nameClashes
    XCTAssertEqual(clashes.count, 1)
    XCTAssertTrue(clashes[0].contains("\"gain\"") && clashes[0].contains("Leaf2"), clashes[0])
  }

  func testAParameterAddedToALayerIsFoundAndTrainedWithoutAnyOtherEdit() {
    // A layer as a user writes it: one more stored parameter, used in the forward pass.
    final class Affine: Module {
      let weight = Parameter(Tensor(shape: [2], scalars: [1, 1]))
      let extra = Parameter(Tensor(shape: [2], scalars: [0, 0]))
      func callAsFunction(_ x: Tensor) -> Tensor { x * weight.value + extra.value }
    }
    let layer = Affine()
    XCTAssertEqual(layer.namedParameters.map(\.name), ["weight", "extra"])
    let optimizer = Adam(parameters: layer.parameters, learningRate: 0.1)
    let x = Tensor(shape: [1, 2], scalars: [1, 2])
    for _ in 0..<5 {
      let (_, gradients) = valueAndGradient(at: layer.parameters) { (layer(x) - 3).squared().sum() }
      optimizer.update(gradients)
    }
    XCTAssertNotEqual(layer.extra.value.scalars, [0, 0], "the added parameter trained")
  }
}
