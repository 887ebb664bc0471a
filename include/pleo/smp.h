/*
 * Strategic merge patches as kustomize v5.5 applies them.
 *
 * kustomize does not use the API server's strategic merge (apimachinery)
 * but kyaml's merge walker, and the output must match it, quirks included:
 *
 *  - maps merge key by key; `null` in the patch deletes a field;
 *  - a list merges by key only when the OpenAPI schema of the object's kind
 *    gives the list a "merge" patch strategy (containers by name, ports by
 *    containerPort and protocol, ...); patch items come first, in patch
 *    order, followed by the object's items the patch did not mention;
 *    lists of scalars with that strategy become a union in the same order;
 *  - every other list, and every list of a kind the schema does not know
 *    (custom resources), is replaced by the patch's;
 *  - `$patch: delete | replace | merge` works on maps and, as a list item,
 *    on lists; on a list item with other fields it is kept as a field.
 *    `$setElementOrder/...`, `$deleteFromPrimitiveList/...` and
 *    `$retainKeys` are not directives to kustomize: they stay in the output
 *    as ordinary fields.
 */
#ifndef PLEO_SMP_H
#define PLEO_SMP_H

#include <stdbool.h>
#include <stddef.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/node.h"

/* List items strategic merges may visit in one build (see spend() in
 * smp.c): a fraction of a second, far beyond any real overlay. */
#define PR_SMP_MAX_WORK 20000000

/* Merges `patch` into `obj` in place. The schema comes from the
 * apiVersion and kind of `obj` (else of `patch`). `patch` is consumed: its
 * nodes may be moved into `obj` and its directives are removed, so pass a
 * copy when it is used again. Sets *deleted when the patch deletes the
 * whole object (`$patch: delete` at the top). `*work` counts the list
 * items visited, across the merges of one build (NULL: this merge alone);
 * past PR_SMP_MAX_WORK the merge fails. On failure `obj` may be partly
 * merged; the message names the field. */
bool pr_smp_merge(pr_arena *a, pr_node *obj, pr_node *patch, size_t *work,
                  bool *deleted, pr_error *err);

/* The root schema of a kind in the OpenAPI table, or -1 when the table
 * does not know the kind. */
int pr_smp_schema_for(const char *api_version, const char *kind);

/* An OpenAPI schema as merges consult it: the builtin one (Kubernetes
 * v1.21.2, kustomize's default and only builtin version) or a custom one
 * a kustomization's `openapi: {path: ...}` names (src/kust/openapi.c). */
typedef struct pr_openapi pr_openapi;

/* The builtin schema (static, never freed). */
const pr_openapi *pr_openapi_builtin(void);

/* The root schema of a kind in `t`, or -1. */
int pr_openapi_schema_for(const pr_openapi *t, const char *api_version, const char *kind);

/* Parses an OpenAPI (swagger 2) document, JSON or YAML as kustomize
 * accepts it, into a schema allocated in `a`: the definitions that carry
 * x-kubernetes-group-version-kind become kinds, $refs to
 * #/definitions/NAME are followed, and lists take their patch strategy
 * and merge keys from x-kubernetes-patch-strategy and
 * x-kubernetes-list-map-keys or x-kubernetes-patch-merge-key. Errors name
 * `filename` (with line:column for YAML problems). */
bool pr_openapi_parse(pr_arena *a, const char *filename, const char *data, size_t len,
                      const pr_openapi **out, pr_error *err);

/* pr_smp_merge with the merge keys of `schema` (NULL: the builtin one). */
bool pr_smp_merge_with(pr_arena *a, const pr_openapi *schema, pr_node *obj, pr_node *patch,
                       size_t *work, bool *deleted, pr_error *err);

#endif
