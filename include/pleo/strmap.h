/*
 * A string-keyed hash map living in an arena: keys are borrowed (they must
 * outlive the map, which they do when they live in the same arena) and
 * values are opaque pointers. Used wherever a pass would otherwise compare
 * every object with every other.
 */
#ifndef PLEO_STRMAP_H
#define PLEO_STRMAP_H

#include <stddef.h>

#include "pleo/arena.h"

typedef struct pr_strmap pr_strmap;

/* Creates an empty map. */
pr_strmap *pr_strmap_new(pr_arena *a);

/* The value stored under `key`, or NULL. */
void *pr_strmap_get(const pr_strmap *m, const char *key);

/* The slot for `key`, created (holding NULL) when absent; store through it. */
void **pr_strmap_slot(pr_strmap *m, const char *key);

#endif
