/*
 * What configMapGenerator and secretGenerator share: reading an entry's
 * key/value sources and options (merged with the kustomization's
 * generatorOptions), the generated object's skeleton, and folding the
 * result into the resource map by behavior (create, merge, replace).
 */
#ifndef PLEO_GENERATORS_GENERATOR_H
#define PLEO_GENERATORS_GENERATOR_H

#include "kust/pipeline.h"
#include "pleo/kv.h"

typedef struct {
    const char *field;     /* "configMapGenerator" or "secretGenerator" */
    const char *kind;      /* "ConfigMap" or "Secret" */
    const char *const *extra_fields; /* entry fields beyond the common ones */
    const char *generator; /* the builtin plugin's kind, for origins */
} pr_generator_kind;

/* One entry of a generator list, read and validated. */
typedef struct {
    const pr_node *entry;
    const char *name;
    pr_kv_list kvs;       /* env files, then literals, then files */
    pr_resource *res;     /* object with metadata set, data to be filled */
} pr_generated;

/* Reads entry `entry` of `gk->field`: checks its fields, loads its
 * sources, and creates the object with name, namespace, options (merged
 * over `global`, the kustomization's generatorOptions, NULL for none) and
 * behavior applied. */
bool pr_generator_start(pr_build_ctx *ctx, const pr_kustomization *k,
                        const pr_generator_kind *gk, const pr_node *entry,
                        const pr_node *global, pr_generated *out, pr_error *err);

/* Start, fill and add one entry; the object gets `origin` (NULL: none)
 * unless it has an origin annotation already. */
bool pr_generator_run_entry(pr_build_ctx *ctx, const pr_kustomization *k,
                            const pr_generator_kind *gk, const pr_node *entry,
                            const pr_node *global, const pr_origin *origin, pr_resmap *m,
                            bool (*fill)(pr_build_ctx *, const pr_kustomization *,
                                         pr_generated *, pr_error *),
                            pr_error *err);

/* Adds a finished object to `m` according to its behavior. */
bool pr_generator_add(pr_build_ctx *ctx, const pr_kustomization *k,
                      pr_resmap *m, pr_resource *res, pr_error *err);

/* Base64 of `n` bytes as kustomize stores generated values: standard
 * alphabet, and once the encoding reaches 70 characters, broken into
 * lines of 70, each ending in a newline. */
char *pr_base64(pr_arena *a, const char *data, size_t n);

/* Runs `build` over every entry of the kustomization's `gk->field` list. */
bool pr_generator_run(pr_build_ctx *ctx, const pr_kustomization *k,
                      const pr_generator_kind *gk, pr_resmap *m,
                      bool (*fill)(pr_build_ctx *, const pr_kustomization *,
                                   pr_generated *, pr_error *),
                      pr_error *err);

#endif
