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
    pr_strbuf msg; /* empty when no error has been recorded */
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

/* True when a message has been recorded. */
bool pr_error_isset(const pr_error *err);

/* The message, or "" when none. */
const char *pr_error_text(const pr_error *err);

#endif
