// prctl is variadic, which Swift cannot call, pipe2 needs _GNU_SOURCE, and mallopt's header is
// not in Swift's Glibc module; these wrap the uses the kernel and the realnvp tool have for them.
#define _GNU_SOURCE
#include "CProcessControl.h"

#include <fcntl.h>
#include <malloc.h>
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

int realnvp_keep_step_memory(void) {
  int applied = mallopt(M_MMAP_THRESHOLD, 32 << 20);
  applied &= mallopt(M_TRIM_THRESHOLD, 0x7fffffff);
  applied &= mallopt(M_TOP_PAD, 64 << 20);
  return applied;
}
