#ifndef CPROCESSCONTROL_H
#define CPROCESSCONTROL_H

/// Makes the calling process the reaper of its orphaned descendants (Linux
/// PR_SET_CHILD_SUBREAPER), so that it can wait for an executor whose parent died.
/// Returns 0 on success, -1 (with errno) where the system does not support it.
int realnvp_become_child_subreaper(void);

/// pipe(2) with both ends close-on-exec from the start (pipe2 with O_CLOEXEC), so that no
/// program another thread starts can inherit them. Returns 0, or -1 with errno.
int realnvp_cloexec_pipe(int fds[2]);

#endif
