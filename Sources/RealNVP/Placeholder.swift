// Placeholder so the target builds; replaced as the RealNVP part lands.
enum RealNVPPlaceholder {}
