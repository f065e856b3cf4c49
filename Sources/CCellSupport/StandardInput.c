// Swift's readLine() reads standard input with getline(3), which glibc's headers turn into a
// call of __getdelim from libswiftCore. The executor exports these definitions (it links with
// --export-dynamic), so those calls bind here: with a hook installed, a line read from stdin
// comes from the notebook's frontend instead.
#define _GNU_SOURCE
#include "CCellSupport.h"
#include <dlfcn.h>
#include <stdio.h>

static realnvp_input_hook current_input_hook = NULL;

void realnvp_set_input_hook(realnvp_input_hook hook) { current_input_hook = hook; }

ssize_t __getdelim(char **lineptr, size_t *n, int delimiter, FILE *stream) {
  if (stream == stdin && delimiter == '\n' && current_input_hook != NULL) {
    return current_input_hook(lineptr, n);
  }
  static ssize_t (*next)(char **, size_t *, int, FILE *) = NULL;
  if (next == NULL) {
    next = (ssize_t(*)(char **, size_t *, int, FILE *))dlsym(RTLD_NEXT, "__getdelim");
  }
  return next(lineptr, n, delimiter, stream);
}

ssize_t getline(char **lineptr, size_t *n, FILE *stream) { return __getdelim(lineptr, n, '\n', stream); }
