/*
 * Kubernetes label selector expressions, as patch targets' labelSelector
 * and annotationSelector spell them: comma-separated requirements `key`,
 * `!key`, `key=value`, `key==value`, `key!=value`, `key in (a,b)`,
 * `key notin (a,b)`, `key>n` and `key<n`, with keys and values held to
 * Kubernetes' label syntax. kustomize parses them with the API
 * machinery's parser; syntax, validation and error wording follow it.
 */
#ifndef PLEO_LABEL_SELECTOR_H
#define PLEO_LABEL_SELECTOR_H

#include <stdbool.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/node.h"

typedef struct pr_label_selector pr_label_selector;

/* Parses `text` into arena memory. NULL with `err` set, in the API
 * machinery's words, when the syntax, a key or a value is invalid. */
pr_label_selector *pr_label_selector_parse(pr_arena *a, const char *text, pr_error *err);

/* Whether the string map `set` (labels or annotations; NULL or not a
 * mapping for none) meets every requirement. */
bool pr_label_selector_matches(const pr_label_selector *sel, const pr_node *set);

#endif
