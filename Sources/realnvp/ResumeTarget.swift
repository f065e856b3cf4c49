import ArgumentParser
import Foundation
import RealNVP

/// What `--resume` names: a checkpoint file, or a journal run and its resume checkpoint.
struct ResumeTarget {
  /// The checkpoint to load.
  var checkpoint: URL
  /// The journal run it continues, when named by id.
  var run: RunRecord?

  /// A file that exists is a checkpoint; anything else is a run id looked up in `journal`, whose
  /// resume checkpoint in `checkpoints` must belong to that run.
  static func locate(_ argument: String, journal: Journal?, checkpoints: URL) throws -> ResumeTarget {
    if FileManager.default.fileExists(atPath: argument) {
      return ResumeTarget(checkpoint: URL(fileURLWithPath: argument), run: nil)
    }
    guard let journal else {
      throw ValidationError(
        "--resume \(argument): no such checkpoint file, and no journal to look up a run id in.")
    }
    let run: RunRecord
    do { run = try journal.run(argument) } catch {
      throw ValidationError("--resume \(argument): no such checkpoint file, and \(error)")
    }
    let file = checkpoints.appendingPathComponent("\(run.configuration).resume.safetensors")
    guard FileManager.default.fileExists(atPath: file.path) else {
      throw ValidationError(
        "Run \(run.id) has no resume checkpoint at \(file.path); pass --checkpoint-directory if it was elsewhere."
      )
    }
    return ResumeTarget(checkpoint: file, run: run)
  }

  /// Loads the checkpoint into `model` with the library's checks (same settings, same tensors):
  /// a resume checkpoint gives its resume point, a plain one only its parameters (nil). A run
  /// named by id must own the resume point.
  func load(into model: DensityModel) throws -> TrainingResume? {
    let point = try model.loadForResuming(from: checkpoint)
    if let run, point?.runID != run.id {
      throw ValidationError(
        "\(checkpoint.path) is the resume point of run \(point?.runID ?? "(unrecorded)"), not of run \(run.id); "
          + "a later run of \(run.configuration) replaced it.")
    }
    return point
  }
}
