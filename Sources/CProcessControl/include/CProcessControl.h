#ifndef CPROCESSCONTROL_H
#define CPROCESSCONTROL_H

/// Makes the calling process the reaper of its orphaned descendants (Linux
/// PR_SET_CHILD_SUBREAPER), so that it can wait for an executor whose parent died.
/// Returns 0 on success, -1 (with errno) where the system does not support it.
int realnvp_become_child_subreaper(void);

/// pipe(2) with both ends close-on-exec from the start (pipe2 with O_CLOEXEC), so that no
/// program another thread starts can inherit them. Returns 0, or -1 with errno.
int realnvp_cloexec_pipe(int fds[2]);

/// glibc malloc settings for a process that allocates the same large blocks every step: blocks
/// up to 32 MiB come from the heap rather than fresh mmaps, and freed memory stays in the heap
/// (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD, M_TOP_PAD). Returns 1 when all were applied, else 0.
int realnvp_keep_step_memory(void);

#endif
