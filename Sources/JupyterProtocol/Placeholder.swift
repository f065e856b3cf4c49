// Placeholder so the target builds; replaced as the JupyterProtocol part lands.
enum JupyterProtocolPlaceholder {}
