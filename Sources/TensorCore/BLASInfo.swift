import CBLAS

/// Facts about the BLAS library the tensor core runs on.
public enum BLASInfo {
  /// OpenBLAS's configuration string (version, threading model, core type).
  public static var configuration: String {
    guard let text = openblas_get_config() else { return "unknown BLAS" }
    return String(cString: text)
  }
}
