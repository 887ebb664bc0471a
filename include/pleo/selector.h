/*
 * Resource selectors as kustomize's `target:` fields spell them: group,
 * version, kind, name and namespace (each an anchored regular
 * expression), labelSelector and annotationSelector (Kubernetes label
 * selector expressions, see pleo/label_selector.h).
 */
#ifndef PLEO_SELECTOR_H
#define PLEO_SELECTOR_H

#include <stdbool.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/label_selector.h"
#include "pleo/node.h"
#include "pleo/regex.h"
#include "pleo/resource.h"

/* Which of the selector's regular expressions are set. */
enum { PR_SEL_GROUP, PR_SEL_VERSION, PR_SEL_KIND, PR_SEL_NAME, PR_SEL_NAMESPACE, PR_SEL_FIELDS };

/* One of the two metadata selectors. kustomize reports a malformed one
 * only when an object reaches it, so its error waits here till then. */
typedef struct {
    const char *text;              /* NULL: matches anything */
    const pr_label_selector *expr; /* NULL when `text` is malformed */
    const char *error;             /* why `text` is malformed */
} pr_metadata_selector;

typedef struct {
    pr_metadata_selector labels, annotations;
    pr_regex *re[PR_SEL_FIELDS]; /* NULL: the field matches anything */
} pr_selector;

/* Reads a `target:` mapping. Release with pr_selector_release. */
bool pr_selector_parse(pr_arena *a, const pr_node *target, pr_selector *out,
                       pr_error *err);

/* Frees the compiled expressions. */
void pr_selector_release(pr_selector *sel);

/* Sets `*selected` when the selector picks the resource: name and
 * namespace may match either the original or the current id, as in
 * kustomize. Fails when a pattern is too costly to match or when the
 * object reaches a malformed label or annotation selector. */
bool pr_selector_match(pr_arena *a, const pr_selector *sel, const pr_resource *r,
                       bool *selected, pr_error *err);

#endif
