// Placeholder so the target builds; replaced as the NotebookDisplay part lands.
enum NotebookDisplayPlaceholder {}
