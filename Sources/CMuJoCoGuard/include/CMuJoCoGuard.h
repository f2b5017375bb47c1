// Foresight — CMuJoCoGuard
// Copyright (c) 2026 the Foresight developers. MIT License.
//
// MuJoCo reports fatal errors through `mju_user_error`; with no handler it prints the message and calls exit().
// These wrappers run MuJoCo calls under a handler that jumps back here instead, so a MuJoCo error becomes a
// return code and a message that Swift turns into a thrown error. Warnings (counted in mjData.warning) are
// kept out of stdout and out of the MUJOCO_LOG.TXT file MuJoCo's default handler writes.
#ifndef FORESIGHT_CMUJOCOGUARD_H
#define FORESIGHT_CMUJOCOGUARD_H

#include <mujoco/mujoco.h>

/// Installs Foresight's MuJoCo error and warning handlers (once per process; later calls do nothing).
void foresight_mj_install_handlers(void);

/// mj_loadXML with MuJoCo's parser message in `error`; NULL on failure (parse error or MuJoCo error).
mjModel *foresight_mj_loadXML(const char *path, char *error, int errorLength);

/// mj_makeData; NULL with `error` filled on a MuJoCo error.
mjData *foresight_mj_makeData(const mjModel *m, char *error, int errorLength);

/// `steps` calls of mj_step, then mj_rnePostConstraint when `postConstraint` is non-zero (so cacc, cfrc_int
/// and cfrc_ext hold the step's values). Returns 0, or 1 with `error` filled on a MuJoCo error.
int foresight_mj_step(const mjModel *m, mjData *d, int steps, int postConstraint, char *error, int errorLength);

/// mj_forward. Returns 0, or 1 with `error` filled on a MuJoCo error.
int foresight_mj_forward(const mjModel *m, mjData *d, char *error, int errorLength);

/// mj_resetData. Returns 0, or 1 with `error` filled on a MuJoCo error.
int foresight_mj_resetData(const mjModel *m, mjData *d, char *error, int errorLength);

#endif
