// Placeholder so the target builds; replaced as the TensorCore part lands.
enum TensorCorePlaceholder {}
