/*
 * Error reporting: functions that can fail take a `pr_error *` and return
 * false (or NULL) after filling it. Callers add context on the way up with
 * pr_error_prefix, so the final message reads from the kustomization the
 * user named down to the offending file, line and column.
 */
#ifndef PLEO_ERROR_H
#define PLEO_ERROR_H

#include <stdbool.h>

#include "pleo/strbuf.h"

typedef struct {
    pr_strbuf msg;  /* empty when no error has been recorded */
    char *src_path; /* file the innermost problem is in, or NULL */
    int line, col;  /* its 1-based position, when src_path is set */
} pr_error;

/* Initializes an error with no message. Release with pr_error_release. */
void pr_error_init(pr_error *err);

/* Frees the message. */
void pr_error_release(pr_error *err);

/* Replaces the message; always returns false so callers can `return
 * pr_error_set(...)`. A NULL `err` is allowed and ignored. */
bool pr_error_set(pr_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Puts context in front of the message, separated by ": ". Returns false. */
bool pr_error_prefix(pr_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* pr_error_set for a problem at `line`:`col` of `path`: the message starts
 * with "path:line:col: " and the location is recorded. Returns false. */
bool pr_error_at(pr_error *err, const char *path, int line, int col,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Records where in which file the problem is, so a front end can show the
 * offending line. Kept through later pr_error_prefix calls. */
void pr_error_locate(pr_error *err, const char *path, int line, int col);

/* True when a message has been recorded. */
bool pr_error_isset(const pr_error *err);

/* The message, or "" when none. */
const char *pr_error_text(const pr_error *err);

#endif
