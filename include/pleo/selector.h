/*
 * Resource selectors as kustomize's `target:` fields spell them: group,
 * version, kind, name and namespace (names and namespaces are anchored
 * regular expressions), labelSelector and annotationSelector (equality
 * terms, comma separated).
 */
#ifndef PLEO_SELECTOR_H
#define PLEO_SELECTOR_H

#include <regex.h>
#include <stdbool.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/node.h"
#include "pleo/resource.h"

typedef struct {
    pr_gvk gvk;
    const char *name, *namespace;
    const char *label_selector, *annotation_selector;
    regex_t name_re, namespace_re;
    bool has_name_re, has_namespace_re;
} pr_selector;

/* Reads a `target:` mapping. Release with pr_selector_release. */
bool pr_selector_parse(pr_arena *a, const pr_node *target, pr_selector *out,
                       pr_error *err);

/* Frees the compiled expressions. */
void pr_selector_release(pr_selector *sel);

/* True when the selector picks the resource (by its current id). */
bool pr_selector_matches(pr_arena *a, const pr_selector *sel,
                         const pr_resource *r);

#endif
