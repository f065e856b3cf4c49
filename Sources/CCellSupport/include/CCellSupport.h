#ifndef CCELLSUPPORT_H
#define CCELLSUPPORT_H

/// Called with the boxed Swift error when a cell's top-level code throws.
typedef void (*realnvp_top_level_error_hook)(void *error);

/// Installs the hook the executor's `swift_errorInMain` calls (NULL restores the default abort).
void realnvp_set_top_level_error_hook(realnvp_top_level_error_hook hook);

#endif
