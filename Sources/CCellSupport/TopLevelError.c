// A cell's top-level code is script-mode `main`: an error thrown there and not caught is
// handed to the runtime's swift_errorInMain, which ends the process. The executor exports
// this definition (it links with --export-dynamic), so cell libraries bind to it instead:
// the executor reports the error and ends only the cell's thread, keeping earlier state.
#include "CCellSupport.h"
#include <stdio.h>
#include <stdlib.h>

static realnvp_top_level_error_hook current_hook = NULL;

void realnvp_set_top_level_error_hook(realnvp_top_level_error_hook hook) { current_hook = hook; }

void swift_errorInMain(void *error) {
  if (current_hook != NULL) {
    current_hook(error);  // does not return: it ends the cell's thread
  }
  fprintf(stderr, "Fatal error: Error raised at top level\n");
  abort();
}
