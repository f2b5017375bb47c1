// Foresight — CMuJoCoGuard
// Copyright (c) 2026 the Foresight developers. MIT License.

#include "CMuJoCoGuard.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The innermost guarded call on this thread: where an error jumps back to, and its message.
static _Thread_local jmp_buf *guardTarget = NULL;
static _Thread_local char guardMessage[1024];

static void onError(const char *message) {
    if (guardTarget != NULL) {
        snprintf(guardMessage, sizeof guardMessage, "%s", message);
        longjmp(*guardTarget, 1);
    }
    // A MuJoCo error outside a guarded call cannot be returned to anyone: MuJoCo's own behaviour.
    fprintf(stderr, "MuJoCo error outside a guarded call: %s\n", message);
    abort();
}

// Warnings are counted by MuJoCo in mjData.warning; the Swift layer reads the counters.
static void onWarning(const char *message) { (void)message; }

static pthread_once_t handlersOnce = PTHREAD_ONCE_INIT;

static void installHandlers(void) {
    mju_user_error = onError;
    mju_user_warning = onWarning;
}

void foresight_mj_install_handlers(void) { pthread_once(&handlersOnce, installHandlers); }

static void copyMessage(char *error, int errorLength) {
    if (error != NULL && errorLength > 0) snprintf(error, (size_t)errorLength, "%s", guardMessage);
}

// Runs `body` under the handler. `volatile` keeps the saved target valid across the jump.
#define GUARDED(body)                                              \
    foresight_mj_install_handlers();                               \
    jmp_buf target;                                                \
    jmp_buf *volatile previous = guardTarget;                      \
    if (setjmp(target) != 0) {                                     \
        guardTarget = previous;                                    \
        copyMessage(error, errorLength);                           \
        return FAILED;                                             \
    }                                                              \
    guardTarget = &target;                                         \
    body;                                                          \
    guardTarget = previous;

mjModel *foresight_mj_loadXML(const char *path, char *error, int errorLength) {
#define FAILED NULL
    mjModel *volatile m = NULL;
    GUARDED(m = mj_loadXML(path, NULL, error, errorLength))
    return m;
#undef FAILED
}

mjData *foresight_mj_makeData(const mjModel *m, char *error, int errorLength) {
#define FAILED NULL
    mjData *volatile d = NULL;
    GUARDED(d = mj_makeData(m))
    return d;
#undef FAILED
}

int foresight_mj_step(const mjModel *m, mjData *d, int steps, int postConstraint, char *error, int errorLength) {
#define FAILED 1
    GUARDED({
        for (int i = 0; i < steps; i++) mj_step(m, d);
        if (postConstraint) mj_rnePostConstraint(m, d);
    })
    return 0;
#undef FAILED
}

int foresight_mj_forward(const mjModel *m, mjData *d, char *error, int errorLength) {
#define FAILED 1
    GUARDED(mj_forward(m, d))
    return 0;
#undef FAILED
}

int foresight_mj_resetData(const mjModel *m, mjData *d, char *error, int errorLength) {
#define FAILED 1
    GUARDED(mj_resetData(m, d))
    return 0;
#undef FAILED
}
