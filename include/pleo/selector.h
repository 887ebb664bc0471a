/*
 * Resource selectors as kustomize's `target:` fields spell them: group,
 * version, kind, name and namespace (each an anchored regular
 * expression), labelSelector and annotationSelector (equality terms,
 * comma separated).
 */
#ifndef PLEO_SELECTOR_H
#define PLEO_SELECTOR_H

#include <stdbool.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/node.h"
#include "pleo/regex.h"
#include "pleo/resource.h"

/* Which of the selector's regular expressions are set. */
enum { PR_SEL_GROUP, PR_SEL_VERSION, PR_SEL_KIND, PR_SEL_NAME, PR_SEL_NAMESPACE, PR_SEL_FIELDS };

typedef struct {
    const char *label_selector, *annotation_selector;
    pr_regex *re[PR_SEL_FIELDS]; /* NULL: the field matches anything */
} pr_selector;

/* Reads a `target:` mapping. Release with pr_selector_release. */
bool pr_selector_parse(pr_arena *a, const pr_node *target, pr_selector *out,
                       pr_error *err);

/* Frees the compiled expressions. */
void pr_selector_release(pr_selector *sel);

/* Sets `*selected` when the selector picks the resource: name and
 * namespace may match either the original or the current id, as in
 * kustomize. Fails only when a pattern is too costly to match. */
bool pr_selector_match(pr_arena *a, const pr_selector *sel, const pr_resource *r,
                       bool *selected, pr_error *err);

#endif
