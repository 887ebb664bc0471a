/*
 * Internal interfaces of the build pipeline: the per-build context, the
 * loaded kustomization, and one entry point per generator and transformer
 * (each in its own file under src/generators or src/transformers).
 *
 *   load kustomization -> accumulate resources (bases first) -> transformer
 *   configuration -> generators -> transformers in kustomize's order ->
 *   (top level only) hash suffixes -> name references -> local configs
 *   dropped -> sort order -> emit
 */
#ifndef PLEO_KUST_PIPELINE_H
#define PLEO_KUST_PIPELINE_H

#include <stdbool.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/fs.h"
#include "pleo/node.h"
#include "pleo/resource.h"
#include "pleo/strbuf.h"
#include "pleo/tconfig.h"

/* A kustomization's `sortOptions`, as read; its values are checked only
 * where they count, at the top level. */
typedef struct {
    bool given;                /* present and not null */
    const char *path;          /* the kustomization file, for errors */
    const pr_node *node, *order_node, *legacy_node;
    const char *order;         /* "" when not given */
    bool legacy_given;         /* legacySortOptions present and not null */
    const char *const *first, *const *last; /* orderFirst, orderLast */
    size_t first_len, last_len;
} pr_sort_options;

typedef struct {
    pr_arena *a;
    const pr_fs *fs;
    pr_strbuf *warnings;
    bool load_restrict_none;
    const char **stack; /* canonical dirs of kustomizations being built */
    size_t depth, stack_cap;
    pr_sort_options sort; /* the top-level kustomization's */
    size_t smp_work;      /* list items strategic merges visited */
    const pr_tconfig *builtin_tconfig; /* made on first use */
} pr_build_ctx;

typedef struct {
    const char *dir;       /* directory as reached from the build root */
    const char *canonical; /* canonical directory, for load restrictions */
    const char *path;      /* the kustomization file */
    pr_node *root;         /* its parsed content */
    /* What its transformers touch: its `configurations` merged into those
     * of the kustomizations it includes. Set once resources are read. */
    const pr_tconfig *tconfig;
} pr_kustomization;

/* Finds, reads and validates the kustomization file in `dir`. */
bool pr_kustomization_load(pr_build_ctx *ctx, const char *dir,
                           pr_kustomization *out, pr_error *err);

/* Reads a file that the kustomization refers to, enforcing the load
 * restrictor (files must lie within the kustomization's directory). */
bool pr_kustomization_read_file(pr_build_ctx *ctx, const pr_kustomization *k,
                                const char *rel, pr_strbuf *out,
                                const char **path_out, pr_error *err);

/* Checks that `v` is a mapping of strings (labels, annotations). */
bool pr_check_string_map(const pr_kustomization *k, const pr_node *v,
                         const char *field, pr_error *err);

/* Parses a YAML stream of objects into resources (List kinds expanded,
 * empty documents skipped) appended to `m`. */
bool pr_load_resources(pr_build_ctx *ctx, const char *filename,
                       const char *data, size_t len, pr_resmap *m,
                       pr_error *err);

/* Builds a kustomization directory into `m` (everything but the final
 * top-level passes); `*tconfig` receives its transformer configuration,
 * which the including kustomization merges into its own. */
bool pr_accumulate(pr_build_ctx *ctx, const char *dir, pr_resmap *m,
                   const pr_tconfig **tconfig, pr_error *err);

/* The builtin transformer configuration merged with the files `k` lists
 * under `configurations` (src/kust/tconfig.c). */
bool pr_tconfig_read(pr_build_ctx *ctx, const pr_kustomization *k,
                     const pr_tconfig **out, pr_error *err);

/* Generators. */
bool pr_gen_configmaps(pr_build_ctx *ctx, const pr_kustomization *k,
                       pr_resmap *m, pr_error *err);
bool pr_gen_secrets(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                    pr_error *err);

/* Transformers, in the order kustomize runs them. */
bool pr_tf_patches_strategic_merge(pr_build_ctx *ctx, const pr_kustomization *k,
                                   pr_resmap *m, pr_error *err);
bool pr_tf_patches(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                   pr_error *err);
bool pr_tf_namespace(pr_build_ctx *ctx, const pr_kustomization *k,
                     pr_resmap *m, pr_error *err);
bool pr_tf_prefix_suffix(pr_build_ctx *ctx, const pr_kustomization *k,
                         pr_resmap *m, pr_error *err);
bool pr_tf_labels(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                  pr_error *err);
bool pr_tf_annotations(pr_build_ctx *ctx, const pr_kustomization *k,
                       pr_resmap *m, pr_error *err);
bool pr_tf_patches_json6902(pr_build_ctx *ctx, const pr_kustomization *k,
                            pr_resmap *m, pr_error *err);
bool pr_tf_replicas(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                    pr_error *err);
bool pr_tf_images(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                  pr_error *err);
bool pr_tf_replacements(pr_build_ctx *ctx, const pr_kustomization *k, pr_resmap *m,
                        pr_error *err);

/* Final passes over the whole tree. */
bool pr_tf_hash_suffixes(pr_build_ctx *ctx, pr_resmap *m, pr_error *err);
bool pr_tf_name_references(pr_build_ctx *ctx, const pr_tconfig *tconfig,
                           pr_resmap *m, pr_error *err);
bool pr_tf_drop_local_configs(pr_build_ctx *ctx, pr_resmap *m, pr_error *err);

/* Reads and type-checks `k`'s sortOptions into `out` (NULL: only check). */
bool pr_sort_options_read(pr_build_ctx *ctx, const pr_kustomization *k,
                          pr_sort_options *out, pr_error *err);

/* Orders `m` for output as `o` says: kustomize's legacy order when not
 * given, the accumulation order for "fifo". */
bool pr_tf_sort_order(pr_build_ctx *ctx, const pr_sort_options *o, pr_resmap *m,
                      pr_error *err);

#endif
