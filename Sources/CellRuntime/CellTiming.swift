import ExecutorWire
import Foundation
import TensorCore

// What the `%time` and `%timeit` cell commands run: the kernel rewrites those commands into
// calls of `_t0()`, `_t1()` and `_timeit`, which print IPython-style timings.

// MARK: - %time

/// Wall-clock and CPU-time readings at the start of a timed stretch of a cell.
public enum CellTiming {
  /// A moment: wall clock (monotonic) and the process's user and system CPU time, in seconds.
  struct Reading {
    var wall: Double
    var user: Double
    var system: Double

    static func now() -> Reading {
      var usage = rusage()
      getrusage(RUSAGE_SELF.rawValue, &usage)
      return Reading(
        wall: Double(DispatchTime.now().uptimeNanoseconds) / 1e9,
        user: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
        system: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6)
    }
  }

  nonisolated(unsafe) static var started: Reading?

  /// Prints the timing of a stretch that `_t0()` began and nothing ended; the executor calls
  /// this when a cell's top-level code returns.
  public static func finishPending() {
    if started != nil { _t1() }
  }

  /// The two lines `%time` prints for a stretch from `start` to `end`.
  static func report(from start: Reading, to end: Reading) -> String {
    let user = end.user - start.user
    let system = end.system - start.system
    let format = TimingText.format
    return "CPU times: user \(format(user)), sys \(format(system)), total \(format(user + system))\n"
      + "Wall time: \(format(end.wall - start.wall))\n"
  }
}

/// Starts timing the rest of the cell, or the statement that follows (`%time`).
public func _t0() {
  CellTiming.started = .now()
}

/// Ends the stretch `_t0()` began and prints its CPU and wall time.
public func _t1() {
  guard let start = CellTiming.started else { return }
  CellTiming.started = nil
  print(CellTiming.report(from: start, to: .now()), terminator: "")
}

// MARK: - %timeit

/// Runs `body` in loops and prints the mean and standard deviation of one loop's wall time
/// (`%timeit`): `repeats` runs (7 when 0) of `number` loops each (when 0, the smallest of
/// 1, 2, 5, 10, 20, ... that takes at least 0.2 s). An error thrown by `body` stops the runs
/// and is printed to standard error; so does an interrupt.
public func _timeit(_ number: Int, _ repeats: Int, _ body: () throws -> Void) {
  do {
    var loops = max(number, 0)
    if loops == 0 {
      loops = 1
      search: for power in 0..<10 {
        for factor in [1, 2, 5] {
          loops = factor * Int(pow(10, Double(power)))
          if try time(loops, body) >= 0.2 { break search }
        }
      }
    }
    let runs = repeats > 0 ? repeats : 7
    var perLoop: [Double] = []
    for _ in 0..<runs {
      perLoop.append(try time(loops, body) / Double(loops))
    }
    print(TimeitSummary(perLoop: perLoop, loops: loops).description)
  } catch {
    FileHandle.standardError.write(Data("timeit stopped: \(error)\n".utf8))
  }
}

/// `_timeit` with IPython's defaults: loops chosen automatically, 7 runs.
public func _timeit(_ body: () throws -> Void) {
  _timeit(0, 0, body)
}

/// Thrown by a timed loop when the user interrupts the cell.
struct TimingInterrupted: Error, CustomStringConvertible {
  var description: String { "interrupted" }
}

/// Seconds that `loops` calls of `body` take.
private func time(_ loops: Int, _ body: () throws -> Void) throws -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  for _ in 0..<loops {
    try body()
    if Interruption.isRequested { throw TimingInterrupted() }
  }
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// The line `%timeit` prints.
struct TimeitSummary: CustomStringConvertible {
  /// Seconds per loop, one entry per run.
  var perLoop: [Double]
  /// Loops per run.
  var loops: Int

  var description: String {
    let mean = perLoop.reduce(0, +) / Double(perLoop.count)
    let variance = perLoop.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(perLoop.count)
    let runs = perLoop.count == 1 ? "1 run" : "\(perLoop.count) runs"
    let each = loops == 1 ? "1 loop each" : "\(Self.grouped(loops)) loops each"
    if perLoop.count == 1 {
      return "\(TimingText.format(mean)) per loop (mean of \(runs), \(each))"
    }
    return "\(TimingText.format(mean)) ± \(TimingText.format(variance.squareRoot())) per loop "
      + "(mean ± std. dev. of \(runs), \(each))"
  }

  /// `1000000` as `1,000,000`.
  static func grouped(_ number: Int) -> String {
    var digits = String(number)
    var index = digits.endIndex
    while digits.distance(from: digits.startIndex, to: index) > 3 {
      index = digits.index(index, offsetBy: -3)
      digits.insert(",", at: index)
    }
    return digits
  }
}
