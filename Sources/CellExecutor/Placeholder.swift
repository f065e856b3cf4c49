// Placeholder so the target builds; replaced as the CellExecutor part lands.
enum CellExecutorPlaceholder {}
