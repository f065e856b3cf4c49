// swift-tools-version:6.1
import PackageDescription

// MARK: - Public products

let products: [Product] = [
  // Everything a notebook cell or a user's package imports: tensor core, Real NVP, Glow, display
  // (with the MIME bundle and JSON types of ExecutorWire), widgets. Dynamic, so a user's package links
  // one shared copy; the kernel's executor links these targets itself and exports their
  // symbols to the cells it loads.
  .library(
    name: "RealNVP", type: .dynamic,
    targets: ["TensorCore", "RealNVP", "Glow", "NotebookDisplay", "Widgets"]),
  .executable(name: "realnvp", targets: ["realnvp"]),
  .executable(name: "realnvp-kernel", targets: ["realnvp-kernel"]),
  .executable(name: "realnvp-executor", targets: ["realnvp-executor"]),
]

// MARK: - Implementation details (C libraries from Debian, one C shim)

let systemLibraries: [Target] = [
  .systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),
  .systemLibrary(name: "CZeroMQ", path: "Sources/CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
  .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
  .systemLibrary(name: "CPNG", path: "Sources/CPNG", providers: [.apt(["libpng-dev"])]),
  .systemLibrary(name: "CJPEG", path: "Sources/CJPEG", providers: [.apt(["libjpeg-dev"])]),
  // The tensor core's element-wise kernels in C, with AVX-512 versions chosen at run time.
  .target(name: "CTensorKernels", path: "Sources/CTensorKernels"),
  // The executor's stand-in for the runtime's swift_errorInMain (see TopLevelError.c).
  .target(name: "CCellSupport", path: "Sources/CCellSupport"),
  // prctl for the kernel: it reaps executors whose parent (an earlier executor) died.
  .target(name: "CProcessControl", path: "Sources/CProcessControl"),
  // Open MPI, for data-parallel training; only with the MPI trait.
  .systemLibrary(
    name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
]

// MARK: - Libraries (dependencies point one way)
// The library: TensorCore <- RealNVP <- Glow and NotebookDisplay <- Widgets, and RealNVP <-
// DataParallel <- realnvp. The kernel: JupyterProtocol and CellExecutor <- realnvp-kernel; CellExecutor starts
// realnvp-executor as a child process and links nothing of the library.
// Below both: ExecutorWire, the messages between the kernel and the executor and the MIME bundle
// and JSON types they carry (NotebookDisplay, CellRuntime, JupyterProtocol and CellExecutor use it).

let libraries: [Target] = [
  // No dependencies: both processes link it, the kernel without the library and ZeroMQ.
  .target(name: "ExecutorWire"),
  .target(name: "TensorCore", dependencies: ["CDNNL", "CTensorKernels"]),
  .target(
    name: "RealNVP",
    dependencies: ["TensorCore", "CZlib", "CPNG", "CJPEG", .product(name: "Crypto", package: "swift-crypto")]),
  // Glow's layers and a multi-scale Glow, written against RealNVP's public API alone.
  .target(name: "Glow", dependencies: ["TensorCore", "RealNVP"]),
  .target(name: "NotebookDisplay", dependencies: ["RealNVP", "ExecutorWire", "CPNG", "CZlib"]),
  // Jupyter widgets (ipywidgets 8 protocol) on NotebookDisplay's comms.
  .target(name: "Widgets", dependencies: ["NotebookDisplay", "ExecutorWire"]),
  // What the rewritten cell commands call (`_shell`, `_t0`, ...): only the executor links it,
  // and only cells that use a command import it.
  .target(name: "CellRuntime", dependencies: ["TensorCore", "ExecutorWire"]),
  // The MPI communicator behind RealNVP's ReplicaGroup; without the MPI trait it only detects
  // a launch under mpirun and says how to build with MPI.
  .target(
    name: "DataParallel",
    dependencies: ["RealNVP", .target(name: "CMPI", condition: .when(traits: ["MPI"]))]),
  .target(
    name: "CellExecutor",
    dependencies: [
      "ExecutorWire", "CProcessControl",
      .product(name: "SwiftParser", package: "swift-syntax"),
      .product(name: "SwiftSyntax", package: "swift-syntax"),
    ]),
  .target(
    name: "JupyterProtocol",
    dependencies: ["ExecutorWire", "CZeroMQ", .product(name: "Crypto", package: "swift-crypto")]),
]

// MARK: - Executables

let executables: [Target] = [
  .executableTarget(
    name: "realnvp",
    dependencies: [
      "TensorCore", "RealNVP", "Glow", "NotebookDisplay", "DataParallel", "CProcessControl",
      .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),
  .executableTarget(
    name: "realnvp-kernel",
    dependencies: [
      "JupyterProtocol", "CellExecutor", "ExecutorWire",
      .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),
  .executableTarget(
    name: "realnvp-executor",
    dependencies: [
      "TensorCore", "RealNVP", "Glow", "NotebookDisplay", "Widgets", "CellRuntime", "ExecutorWire",
      "CCellSupport",
    ],
    // Exports the library's and CellRuntime's symbols so that dlopen'ed cell libraries bind to
    // this one copy.
    linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic"])]),
]

// MARK: - Fuzzing (scripts/fuzz-wire.sh runs the long campaigns)

let fuzzing: [Target] = [
  // Fuzzer inputs, a seeded structure-aware mutator, and the properties every input must keep.
  .target(
    name: "WireFuzzing",
    dependencies: ["JupyterProtocol", "ExecutorWire", .product(name: "Crypto", package: "swift-crypto")],
    path: "Fuzz/WireFuzzing"),
  // A seeded campaign, or with `--sanitize fuzzer -Xswiftc -DLIBFUZZER` a libFuzzer target.
  .executableTarget(
    name: "wire-fuzz", dependencies: ["WireFuzzing", "ExecutorWire", "JupyterProtocol"],
    path: "Fuzz/wire-fuzz"),
]

// MARK: - Tests

let tests: [Target] = [
  // Helpers the tensor and model tests share: finite-difference gradients, Jacobians, closeness.
  .target(name: "TensorTestSupport", dependencies: ["TensorCore"], path: "Tests/TensorTestSupport"),
  .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TensorTestSupport"]),
  .testTarget(
    name: "RealNVPTests", dependencies: ["RealNVP", "TensorCore", "TensorTestSupport"],
    exclude: ["Fixtures"]),  // read by path: checkpoints the tests load
  .testTarget(name: "GlowTests", dependencies: ["Glow", "RealNVP", "TensorCore", "TensorTestSupport"]),
  .testTarget(name: "NotebookDisplayTests", dependencies: ["NotebookDisplay"]),
  .testTarget(name: "WidgetsTests", dependencies: ["Widgets", "NotebookDisplay", "ExecutorWire"]),
  .testTarget(name: "ExecutorWireTests", dependencies: ["ExecutorWire"]),
  .testTarget(name: "CellRuntimeTests", dependencies: ["CellRuntime"]),
  .testTarget(name: "JupyterProtocolTests", dependencies: ["JupyterProtocol", "ExecutorWire"]),
  .testTarget(name: "CellExecutorTests", dependencies: ["CellExecutor", "ExecutorWire"]),
  .testTarget(name: "WireFuzzingTests", dependencies: ["WireFuzzing", "JupyterProtocol", "ExecutorWire"]),
]

let package = Package(
  name: "swift-realnvp-kernel",
  platforms: [.macOS(.v13)],
  products: products,
  traits: [
    // Data-parallel training under mpirun: `swift build -c release --traits MPI` (needs
    // Debian's libopenmpi-dev). Off by default, so the package builds without MPI.
    .trait(name: "MPI", description: "Data-parallel training with Open MPI (libopenmpi-dev).")
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
    .package(url: "https://github.com/swiftlang/swift-syntax", from: "603.0.0"),
  ],
  targets: systemLibraries + libraries + executables + fuzzing + tests,
  swiftLanguageModes: [.v5]
)
