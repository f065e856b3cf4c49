#ifndef CCELLSUPPORT_H
#define CCELLSUPPORT_H

#include <stddef.h>
#include <sys/types.h>

/// Called with the boxed Swift error when a cell's top-level code throws.
typedef void (*realnvp_top_level_error_hook)(void *error);

/// Installs the hook the executor's `swift_errorInMain` calls (NULL restores the default abort).
void realnvp_set_top_level_error_hook(realnvp_top_level_error_hook hook);

/// Reads one line for the cell's standard input into a malloc'ed `*lineptr` of capacity
/// `*n` (getline's contract); returns its length including the newline, or -1 at the end.
typedef ssize_t (*realnvp_input_hook)(char **lineptr, size_t *n);

/// Installs the hook the executor's `getline` uses for standard input (NULL: read fd 0).
void realnvp_set_input_hook(realnvp_input_hook hook);

#endif
