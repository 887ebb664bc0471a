/*
 * Running an external program (helm, git) the way Go's os/exec runs it for
 * kustomize: the command is looked up in $PATH unless it holds a '/', the
 * parent's environment is passed on with extra variables appended (a later
 * entry wins, as in Go), stdout and stderr are collected separately, and
 * nothing is read from stdin.
 */
#ifndef PLEO_PROC_H
#define PLEO_PROC_H

#include <stdbool.h>

#include "pleo/error.h"
#include "pleo/strbuf.h"

typedef struct {
    const char *const *argv;      /* argv[0] is the command; NULL-terminated */
    const char *const *extra_env; /* "K=V" entries added to the environment, NULL-terminated, or NULL */
    const char *cwd;              /* working directory, NULL: the current one */
    int timeout_ms;               /* > 0: the program is killed after this long */
} pr_proc;

/* Runs `p` to completion, appending its stdout to `out` and its stderr to
 * `errout` (both caller-owned). Returns false only when the program could
 * not be started or waited for, with Go's wording in `err`
 * (`exec: "helm": executable file not found in $PATH`). Otherwise
 * `*exit_code` is its exit status (128+N when killed by signal N) and
 * `*timed_out` says whether the timeout killed it. */
bool pr_proc_run(const pr_proc *p, pr_strbuf *out, pr_strbuf *errout,
                 int *exit_code, bool *timed_out, pr_error *err);

/* Removes `path` and everything below it, not following symlinks;
 * best effort (temporary directories). */
void pr_remove_tree(const char *path);

#endif
