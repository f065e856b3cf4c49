// prctl is variadic, which Swift cannot call, and pipe2 needs _GNU_SOURCE; these wrap the uses
// the kernel has for them.
#define _GNU_SOURCE
#include "CProcessControl.h"

#include <fcntl.h>
#include <unistd.h>

int realnvp_cloexec_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

#if defined(__linux__)
#include <sys/prctl.h>

int realnvp_become_child_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }
#else
#include <errno.h>

int realnvp_become_child_subreaper(void) {
  errno = ENOSYS;
  return -1;
}
#endif
