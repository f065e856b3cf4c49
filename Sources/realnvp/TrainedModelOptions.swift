import ArgumentParser
import Foundation
import RealNVP

/// The configuration and checkpoint that `evaluate` and `sample` load a trained model from, or
/// a model shipped under `models/`.
struct TrainedModelOptions: ParsableArguments {
  @Option(help: "A shipped model: \(PretrainedModel.allCases.map(\.rawValue).joined(separator: ", ")).")
  var pretrained: String?

  @Option(help: "Configuration the checkpoint was trained with.")
  var config: String?

  @Option(help: "Checkpoint file (.safetensors).")
  var checkpoint: String?

  func validate() throws {
    if pretrained != nil && (config != nil || checkpoint != nil) {
      throw ValidationError("Give either --pretrained NAME or --config NAME --checkpoint FILE, not both.")
    }
    if pretrained == nil && (config == nil || checkpoint == nil) {
      throw ValidationError("Give --pretrained NAME, or both --config NAME and --checkpoint FILE.")
    }
    if let pretrained, PretrainedModel(rawValue: pretrained) == nil {
      throw ValidationError(
        "No shipped model \"\(pretrained)\"; known: \(PretrainedModel.allCases.map(\.rawValue).joined(separator: ", "))."
      )
    }
  }

  /// The named configuration, the model with the checkpoint's parameters, and the data a shipped
  /// model was trained on (nil: the configuration's).
  func load() throws -> (ExperimentConfiguration, DensityModel, data: String?) {
    if let which = pretrained.flatMap(PretrainedModel.init(rawValue:)) {
      let record = try which.record()
      return (try ExperimentConfiguration.named(record.configuration), try which.load(), which.dataset)
    }
    let experiment = try ExperimentConfiguration.named(config!)
    let model = try experiment.makeModel()
    try model.loadCheckpoint(from: URL(fileURLWithPath: checkpoint!))
    return (experiment, model, nil)
  }
}
