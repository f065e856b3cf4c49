#ifndef CPROCESSCONTROL_H
#define CPROCESSCONTROL_H

/// Makes the calling process the reaper of its orphaned descendants (Linux
/// PR_SET_CHILD_SUBREAPER), so that it can wait for an executor whose parent died.
/// Returns 0 on success, -1 (with errno) where the system does not support it.
int realnvp_become_child_subreaper(void);

#endif
