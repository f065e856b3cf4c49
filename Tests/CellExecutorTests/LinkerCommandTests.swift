import XCTest

@testable import CellExecutor

/// Reading the linker's command line from the clang driver's `-###` output.
final class LinkerCommandTests: XCTestCase {
  private let driverOutput = """
    clang version 21.0.0
    Target: x86_64-unknown-linux-gnu
    InstalledDir: /opt/swift/usr/bin
     "/usr/bin/ld.gold" "-shared" "-o" "/w/Cell_1/libCell_1.so" "/lib/crti.o" "-rpath" "/a b\\"c\\\\d" \
    "/w/Cell_1/main.o" "-lrealnvp_cell_libraries" "-lc" "/lib/crtn.o"
    """

  func testTheLinkerLineBecomesATemplateForEveryCell() throws {
    let command = try XCTUnwrap(
      LinkerCommand.parse(
        driverOutput: driverOutput, object: "/w/Cell_1/main.o", output: "/w/Cell_1/libCell_1.so"))
    XCTAssertEqual(command.linker, "/usr/bin/ld.gold")
    XCTAssertEqual(
      command.arguments(
        object: "/w/Cell_7/main.o", output: "/w/Cell_7/libCell_7.so", libraries: ["-la", "-lb"]),
      [
        "-shared", "-o", "/w/Cell_7/libCell_7.so", "/lib/crti.o", "-rpath", "/a b\"c\\d", "/w/Cell_7/main.o",
        "-la", "-lb", "-lc", "/lib/crtn.o",
      ])
  }

  func testOutputThatIsNotOneClearCommandIsRefused() {
    XCTAssertNil(
      LinkerCommand.parse(driverOutput: "clang: error: unknown argument", object: "o", output: "l"))
    XCTAssertNil(
      LinkerCommand.parse(
        driverOutput: driverOutput, object: "/other/main.o", output: "/w/Cell_1/libCell_1.so"),
      "the object must appear exactly once")
    XCTAssertNil(LinkerCommand.quotedWords(" \"/usr/bin/ld\" unquoted"))
    XCTAssertNil(LinkerCommand.quotedWords(" \"/usr/bin/ld\" \"open"))
    XCTAssertEqual(LinkerCommand.quotedWords(" \"a\" \"b c\""), ["a", "b c"])
  }
}
