/*
 * The `options.delimiter` / `options.index` arithmetic of kustomize's
 * replacements (FieldOptions), kept apart from the transformer so it can
 * be tested on its own. Strings are allocated in the arena given.
 */
#ifndef PLEO_REPLACEMENT_H
#define PLEO_REPLACEMENT_H

#include "pleo/arena.h"

/* A source's part: `value` split on every occurrence of `delimiter`
 * (non-empty), part number `index`. NULL when `index` is negative or past
 * the last part, which kustomize reports as out of bounds. */
const char *pr_delimited_part(pr_arena *a, const char *value, const char *delimiter,
                              long long index);

/* A target's new text: `target` split on `delimiter` with part `index`
 * replaced by `part`. As in kustomize, a negative index puts `part` in
 * front and an index past the last part appends it (joined with the
 * delimiter), instead of failing. */
const char *pr_delimited_splice(pr_arena *a, const char *target, const char *delimiter,
                                long long index, const char *part);

#endif
